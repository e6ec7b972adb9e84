/**
 * The `node` backend's ML-KEM-768 and ML-KEM-1024 (FIPS 203) on node:crypto (OpenSSL 3.5).
 *
 * - KeyGen (§7.1): the 64-byte seed d || z is imported as a `raw-seed` private key, and ek is
 *   exported as `raw-public`.
 * - Encaps (§7.2) and Decaps (§7.3) are `crypto.encapsulate` / `crypto.decapsulate`. Sigil keeps
 *   secret keys as seeds, so each decapsulation re-imports the seed (re-expanding the key).
 * - Decaps with an expanded dk: Node has no raw format for it, so dk is wrapped in a PKCS#8
 *   `PrivateKeyInfo` whose ML-KEM-PrivateKey is the `expandedKey` CHOICE (the PKCS#8 profile
 *   of draft-ietf-lamps-kyber-certificates) and imported as DER. OpenSSL checks the key as it
 *   imports it: the FIPS 203 §7.3 hash check H(ek) = h, every coefficient of s and of the
 *   embedded ek reduced modulo q, and a pairwise-consistency test (encapsulate to the embedded
 *   ek, decapsulate with dk). A key that fails is reported as `undefined`; the `portable`
 *   backend makes the same checks so both backends reject the same keys.
 *
 * node:crypto has no derandomized encapsulation (Encaps_internal with a caller-given m), so this
 * backend does not provide `mlkemEncapsulateDerandomized`.
 *
 * No cache of imported private keys is kept: it would keep every recently used secret key alive
 * in OpenSSL memory after the caller wiped its seed, and Sigil decapsulates with a given key
 * rarely (once per one-time prekey or ratchet KEM step).
 *
 * @example
 * ```ts
 * const ek = nodeMlKem.mlkemPublicKey('ml-kem-768', seed);
 * const { ciphertext, sharedSecret } = nodeMlKem.mlkemEncapsulate('ml-kem-768', ek);
 * const same = nodeMlKem.mlkemDecapsulate('ml-kem-768', seed, ciphertext);
 * ```
 * @module
 */
import {
  createPrivateKey,
  createPublicKey,
  decapsulate,
  encapsulate,
  type KeyObject,
} from 'node:crypto';
import { SigilError } from '@sigil/errors';
import type { MlKemVariant } from '../provider.ts';
import type { RawBackend } from '../raw-backend.ts';
import { wipe } from '../secret.ts';
import { withoutStackTraces } from './fast-path.ts';
import { ownedBytes } from './hash.ts';
import { cachedPublicKey, cachedSecretKey } from './key-cache.ts';

/**
 * The last arc of each parameter set's object identifier under NIST's KEM arc
 * 2.16.840.1.101.3.4.4 (id-alg-ml-kem-768 = .2, id-alg-ml-kem-1024 = .3).
 */
const OID_LAST_ARC: Record<MlKemVariant, number> = { 'ml-kem-768': 0x02, 'ml-kem-1024': 0x03 };

/** DER of `version INTEGER 0` (PKCS#8 v1, RFC 5958 §2). */
const DER_VERSION_0 = [0x02, 0x01, 0x00];

/** A Buffer view of `bytes` without a copy (node:crypto's key inputs are typed as Buffer). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A DER length (short form below 128, else long form); every length here is below 65536. */
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  if (length < 0x100) return [0x81, length];
  return [0x82, length >> 8, length & 0xff];
}

/**
 * DER of the PKCS#8 `PrivateKeyInfo` holding an expanded ML-KEM decapsulation key:
 *
 * ```
 * SEQUENCE {
 *   INTEGER 0,
 *   SEQUENCE { OBJECT IDENTIFIER 2.16.840.1.101.3.4.4.{2,3} },  -- parameters absent
 *   OCTET STRING { OCTET STRING dk }                            -- expandedKey CHOICE
 * }
 * ```
 *
 * The result holds dk: the caller wipes it after use.
 */
function expandedKeyPkcs8(variant: MlKemVariant, dk: Uint8Array): Uint8Array {
  const algorithm = [
    0x30,
    0x0b,
    ...[0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x04, OID_LAST_ARC[variant]],
  ];
  const expandedKeyHeader = [0x04, ...derLength(dk.length)];
  const privateKeyHeader = [0x04, ...derLength(expandedKeyHeader.length + dk.length)];
  const bodyLength =
    DER_VERSION_0.length +
    algorithm.length +
    privateKeyHeader.length +
    expandedKeyHeader.length +
    dk.length;
  const header = [
    0x30,
    ...derLength(bodyLength),
    ...DER_VERSION_0,
    ...algorithm,
    ...privateKeyHeader,
    ...expandedKeyHeader,
  ];
  const der = new Uint8Array(header.length + dk.length);
  der.set(header, 0);
  der.set(dk, header.length);
  return der;
}

/** KeyGen_internal(d, z) inside OpenSSL: the private key of a 64-byte seed. */
function privateKeyFromSeed(variant: MlKemVariant, seed: Uint8Array): KeyObject {
  return cachedSecretKey(variant, seed, (bytes) =>
    withoutStackTraces(() =>
      createPrivateKey({ key: asBuffer(bytes), format: 'raw-seed', asymmetricKeyType: variant }),
    ),
  );
}

/**
 * Imports an expanded dk; `undefined` when OpenSSL rejects it as an invalid key (§7.3 hash
 * check, unreduced coefficients or a failed pairwise-consistency test).
 * @throws SigilError `INTERNAL` if node:crypto fails for any other reason.
 */
function privateKeyFromExpanded(variant: MlKemVariant, dk: Uint8Array): KeyObject | undefined {
  const der = expandedKeyPkcs8(variant, dk);
  try {
    return withoutStackTraces(() =>
      createPrivateKey({ key: asBuffer(der), format: 'der', type: 'pkcs8' }),
    );
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_OSSL_INVALID_KEY') return undefined;
    throw new SigilError('INTERNAL', 'node:crypto could not import an ML-KEM decapsulation key', {
      cause: error,
    });
  } finally {
    wipe(der);
  }
}

/** ML-KEM-768 and ML-KEM-1024 of the `node` backend. */
export const nodeMlKem: Pick<
  RawBackend,
  'mlkemPublicKey' | 'mlkemEncapsulate' | 'mlkemDecapsulate' | 'mlkemDecapsulateExpanded'
> = {
  mlkemPublicKey(variant: MlKemVariant, seed: Uint8Array): Uint8Array {
    const publicKey = createPublicKey(privateKeyFromSeed(variant, seed));
    return ownedBytes(publicKey.export({ format: 'raw-public' }));
  },

  mlkemEncapsulate(variant: MlKemVariant, publicKey: Uint8Array) {
    // OpenSSL repeats the §7.2 modulus check on import; define-provider has already done it.
    const key = cachedPublicKey(variant, publicKey, (bytes) =>
      withoutStackTraces(() =>
        createPublicKey({ key: asBuffer(bytes), format: 'raw-public', asymmetricKeyType: variant }),
      ),
    );
    const { sharedKey, ciphertext } = encapsulate(key);
    return { ciphertext: ownedBytes(ciphertext), sharedSecret: ownedBytes(sharedKey) };
  },

  mlkemDecapsulate(variant: MlKemVariant, seed: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    return ownedBytes(decapsulate(privateKeyFromSeed(variant, seed), ciphertext));
  },

  mlkemDecapsulateExpanded(
    variant: MlKemVariant,
    decapsulationKey: Uint8Array,
    ciphertext: Uint8Array,
  ): Uint8Array | undefined {
    const key = privateKeyFromExpanded(variant, decapsulationKey);
    if (key === undefined) return undefined;
    return ownedBytes(decapsulate(key, ciphertext));
  },
};
