/**
 * SFrame cipher suites (RFC 9605 §4.5, Table 1; IANA registry §8.1), bound to a
 * `CryptoProvider`:
 *
 * | id | name                       | Nh | Nka | Nk | Nn | Nt |
 * | -- | -------------------------- | -- | --- | -- | -- | -- |
 * | 1  | AES_128_CTR_HMAC_SHA256_80 | 32 | 16  | 48 | 12 | 10 |
 * | 2  | AES_128_CTR_HMAC_SHA256_64 | 32 | 16  | 48 | 12 | 8  |
 * | 3  | AES_128_CTR_HMAC_SHA256_32 | 32 | 16  | 48 | 12 | 4  |
 * | 4  | AES_128_GCM_SHA256_128     | 32 | -   | 16 | 12 | 16 |
 * | 5  | AES_256_GCM_SHA512_128     | 64 | -   | 32 | 12 | 16 |
 *
 * Suites 1-3 use the AES-CTR + HMAC AEAD of §4.5.1 (aes-ctr-hmac.ts); 4 and 5 the provider's
 * AES-GCM. Short tags raise the forgery risk (§7.5): 2^-32 per attempt for suite 3, so use it
 * only behind a hop-by-hop secure channel and with the receiver's replay window.
 *
 * @example
 * ```ts
 * const suite = getSFrameCipherSuite(getCryptoProvider(), 4);
 * const sealed = suite.seal(key, nonce, aad, plaintext);
 * ```
 * @module
 */
import type { AeadAlgorithm, CryptoProvider, HashAlgorithm } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { type CtrHmacParams, ctrHmacOpen, ctrHmacSeal } from './aes-ctr-hmac.ts';

/** The SFrame cipher suites Sigil implements (RFC 9605 §8.1). */
export type SFrameCipherSuiteId = 1 | 2 | 3 | 4 | 5;

/** Registered names (§8.1, Table 2). */
export type SFrameCipherSuiteName =
  | 'AES_128_CTR_HMAC_SHA256_80'
  | 'AES_128_CTR_HMAC_SHA256_64'
  | 'AES_128_CTR_HMAC_SHA256_32'
  | 'AES_128_GCM_SHA256_128'
  | 'AES_256_GCM_SHA512_128';

/** One SFrame cipher suite over one provider. Create it with {@link getSFrameCipherSuite}. */
export interface SFrameCipherSuite {
  /** The suite's identifier (uint16 on the wire of key derivation, §4.4.2). */
  readonly id: SFrameCipherSuiteId;
  readonly name: SFrameCipherSuiteName;
  readonly provider: CryptoProvider;
  /** The HKDF hash (§4.4.2), and the HMAC hash of suites 1-3. */
  readonly hashAlgorithm: HashAlgorithm;
  /** Hash.Nh: hash output size in bytes. */
  readonly hashLength: number;
  /** AEAD.Nk: AEAD key size in bytes (Nka + Nh for suites 1-3). */
  readonly keyLength: number;
  /** AEAD.Nn: nonce size in bytes (12). */
  readonly nonceLength: number;
  /** AEAD.Nt: tag size (ciphertext overhead) in bytes. */
  readonly tagLength: number;
  /**
   * AEAD.Encrypt(key, nonce, aad, plaintext): ciphertext || tag.
   * @throws SigilError `INVALID_KEY_LENGTH`, `INVALID_NONCE_LENGTH`, `INVALID_ARGUMENT`.
   */
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /**
   * AEAD.Decrypt(key, nonce, aad, ciphertext).
   * @throws SigilError `AEAD_AUTHENTICATION_FAILED` if the tag does not verify.
   * @throws SigilError `INVALID_KEY_LENGTH`, `INVALID_NONCE_LENGTH`, `INVALID_ARGUMENT`.
   */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

type SuiteParams =
  | {
      readonly name: SFrameCipherSuiteName;
      readonly kind: 'ctr-hmac';
      readonly ctrHmac: CtrHmacParams;
    }
  | {
      readonly name: SFrameCipherSuiteName;
      readonly kind: 'gcm';
      readonly aead: AeadAlgorithm;
      readonly hash: HashAlgorithm;
    };

const ctrHmac = (tagLength: number): CtrHmacParams => ({
  ctr: 'aes-128-ctr',
  hash: 'sha256',
  encKeyLength: 16,
  authKeyLength: 32,
  tagLength,
});

const SUITES: Readonly<Record<SFrameCipherSuiteId, SuiteParams>> = {
  1: { name: 'AES_128_CTR_HMAC_SHA256_80', kind: 'ctr-hmac', ctrHmac: ctrHmac(10) },
  2: { name: 'AES_128_CTR_HMAC_SHA256_64', kind: 'ctr-hmac', ctrHmac: ctrHmac(8) },
  3: { name: 'AES_128_CTR_HMAC_SHA256_32', kind: 'ctr-hmac', ctrHmac: ctrHmac(4) },
  4: { name: 'AES_128_GCM_SHA256_128', kind: 'gcm', aead: 'aes-128-gcm', hash: 'sha256' },
  5: { name: 'AES_256_GCM_SHA512_128', kind: 'gcm', aead: 'aes-256-gcm', hash: 'sha512' },
};

/** Whether `id` is an SFrame cipher suite Sigil implements. */
export function isSupportedSFrameCipherSuite(id: unknown): id is SFrameCipherSuiteId {
  return typeof id === 'number' && Object.hasOwn(SUITES, id);
}

const cache = new WeakMap<CryptoProvider, Map<SFrameCipherSuiteId, SFrameCipherSuite>>();

function build(provider: CryptoProvider, id: SFrameCipherSuiteId): SFrameCipherSuite {
  const params = SUITES[id];
  if (params.kind === 'ctr-hmac') {
    const p = params.ctrHmac;
    const suite: SFrameCipherSuite = {
      id,
      name: params.name,
      provider,
      hashAlgorithm: p.hash,
      hashLength: provider.hash.outputLength(p.hash),
      keyLength: p.encKeyLength + p.authKeyLength,
      nonceLength: 12,
      tagLength: p.tagLength,
      seal: (key, nonce, aad, plaintext) => ctrHmacSeal(provider, p, key, nonce, aad, plaintext),
      open: (key, nonce, aad, ciphertext) => ctrHmacOpen(provider, p, key, nonce, aad, ciphertext),
    };
    return Object.freeze(suite);
  }
  const { aead, hash } = params;
  const suite: SFrameCipherSuite = {
    id,
    name: params.name,
    provider,
    hashAlgorithm: hash,
    hashLength: provider.hash.outputLength(hash),
    keyLength: provider.aead.keyLength(aead),
    nonceLength: 12,
    tagLength: 16,
    seal: (key, nonce, aad, plaintext) => provider.aead.seal(aead, key, nonce, plaintext, aad),
    open: (key, nonce, aad, ciphertext) => provider.aead.open(aead, key, nonce, ciphertext, aad),
  };
  return Object.freeze(suite);
}

/**
 * The SFrame cipher suite `id` over `provider` (cached per provider).
 * @throws SigilError `UNSUPPORTED_ALGORITHM` if `id` is not 1-5.
 */
export function getSFrameCipherSuite(provider: CryptoProvider, id: number): SFrameCipherSuite {
  if (!isSupportedSFrameCipherSuite(id)) {
    throw new SigilError(
      'UNSUPPORTED_ALGORITHM',
      `unsupported SFrame cipher suite: ${String(id)}`,
      {
        details: { cipherSuite: String(id) },
      },
    );
  }
  let suites = cache.get(provider);
  if (suites === undefined) {
    suites = new Map();
    cache.set(provider, suites);
  }
  let suite = suites.get(id);
  if (suite === undefined) {
    suite = build(provider, id);
    suites.set(id, suite);
  }
  return suite;
}
