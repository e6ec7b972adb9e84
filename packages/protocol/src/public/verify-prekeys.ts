/**
 * Public verification of prekeys and prekey bundles (spec/one-to-one.md §3). No secrets: the
 * relay checks uploads with {@link verifySignedPreKey} and {@link verifyKemPreKey}; an initiator
 * checks a fetched bundle with {@link verifyPreKeyBundle} before PQXDH (§4).
 *
 * Bundle checks, in the order of spec §3:
 * 1. the device certificate: its account key is the one trusted for the peer
 *    (`IDENTITY_MISMATCH`) and its signature verifies under it (`SIGNATURE_INVALID`);
 * 2. the signed prekey under the certificate's signing key (`SIGNATURE_INVALID`);
 * 3. the one-time prekey, if present, is X25519 (`UNSUPPORTED_KEY_TYPE`);
 * 4. a KEM prekey is present and is ML-KEM-1024 (`PQXDH_KEM_REQUIRED`: anything else is a
 *    downgrade to classical X3DH);
 * 5. the KEM prekey under the certificate's signing key (`SIGNATURE_INVALID`).
 * Version and key-type checks (`UNSUPPORTED_VERSION`, `UNSUPPORTED_KEY_TYPE`,
 * `INVALID_KEY_LENGTH`) come first in each step.
 *
 * @example
 * ```ts
 * const bundle = verifyPreKeyBundle(crypto, decodePreKeyBundle(bytes), trustedAccountKey);
 * pqxdh(ctx, bundle); // only a VerifiedPreKeyBundle is accepted
 * ```
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import {
  type KemPreKey,
  type KemPreKeyKind,
  KemPreKeyTBS,
  KeyType,
  type PreKeyBundle,
  type SignedPreKey,
  SignedPreKeyTBS,
} from '@sigil/wire/formats';
import { LABEL_KEM_PRE_KEY, LABEL_SIGNED_PRE_KEY } from '../labels.ts';
import type { Verified } from './brand.ts';
import { requireKeyType } from './checks.ts';
import { verifyWithLabel } from './sign-with-label.ts';
import { type VerifiedDeviceCertificate, verifyDeviceCertificate } from './verify-identity.ts';

/** A signed prekey whose signature under a device signing key has been checked. */
export interface VerifiedSignedPreKey extends Verified<'SignedPreKey'> {
  /** The signed prekey as received. */
  readonly signedPreKey: SignedPreKey;
  /** Its id. */
  readonly id: number;
  /** The 32-byte X25519 public key SPK. */
  readonly publicKey: Uint8Array;
  /** Creation time, ms since the epoch. */
  readonly createdAt: bigint;
}

/** A KEM prekey whose type (ML-KEM-1024) and signature have been checked. */
export interface VerifiedKemPreKey extends Verified<'KemPreKey'> {
  /** The KEM prekey as received. */
  readonly kemPreKey: KemPreKey;
  /** Its id. */
  readonly id: number;
  /** One-time or last-resort. */
  readonly kind: KemPreKeyKind;
  /** The 1568-byte ML-KEM-1024 encapsulation key PQPK. */
  readonly publicKey: Uint8Array;
  /** Creation time, ms since the epoch. */
  readonly createdAt: bigint;
}

/** An X25519 one-time prekey of a verified bundle (unsigned by design, spec §3). */
export interface BundleOneTimePreKey {
  /** Its id. */
  readonly id: number;
  /** The 32-byte X25519 public key OPK. */
  readonly publicKey: Uint8Array;
}

/** A prekey bundle that passed every check of spec §3: the only input PQXDH accepts. */
export interface VerifiedPreKeyBundle extends Verified<'PreKeyBundle'> {
  /** The bundle as received. */
  readonly bundle: PreKeyBundle;
  /** The peer device: account key, device id, identity key IK and signing key. */
  readonly device: VerifiedDeviceCertificate;
  /** SPK. */
  readonly signedPreKey: VerifiedSignedPreKey;
  /** OPK, if the relay had one. */
  readonly oneTimePreKey: BundleOneTimePreKey | undefined;
  /** PQPK (one-time or last-resort). */
  readonly kemPreKey: VerifiedKemPreKey;
}

/**
 * Verifies a signed prekey: an X25519 key and `SignWithLabel(DSK, "SignedPreKey", tbs)`.
 *
 * @param signingKey the 32-byte Ed25519 device signing key from the device's certificate.
 * @throws SigilError `UNSUPPORTED_KEY_TYPE`, `INVALID_KEY_LENGTH`; `SIGNATURE_INVALID`;
 *   `INVALID_KEY_LENGTH` if `signingKey` is not 32 bytes.
 */
export function verifySignedPreKey(
  crypto: CryptoProvider,
  signingKey: Uint8Array,
  spk: SignedPreKey,
): VerifiedSignedPreKey {
  const publicKey = requireKeyType(spk.tbs.key, KeyType.x25519);
  const content = encode(SignedPreKeyTBS, spk.tbs);
  if (!verifyWithLabel(crypto, signingKey, LABEL_SIGNED_PRE_KEY, content, spk.signature)) {
    throw new SigilError('SIGNATURE_INVALID', 'signed prekey signature does not verify');
  }
  return {
    signedPreKey: spk,
    id: spk.tbs.id,
    publicKey,
    createdAt: spk.tbs.createdAt,
  } as VerifiedSignedPreKey;
}

/**
 * Verifies a KEM prekey: an ML-KEM-1024 key and `SignWithLabel(DSK, "KemPreKey", tbs)`.
 * The encapsulation key's FIPS 203 §7.2 check happens at encapsulation
 * (`MLKEM_INVALID_ENCAPSULATION_KEY`), not here.
 *
 * @param signingKey the 32-byte Ed25519 device signing key from the device's certificate.
 * @throws SigilError `UNSUPPORTED_KEY_TYPE` if the key is not ML-KEM-1024;
 *   `INVALID_KEY_LENGTH`; `SIGNATURE_INVALID`.
 */
export function verifyKemPreKey(
  crypto: CryptoProvider,
  signingKey: Uint8Array,
  kpk: KemPreKey,
): VerifiedKemPreKey {
  const publicKey = requireKeyType(kpk.tbs.key, KeyType.mlKem1024);
  const content = encode(KemPreKeyTBS, kpk.tbs);
  if (!verifyWithLabel(crypto, signingKey, LABEL_KEM_PRE_KEY, content, kpk.signature)) {
    throw new SigilError('SIGNATURE_INVALID', 'KEM prekey signature does not verify');
  }
  return {
    kemPreKey: kpk,
    id: kpk.tbs.id,
    kind: kpk.tbs.kind,
    publicKey,
    createdAt: kpk.tbs.createdAt,
  } as VerifiedKemPreKey;
}

/**
 * Verifies a prekey bundle in the order of spec §3 (see the module comment).
 *
 * @param expectedAccountKey the 32-byte account key the initiator trusts for the peer (from
 *   its verified device list or a safety-number check).
 * @throws SigilError `IDENTITY_MISMATCH`, `SIGNATURE_INVALID`, `PQXDH_KEM_REQUIRED`,
 *   `UNSUPPORTED_VERSION`, `UNSUPPORTED_KEY_TYPE`, `INVALID_KEY_LENGTH`.
 */
export function verifyPreKeyBundle(
  crypto: CryptoProvider,
  bundle: PreKeyBundle,
  expectedAccountKey: Uint8Array,
): VerifiedPreKeyBundle {
  const device = verifyDeviceCertificate(crypto, bundle.device, expectedAccountKey);
  const signedPreKey = verifySignedPreKey(crypto, device.signingKey, bundle.signedPreKey);
  let oneTimePreKey: BundleOneTimePreKey | undefined;
  if (bundle.oneTimePreKey !== undefined) {
    const { id, key } = bundle.oneTimePreKey;
    oneTimePreKey = { id, publicKey: requireKeyType(key, KeyType.x25519) };
  }
  const kem = bundle.kemPreKey as KemPreKey | undefined;
  if (kem?.tbs?.key?.type !== KeyType.mlKem1024) {
    throw new SigilError('PQXDH_KEM_REQUIRED', 'bundle has no ML-KEM-1024 prekey');
  }
  const kemPreKey = verifyKemPreKey(crypto, device.signingKey, kem);
  return { bundle, device, signedPreKey, oneTimePreKey, kemPreKey } as VerifiedPreKeyBundle;
}
