/**
 * Turns a {@link RawBackend} into a {@link CryptoProvider}: every argument check, size table and
 * policy lives here once, so the `node` and `portable` backends raise the same `SigilError`
 * codes for the same inputs (STYLE.md §5, misuse resistance in the wrappers).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { checkEd25519StrictPoint } from './internal/ed25519-policy.ts';
import { isValidMlKemEncapsulationKey } from './internal/mlkem-checks.ts';
import { KeyPair } from './key-pair.ts';
import type {
  AeadAlgorithm,
  Algorithm,
  Argon2idParams,
  CryptoProvider,
  CtrAlgorithm,
  HashAlgorithm,
  MlKemSizes,
  MlKemVariant,
} from './provider.ts';
import type { RawBackend } from './raw-backend.ts';
import { constantTimeEqual, isAllZero } from './secret.ts';

const HASH_LENGTH: Record<HashAlgorithm, number> = { sha256: 32, sha512: 64 };
const AEAD_KEY_LENGTH: Record<AeadAlgorithm, number> = {
  'aes-128-gcm': 16,
  'aes-256-gcm': 32,
  'chacha20-poly1305': 32,
};
const CTR_KEY_LENGTH: Record<CtrAlgorithm, number> = { 'aes-128-ctr': 16, 'aes-256-ctr': 32 };
const MLKEM_SIZES: Record<MlKemVariant, MlKemSizes> = {
  'ml-kem-768': {
    encapsulationKey: 1184,
    decapsulationKey: 2400,
    ciphertext: 1088,
    sharedSecret: 32,
    seed: 64,
  },
  'ml-kem-1024': {
    encapsulationKey: 1568,
    decapsulationKey: 3168,
    ciphertext: 1568,
    sharedSecret: 32,
    seed: 64,
  },
};
/** Upper bound on one `random.bytes` call; larger requests are a usage error. */
const MAX_RANDOM_BYTES = 65536;
/** Shortest truncated HMAC tag `hmac.verify` accepts (128 bits). */
const MIN_HMAC_TAG = 16;

function requireBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new SigilError('INVALID_ARGUMENT', `${name} must be a Uint8Array`);
  }
}

function requireLength(
  value: unknown,
  length: number,
  name: string,
  code: 'INVALID_KEY_LENGTH' | 'INVALID_NONCE_LENGTH' | 'INVALID_ARGUMENT' = 'INVALID_KEY_LENGTH',
): asserts value is Uint8Array {
  requireBytes(value, name);
  if (value.length !== length) {
    throw new SigilError(code, `${name} must be ${length} bytes, got ${value.length}`, {
      details: { expected: length, actual: value.length },
    });
  }
}

function hashLength(algorithm: HashAlgorithm): number {
  const length = HASH_LENGTH[algorithm];
  if (length === undefined) {
    throw new SigilError(
      'UNSUPPORTED_ALGORITHM',
      `unsupported hash algorithm: ${String(algorithm)}`,
    );
  }
  return length;
}

function aeadKeyLength(algorithm: AeadAlgorithm): number {
  const length = AEAD_KEY_LENGTH[algorithm];
  if (length === undefined) {
    throw new SigilError(
      'UNSUPPORTED_ALGORITHM',
      `unsupported AEAD algorithm: ${String(algorithm)}`,
    );
  }
  return length;
}

function ctrKeyLength(algorithm: CtrAlgorithm): number {
  const length = CTR_KEY_LENGTH[algorithm];
  if (length === undefined) {
    throw new SigilError(
      'UNSUPPORTED_ALGORITHM',
      `unsupported CTR algorithm: ${String(algorithm)}`,
    );
  }
  return length;
}

function mlkemSizes(variant: MlKemVariant): MlKemSizes {
  const sizes = MLKEM_SIZES[variant];
  if (sizes === undefined) {
    throw new SigilError('UNSUPPORTED_ALGORITHM', `unsupported ML-KEM variant: ${String(variant)}`);
  }
  return sizes;
}

function requireInteger(value: number, min: number, max: number, name: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SigilError('INVALID_ARGUMENT', `${name} must be an integer in [${min}, ${max}]`);
  }
}

function checkArgon2idParams(params: Argon2idParams): void {
  requireBytes(params.password, 'password');
  requireBytes(params.salt, 'salt');
  if (params.salt.length < 8)
    throw new SigilError('INVALID_ARGUMENT', 'salt must be at least 8 bytes');
  requireInteger(params.parallelism, 1, 255, 'parallelism');
  requireInteger(params.passes, 1, 2 ** 32 - 1, 'passes');
  requireInteger(params.tagLength, 4, 2 ** 32 - 1, 'tagLength');
  // 2 GiB: both backends can allocate it (noble's cap is below 4 GiB), far above any sane setting.
  requireInteger(params.memoryKiB, 8 * params.parallelism, 2 ** 21, 'memoryKiB');
  if (params.secret !== undefined) requireBytes(params.secret, 'secret');
  if (params.associatedData !== undefined) requireBytes(params.associatedData, 'associatedData');
}

/**
 * Builds a provider from a backend's raw primitives.
 * Most users won't need this: call `getCryptoProvider()`.
 */
export function defineProvider(raw: RawBackend): CryptoProvider {
  const supports = (algorithm: Algorithm): boolean => raw.algorithms.has(algorithm);

  const aeadArgs = (
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    nonce: Uint8Array,
    data: Uint8Array,
    aad: Uint8Array,
  ) => {
    requireLength(key, aeadKeyLength(algorithm), 'key');
    requireLength(nonce, 12, 'nonce', 'INVALID_NONCE_LENGTH');
    requireBytes(data, 'data');
    requireBytes(aad, 'aad');
  };

  const checkEncapsulationKey = (variant: MlKemVariant, publicKey: Uint8Array): void => {
    requireBytes(publicKey, 'publicKey');
    if (!isValidMlKemEncapsulationKey(variant, publicKey, mlkemSizes(variant).encapsulationKey)) {
      throw new SigilError(
        'MLKEM_INVALID_ENCAPSULATION_KEY',
        'ML-KEM encapsulation key fails the FIPS 203 §7.2 input check',
      );
    }
  };

  const checkCiphertext = (variant: MlKemVariant, ciphertext: Uint8Array): void => {
    requireBytes(ciphertext, 'ciphertext');
    const expected = mlkemSizes(variant).ciphertext;
    if (ciphertext.length !== expected) {
      throw new SigilError(
        'MLKEM_INVALID_CIPHERTEXT_LENGTH',
        `ML-KEM ciphertext must be ${expected} bytes, got ${ciphertext.length}`,
        { details: { expected, actual: ciphertext.length } },
      );
    }
  };

  return Object.freeze({
    name: raw.name,
    supports,

    random: {
      bytes(length: number): Uint8Array {
        requireInteger(length, 0, MAX_RANDOM_BYTES, 'length');
        return raw.randomBytes(length);
      },
    },

    hash: {
      outputLength: hashLength,
      digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
        hashLength(algorithm);
        requireBytes(data, 'data');
        return raw.digest(algorithm, data);
      },
    },

    hmac: {
      mac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
        hashLength(algorithm);
        requireBytes(key, 'key');
        requireBytes(data, 'data');
        return raw.hmac(algorithm, key, data);
      },
      verify(
        algorithm: HashAlgorithm,
        key: Uint8Array,
        data: Uint8Array,
        tag: Uint8Array,
      ): boolean {
        const full = hashLength(algorithm);
        requireBytes(key, 'key');
        requireBytes(data, 'data');
        requireBytes(tag, 'tag');
        if (tag.length < MIN_HMAC_TAG || tag.length > full) return false;
        return constantTimeEqual(raw.hmac(algorithm, key, data).subarray(0, tag.length), tag);
      },
    },

    hkdf: {
      extract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
        const length = hashLength(algorithm);
        requireBytes(salt, 'salt');
        requireBytes(ikm, 'ikm');
        // RFC 5869 §2.2: an absent salt is HashLen zero bytes; HMAC pads a short key with
        // zeros anyway, so both spellings give the same PRK.
        return raw.hkdfExtract(algorithm, salt.length === 0 ? new Uint8Array(length) : salt, ikm);
      },
      expand(
        algorithm: HashAlgorithm,
        prk: Uint8Array,
        info: Uint8Array,
        length: number,
      ): Uint8Array {
        const hashLen = hashLength(algorithm);
        requireBytes(prk, 'prk');
        requireBytes(info, 'info');
        if (prk.length < hashLen) {
          throw new SigilError('INVALID_KEY_LENGTH', `prk must be at least ${hashLen} bytes`);
        }
        if (!Number.isInteger(length) || length < 0 || length > 255 * hashLen) {
          throw new SigilError(
            'INVALID_OUTPUT_LENGTH',
            `HKDF output length must be an integer in [0, ${255 * hashLen}]`,
            { details: { max: 255 * hashLen } },
          );
        }
        if (length === 0) return new Uint8Array(0);
        return raw.hkdfExpand(algorithm, prk, info, length);
      },
    },

    aead: {
      keyLength: aeadKeyLength,
      nonceLength: 12,
      tagLength: 16,
      seal(algorithm, key, nonce, plaintext, aad) {
        aeadArgs(algorithm, key, nonce, plaintext, aad);
        return raw.aeadSeal(algorithm, key, nonce, plaintext, aad);
      },
      open(algorithm, key, nonce, sealed, aad) {
        aeadArgs(algorithm, key, nonce, sealed, aad);
        const plaintext =
          sealed.length < 16 ? undefined : raw.aeadOpen(algorithm, key, nonce, sealed, aad);
        if (plaintext === undefined) {
          throw new SigilError('AEAD_AUTHENTICATION_FAILED', 'AEAD authentication failed');
        }
        return plaintext;
      },
    },

    ctr: {
      keyLength: ctrKeyLength,
      counterBlockLength: 16,
      keystreamXor(
        algorithm: CtrAlgorithm,
        key: Uint8Array,
        initialCounterBlock: Uint8Array,
        data: Uint8Array,
      ): Uint8Array {
        requireLength(key, ctrKeyLength(algorithm), 'key');
        requireLength(initialCounterBlock, 16, 'initialCounterBlock', 'INVALID_NONCE_LENGTH');
        requireBytes(data, 'data');
        return raw.aesCtr(algorithm, key, initialCounterBlock, data);
      },
    },

    x25519: {
      generateKeyPair(): KeyPair {
        const secretKey = raw.randomBytes(32);
        return new KeyPair(raw.x25519PublicKey(secretKey), secretKey);
      },
      publicKey(secretKey: Uint8Array): Uint8Array {
        requireLength(secretKey, 32, 'secretKey');
        return raw.x25519PublicKey(secretKey);
      },
      sharedSecret(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
        requireLength(secretKey, 32, 'secretKey');
        requireLength(publicKey, 32, 'publicKey');
        const shared = raw.x25519(secretKey, publicKey);
        // RFC 7748 §6.1: a low-order public key yields all zeros; reject it so a peer cannot
        // force a known shared secret.
        if (isAllZero(shared)) {
          throw new SigilError('X25519_LOW_ORDER_POINT', 'X25519 public key is of low order');
        }
        return shared;
      },
    },

    ed25519: {
      generateKeyPair(): KeyPair {
        const secretKey = raw.randomBytes(32);
        return new KeyPair(raw.ed25519PublicKey(secretKey), secretKey);
      },
      publicKey(secretKey: Uint8Array): Uint8Array {
        requireLength(secretKey, 32, 'secretKey');
        return raw.ed25519PublicKey(secretKey);
      },
      sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
        requireLength(secretKey, 32, 'secretKey');
        requireBytes(message, 'message');
        return raw.ed25519Sign(secretKey, message);
      },
      verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
        requireLength(publicKey, 32, 'publicKey');
        requireBytes(message, 'message');
        requireBytes(signature, 'signature');
        if (signature.length !== 64) return false;
        if (!checkEd25519StrictPoint(publicKey)) return false;
        if (!checkEd25519StrictPoint(signature.subarray(0, 32))) return false;
        return raw.ed25519Verify(publicKey, message, signature);
      },
    },

    mlkem: {
      sizes: mlkemSizes,
      generateKeyPair(variant: MlKemVariant, seed?: Uint8Array): KeyPair {
        mlkemSizes(variant);
        const secretKey = seed ?? raw.randomBytes(64);
        requireLength(secretKey, 64, 'seed');
        return new KeyPair(raw.mlkemPublicKey(variant, secretKey), secretKey);
      },
      encapsulate(variant: MlKemVariant, publicKey: Uint8Array) {
        checkEncapsulationKey(variant, publicKey);
        return raw.mlkemEncapsulate(variant, publicKey);
      },
      encapsulateDerandomized(variant: MlKemVariant, publicKey: Uint8Array, m: Uint8Array) {
        const derandomized = raw.mlkemEncapsulateDerandomized;
        if (derandomized === undefined || !supports('ml-kem-derandomized-encapsulation')) {
          throw new SigilError(
            'UNSUPPORTED_ALGORITHM',
            `the ${raw.name} backend has no derandomized ML-KEM encapsulation`,
          );
        }
        checkEncapsulationKey(variant, publicKey);
        requireLength(m, 32, 'm', 'INVALID_ARGUMENT');
        return derandomized.call(raw, variant, publicKey, m);
      },
      decapsulate(
        variant: MlKemVariant,
        secretKey: Uint8Array,
        ciphertext: Uint8Array,
      ): Uint8Array {
        mlkemSizes(variant);
        requireLength(secretKey, 64, 'secretKey');
        checkCiphertext(variant, ciphertext);
        return raw.mlkemDecapsulate(variant, secretKey, ciphertext);
      },
      decapsulateExpanded(
        variant: MlKemVariant,
        decapsulationKey: Uint8Array,
        ciphertext: Uint8Array,
      ): Uint8Array {
        requireLength(decapsulationKey, mlkemSizes(variant).decapsulationKey, 'decapsulationKey');
        checkCiphertext(variant, ciphertext);
        const shared = raw.mlkemDecapsulateExpanded(variant, decapsulationKey, ciphertext);
        if (shared === undefined) {
          throw new SigilError(
            'MLKEM_INVALID_DECAPSULATION_KEY',
            'ML-KEM decapsulation key fails the FIPS 203 §7.3 input check',
          );
        }
        return shared;
      },
    },

    argon2id: {
      derive(params: Argon2idParams): Uint8Array {
        checkArgon2idParams(params);
        return raw.argon2id(params);
      },
    },
  } satisfies CryptoProvider);
}
