/**
 * The `portable` backend's randomness, SHA-2 digests (FIPS 180-4), HMAC (RFC 2104) and HKDF
 * (RFC 5869 §2.2 extract, §2.3 expand), on @noble/hashes. Randomness comes from
 * `crypto.getRandomValues` (through noble's `randomBytes`).
 *
 * noble returns fresh arrays that own their whole `ArrayBuffer`, so outputs never alias inputs
 * or each other.
 *
 * @example
 * ```ts
 * const prk = portableHash.hkdfExtract('sha256', salt, ikm);
 * const okm = portableHash.hkdfExpand('sha256', prk, info, 42);
 * ```
 * @module
 */
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import type { HashAlgorithm } from '../provider.ts';
import type { RawBackend } from '../raw-backend.ts';

/** The noble hash of each algorithm name. */
const HASHES = { sha256, sha512 } as const satisfies Record<HashAlgorithm, unknown>;

/** Randomness, digests, HMAC and HKDF of the `portable` backend. */
export const portableHash: Pick<
  RawBackend,
  'randomBytes' | 'digest' | 'hmac' | 'hkdfExtract' | 'hkdfExpand'
> = {
  randomBytes(length: number): Uint8Array {
    return randomBytes(length);
  },

  digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
    return HASHES[algorithm](data);
  },

  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
    return hmac(HASHES[algorithm], key, data);
  },

  hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
    // noble's argument order is (hash, IKM, salt); PRK = HMAC-Hash(salt, IKM).
    return extract(HASHES[algorithm], ikm, salt);
  },

  hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number) {
    return expand(HASHES[algorithm], prk, info, length);
  },
};
