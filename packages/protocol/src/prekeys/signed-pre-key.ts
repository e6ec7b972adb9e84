/**
 * Signed X25519 prekeys (spec/one-to-one.md §3): `SPK`, signed by the device signing key and
 * rotated by the device. Secret side; the public check is `verifySignedPreKey`.
 *
 * Randomness: {@link generateSignedPreKey} draws one 32-byte X25519 secret key from
 * `ctx.random`; `createdAt` is `ctx.now()`.
 *
 * @example
 * ```ts
 * const spk = generateSignedPreKey(ctx, device, 1);
 * encode(SignedPreKey, spk.signedPreKey); // upload
 * ```
 * @module
 */
import { type CryptoProvider, constantTimeEqual, KeyPair } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { decode, encode } from '@sigil/wire';
import { KeyType, SignedPreKey, SignedPreKeyTBS } from '@sigil/wire/formats';
import { type ProtocolContext, resolveContext } from '../context.ts';
import type { DeviceIdentity } from '../identity/device.ts';
import { timestamp } from '../identity/device.ts';
import { describe, inspectSymbol, publicHex, REDACTED } from '../identity/redact.ts';
import { LABEL_SIGNED_PRE_KEY } from '../labels.ts';
import { requirePreKeyId } from './ids.ts';

/** The plain-bytes form of a {@link SignedPreKeyPair}. */
export interface SignedPreKeyRecord {
  /** The 32-byte X25519 secret key. Secret. */
  readonly secretKey: Uint8Array;
  /** The encoded `SignedPreKey`. */
  readonly signedPreKey: Uint8Array;
}

/** A signed prekey: its key pair and the signed public structure. Prints redacted. */
export class SignedPreKeyPair {
  /** The X25519 key pair SPK. */
  readonly keyPair: KeyPair;
  /** The signed public structure, for upload. */
  readonly signedPreKey: SignedPreKey;

  /** Most callers use {@link generateSignedPreKey} or {@link SignedPreKeyPair.fromRecord}. */
  constructor(keyPair: KeyPair, signedPreKey: SignedPreKey) {
    if (!constantTimeEqual(keyPair.publicKey, signedPreKey.tbs.key.key)) {
      throw new SigilError('INVALID_ARGUMENT', 'signed prekey does not match its key pair');
    }
    this.keyPair = keyPair;
    this.signedPreKey = signedPreKey;
  }

  /** The prekey id. */
  get id(): number {
    return this.signedPreKey.tbs.id;
  }

  /** The 32-byte X25519 public key. */
  get publicKey(): Uint8Array {
    return this.keyPair.publicKey;
  }

  /** Copies of the secret key and the encoded public structure. Holds a secret. */
  toRecord(): SignedPreKeyRecord {
    return {
      secretKey: this.keyPair.secretKey.slice(),
      signedPreKey: encode(SignedPreKey, this.signedPreKey),
    };
  }

  /**
   * Rebuilds from {@link SignedPreKeyPair.toRecord}.
   * @throws SigilError `INVALID_KEY_LENGTH`, Codec codes, `INVALID_ARGUMENT` if the key pair
   *   does not match the structure.
   */
  static fromRecord(crypto: CryptoProvider, record: SignedPreKeyRecord): SignedPreKeyPair {
    const secretKey = record.secretKey.slice();
    return new SignedPreKeyPair(
      new KeyPair(crypto.x25519.publicKey(secretKey), secretKey),
      decode(SignedPreKey, record.signedPreKey),
    );
  }

  /** Zeroes the secret key (best effort). */
  wipe(): void {
    this.keyPair.wipe();
  }

  toJSON(): Record<string, string | number> {
    return { id: this.id, publicKey: publicHex(this.publicKey), secretKey: REDACTED };
  }

  toString(): string {
    return describe('SignedPreKeyPair', this.toJSON());
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/**
 * Generates a signed prekey (§3): a fresh X25519 key pair and
 * `SignWithLabel(DSK, "SignedPreKey", tbs)`.
 * @throws SigilError `INVALID_ARGUMENT` if `id` is not a uint32.
 */
export function generateSignedPreKey(
  ctx: ProtocolContext,
  device: DeviceIdentity,
  id: number,
): SignedPreKeyPair {
  requirePreKeyId(id);
  const { crypto, random, now } = resolveContext(ctx);
  const secretKey = random(32);
  const keyPair = new KeyPair(crypto.x25519.publicKey(secretKey), secretKey);
  const tbs: SignedPreKeyTBS = {
    id,
    key: { type: KeyType.x25519, key: keyPair.publicKey },
    createdAt: timestamp(now()),
  };
  const signature = device.sign(crypto, LABEL_SIGNED_PRE_KEY, encode(SignedPreKeyTBS, tbs));
  return new SignedPreKeyPair(keyPair, { tbs, signature });
}
