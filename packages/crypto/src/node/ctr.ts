/**
 * The `node` backend's AES-CTR (NIST SP 800-38A §6.5) on node:crypto (OpenSSL): AES-128 and
 * AES-256 keystream XOR from a 16-byte initial counter block. OpenSSL increments the whole
 * 128-bit block as a big-endian integer, wrapping modulo 2^128, as the portable backend does.
 *
 * Unauthenticated: only for constructions that MAC the ciphertext themselves (RFC 9605 §4.5.1).
 *
 * @example
 * ```ts
 * const ct = nodeCtr.aesCtr('aes-128-ctr', key, counterBlock, plaintext);
 * ```
 * @module
 */
import { createCipheriv, createSecretKey } from 'node:crypto';
import type { CtrAlgorithm } from '../provider.ts';
import type { RawBackend } from '../raw-backend.ts';

/** AES-CTR of the `node` backend. */
export const nodeCtr: Pick<RawBackend, 'aesCtr'> = {
  aesCtr(
    algorithm: CtrAlgorithm,
    key: Uint8Array,
    initialCounterBlock: Uint8Array,
    data: Uint8Array,
  ): Uint8Array {
    // A KeyObject skips node:crypto's costly raw-key check (see fast-path.ts).
    const cipher = createCipheriv(algorithm, createSecretKey(key), initialCounterBlock);
    const out = new Uint8Array(data.length);
    const body = cipher.update(data);
    out.set(body, 0);
    // CTR is a stream mode: final() yields no further bytes.
    out.set(cipher.final(), body.length);
    return out;
  },
};
