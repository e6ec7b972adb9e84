/**
 * Every label of Sigil's one-to-one protocol (spec/one-to-one.md §1): ASCII strings beginning
 * `Sigil/v1/`, used as the `label` of `SignContent` (§1.2) or as HKDF `info`. One constant per
 * label, so no label is spelled twice and two uses can never collide by accident.
 *
 * Append new labels at the end (the ratchet labels follow the identity ones); never change one:
 * a label is part of the wire protocol.
 *
 * @module
 */

/** The prefix of every label (§1). */
export const LABEL_PREFIX = 'Sigil/v1/';

/** §2: `SignWithLabel(AK, "DeviceCertificate", DeviceCertificateTBS)`. */
export const LABEL_DEVICE_CERTIFICATE = 'Sigil/v1/DeviceCertificate';

/** §2: `SignWithLabel(AK, "DeviceList", DeviceListTBS)`. */
export const LABEL_DEVICE_LIST = 'Sigil/v1/DeviceList';

/** §3: `SignWithLabel(DSK, "SignedPreKey", SignedPreKeyTBS)`. */
export const LABEL_SIGNED_PRE_KEY = 'Sigil/v1/SignedPreKey';

/** §3: `SignWithLabel(DSK, "KemPreKey", KemPreKeyTBS)`. */
export const LABEL_KEM_PRE_KEY = 'Sigil/v1/KemPreKey';

/**
 * §4: HKDF `info` of the PQXDH session key SK. It names the curve, the KEM and the hash, as
 * PQXDH's `info` does, so a change of any of them changes every derived key.
 */
export const LABEL_PQXDH = 'Sigil/v1/PQXDH/X25519/ML-KEM-1024/SHA-256';

/**
 * Relay device authentication (issue 4): `SignWithLabel(DSK, "RelayAuth", challenge)`, where the
 * challenge binds the relay origin, its nonce and the challenge id. Its own label keeps a relay
 * login signature from ever being accepted as a prekey or certificate signature.
 */
export const LABEL_RELAY_AUTH = 'Sigil/v1/RelayAuth';

/** §5: HKDF `info` of the root-key KDF, `KDF_RK(rk, dh, kem)`. */
export const LABEL_RATCHET_ROOT = 'Sigil/v1/Ratchet/Root';

/** §5: HKDF `info` of `MessageKeys(mk)`, which derives the AES-256-GCM key and nonce. */
export const LABEL_RATCHET_MESSAGE_KEYS = 'Sigil/v1/Ratchet/MessageKeys';

/** §7: the AES-256-GCM associated data of a sealed session record. */
export const LABEL_SESSION_RECORD = 'Sigil/v1/SessionRecord';
