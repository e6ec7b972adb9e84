/**
 * The `portable` backend's AES-CTR (NIST SP 800-38A §6.5) on @noble/ciphers: AES-128 and
 * AES-256 keystream XOR from a 16-byte initial counter block. noble increments the whole
 * 128-bit block as a big-endian integer, wrapping modulo 2^128, as OpenSSL does.
 *
 * Unauthenticated: only for constructions that MAC the ciphertext themselves (RFC 9605 §4.5.1).
 *
 * @example
 * ```ts
 * const ct = portableCtr.aesCtr('aes-256-ctr', key, counterBlock, plaintext);
 * ```
 * @module
 */
import { ctr } from '@noble/ciphers/aes.js';
import type { CtrAlgorithm } from '../provider.ts';
import type { RawBackend } from '../raw-backend.ts';

/** AES-CTR of the `portable` backend. */
export const portableCtr: Pick<RawBackend, 'aesCtr'> = {
  aesCtr(
    _algorithm: CtrAlgorithm,
    key: Uint8Array,
    initialCounterBlock: Uint8Array,
    data: Uint8Array,
  ): Uint8Array {
    // noble picks AES-128 or AES-256 from the key length, which defineProvider has checked
    // against the algorithm.
    return ctr(key, initialCounterBlock).encrypt(data);
  },
};
