/**
 * @sigil/crypto: the `CryptoProvider` interface Sigil's protocols run on, its two backends,
 * and secret hygiene helpers.
 *
 * ```ts
 * import { getCryptoProvider } from '@sigil/crypto';
 * const crypto = getCryptoProvider();
 * const sealed = crypto.aead.seal('aes-256-gcm', key, nonce, plaintext, aad);
 * ```
 *
 * Backends by subpath: `@sigil/crypto/node`, `@sigil/crypto/portable`; HPKE (RFC 9180) at
 * `@sigil/crypto/hpke`.
 * @module
 */
import { defaultProvider } from '#default-backend';
import type { CryptoProvider } from './provider.ts';

export { defineProvider } from './define-provider.ts';
export { KeyPair } from './key-pair.ts';
export type {
  AeadAlgorithm,
  AeadFamily,
  Algorithm,
  Argon2Family,
  Argon2idParams,
  BackendName,
  CryptoProvider,
  CtrAlgorithm,
  CtrFamily,
  Ed25519Family,
  HashAlgorithm,
  HashFamily,
  HkdfFamily,
  HmacFamily,
  MlKemFamily,
  MlKemSizes,
  MlKemVariant,
  RandomFamily,
  X25519Family,
} from './provider.ts';
export type { RawBackend } from './raw-backend.ts';
export { constantTimeEqual, isAllZero, SecretBytes, wipe } from './secret.ts';

/**
 * The default provider for this runtime: `node` on Node (or `portable` when
 * `SIGIL_CRYPTO_BACKEND=portable`), `portable` elsewhere.
 */
export function getCryptoProvider(): CryptoProvider {
  return defaultProvider;
}
