/**
 * HPKE cipher suites (RFC 9180 §7): the KEM, KDF and AEAD identifier tables, their sizes, and
 * the mapping from the names Sigil uses to the provider's algorithms. Adding a KDF or an AEAD is
 * one table entry here; nothing else in `hpke/` names a concrete algorithm.
 *
 * @example
 * ```ts
 * const suite = hpkeSuiteFromIds(0x0020, 0x0001, 0x0003);
 * // { kem: 'DHKEM(X25519, HKDF-SHA256)', kdf: 'HKDF-SHA256', aead: 'ChaCha20Poly1305' }
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { AeadAlgorithm, CryptoProvider, HashAlgorithm } from '../provider.ts';

/** KEM names Sigil supports (RFC 9180 §7.1, Table 2). */
export type HpkeKemName = 'DHKEM(X25519, HKDF-SHA256)';
/** KDF names Sigil supports (RFC 9180 §7.2, Table 3). */
export type HpkeKdfName = 'HKDF-SHA256' | 'HKDF-SHA512';
/** AEAD names Sigil supports (RFC 9180 §7.3, Table 5). */
export type HpkeAeadName = 'AES-128-GCM' | 'AES-256-GCM' | 'ChaCha20Poly1305' | 'Export-only';

/** An HPKE cipher suite by name. */
export interface HpkeSuite {
  readonly kem: HpkeKemName;
  readonly kdf: HpkeKdfName;
  readonly aead: HpkeAeadName;
}

/** The wire identifiers of a suite: kem_id, kdf_id and aead_id, each a 2-byte integer. */
export interface HpkeSuiteIds {
  /** kem_id (RFC 9180 §7.1). */
  readonly kem: number;
  /** kdf_id (RFC 9180 §7.2). */
  readonly kdf: number;
  /** aead_id (RFC 9180 §7.3). */
  readonly aead: number;
}

/** kem_id of each supported KEM (RFC 9180 Table 2). */
export const HPKE_KEM_IDS: Readonly<Record<HpkeKemName, number>> = Object.freeze({
  'DHKEM(X25519, HKDF-SHA256)': 0x0020,
});

/** kdf_id of each supported KDF (RFC 9180 Table 3). */
export const HPKE_KDF_IDS: Readonly<Record<HpkeKdfName, number>> = Object.freeze({
  'HKDF-SHA256': 0x0001,
  'HKDF-SHA512': 0x0003,
});

/** aead_id of each supported AEAD (RFC 9180 Table 5). */
export const HPKE_AEAD_IDS: Readonly<Record<HpkeAeadName, number>> = Object.freeze({
  'AES-128-GCM': 0x0001,
  'AES-256-GCM': 0x0002,
  ChaCha20Poly1305: 0x0003,
  'Export-only': 0xffff,
});

/** A KEM's parameters (RFC 9180 Table 2). */
export interface KemParams {
  readonly name: HpkeKemName;
  readonly id: number;
  /** The hash of the KEM's own HKDF (DHKEM uses it whatever the suite's KDF is). */
  readonly hash: HashAlgorithm;
  /** Nsecret: shared secret length. */
  readonly secretLength: number;
  /** Nenc: encapsulated key length. */
  readonly encLength: number;
  /** Npk: public key length. */
  readonly publicKeyLength: number;
  /** Nsk: secret key length. */
  readonly secretKeyLength: number;
}

/** A KDF's parameters (RFC 9180 Table 3). */
export interface KdfParams {
  readonly name: HpkeKdfName;
  readonly id: number;
  readonly hash: HashAlgorithm;
  /** Nh: output size of Extract. */
  readonly hashLength: number;
}

/** An AEAD's parameters (RFC 9180 Table 5); `algorithm` is absent for Export-only. */
export interface AeadParams {
  readonly name: HpkeAeadName;
  readonly id: number;
  readonly algorithm: AeadAlgorithm | undefined;
  /** Nk: key length (0 for Export-only). */
  readonly keyLength: number;
  /** Nn: nonce length (0 for Export-only). */
  readonly nonceLength: number;
  /** Nt: tag length (0 for Export-only). */
  readonly tagLength: number;
}

const KEMS: Readonly<Record<HpkeKemName, KemParams>> = {
  'DHKEM(X25519, HKDF-SHA256)': {
    name: 'DHKEM(X25519, HKDF-SHA256)',
    id: 0x0020,
    hash: 'sha256',
    secretLength: 32,
    encLength: 32,
    publicKeyLength: 32,
    secretKeyLength: 32,
  },
};

const KDFS: Readonly<Record<HpkeKdfName, KdfParams>> = {
  'HKDF-SHA256': { name: 'HKDF-SHA256', id: 0x0001, hash: 'sha256', hashLength: 32 },
  'HKDF-SHA512': { name: 'HKDF-SHA512', id: 0x0003, hash: 'sha512', hashLength: 64 },
};

const AEADS: Readonly<Record<HpkeAeadName, AeadParams>> = {
  'AES-128-GCM': {
    name: 'AES-128-GCM',
    id: 0x0001,
    algorithm: 'aes-128-gcm',
    keyLength: 16,
    nonceLength: 12,
    tagLength: 16,
  },
  'AES-256-GCM': {
    name: 'AES-256-GCM',
    id: 0x0002,
    algorithm: 'aes-256-gcm',
    keyLength: 32,
    nonceLength: 12,
    tagLength: 16,
  },
  ChaCha20Poly1305: {
    name: 'ChaCha20Poly1305',
    id: 0x0003,
    algorithm: 'chacha20-poly1305',
    keyLength: 32,
    nonceLength: 12,
    tagLength: 16,
  },
  'Export-only': {
    name: 'Export-only',
    id: 0xffff,
    algorithm: undefined,
    keyLength: 0,
    nonceLength: 0,
    tagLength: 0,
  },
};

/** A suite with every parameter looked up. Most users won't need this. */
export interface ResolvedSuite {
  readonly kem: KemParams;
  readonly kdf: KdfParams;
  readonly aead: AeadParams;
  /** suite_id of the key schedule: "HPKE" || I2OSP(kem_id, 2) || I2OSP(kdf_id, 2) || I2OSP(aead_id, 2) (§5.1). */
  readonly suiteId: Uint8Array;
}

function lookup<K extends string, V>(
  table: Readonly<Record<K, V>>,
  name: unknown,
  what: string,
): V {
  if (typeof name !== 'string' || !Object.hasOwn(table, name)) {
    throw new SigilError('UNSUPPORTED_ALGORITHM', `unsupported HPKE ${what}: ${String(name)}`);
  }
  return table[name as K];
}

function findById<V extends { readonly id: number; readonly name: string }>(
  table: Readonly<Record<string, V>>,
  id: number,
  what: string,
): V {
  for (const params of Object.values(table)) if (params.id === id) return params;
  throw new SigilError('UNSUPPORTED_ALGORITHM', `unsupported HPKE ${what} id: ${id}`, {
    details: { id },
  });
}

/**
 * The suite named by wire identifiers.
 * @throws SigilError `UNSUPPORTED_ALGORITHM` if an identifier is not one Sigil supports.
 */
export function hpkeSuiteFromIds(kemId: number, kdfId: number, aeadId: number): HpkeSuite {
  return {
    kem: findById(KEMS, kemId, 'KEM').name,
    kdf: findById(KDFS, kdfId, 'KDF').name,
    aead: findById(AEADS, aeadId, 'AEAD').name,
  };
}

/** The wire identifiers of a suite (kem_id, kdf_id, aead_id). */
export function hpkeSuiteIds(suite: HpkeSuite): HpkeSuiteIds {
  const resolved = resolveSuite(suite);
  return { kem: resolved.kem.id, kdf: resolved.kdf.id, aead: resolved.aead.id };
}

/**
 * Looks up every parameter of `suite` and checks that `provider` (when given) implements the
 * primitives it needs. Most users won't need this: `createHpke` calls it.
 * @throws SigilError `UNSUPPORTED_ALGORITHM` for an unknown name or a primitive the provider lacks.
 */
export function resolveSuite(suite: HpkeSuite, provider?: CryptoProvider): ResolvedSuite {
  const kem = lookup(KEMS, suite.kem, 'KEM');
  const kdf = lookup(KDFS, suite.kdf, 'KDF');
  const aead = lookup(AEADS, suite.aead, 'AEAD');
  if (provider !== undefined) {
    const needed = [
      'x25519',
      `hkdf-${kem.hash}`,
      `hkdf-${kdf.hash}`,
      ...(aead.algorithm === undefined ? [] : [aead.algorithm]),
    ] as const;
    for (const algorithm of needed) {
      if (!provider.supports(algorithm)) {
        throw new SigilError(
          'UNSUPPORTED_ALGORITHM',
          `the ${provider.name} backend lacks ${algorithm}, needed by this HPKE suite`,
        );
      }
    }
  }
  const suiteId = new Uint8Array([
    ...new TextEncoder().encode('HPKE'),
    kem.id >> 8,
    kem.id & 0xff,
    kdf.id >> 8,
    kdf.id & 0xff,
    aead.id >> 8,
    aead.id & 0xff,
  ]);
  return { kem, kdf, aead, suiteId };
}
