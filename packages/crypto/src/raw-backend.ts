/**
 * What a backend implements: the bare primitives, with no argument checks and no policy.
 * {@link defineProvider} (define-provider.ts) adds the checks, so both backends behave alike.
 *
 * Every method may assume its arguments have the right lengths and a supported algorithm.
 * Most users won't need this: use {@link CryptoProvider}.
 *
 * @module
 */
import type {
  AeadAlgorithm,
  Algorithm,
  Argon2idParams,
  BackendName,
  CtrAlgorithm,
  HashAlgorithm,
  MlKemVariant,
} from './provider.ts';

export interface RawBackend {
  readonly name: BackendName;
  readonly algorithms: ReadonlySet<Algorithm>;

  randomBytes(length: number): Uint8Array;

  digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array;
  hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array;
  hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  hkdfExpand(
    algorithm: HashAlgorithm,
    prk: Uint8Array,
    info: Uint8Array,
    length: number,
  ): Uint8Array;

  /** Returns ciphertext || 16-byte tag. */
  aeadSeal(
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array;
  /** Returns the plaintext, or `undefined` when the tag does not verify. */
  aeadOpen(
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    nonce: Uint8Array,
    sealed: Uint8Array,
    aad: Uint8Array,
  ): Uint8Array | undefined;

  /** AES-CTR keystream XOR from a 16-byte initial counter block, full 128-bit increment. */
  aesCtr(
    algorithm: CtrAlgorithm,
    key: Uint8Array,
    initialCounterBlock: Uint8Array,
    data: Uint8Array,
  ): Uint8Array;

  x25519PublicKey(secretKey: Uint8Array): Uint8Array;
  /** The raw X25519 function; the all-zero check is done by the caller. */
  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;

  ed25519PublicKey(secretKey: Uint8Array): Uint8Array;
  ed25519Sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /**
   * The cofactorless check [S]B = R + [k]A with S < L. Called only after the shared strict
   * pre-checks (canonical, not small-order A and R) have passed.
   */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;

  /** KeyGen_internal(d, z): returns ek. */
  mlkemPublicKey(variant: MlKemVariant, seed: Uint8Array): Uint8Array;
  /** Encaps with fresh randomness; ek has already passed the §7.2 check. */
  mlkemEncapsulate(
    variant: MlKemVariant,
    publicKey: Uint8Array,
  ): { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  /** Encaps_internal(ek, m); present only where `algorithms` has the derandomized entry. */
  mlkemEncapsulateDerandomized?(
    variant: MlKemVariant,
    publicKey: Uint8Array,
    m: Uint8Array,
  ): { ciphertext: Uint8Array; sharedSecret: Uint8Array };
  mlkemDecapsulate(variant: MlKemVariant, seed: Uint8Array, ciphertext: Uint8Array): Uint8Array;
  /** Returns `undefined` when dk fails the FIPS 203 §7.3 hash check. */
  mlkemDecapsulateExpanded(
    variant: MlKemVariant,
    decapsulationKey: Uint8Array,
    ciphertext: Uint8Array,
  ): Uint8Array | undefined;

  argon2id(params: Argon2idParams): Uint8Array;
}
