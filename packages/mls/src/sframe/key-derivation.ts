/**
 * SFrame key and salt derivation (RFC 9605 §4.4.2) and the per-frame nonce (§4.4.3):
 *
 * ```
 * sframe_secret = HKDF-Extract("", base_key)
 * sframe_key    = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret key "  + KID + cipher_suite, Nk)
 * sframe_salt   = HKDF-Expand(sframe_secret, "SFrame 1.0 Secret salt " + KID + cipher_suite, Nn)
 * nonce         = sframe_salt XOR encode_big_endian(CTR, Nn)
 * ```
 *
 * KID is an 8-byte and cipher_suite a 2-byte big-endian integer; HKDF uses the suite's hash.
 * Most users won't need this module: {@link SFrameContext} derives keys as they are added.
 *
 * @example
 * ```ts
 * const { key, salt } = deriveSFrameKeySalt(suite, 0x123n, baseKey);
 * const nonce = sframeNonce(salt, 0x4567n);
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { SFrameCipherSuite } from './cipher-suite.ts';
import { SFRAME_MAX_UINT64 } from './limits.ts';

const encoder = new TextEncoder();
const KEY_LABEL = encoder.encode('SFrame 1.0 Secret key ');
const SALT_LABEL = encoder.encode('SFrame 1.0 Secret salt ');

function requireUint64(value: bigint, name: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > SFRAME_MAX_UINT64) {
    throw new SigilError('INVALID_ARGUMENT', `${name} must be a bigint in [0, 2^64 - 1]`);
  }
}

function label(prefix: Uint8Array, kid: bigint, suiteId: number): Uint8Array {
  requireUint64(kid, 'kid');
  const out = new Uint8Array(prefix.length + 10);
  out.set(prefix, 0);
  const view = new DataView(out.buffer);
  view.setBigUint64(prefix.length, kid);
  view.setUint16(prefix.length + 8, suiteId);
  return out;
}

/** sframe_key_label: "SFrame 1.0 Secret key " + KID (8 bytes) + cipher_suite (2 bytes). */
export function sframeKeyLabel(kid: bigint, suiteId: number): Uint8Array {
  return label(KEY_LABEL, kid, suiteId);
}

/** sframe_salt_label: "SFrame 1.0 Secret salt " + KID (8 bytes) + cipher_suite (2 bytes). */
export function sframeSaltLabel(kid: bigint, suiteId: number): Uint8Array {
  return label(SALT_LABEL, kid, suiteId);
}

/** sframe_secret = HKDF-Extract("", base_key): Nh bytes. Secret. */
export function sframeSecret(suite: SFrameCipherSuite, baseKey: Uint8Array): Uint8Array {
  if (!(baseKey instanceof Uint8Array)) {
    throw new SigilError('INVALID_ARGUMENT', 'baseKey must be a Uint8Array');
  }
  return suite.provider.hkdf.extract(suite.hashAlgorithm, new Uint8Array(0), baseKey);
}

/**
 * derive_key_salt(KID, base_key) (§4.4.2): the AEAD key (Nk bytes) and salt (Nn bytes) of one
 * KID. Both are secret; the intermediate sframe_secret is wiped.
 * @throws SigilError `INVALID_ARGUMENT` if `kid` is not a bigint in [0, 2^64 - 1] or `baseKey`
 *   is not bytes.
 */
export function deriveSFrameKeySalt(
  suite: SFrameCipherSuite,
  kid: bigint,
  baseKey: Uint8Array,
): { key: Uint8Array; salt: Uint8Array } {
  const keyLabel = sframeKeyLabel(kid, suite.id);
  const saltLabel = sframeSaltLabel(kid, suite.id);
  const secret = sframeSecret(suite, baseKey);
  try {
    const { hkdf } = suite.provider;
    return {
      key: hkdf.expand(suite.hashAlgorithm, secret, keyLabel, suite.keyLength),
      salt: hkdf.expand(suite.hashAlgorithm, secret, saltLabel, suite.nonceLength),
    };
  } finally {
    secret.fill(0);
  }
}

/**
 * The AEAD nonce of frame `ctr` (§4.4.3): sframe_salt XOR CTR, CTR as an Nn-byte big-endian
 * integer. Distinct counters give distinct nonces under one key, which is why a counter must
 * never be used twice with one KID (§9.1).
 * @throws SigilError `INVALID_ARGUMENT` if `ctr` is not a bigint in [0, 2^64 - 1].
 */
export function sframeNonce(salt: Uint8Array, ctr: bigint): Uint8Array {
  requireUint64(ctr, 'ctr');
  const nonce = Uint8Array.from(salt);
  let value = ctr;
  for (let i = nonce.length - 1; i >= 0 && value > 0n; i -= 1) {
    nonce[i] = (nonce[i] as number) ^ Number(value & 0xffn);
    value >>= 8n;
  }
  return nonce;
}
