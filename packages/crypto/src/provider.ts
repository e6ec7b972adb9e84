/**
 * The `CryptoProvider` contract: one synchronous interface per algorithm family, with the sizes
 * and the errors of every method (STYLE.md §5, after openmls `OpenMlsCrypto` and hpke-js
 * `KemInterface`). Two backends implement it: `node` (node:crypto / OpenSSL, the default on
 * Node) and `portable` (@noble/*, the default in browsers). Both pass the same vectors.
 *
 * Backends never validate arguments themselves: {@link defineProvider} wraps the raw primitives
 * of a backend with one shared set of checks, so lengths, policies (X25519 all-zero rejection,
 * strict Ed25519) and error codes are identical whichever backend runs.
 *
 * All byte arguments are `Uint8Array`; outputs are fresh arrays the caller owns.
 *
 * @example
 * ```ts
 * import { getCryptoProvider } from '@sigil/crypto';
 * const crypto = getCryptoProvider();            // 'node' on Node, 'portable' in browsers
 * const alice = crypto.x25519.generateKeyPair();
 * const bob = crypto.x25519.generateKeyPair();
 * const shared = crypto.x25519.sharedSecret(alice.secretKey, bob.publicKey);
 * ```
 * @module
 */
import type { KeyPair } from './key-pair.ts';

/** The name of a backend. */
export type BackendName = 'node' | 'portable';

/** Hash functions (FIPS 180-4). */
export type HashAlgorithm = 'sha256' | 'sha512';

/** AEAD ciphers: AES-GCM (NIST SP 800-38D) with 96-bit nonces, ChaCha20-Poly1305 (RFC 8439). */
export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

/**
 * Unauthenticated AES in counter mode (NIST SP 800-38A §6.5), only for constructions that add
 * their own MAC (SFrame's AES-CTR + HMAC, RFC 9605 §4.5.1).
 */
export type CtrAlgorithm = 'aes-128-ctr' | 'aes-256-ctr';

/** ML-KEM parameter sets (FIPS 203). */
export type MlKemVariant = 'ml-kem-768' | 'ml-kem-1024';

/** Every algorithm a provider may support; see {@link CryptoProvider.supports}. */
export type Algorithm =
  | HashAlgorithm
  | AeadAlgorithm
  | CtrAlgorithm
  | MlKemVariant
  | 'hmac-sha256'
  | 'hmac-sha512'
  | 'hkdf-sha256'
  | 'hkdf-sha512'
  | 'x25519'
  | 'ed25519'
  | 'argon2id'
  /** Deterministic ML-KEM encapsulation from a caller-given `m` (known-answer tests only). */
  | 'ml-kem-derandomized-encapsulation';

/** A cryptographically secure random source. */
export interface RandomFamily {
  /**
   * Returns `length` fresh random bytes.
   * @throws SigilError `INVALID_ARGUMENT` if `length` is not an integer in [0, 65536].
   */
  bytes(length: number): Uint8Array;
}

/** SHA-2 digests. */
export interface HashFamily {
  /** Output size in bytes (Nh): 32 for sha256, 64 for sha512. */
  outputLength(algorithm: HashAlgorithm): number;
  /**
   * The digest of `data`.
   * @throws SigilError `UNSUPPORTED_ALGORITHM` for an unknown algorithm.
   */
  digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array;
}

/** HMAC (RFC 2104). */
export interface HmacFamily {
  /**
   * The full-length HMAC tag (32 bytes for sha256, 64 for sha512). Any key length is allowed.
   * @throws SigilError `UNSUPPORTED_ALGORITHM` for an unknown algorithm.
   */
  mac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  /**
   * Recomputes the tag and compares it in constant time. `tag` may be a truncation of the full
   * tag of at least 16 bytes; a shorter or longer tag returns `false`.
   */
  verify(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array, tag: Uint8Array): boolean;
}

/** HKDF (RFC 5869), split into its two steps as HPKE and MLS use them. */
export interface HkdfFamily {
  /** HKDF-Extract(salt, IKM) -> PRK of Nh bytes. An empty salt means Nh zero bytes. */
  extract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  /**
   * HKDF-Expand(PRK, info, L).
   * @throws SigilError `INVALID_OUTPUT_LENGTH` if `length` is not an integer in [0, 255*Nh].
   * @throws SigilError `INVALID_KEY_LENGTH` if `prk` is shorter than Nh bytes.
   */
  expand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
}

/** Authenticated encryption with associated data. Nonces are always 12 bytes, tags 16. */
export interface AeadFamily {
  /** Key size in bytes (Nk): 16 for aes-128-gcm, 32 for aes-256-gcm and chacha20-poly1305. */
  keyLength(algorithm: AeadAlgorithm): number;
  /** Nonce size in bytes (Nn): always 12. */
  readonly nonceLength: 12;
  /** Tag size in bytes (Nt): always 16. */
  readonly tagLength: 16;
  /**
   * Encrypts: returns ciphertext || tag (plaintext length + 16 bytes).
   * @throws SigilError `INVALID_KEY_LENGTH`, `INVALID_NONCE_LENGTH`, `UNSUPPORTED_ALGORITHM`.
   */
  seal(
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array;
  /**
   * Decrypts ciphertext || tag and returns the plaintext; nothing is returned unless the tag
   * verifies.
   * @throws SigilError `AEAD_AUTHENTICATION_FAILED` if the tag does not verify or `sealed` is
   *   shorter than the tag.
   * @throws SigilError `INVALID_KEY_LENGTH`, `INVALID_NONCE_LENGTH`, `UNSUPPORTED_ALGORITHM`.
   */
  open(
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array;
}

/**
 * AES-CTR (NIST SP 800-38A §6.5): a keystream XORed onto the data, with NO integrity. Most users
 * won't need this: use {@link AeadFamily}. It exists for constructions that MAC the ciphertext
 * themselves (SFrame's AES-CTR + HMAC AEAD, RFC 9605 §4.5.1).
 */
export interface CtrFamily {
  /** Key size in bytes: 16 for aes-128-ctr, 32 for aes-256-ctr. */
  keyLength(algorithm: CtrAlgorithm): number;
  /** Counter block size in bytes: the AES block, 16. */
  readonly counterBlockLength: 16;
  /**
   * Encrypts or decrypts (the same operation): `data` XOR the keystream AES(key, T1) ||
   * AES(key, T2) || ..., where T1 = `initialCounterBlock` and each next block is the previous
   * one plus one as a 128-bit big-endian integer (the standard incrementing function of
   * SP 800-38A Appendix B.1 with m = 128, wrapping modulo 2^128). Returns a fresh array of
   * `data.length` bytes. Never reuse a (key, counter block) pair: the XOR of two ciphertexts
   * would be the XOR of their plaintexts.
   * @throws SigilError `INVALID_KEY_LENGTH` if `key` does not fit the algorithm.
   * @throws SigilError `INVALID_NONCE_LENGTH` if `initialCounterBlock` is not 16 bytes.
   * @throws SigilError `UNSUPPORTED_ALGORITHM` for an unknown algorithm.
   */
  keystreamXor(
    algorithm: CtrAlgorithm,
    key: Uint8Array,
    initialCounterBlock: Uint8Array,
    data: Uint8Array,
  ): Uint8Array;
}

/** X25519 (RFC 7748). Secret and public keys are 32 bytes. */
export interface X25519Family {
  /** A fresh key pair from the provider's random source. */
  generateKeyPair(): KeyPair;
  /**
   * The public key of a 32-byte secret key (clamping is applied as RFC 7748 says).
   * @throws SigilError `INVALID_KEY_LENGTH` if `secretKey` is not 32 bytes.
   */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /**
   * X25519(secretKey, publicKey): the 32-byte shared secret.
   *
   * Policy: an all-zero result (a low-order or otherwise degenerate public key, RFC 7748 §6.1)
   * is rejected; non-canonical u-coordinates and twist points are accepted as RFC 7748 says.
   * @throws SigilError `X25519_LOW_ORDER_POINT` if the shared secret is all zero.
   * @throws SigilError `INVALID_KEY_LENGTH` if either key is not 32 bytes.
   */
  sharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
}

/** Ed25519 (RFC 8032) with Sigil's strict verification policy. */
export interface Ed25519Family {
  /** A fresh key pair; `secretKey` is the 32-byte seed. */
  generateKeyPair(): KeyPair;
  /**
   * The 32-byte public key of a 32-byte secret seed.
   * @throws SigilError `INVALID_KEY_LENGTH` if `secretKey` is not 32 bytes.
   */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /**
   * A deterministic 64-byte signature (RFC 8032 §5.1.6).
   * @throws SigilError `INVALID_KEY_LENGTH` if `secretKey` is not 32 bytes.
   */
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /**
   * Strict verification (docs/crypto-policy.md): the cofactorless equation [S]B = R + [k]A,
   * S < L, canonical encodings of A and R, and neither A nor R of small order. Returns `false`
   * for every signature that fails, including one of the wrong length.
   * @throws SigilError `INVALID_KEY_LENGTH` if `publicKey` is not 32 bytes.
   */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/** Byte sizes of one ML-KEM parameter set (FIPS 203 §8, Table 3). */
export interface MlKemSizes {
  /** Encapsulation key (ek): 1184 for ML-KEM-768, 1568 for ML-KEM-1024. */
  readonly encapsulationKey: number;
  /** Expanded decapsulation key (dk): 2400 / 3168. */
  readonly decapsulationKey: number;
  /** Ciphertext (c): 1088 / 1568. */
  readonly ciphertext: number;
  /** Shared secret (K): 32. */
  readonly sharedSecret: 32;
  /** Key-generation seed d || z: 64. Sigil stores ML-KEM secret keys in this form. */
  readonly seed: 64;
}

/** ML-KEM (FIPS 203). Secret keys are the 64-byte seed d || z (FIPS 203 §3.3, §7.1). */
export interface MlKemFamily {
  sizes(variant: MlKemVariant): MlKemSizes;
  /**
   * ML-KEM.KeyGen_internal(d, z) from a 64-byte seed, or from a fresh random seed when omitted.
   * `publicKey` is ek; `secretKey` is the seed.
   * @throws SigilError `INVALID_KEY_LENGTH` if `seed` is not 64 bytes.
   */
  generateKeyPair(variant: MlKemVariant, seed?: Uint8Array): KeyPair;
  /**
   * ML-KEM.Encaps(ek) with fresh randomness.
   * @throws SigilError `MLKEM_INVALID_ENCAPSULATION_KEY` if ek fails the FIPS 203 §7.2 check
   *   (wrong length, or a coefficient not reduced modulo q).
   */
  encapsulate(
    variant: MlKemVariant,
    publicKey: Uint8Array,
  ): { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  /**
   * ML-KEM.Encaps_internal(ek, m) with caller-given 32-byte randomness `m`. Known-answer tests
   * only: reusing `m` destroys security. Not every backend has it: check
   * `supports('ml-kem-derandomized-encapsulation')`.
   * @throws SigilError `UNSUPPORTED_ALGORITHM` on a backend without it.
   * @throws SigilError `MLKEM_INVALID_ENCAPSULATION_KEY`, `INVALID_ARGUMENT` (m not 32 bytes).
   */
  encapsulateDerandomized(
    variant: MlKemVariant,
    publicKey: Uint8Array,
    m: Uint8Array,
  ): { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  /**
   * ML-KEM.Decaps with the seed form of the secret key. A ciphertext of the right length never
   * fails: a forged one yields the implicit-rejection key (FIPS 203 §6.3).
   * @throws SigilError `INVALID_KEY_LENGTH` if `secretKey` is not 64 bytes.
   * @throws SigilError `MLKEM_INVALID_CIPHERTEXT_LENGTH` if `ciphertext` has the wrong length.
   */
  decapsulate(variant: MlKemVariant, secretKey: Uint8Array, ciphertext: Uint8Array): Uint8Array;
  /**
   * ML-KEM.Decaps with an expanded decapsulation key dk, after the FIPS 203 §7.3 input check
   * (hash check) and, as OpenSSL does, the coefficient and pair-wise consistency checks; both
   * backends reject the same keys. Most users won't need this: Sigil stores seeds.
   * @throws SigilError `INVALID_KEY_LENGTH` if dk has the wrong length.
   * @throws SigilError `MLKEM_INVALID_DECAPSULATION_KEY` if dk fails those checks.
   * @throws SigilError `MLKEM_INVALID_CIPHERTEXT_LENGTH` if `ciphertext` has the wrong length.
   */
  decapsulateExpanded(
    variant: MlKemVariant,
    decapsulationKey: Uint8Array,
    ciphertext: Uint8Array,
  ): Uint8Array;
}

/** Argon2id parameters (RFC 9106 §3.1). */
export interface Argon2idParams {
  /** The password P. */
  readonly password: Uint8Array;
  /** The salt S: at least 8 bytes; 16 recommended. */
  readonly salt: Uint8Array;
  /** Memory size m in KiB: at least 8 * parallelism. */
  readonly memoryKiB: number;
  /** Number of passes t: at least 1. */
  readonly passes: number;
  /** Degree of parallelism p: 1..255 (Sigil's backends compute lanes sequentially). */
  readonly parallelism: number;
  /** Tag length T in bytes: at least 4. */
  readonly tagLength: number;
  /** Optional secret value K. */
  readonly secret?: Uint8Array;
  /** Optional associated data X. */
  readonly associatedData?: Uint8Array;
}

/** Argon2id (RFC 9106), for passphrase-derived keys. */
export interface Argon2Family {
  /**
   * Argon2id(P, S, p, T, m, t, v=0x13, K, X).
   * @throws SigilError `INVALID_ARGUMENT` if a parameter is out of range.
   */
  derive(params: Argon2idParams): Uint8Array;
}

/** One backend: every algorithm family Sigil uses. */
export interface CryptoProvider {
  /** Which backend this is. */
  readonly name: BackendName;
  readonly random: RandomFamily;
  readonly hash: HashFamily;
  readonly hmac: HmacFamily;
  readonly hkdf: HkdfFamily;
  readonly aead: AeadFamily;
  /** Unauthenticated AES-CTR; most users won't need it (see {@link CtrFamily}). */
  readonly ctr: CtrFamily;
  readonly x25519: X25519Family;
  readonly ed25519: Ed25519Family;
  readonly mlkem: MlKemFamily;
  readonly argon2id: Argon2Family;
  /** Whether this backend implements `algorithm`. */
  supports(algorithm: Algorithm): boolean;
}
