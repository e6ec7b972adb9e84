/**
 * The `portable` backend's AEADs on @noble/ciphers: AES-128-GCM and AES-256-GCM (NIST
 * SP 800-38D) and ChaCha20-Poly1305 (RFC 8439 §2.8), with 96-bit nonces and 128-bit tags.
 * Sealed output is ciphertext || tag.
 *
 * noble's `decrypt` checks the tag before it decrypts and throws on a mismatch; `aeadOpen`
 * turns exactly that failure into `undefined` and lets any other error through.
 *
 * @example
 * ```ts
 * const sealed = portableAead.aeadSeal('chacha20-poly1305', key, nonce, plaintext, aad);
 * const opened = portableAead.aeadOpen('chacha20-poly1305', key, nonce, sealed, aad);
 * ```
 * @module
 */
import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { AeadAlgorithm } from '../provider.ts';
import type { RawBackend } from '../raw-backend.ts';

/** A single-use noble cipher instance for one (key, nonce, aad). */
function cipherFor(algorithm: AeadAlgorithm, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array) {
  // Both constructions take the 12-byte nonce as is (GCM: J0 = nonce || 0^31 || 1).
  return algorithm === 'chacha20-poly1305'
    ? chacha20poly1305(key, nonce, aad)
    : gcm(key, nonce, aad);
}

/** noble's message for a tag mismatch: "invalid tag" (ChaCha) or "aes-gcm: invalid tag". */
function isTagMismatch(error: unknown): boolean {
  return error instanceof Error && /invalid tag$/.test(error.message);
}

/** AEAD seal and open of the `portable` backend. */
export const portableAead: Pick<RawBackend, 'aeadSeal' | 'aeadOpen'> = {
  aeadSeal(
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array {
    return cipherFor(algorithm, key, nonce, aad).encrypt(plaintext);
  },

  aeadOpen(
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array | undefined {
    try {
      return cipherFor(algorithm, key, nonce, aad).decrypt(sealed);
    } catch (error) {
      if (isTagMismatch(error)) return undefined;
      throw error;
    }
  },
};
