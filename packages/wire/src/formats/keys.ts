/**
 * Typed public keys (spec/one-to-one.md §1.1): every public key on the wire carries its
 * algorithm, so algorithms can change without a new format.
 *
 * ```
 * enum { x25519(1), ed25519(2), ml_kem_1024(3), (255) } KeyType;
 * struct { KeyType type; opaque key<V>; } PublicKey;   // key length fixed by type: 32, 32, 1568
 * ```
 *
 * Policy (decided here, spec §1.1): the type and length checks happen while decoding, so no
 * caller can hold a decoded key it forgot to check. Decoding a key whose type is unknown, or not
 * one the field allows, raises `UNSUPPORTED_KEY_TYPE`; a key whose length does not match its type
 * raises `INVALID_KEY_LENGTH`. These two are not `Codec` codes: the bytes parse, but carry a key
 * Sigil v1 cannot use. Decoding stays canonical (it only rejects), so a decoded key re-encodes to
 * the same bytes. Encoding a key of the wrong type or length is a caller bug: `INVALID_ARGUMENT`.
 *
 * Fields with one fixed algorithm use {@link X25519PublicKey}, {@link Ed25519PublicKey} or
 * {@link MlKem1024PublicKey}; a field whose algorithm may change (the KEM prekey) uses the
 * generic {@link PublicKey} and leaves the policy to its verifier.
 *
 * @example
 * ```ts
 * const bytes = encode(X25519PublicKey, { type: KeyType.x25519, key: publicKey });
 * const { key } = decode(X25519PublicKey, bytes); // UNSUPPORTED_KEY_TYPE for any other type
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { Codec } from '../codec.ts';
import type { Reader } from '../reader.ts';
import { readLengthPrefix, varint } from '../varint.ts';
import type { Writer } from '../writer.ts';

/** The `KeyType` enum of spec §1.1: the algorithm of a typed public key. */
export const KeyType = {
  /** `x25519(1)`: X25519 (RFC 7748), 32-byte keys. Identity, prekey and ratchet keys. */
  x25519: 1,
  /** `ed25519(2)`: Ed25519 (RFC 8032), 32-byte keys. Account and device signing keys. */
  ed25519: 2,
  /** `ml_kem_1024(3)`: ML-KEM-1024 (FIPS 203), 1568-byte encapsulation keys. KEM prekeys. */
  mlKem1024: 3,
} as const;

/** A known key type value (1, 2 or 3). */
export type KeyType = (typeof KeyType)[keyof typeof KeyType];

/** The fixed public-key length in bytes of each key type (spec §1.1). */
export const PUBLIC_KEY_LENGTHS: Readonly<Record<KeyType, number>> = {
  [KeyType.x25519]: 32,
  [KeyType.ed25519]: 32,
  [KeyType.mlKem1024]: 1568,
};

/** A typed public key whose type is one of `T`. */
export interface PublicKeyOf<T extends KeyType> {
  /** The algorithm. */
  readonly type: T;
  /** The raw public key, of exactly `PUBLIC_KEY_LENGTHS[type]` bytes. */
  readonly key: Uint8Array;
}

/** A typed public key of any known type (`struct { KeyType type; opaque key<V>; }`). */
export type PublicKey = PublicKeyOf<KeyType>;
/** An X25519 public key (`type` = x25519). */
export type X25519PublicKey = PublicKeyOf<typeof KeyType.x25519>;
/** An Ed25519 public key (`type` = ed25519). */
export type Ed25519PublicKey = PublicKeyOf<typeof KeyType.ed25519>;
/** An ML-KEM-1024 encapsulation key (`type` = ml_kem_1024). */
export type MlKem1024PublicKey = PublicKeyOf<typeof KeyType.mlKem1024>;

/** Whether `value` is a known {@link KeyType}. */
export function isKeyType(value: number): value is KeyType {
  return value === KeyType.x25519 || value === KeyType.ed25519 || value === KeyType.mlKem1024;
}

/**
 * A `PublicKey` codec that accepts only the key types in `allowed` (a non-empty list of known
 * types). Most users want one of the ready-made codecs below.
 *
 * @throws SigilError `INVALID_ARGUMENT` at construction if `allowed` is empty or holds an
 *   unknown type; on encode for a type not allowed or a key of the wrong length; on decode
 *   `UNSUPPORTED_KEY_TYPE`, `INVALID_KEY_LENGTH`, `CODEC_TRUNCATED` or a varint error.
 */
export function publicKeyOf<const T extends KeyType>(allowed: readonly T[]): Codec<PublicKeyOf<T>> {
  if (allowed.length === 0 || !allowed.every((type) => isKeyType(type))) {
    throw new SigilError('INVALID_ARGUMENT', 'publicKeyOf needs a list of known key types');
  }
  const types = new Set<number>(allowed);
  return {
    encode(writer: Writer, value: PublicKeyOf<T>): void {
      if (typeof value !== 'object' || value === null || !types.has(value.type)) {
        throw new SigilError('INVALID_ARGUMENT', 'public key type not allowed in this field');
      }
      const { key } = value;
      if (!(key instanceof Uint8Array) || key.length !== PUBLIC_KEY_LENGTHS[value.type]) {
        throw new SigilError('INVALID_ARGUMENT', 'public key has the wrong length for its type', {
          details: { type: value.type, expected: PUBLIC_KEY_LENGTHS[value.type] },
        });
      }
      writer.writeUint8(value.type);
      varint.encode(writer, key.length);
      writer.writeBytes(key);
    },
    decode(reader: Reader): PublicKeyOf<T> {
      const at = reader.offset;
      const type = reader.readUint8();
      if (!types.has(type)) {
        throw reader.error('UNSUPPORTED_KEY_TYPE', 'public key type not supported here', {
          offset: at,
          type,
        });
      }
      const expected = PUBLIC_KEY_LENGTHS[type as T];
      const length = readLengthPrefix(reader);
      if (length !== expected) {
        throw reader.error('INVALID_KEY_LENGTH', 'public key length does not match its type', {
          offset: at,
          type,
          expected,
          length,
        });
      }
      return { type: type as T, key: reader.readBytes(length) };
    },
  };
}

/** A `PublicKey` of any known type (spec §1.1). @see publicKeyOf for the errors. */
export const PublicKey: Codec<PublicKey> = publicKeyOf([
  KeyType.x25519,
  KeyType.ed25519,
  KeyType.mlKem1024,
]);

/** A `PublicKey` that must be X25519. @see publicKeyOf for the errors. */
export const X25519PublicKey: Codec<X25519PublicKey> = publicKeyOf([KeyType.x25519]);

/** A `PublicKey` that must be Ed25519. @see publicKeyOf for the errors. */
export const Ed25519PublicKey: Codec<Ed25519PublicKey> = publicKeyOf([KeyType.ed25519]);

/** A `PublicKey` that must be ML-KEM-1024. @see publicKeyOf for the errors. */
export const MlKem1024PublicKey: Codec<MlKem1024PublicKey> = publicKeyOf([KeyType.mlKem1024]);
