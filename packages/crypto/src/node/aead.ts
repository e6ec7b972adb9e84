/**
 * The `node` backend's AEADs on node:crypto (OpenSSL): AES-128-GCM and AES-256-GCM (NIST
 * SP 800-38D) and ChaCha20-Poly1305 (RFC 8439 §2.8), always with 96-bit nonces and 128-bit
 * tags. Sealed output is ciphertext || tag.
 *
 * `aeadOpen` returns `undefined` when the tag does not verify (OpenSSL reports it by throwing
 * from `final()`); the unauthenticated plaintext that `update()` already produced is wiped
 * and never returned.
 *
 * @example
 * ```ts
 * const sealed = nodeAead.aeadSeal('aes-256-gcm', key, nonce, plaintext, aad);
 * const opened = nodeAead.aeadOpen('aes-256-gcm', key, nonce, sealed, aad); // or undefined
 * ```
 * @module
 */
import {
  type CipherChaCha20Poly1305,
  type CipherGCM,
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type DecipherChaCha20Poly1305,
  type DecipherGCM,
} from 'node:crypto';
import type { AeadAlgorithm } from '../provider.ts';
import type { RawBackend } from '../raw-backend.ts';

/** Tag length (Nt) in bytes: the full 128-bit tag, never truncated. */
const TAG_LENGTH = 16;

function cipherFor(
  algorithm: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
): CipherGCM | CipherChaCha20Poly1305 {
  // authTagLength pins the 16-byte tag explicitly for both modes. The two branches look alike
  // but narrow `algorithm`, which picks the typed GCM or ChaCha20-Poly1305 overload.
  const options = { authTagLength: TAG_LENGTH };
  // A KeyObject skips node:crypto's costly raw-key check (~34 µs -> ~7 µs; see fast-path.ts).
  const keyObject = createSecretKey(key);
  return algorithm === 'chacha20-poly1305'
    ? createCipheriv(algorithm, keyObject, nonce, options)
    : createCipheriv(algorithm, keyObject, nonce, options);
}

function decipherFor(
  algorithm: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
): DecipherGCM | DecipherChaCha20Poly1305 {
  const options = { authTagLength: TAG_LENGTH };
  const keyObject = createSecretKey(key);
  return algorithm === 'chacha20-poly1305'
    ? createDecipheriv(algorithm, keyObject, nonce, options)
    : createDecipheriv(algorithm, keyObject, nonce, options);
}

/** AEAD seal and open of the `node` backend. */
export const nodeAead: Pick<RawBackend, 'aeadSeal' | 'aeadOpen'> = {
  aeadSeal(
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array {
    const cipher = cipherFor(algorithm, key, nonce);
    cipher.setAAD(aad, { plaintextLength: plaintext.length });
    const sealed = new Uint8Array(plaintext.length + TAG_LENGTH);
    const body = cipher.update(plaintext);
    sealed.set(body, 0);
    // GCM and ChaCha20-Poly1305 are stream modes: final() yields no further bytes.
    const tail = cipher.final();
    sealed.set(tail, body.length);
    sealed.set(cipher.getAuthTag(), plaintext.length);
    return sealed;
  },

  aeadOpen(
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array | undefined {
    const length = sealed.length - TAG_LENGTH;
    const decipher = decipherFor(algorithm, key, nonce);
    decipher.setAuthTag(sealed.subarray(length));
    decipher.setAAD(aad, { plaintextLength: length });
    const plaintext = new Uint8Array(length);
    const body = decipher.update(sealed.subarray(0, length));
    plaintext.set(body, 0);
    body.fill(0);
    try {
      const tail = decipher.final();
      plaintext.set(tail, body.length);
      tail.fill(0);
    } catch {
      // Bad tag: OpenSSL's "Unsupported state or unable to authenticate data". Arguments
      // were checked by defineProvider, so nothing else can fail here.
      plaintext.fill(0);
      return undefined;
    }
    return plaintext;
  },
};
