/**
 * The `node` backend's Argon2id (RFC 9106 §3, version 0x13) on node:crypto's `argon2Sync`
 * (OpenSSL 3.5 KDF, Node 24.7 and later). Parameters are range-checked by `defineProvider`
 * before they reach this module.
 *
 * @example
 * ```ts
 * const tag = nodeArgon2.argon2id({
 *   password, salt, memoryKiB: 65536, passes: 3, parallelism: 4, tagLength: 32,
 * });
 * ```
 * @module
 */
import { argon2Sync } from 'node:crypto';
import type { Argon2idParams } from '../provider.ts';
import type { RawBackend } from '../raw-backend.ts';
import { ownedBytes } from './hash.ts';

/** Argon2id of the `node` backend. */
export const nodeArgon2: Pick<RawBackend, 'argon2id'> = {
  argon2id(params: Argon2idParams): Uint8Array {
    const tag = argon2Sync('argon2id', {
      message: params.password, // P
      nonce: params.salt, // S
      parallelism: params.parallelism, // p
      tagLength: params.tagLength, // T
      memory: params.memoryKiB, // m, in KiB
      passes: params.passes, // t
      // K and X are optional: absent and empty give the same H0 (RFC 9106 §3.2 step 1).
      ...(params.secret === undefined ? {} : { secret: params.secret }),
      ...(params.associatedData === undefined ? {} : { associatedData: params.associatedData }),
    });
    return ownedBytes(tag);
  },
};
