/**
 * PQXDH key agreement (spec/one-to-one.md §4), after Signal's PQXDH (revision 3) with X25519,
 * ML-KEM-1024 (FIPS 203) and Sigil's label:
 *
 * ```
 * DH1 = X25519(IK_A, SPK_B)   DH2 = X25519(EK_A, IK_B)   DH3 = X25519(EK_A, SPK_B)
 * DH4 = X25519(EK_A, OPK_B)   (only with a one-time prekey)
 * (CT, SS) = ML-KEM-1024.Encaps(PQPK_B)
 * SK = HKDF(salt = 32 zero bytes, ikm = 0xFF*32 || DH1 || DH2 || DH3 [|| DH4] || SS,
 *           info = "Sigil/v1/PQXDH/X25519/ML-KEM-1024/SHA-256", L = 32)
 * AD = encode(PqxdhAssociatedData { initiator: A's DeviceCertificateTBS, responder: B's,
 *                                   baseKey: EK_A })
 * ```
 *
 * The initiator starts from a `VerifiedPreKeyBundle` (the type guarantees the checks of §3 ran)
 * and draws randomness in this order: 32 bytes (the X25519 secret of EK_A), then 32 bytes (the
 * ML-KEM encapsulation randomness `m`, via `encapsulate(ctx, pk)`). The responder draws none.
 *
 * Every X25519 output is checked by the provider: a low-order key anywhere (a prekey, an identity
 * key or the base key) is `X25519_LOW_ORDER_POINT`. The DH outputs, SS and EK_A's secret are
 * zeroed after use (best effort; JavaScript cannot guarantee it).
 *
 * Most users won't need this: `startSession` and `decryptMessage` call it.
 *
 * @example
 * ```ts
 * const a = pqxdhInitiate(ctx, alice, verifiedBundle);
 * const b = pqxdhRespond(crypto, { local: bob, initiator, baseKey: a.baseKey, ... });
 * // a.sharedSecret equals b.sharedSecret, a.associatedData equals b.associatedData
 * ```
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import { type DeviceCertificateTBS, KeyType, PqxdhAssociatedData } from '@sigil/wire/formats';
import { encapsulate, type ProtocolContext, resolveContext } from '../context.ts';
import type { DeviceIdentity } from '../identity/device.ts';
import { LABEL_PQXDH } from '../labels.ts';
import type { KemPreKeyPair } from '../prekeys/kem-pre-key.ts';
import type { OneTimePreKeyPair } from '../prekeys/one-time-pre-key.ts';
import type { SignedPreKeyPair } from '../prekeys/signed-pre-key.ts';
import type { VerifiedDeviceCertificate } from '../public/verify-identity.ts';
import type { VerifiedPreKeyBundle } from '../public/verify-prekeys.ts';

const PQXDH_INFO = new TextEncoder().encode(LABEL_PQXDH);
const ZERO_SALT = new Uint8Array(32);
/** F: 32 0xFF bytes, so the X25519 inputs never look like an XEdDSA signing input (PQXDH §2.2). */
const F = new Uint8Array(32).fill(0xff);
/** ML-KEM-1024 ciphertext length (FIPS 203 Table 3). */
export const MLKEM_1024_CIPHERTEXT_LENGTH = 1568;

/** What the initiator derives and sends (spec §4). */
export interface PqxdhInitiation {
  /** SK, the session's first root key (32 bytes). Secret. */
  readonly sharedSecret: Uint8Array;
  /** AD (public): `encode(PqxdhAssociatedData)` of both certificate bodies and EK_A. */
  readonly associatedData: Uint8Array;
  /** EK_A's public key (32 bytes), the `baseKey` of the PreKeyMessage. */
  readonly baseKey: Uint8Array;
  /** CT, the ML-KEM-1024 ciphertext to PQPK_B (1568 bytes). */
  readonly kemCiphertext: Uint8Array;
}

/** What the responder needs (spec §4): its keys, the message's public fields, the prekeys. */
export interface PqxdhResponderInput {
  /** The responding device (IK_B and its certificate). */
  readonly local: DeviceIdentity;
  /** The initiator's verified certificate (IK_A and the body that goes into AD). */
  readonly initiator: VerifiedDeviceCertificate;
  /** EK_A (32 bytes). */
  readonly baseKey: Uint8Array;
  /** CT. */
  readonly kemCiphertext: Uint8Array;
  /** SPK_B. */
  readonly signedPreKey: SignedPreKeyPair;
  /** OPK_B, when the message names one. */
  readonly oneTimePreKey: OneTimePreKeyPair | undefined;
  /** PQPK_B. */
  readonly kemPreKey: KemPreKeyPair;
}

/** What the responder derives: the same SK and AD as the initiator. */
export interface PqxdhResponse {
  /** SK (32 bytes). Secret. */
  readonly sharedSecret: Uint8Array;
  /** AD. */
  readonly associatedData: Uint8Array;
}

/** AD (spec §4): both certificate bodies, initiator first, then the base key EK_A. */
export function pqxdhAssociatedData(
  initiator: DeviceCertificateTBS,
  responder: DeviceCertificateTBS,
  baseKey: Uint8Array,
): Uint8Array {
  return encode(PqxdhAssociatedData, {
    initiator,
    responder,
    baseKey: { type: KeyType.x25519, key: baseKey },
  });
}

/**
 * Checks the PQXDH ciphertext's length before any other work (spec §4).
 * @throws SigilError `PQXDH_KEM_REQUIRED` for an empty ciphertext (a downgrade to X3DH);
 *   `MLKEM_INVALID_CIPHERTEXT_LENGTH` for any other length than 1568.
 */
export function requireKemCiphertext(ciphertext: Uint8Array): void {
  if (ciphertext.length === 0) {
    throw new SigilError('PQXDH_KEM_REQUIRED', 'PreKeyMessage carries no KEM ciphertext');
  }
  if (ciphertext.length !== MLKEM_1024_CIPHERTEXT_LENGTH) {
    throw new SigilError('MLKEM_INVALID_CIPHERTEXT_LENGTH', 'KEM ciphertext has the wrong length', {
      details: { expected: MLKEM_1024_CIPHERTEXT_LENGTH },
    });
  }
}

/**
 * The initiator's half of PQXDH (spec §4) against a verified bundle. Draws EK_A (32 bytes) then
 * the encapsulation randomness (32 bytes) from the context.
 *
 * @throws SigilError `X25519_LOW_ORDER_POINT` if the bundle's identity key, signed prekey or
 *   one-time prekey is a low-order point; `MLKEM_INVALID_ENCAPSULATION_KEY` if PQPK_B fails the
 *   FIPS 203 §7.2 check.
 */
export function pqxdhInitiate(
  ctx: ProtocolContext,
  local: DeviceIdentity,
  bundle: VerifiedPreKeyBundle,
): PqxdhInitiation {
  const resolved = resolveContext(ctx);
  const { crypto } = resolved;
  const ephemeralSecret = resolved.random(32);
  const baseKey = crypto.x25519.publicKey(ephemeralSecret);
  const spk = bundle.signedPreKey.publicKey;
  const parts: Uint8Array[] = [];
  try {
    parts.push(crypto.x25519.sharedSecret(local.identityKeyPair.secretKey, spk));
    parts.push(crypto.x25519.sharedSecret(ephemeralSecret, bundle.device.identityKey));
    parts.push(crypto.x25519.sharedSecret(ephemeralSecret, spk));
    if (bundle.oneTimePreKey !== undefined) {
      parts.push(crypto.x25519.sharedSecret(ephemeralSecret, bundle.oneTimePreKey.publicKey));
    }
    const { ciphertext, sharedSecret: kemSecret } = encapsulate(
      resolved,
      bundle.kemPreKey.publicKey,
    );
    parts.push(kemSecret);
    return {
      sharedSecret: deriveSharedSecret(crypto, parts),
      associatedData: pqxdhAssociatedData(
        local.certificate.tbs,
        bundle.device.certificate.tbs,
        baseKey,
      ),
      baseKey,
      kemCiphertext: ciphertext,
    };
  } finally {
    ephemeralSecret.fill(0);
    for (const part of parts) part.fill(0);
  }
}

/**
 * The responder's half of PQXDH (spec §4). The caller has already checked that the prekeys are
 * the ones the message names; this checks the ciphertext length first, then derives.
 *
 * @throws SigilError `PQXDH_KEM_REQUIRED` (empty ciphertext), `MLKEM_INVALID_CIPHERTEXT_LENGTH`,
 *   `X25519_LOW_ORDER_POINT` for a low-order base key or initiator identity key.
 */
export function pqxdhRespond(crypto: CryptoProvider, input: PqxdhResponderInput): PqxdhResponse {
  requireKemCiphertext(input.kemCiphertext);
  const spkSecret = input.signedPreKey.keyPair.secretKey;
  const parts: Uint8Array[] = [];
  try {
    parts.push(crypto.x25519.sharedSecret(spkSecret, input.initiator.identityKey));
    parts.push(crypto.x25519.sharedSecret(input.local.identityKeyPair.secretKey, input.baseKey));
    parts.push(crypto.x25519.sharedSecret(spkSecret, input.baseKey));
    if (input.oneTimePreKey !== undefined) {
      parts.push(crypto.x25519.sharedSecret(input.oneTimePreKey.keyPair.secretKey, input.baseKey));
    }
    // A forged ciphertext of the right length yields the implicit-rejection key (FIPS 203
    // §6.3): SK then differs and the first message fails to authenticate.
    parts.push(input.kemPreKey.decapsulate(crypto, input.kemCiphertext));
    return {
      sharedSecret: deriveSharedSecret(crypto, parts),
      associatedData: pqxdhAssociatedData(
        input.initiator.certificate.tbs,
        input.local.certificate.tbs,
        input.baseKey,
      ),
    };
  } finally {
    for (const part of parts) part.fill(0);
  }
}

/** SK = HKDF(32 zero bytes, F || DH1 || DH2 || DH3 [|| DH4] || SS, LABEL_PQXDH, 32). */
function deriveSharedSecret(crypto: CryptoProvider, parts: readonly Uint8Array[]): Uint8Array {
  let length = F.length;
  for (const part of parts) length += part.length;
  const ikm = new Uint8Array(length);
  ikm.set(F, 0);
  let offset = F.length;
  for (const part of parts) {
    ikm.set(part, offset);
    offset += part.length;
  }
  const prk = crypto.hkdf.extract('sha256', ZERO_SALT, ikm);
  ikm.fill(0);
  const sharedSecret = crypto.hkdf.expand('sha256', prk, PQXDH_INFO, 32);
  prk.fill(0);
  return sharedSecret;
}
