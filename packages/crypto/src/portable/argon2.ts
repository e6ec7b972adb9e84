/**
 * The `portable` backend's Argon2id (RFC 9106 §3, version 0x13) on @noble/hashes. noble fills
 * the p lanes one after the other; the result is the same as a parallel implementation's
 * (the lanes only synchronise at slice boundaries, RFC 9106 §3.4), which the RFC 9106 §5.3
 * vector (p = 4) and the cross-backend tests check.
 *
 * @example
 * ```ts
 * const tag = portableArgon2.argon2id({
 *   password, salt, memoryKiB: 65536, passes: 3, parallelism: 4, tagLength: 32,
 * });
 * ```
 * @module
 */
import { argon2id } from '@noble/hashes/argon2.js';
import type { Argon2idParams } from '../provider.ts';
import type { RawBackend } from '../raw-backend.ts';

/**
 * noble's memory ceiling in bytes (its default is 1 GiB). defineProvider allows up to 2^22 KiB;
 * noble takes at most 2^32 - 1 here, so only m = 2^22 exactly (4 GiB) is refused, a size no
 * JavaScript engine allocates as one typed array in practice.
 */
const MAX_MEMORY_BYTES = 2 ** 32 - 1;

/** Argon2id of the `portable` backend. */
export const portableArgon2: Pick<RawBackend, 'argon2id'> = {
  argon2id(params: Argon2idParams): Uint8Array {
    return argon2id(params.password, params.salt, {
      t: params.passes,
      m: params.memoryKiB, // KiB
      p: params.parallelism,
      dkLen: params.tagLength, // T
      version: 0x13,
      key: params.secret, // K; undefined means empty
      personalization: params.associatedData, // X; undefined means empty
      maxmem: MAX_MEMORY_BYTES,
    });
  },
};
