/**
 * The `portable` backend's ML-KEM-768 and ML-KEM-1024 (FIPS 203) on @noble/post-quantum.
 *
 * noble's secret key is the expanded decapsulation key dk = dk_PKE || ek || H(ek) || z
 * (FIPS 203 §7.1, Algorithm 16), while Sigil keeps the 64-byte seed d || z. So Decaps with a
 * seed first runs KeyGen_internal(d, z) and decapsulates with the dk it yields, then wipes it.
 *
 * Decaps with a caller-given expanded dk checks it first (and returns `undefined` if it fails):
 * - the FIPS 203 §7.3 hash check: SHA3-256 of the embedded ek equals the stored H(ek);
 * - every 12-bit coefficient of dk_PKE (s) and of the embedded ek is below q;
 * - a pairwise-consistency test: encapsulate to the embedded ek with fresh randomness and
 *   decapsulate with dk; both shared secrets must agree.
 * The last two go beyond §7.3; they are what OpenSSL checks when the `node` backend imports the
 * same key, so both backends accept and reject the same keys.
 *
 * Derandomized encapsulation (Encaps_internal with a caller-given m) is noble's
 * `encapsulate(ek, m)`: known-answer tests only.
 *
 * Outputs are copied into fresh arrays that own their whole `ArrayBuffer`, and noble's
 * intermediate buffers holding secrets are wiped (best effort).
 *
 * @example
 * ```ts
 * const ek = portableMlKem.mlkemPublicKey('ml-kem-1024', seed);
 * const { ciphertext, sharedSecret } = portableMlKem.mlkemEncapsulate('ml-kem-1024', ek);
 * const same = portableMlKem.mlkemDecapsulate('ml-kem-1024', seed, ciphertext);
 * ```
 * @module
 */
import { sha3_256 } from '@noble/hashes/sha3.js';
import { ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { isValidMlKemEncapsulationKey } from '../internal/mlkem-checks.ts';
import type { MlKemVariant } from '../provider.ts';
import type { RawBackend } from '../raw-backend.ts';
import { constantTimeEqual, wipe } from '../secret.ts';

/** The noble implementation and module rank k of each parameter set (FIPS 203 §8, Table 2). */
const KEMS = {
  'ml-kem-768': { kem: ml_kem768, k: 3 },
  'ml-kem-1024': { kem: ml_kem1024, k: 4 },
} as const satisfies Record<MlKemVariant, unknown>;

/** The modulus q of FIPS 203. */
const Q = 3329;

/** A copy of `bytes` in a fresh array; the source is wiped (it may sit in a larger buffer). */
function takeSecret(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes);
  wipe(bytes);
  return copy;
}

/**
 * Whether ByteDecode_12 of `packed` has every coefficient below q (FIPS 203 §4.2.1). Runs in
 * time independent of the contents, because `packed` may be the secret vector s.
 */
function coefficientsReduced(packed: Uint8Array): boolean {
  let overflow = 0;
  for (let i = 0; i + 2 < packed.length; i += 3) {
    const b0 = packed[i] as number;
    const b1 = packed[i + 1] as number;
    const b2 = packed[i + 2] as number;
    const c0 = b0 | ((b1 & 0x0f) << 8);
    const c1 = (b1 >> 4) | (b2 << 4);
    // Q - 1 - c is negative exactly when c >= q: keep its sign bit.
    overflow |= ((Q - 1 - c0) | (Q - 1 - c1)) >>> 31;
  }
  return overflow === 0;
}

/**
 * The checks on an expanded dk described in the module comment: §7.3 hash check, reduced
 * coefficients, pairwise consistency. `dk` has the right length (checked by the caller).
 */
function isValidExpandedKey(variant: MlKemVariant, dk: Uint8Array): boolean {
  const { kem, k } = KEMS[variant];
  // dk = dk_PKE (384k bytes) || ek (384k + 32) || H(ek) (32) || z (32).
  const ek = dk.subarray(384 * k, 768 * k + 32);
  const storedHash = dk.subarray(768 * k + 32, 768 * k + 64);
  if (!constantTimeEqual(sha3_256(ek), storedHash)) return false;
  if (!coefficientsReduced(dk.subarray(0, 384 * k))) return false;
  if (!isValidMlKemEncapsulationKey(variant, ek, 384 * k + 32)) return false;
  const probe = kem.encapsulate(ek);
  const recovered = kem.decapsulate(probe.cipherText, dk);
  const consistent = constantTimeEqual(probe.sharedSecret, recovered);
  wipe(probe.sharedSecret, recovered);
  return consistent;
}

/** ML-KEM-768 and ML-KEM-1024 of the `portable` backend, with derandomized encapsulation. */
export const portableMlKem: Pick<
  RawBackend,
  | 'mlkemPublicKey'
  | 'mlkemEncapsulate'
  | 'mlkemEncapsulateDerandomized'
  | 'mlkemDecapsulate'
  | 'mlkemDecapsulateExpanded'
> = {
  mlkemPublicKey(variant: MlKemVariant, seed: Uint8Array): Uint8Array {
    const { publicKey, secretKey } = KEMS[variant].kem.keygen(seed);
    wipe(secretKey);
    return publicKey;
  },

  mlkemEncapsulate(variant: MlKemVariant, publicKey: Uint8Array) {
    const { cipherText, sharedSecret } = KEMS[variant].kem.encapsulate(publicKey);
    return { ciphertext: cipherText, sharedSecret: takeSecret(sharedSecret) };
  },

  mlkemEncapsulateDerandomized(variant: MlKemVariant, publicKey: Uint8Array, m: Uint8Array) {
    const { cipherText, sharedSecret } = KEMS[variant].kem.encapsulate(publicKey, m);
    return { ciphertext: cipherText, sharedSecret: takeSecret(sharedSecret) };
  },

  mlkemDecapsulate(variant: MlKemVariant, seed: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const { kem } = KEMS[variant];
    const { secretKey } = kem.keygen(seed);
    try {
      return takeSecret(kem.decapsulate(ciphertext, secretKey));
    } finally {
      wipe(secretKey);
    }
  },

  mlkemDecapsulateExpanded(
    variant: MlKemVariant,
    decapsulationKey: Uint8Array,
    ciphertext: Uint8Array,
  ): Uint8Array | undefined {
    if (!isValidExpandedKey(variant, decapsulationKey)) return undefined;
    return takeSecret(KEMS[variant].kem.decapsulate(ciphertext, decapsulationKey));
  },
};
