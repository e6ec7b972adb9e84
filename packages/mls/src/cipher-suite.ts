/**
 * MLS cipher suites (RFC 9420 §5.1, §17.1): the two Sigil supports, bound to a
 * `CryptoProvider`.
 *
 * - 1: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (mandatory to implement, §17.1)
 * - 3: MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519
 *
 * Both use DHKEM(X25519, HKDF-SHA256) as the KEM, HKDF-SHA256 as the KDF (Nh = 32), SHA-256 as
 * the hash, HMAC-SHA256 as the MAC, HPKE (RFC 9180) over `@sigil/crypto/hpke` and Ed25519
 * signatures; they differ only in the AEAD (AES-128-GCM or ChaCha20-Poly1305).
 *
 * Signatures: MLS uses plain Ed25519 (RFC 8032, §5.1.2). Sigil's provider verifies strictly
 * (canonical encodings, S < L, no small-order A or R, cofactorless equation): RFC 8032 permits
 * this, and every signature an honest RFC 8032 signer makes with a well-formed key passes it, so
 * interoperability is kept
 * while malleable or degenerate signatures are refused.
 *
 * @example
 * ```ts
 * import { getCryptoProvider } from '@sigil/crypto';
 * const suite = getCipherSuite(getCryptoProvider(), 1);
 * const tag = suite.mac(key, data); // HMAC-SHA256
 * ```
 * @module
 */
import {
  type AeadAlgorithm,
  type CryptoProvider,
  constantTimeEqual,
  type HashAlgorithm,
  type KeyPair,
} from '@sigil/crypto';
import { createHpke, type Hpke, type HpkeAeadName } from '@sigil/crypto/hpke';
import { SigilError } from '@sigil/errors';

/** The identifiers of the cipher suites Sigil supports. */
export type CipherSuiteId = 1 | 3;

/** The registered names of the supported suites (§17.1). */
export type CipherSuiteName =
  | 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'
  | 'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519';

/** The signature scheme of a suite: Ed25519 with 32-byte seeds and public keys. */
export interface SignatureScheme {
  /** A fresh key pair (`secretKey` is the 32-byte seed). */
  generateKeyPair(): KeyPair;
  /**
   * The public key of a 32-byte seed.
   * @throws SigilError `INVALID_KEY_LENGTH` if `secretKey` is not 32 bytes.
   */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /**
   * Signature.Sign: a deterministic 64-byte Ed25519 signature.
   * @throws SigilError `INVALID_KEY_LENGTH` if `secretKey` is not 32 bytes.
   */
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /**
   * Signature.Verify with Sigil's strict policy. Returns `false` for any failure, including a
   * public key or signature of the wrong length (a key from the wire is data, not a caller bug).
   */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/** One MLS cipher suite over one provider. Create it with {@link getCipherSuite}. */
export interface CipherSuite {
  /** The suite's wire identifier (CipherSuite, uint16). */
  readonly id: CipherSuiteId;
  /** The registered name. */
  readonly name: CipherSuiteName;
  /** The provider every primitive runs on. */
  readonly provider: CryptoProvider;
  /** The hash (and KDF and MAC hash): SHA-256 for both suites. */
  readonly hashAlgorithm: HashAlgorithm;
  /** The AEAD. */
  readonly aeadAlgorithm: AeadAlgorithm;
  /** KDF.Nh: output size of the hash, KDF.Extract and the MAC, in bytes (32). */
  readonly hashLength: number;
  /** AEAD.Nk: AEAD key size in bytes (16 for AES-128-GCM, 32 for ChaCha20-Poly1305). */
  readonly keyLength: number;
  /** AEAD.Nn: AEAD nonce size in bytes (12). */
  readonly nonceLength: number;
  /** HPKE (RFC 9180) for the suite's KEM, KDF and AEAD. */
  readonly hpke: Hpke;
  /** The signature scheme (Ed25519). */
  readonly signature: SignatureScheme;

  /** Hash(data). */
  hash(data: Uint8Array): Uint8Array;
  /** KDF.Extract(salt, ikm): an Nh-byte PRK; an empty salt means Nh zero bytes. */
  extract(salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /**
   * KDF.Expand(prk, info, length).
   * @throws SigilError `INVALID_OUTPUT_LENGTH` if `length` exceeds 255 * Nh.
   */
  expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /** MAC(key, data): the full Nh-byte HMAC tag. */
  mac(key: Uint8Array, data: Uint8Array): Uint8Array;
  /**
   * Whether `tag` is MAC(key, data), compared in constant time. Only a full-length tag can
   * verify (MLS never truncates MACs, unlike the provider's `hmac.verify`).
   */
  verifyMac(key: Uint8Array, data: Uint8Array, tag: Uint8Array): boolean;
  /**
   * AEAD.Seal: ciphertext || 16-byte tag.
   * @throws SigilError `INVALID_KEY_LENGTH`, `INVALID_NONCE_LENGTH` for wrong sizes.
   */
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /**
   * AEAD.Open.
   * @throws SigilError `AEAD_AUTHENTICATION_FAILED` if the tag does not verify.
   * @throws SigilError `INVALID_KEY_LENGTH`, `INVALID_NONCE_LENGTH` for wrong sizes.
   */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array;
}

interface SuiteParams {
  readonly name: CipherSuiteName;
  readonly aead: AeadAlgorithm;
  readonly hpkeAead: HpkeAeadName;
}

const SUITES: Readonly<Record<CipherSuiteId, SuiteParams>> = {
  1: {
    name: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
    aead: 'aes-128-gcm',
    hpkeAead: 'AES-128-GCM',
  },
  3: {
    name: 'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519',
    aead: 'chacha20-poly1305',
    hpkeAead: 'ChaCha20Poly1305',
  },
};

/** The Ed25519 key length: public keys and seeds are 32 bytes. */
const ED25519_KEY_LENGTH = 32;
const ED25519_SIGNATURE_LENGTH = 64;

const cache = new WeakMap<CryptoProvider, Map<CipherSuiteId, CipherSuite>>();

/** Whether `id` names a cipher suite Sigil supports. */
export function isSupportedCipherSuite(id: number): id is CipherSuiteId {
  return id === 1 || id === 3;
}

function build(provider: CryptoProvider, id: CipherSuiteId): CipherSuite {
  const params = SUITES[id];
  const hashAlgorithm: HashAlgorithm = 'sha256';
  for (const algorithm of ['sha256', 'hmac-sha256', 'hkdf-sha256', 'x25519', 'ed25519'] as const) {
    if (!provider.supports(algorithm)) {
      throw new SigilError(
        'UNSUPPORTED_ALGORITHM',
        `the ${provider.name} backend lacks ${algorithm}, needed by MLS cipher suite ${id}`,
      );
    }
  }
  if (!provider.supports(params.aead)) {
    throw new SigilError(
      'UNSUPPORTED_ALGORITHM',
      `the ${provider.name} backend lacks ${params.aead}, needed by MLS cipher suite ${id}`,
    );
  }
  const hpke = createHpke(provider, {
    kem: 'DHKEM(X25519, HKDF-SHA256)',
    kdf: 'HKDF-SHA256',
    aead: params.hpkeAead,
  });
  const hashLength = provider.hash.outputLength(hashAlgorithm);
  const signature: SignatureScheme = Object.freeze({
    generateKeyPair: () => provider.ed25519.generateKeyPair(),
    publicKey: (secretKey: Uint8Array) => provider.ed25519.publicKey(secretKey),
    sign: (secretKey: Uint8Array, message: Uint8Array) => provider.ed25519.sign(secretKey, message),
    verify(publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array): boolean {
      // A signature_key of the wrong length comes from a peer: it fails to verify rather than
      // raising a usage error.
      if (publicKey.length !== ED25519_KEY_LENGTH || sig.length !== ED25519_SIGNATURE_LENGTH) {
        return false;
      }
      return provider.ed25519.verify(publicKey, message, sig);
    },
  });
  return Object.freeze({
    id,
    name: params.name,
    provider,
    hashAlgorithm,
    aeadAlgorithm: params.aead,
    hashLength,
    keyLength: provider.aead.keyLength(params.aead),
    nonceLength: provider.aead.nonceLength,
    hpke,
    signature,
    hash: (data: Uint8Array) => provider.hash.digest(hashAlgorithm, data),
    extract: (salt: Uint8Array, ikm: Uint8Array) => provider.hkdf.extract(hashAlgorithm, salt, ikm),
    expand: (prk: Uint8Array, info: Uint8Array, length: number) =>
      provider.hkdf.expand(hashAlgorithm, prk, info, length),
    mac: (key: Uint8Array, data: Uint8Array) => provider.hmac.mac(hashAlgorithm, key, data),
    verifyMac(key: Uint8Array, data: Uint8Array, tag: Uint8Array): boolean {
      // constantTimeEqual returns false for a tag of another length, so a truncated tag fails.
      return constantTimeEqual(provider.hmac.mac(hashAlgorithm, key, data), tag);
    },
    seal: (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) =>
      provider.aead.seal(params.aead, key, nonce, plaintext, aad),
    open: (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array) =>
      provider.aead.open(params.aead, key, nonce, sealed, aad),
  } satisfies CipherSuite);
}

/**
 * The cipher suite `id` over `provider` (cached per provider).
 * @throws SigilError `UNSUPPORTED_ALGORITHM` if `id` is not 1 or 3, or the provider lacks a
 *   primitive the suite needs.
 */
export function getCipherSuite(provider: CryptoProvider, id: number): CipherSuite {
  if (!isSupportedCipherSuite(id)) {
    throw new SigilError('UNSUPPORTED_ALGORITHM', `unsupported MLS cipher suite ${id}`, {
      details: { cipherSuite: id },
    });
  }
  let bySuite = cache.get(provider);
  if (bySuite === undefined) {
    bySuite = new Map();
    cache.set(provider, bySuite);
  }
  let suite = bySuite.get(id);
  if (suite === undefined) {
    suite = build(provider, id);
    bySuite.set(id, suite);
  }
  return suite;
}
