/**
 * @sigil/crypto/hpke: Hybrid Public Key Encryption (RFC 9180) over Sigil's `CryptoProvider`.
 *
 * Supported: DHKEM(X25519, HKDF-SHA256); HKDF-SHA256 and HKDF-SHA512; AES-128-GCM, AES-256-GCM,
 * ChaCha20Poly1305 and Export-only; the base, psk, auth and auth_psk modes; multi-message
 * contexts (§5.2), secret export (§5.3) and the single-shot APIs (§6). Checked against the
 * RFC 9180 Appendix A vectors on both backends.
 *
 * @example
 * ```ts
 * import { getCryptoProvider } from '@sigil/crypto';
 * import { createHpke } from '@sigil/crypto/hpke';
 *
 * const hpke = createHpke(getCryptoProvider(), {
 *   kem: 'DHKEM(X25519, HKDF-SHA256)',
 *   kdf: 'HKDF-SHA256',
 *   aead: 'AES-128-GCM',
 * });
 * const recipient = hpke.generateKeyPair();
 * const sender = hpke.setupBaseS(recipient.publicKey, info);
 * const ct = sender.seal(aad, plaintext);
 * const opened = hpke.setupBaseR(sender.enc, recipient, info).open(aad, ct);
 * ```
 * @module
 */
export { HpkeContext, HpkeRecipientContext, HpkeSenderContext } from './context.ts';
export {
  createHpke,
  type Hpke,
  type HpkeSenderOptions,
  type HpkeSingleShotRecipientOptions,
  type HpkeSingleShotSenderOptions,
  type HpkeSizes,
} from './create-hpke.ts';
export type { HpkeSecretKey } from './dhkem.ts';
export { HPKE_MODE_IDS, type HpkeMode, type HpkePsk, MIN_PSK_LENGTH } from './key-schedule.ts';
export { type HpkeInfo, PreparedHpkeInfo } from './prepared-info.ts';
export {
  HPKE_AEAD_IDS,
  HPKE_KDF_IDS,
  HPKE_KEM_IDS,
  type HpkeAeadName,
  type HpkeKdfName,
  type HpkeKemName,
  type HpkeSuite,
  type HpkeSuiteIds,
  hpkeSuiteFromIds,
  hpkeSuiteIds,
} from './suite.ts';
