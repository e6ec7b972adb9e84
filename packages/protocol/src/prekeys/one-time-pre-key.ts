/**
 * X25519 one-time prekeys (spec/one-to-one.md §3): `OPK`, unsigned, handed out at most once by
 * the relay and deleted by the device after the first successful decrypt that used it.
 *
 * Randomness: {@link generateOneTimePreKeys} draws one 32-byte X25519 secret key per prekey
 * from `ctx.random`, in id order.
 *
 * @example
 * ```ts
 * const opks = generateOneTimePreKeys(ctx, 100, 50); // ids 100..149
 * const upload = opks.map((opk) => encode(OneTimePreKey, opk.oneTimePreKey));
 * ```
 * @module
 */
import { type CryptoProvider, KeyPair } from '@sigil/crypto';
import { KeyType, type OneTimePreKey } from '@sigil/wire/formats';
import { type ProtocolContext, resolveContext } from '../context.ts';
import { describe, inspectSymbol, publicHex, REDACTED } from '../identity/redact.ts';
import { requirePreKeyId, requirePreKeyRange } from './ids.ts';

/** The plain-bytes form of a {@link OneTimePreKeyPair}. */
export interface OneTimePreKeyRecord {
  /** The prekey id. */
  readonly id: number;
  /** The 32-byte X25519 secret key. Secret. */
  readonly secretKey: Uint8Array;
}

/** A one-time prekey: its id and key pair. Prints redacted. */
export class OneTimePreKeyPair {
  /** The prekey id. */
  readonly id: number;
  /** The X25519 key pair OPK. */
  readonly keyPair: KeyPair;

  /** Most callers use {@link generateOneTimePreKeys} or {@link OneTimePreKeyPair.fromRecord}. */
  constructor(id: number, keyPair: KeyPair) {
    requirePreKeyId(id);
    this.id = id;
    this.keyPair = keyPair;
  }

  /** The 32-byte X25519 public key. */
  get publicKey(): Uint8Array {
    return this.keyPair.publicKey;
  }

  /** The public structure, for upload. */
  get oneTimePreKey(): OneTimePreKey {
    return { id: this.id, key: { type: KeyType.x25519, key: this.keyPair.publicKey } };
  }

  /** A copy of the secret key with the id. Holds a secret. */
  toRecord(): OneTimePreKeyRecord {
    return { id: this.id, secretKey: this.keyPair.secretKey.slice() };
  }

  /**
   * Rebuilds from {@link OneTimePreKeyPair.toRecord}.
   * @throws SigilError `INVALID_KEY_LENGTH`, `INVALID_ARGUMENT` for a bad id.
   */
  static fromRecord(crypto: CryptoProvider, record: OneTimePreKeyRecord): OneTimePreKeyPair {
    const secretKey = record.secretKey.slice();
    return new OneTimePreKeyPair(
      record.id,
      new KeyPair(crypto.x25519.publicKey(secretKey), secretKey),
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
    return describe('OneTimePreKeyPair', this.toJSON());
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/**
 * Generates `count` one-time prekeys with ids `startId`, `startId + 1`, ...
 * @throws SigilError `INVALID_ARGUMENT` if an id would leave the uint32 range or `count` is
 *   not an integer in 0..10000.
 */
export function generateOneTimePreKeys(
  ctx: ProtocolContext,
  startId: number,
  count: number,
): OneTimePreKeyPair[] {
  requirePreKeyRange(startId, count);
  const { crypto, random } = resolveContext(ctx);
  const out: OneTimePreKeyPair[] = [];
  for (let i = 0; i < count; i++) {
    const secretKey = random(32);
    out.push(
      new OneTimePreKeyPair(
        startId + i,
        new KeyPair(crypto.x25519.publicKey(secretKey), secretKey),
      ),
    );
  }
  return out;
}
