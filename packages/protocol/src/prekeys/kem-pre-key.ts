/**
 * Signed ML-KEM-1024 prekeys (spec/one-to-one.md §3): one-time KEM prekeys, handed out at most
 * once by the relay, and one last-resort KEM prekey served when none is left. Both are signed
 * by the device signing key. Secret side; the public check is `verifyKemPreKey`.
 *
 * The secret key is the 64-byte ML-KEM seed d || z (FIPS 203 §7.1), as everywhere in Sigil.
 * Randomness: each prekey draws one 64-byte seed from `ctx.random`, in id order; `createdAt`
 * is `ctx.now()`.
 *
 * @example
 * ```ts
 * const kems = generateKemPreKeys(ctx, device, 1, 20);
 * const lastResort = generateLastResortKemPreKey(ctx, device, 1000);
 * ```
 * @module
 */
import { type CryptoProvider, constantTimeEqual, type KeyPair } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { decode, encode } from '@sigil/wire';
import { KemPreKey, KemPreKeyKind, KemPreKeyTBS, KeyType } from '@sigil/wire/formats';
import { type ProtocolContext, type ResolvedContext, resolveContext } from '../context.ts';
import type { DeviceIdentity } from '../identity/device.ts';
import { timestamp } from '../identity/device.ts';
import { describe, inspectSymbol, REDACTED } from '../identity/redact.ts';
import { LABEL_KEM_PRE_KEY } from '../labels.ts';
import { requirePreKeyId, requirePreKeyRange } from './ids.ts';

/** The plain-bytes form of a {@link KemPreKeyPair}. */
export interface KemPreKeyRecord {
  /** The 64-byte ML-KEM-1024 seed d || z. Secret. */
  readonly seed: Uint8Array;
  /** The encoded `KemPreKey`. */
  readonly kemPreKey: Uint8Array;
}

/** A signed KEM prekey: its ML-KEM-1024 key pair and the signed structure. Prints redacted. */
export class KemPreKeyPair {
  /** The ML-KEM-1024 key pair PQPK; `keyPair.secretKey` is the 64-byte seed. */
  readonly keyPair: KeyPair;
  /** The signed public structure, for upload. */
  readonly kemPreKey: KemPreKey;

  /** Most callers use {@link generateKemPreKeys} or {@link KemPreKeyPair.fromRecord}. */
  constructor(keyPair: KeyPair, kemPreKey: KemPreKey) {
    if (
      kemPreKey.tbs.key.type !== KeyType.mlKem1024 ||
      !constantTimeEqual(keyPair.publicKey, kemPreKey.tbs.key.key)
    ) {
      throw new SigilError('INVALID_ARGUMENT', 'KEM prekey does not match its key pair');
    }
    this.keyPair = keyPair;
    this.kemPreKey = kemPreKey;
  }

  /** The prekey id. */
  get id(): number {
    return this.kemPreKey.tbs.id;
  }

  /** One-time or last-resort. */
  get kind(): KemPreKeyKind {
    return this.kemPreKey.tbs.kind;
  }

  /** The 1568-byte ML-KEM-1024 encapsulation key. */
  get publicKey(): Uint8Array {
    return this.keyPair.publicKey;
  }

  /**
   * ML-KEM-1024 decapsulation of a PQXDH or ratchet ciphertext with this prekey.
   * @throws SigilError `MLKEM_INVALID_CIPHERTEXT_LENGTH` if `ciphertext` is not 1568 bytes.
   */
  decapsulate(crypto: CryptoProvider, ciphertext: Uint8Array): Uint8Array {
    return crypto.mlkem.decapsulate('ml-kem-1024', this.keyPair.secretKey, ciphertext);
  }

  /** A copy of the seed and the encoded public structure. Holds a secret. */
  toRecord(): KemPreKeyRecord {
    return { seed: this.keyPair.secretKey.slice(), kemPreKey: encode(KemPreKey, this.kemPreKey) };
  }

  /**
   * Rebuilds from {@link KemPreKeyPair.toRecord} (re-derives the key pair from the seed).
   * @throws SigilError `INVALID_KEY_LENGTH` for a seed that is not 64 bytes, Codec codes,
   *   `INVALID_ARGUMENT` if the key pair does not match the structure.
   */
  static fromRecord(crypto: CryptoProvider, record: KemPreKeyRecord): KemPreKeyPair {
    return new KemPreKeyPair(
      crypto.mlkem.generateKeyPair('ml-kem-1024', record.seed.slice()),
      decode(KemPreKey, record.kemPreKey),
    );
  }

  /** Zeroes the seed (best effort). */
  wipe(): void {
    this.keyPair.wipe();
  }

  toJSON(): Record<string, string | number> {
    return {
      id: this.id,
      kind: this.kind === KemPreKeyKind.lastResort ? 'last_resort' : 'one_time',
      secretKey: REDACTED,
    };
  }

  toString(): string {
    return describe('KemPreKeyPair', this.toJSON());
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/** One signed KEM prekey from a 64-byte `random` seed. */
function generateOne(
  ctx: ResolvedContext,
  device: DeviceIdentity,
  id: number,
  kind: KemPreKeyKind,
): KemPreKeyPair {
  const { crypto } = ctx;
  const keyPair = crypto.mlkem.generateKeyPair('ml-kem-1024', ctx.random(64));
  const tbs: KemPreKeyTBS = {
    id,
    kind,
    key: { type: KeyType.mlKem1024, key: keyPair.publicKey },
    createdAt: timestamp(ctx.now()),
  };
  const signature = device.sign(crypto, LABEL_KEM_PRE_KEY, encode(KemPreKeyTBS, tbs));
  return new KemPreKeyPair(keyPair, { tbs, signature });
}

/**
 * Generates `count` one-time KEM prekeys (§3) with ids `startId`, `startId + 1`, ...
 * @throws SigilError `INVALID_ARGUMENT` if an id would leave the uint32 range or `count` is
 *   not an integer in 0..10000.
 */
export function generateKemPreKeys(
  ctx: ProtocolContext,
  device: DeviceIdentity,
  startId: number,
  count: number,
): KemPreKeyPair[] {
  requirePreKeyRange(startId, count);
  const resolved = resolveContext(ctx);
  const out: KemPreKeyPair[] = [];
  for (let i = 0; i < count; i++) {
    out.push(generateOne(resolved, device, startId + i, KemPreKeyKind.oneTime));
  }
  return out;
}

/**
 * Generates the last-resort KEM prekey (§3): served when no one-time KEM prekey is left, kept
 * after use (each use is accepted once, §4).
 * @throws SigilError `INVALID_ARGUMENT` if `id` is not a uint32.
 */
export function generateLastResortKemPreKey(
  ctx: ProtocolContext,
  device: DeviceIdentity,
  id: number,
): KemPreKeyPair {
  requirePreKeyId(id);
  return generateOne(resolveContext(ctx), device, id, KemPreKeyKind.lastResort);
}
