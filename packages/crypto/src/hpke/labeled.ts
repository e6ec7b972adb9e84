/**
 * RFC 9180 §4: `LabeledExtract` and `LabeledExpand`, the HKDF wrappers that bind every HPKE
 * derivation to the version label "HPKE-v1", a suite_id and a purpose label; plus `I2OSP` and
 * `concat`. The KEM (suite_id "KEM" || I2OSP(kem_id, 2)) and the key schedule (suite_id
 * "HPKE" || kem_id || kdf_id || aead_id) each get their own {@link LabeledKdf}.
 *
 * @example
 * ```ts
 * const kdf = labeledKdf(provider, 'sha256', suiteId);
 * const prk = kdf.extract(new Uint8Array(0), 'eae_prk', dh);
 * const secret = kdf.expand(prk, 'shared_secret', kemContext, 32);
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { CryptoProvider, HashAlgorithm } from '../provider.ts';

const encoder = new TextEncoder();
const VERSION_LABEL = encoder.encode('HPKE-v1');
/** Labels whose prefixed encoding one {@link LabeledKdf} keeps (HPKE uses about ten). */
const MAX_CACHED_LABELS = 32;

/**
 * Asserts that an API argument is a `Uint8Array`, so no string or array is ever concatenated
 * into a derivation by accident.
 * @throws SigilError `INVALID_ARGUMENT` otherwise.
 */
export function requireBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new SigilError('INVALID_ARGUMENT', `${name} must be a Uint8Array`);
  }
}

/** The ASCII bytes of a label such as "eae_prk". */
export function label(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The concatenation of byte arrays into a fresh array. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * I2OSP(n, w): the w-byte big-endian encoding of a non-negative integer (RFC 8017 §4.1).
 * @throws SigilError `INVALID_ARGUMENT` if `n` does not fit in `w` bytes.
 */
export function i2osp(n: number | bigint, width: number): Uint8Array {
  // Small non-negative integers (every length and identifier HPKE encodes): no BigInt.
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && width <= 6 && n < 256 ** width) {
    const out = new Uint8Array(width);
    for (let i = width - 1, rest = n; i >= 0 && rest > 0; i--) {
      out[i] = rest % 256;
      rest = Math.floor(rest / 256);
    }
    return out;
  }
  let value = BigInt(n);
  if (value < 0n || value >= 1n << BigInt(8 * width)) {
    throw new SigilError('INVALID_ARGUMENT', `integer does not fit in ${width} bytes`);
  }
  const out = new Uint8Array(width);
  for (let i = width - 1; i >= 0 && value > 0n; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/** HKDF bound to one suite_id (RFC 9180 §4). */
export interface LabeledKdf {
  /** Nh of the underlying hash. */
  readonly hashLength: number;
  /** LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm). */
  extract(salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array;
  /**
   * LabeledExpand(prk, label, info, L) =
   * Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L).
   * @throws SigilError `INVALID_OUTPUT_LENGTH` if `length` is not an integer in [0, 255*Nh].
   */
  expand(prk: Uint8Array, label: string, info: Uint8Array, length: number): Uint8Array;
}

/** A {@link LabeledKdf} for `hash` and `suiteId`. Most users won't need this. */
export function labeledKdf(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  suiteId: Uint8Array,
): LabeledKdf {
  const hashLength = provider.hash.outputLength(hash);
  const maxLength = 255 * hashLength;
  // "HPKE-v1" || suite_id || label for each label used, encoded once (labels are constants).
  const prefix = concat(VERSION_LABEL, suiteId);
  const prefixes = new Map<string, Uint8Array>();
  const prefixed = (text: string): Uint8Array => {
    let bytes = prefixes.get(text);
    if (bytes === undefined) {
      bytes = concat(prefix, label(text));
      // HPKE itself uses about ten labels; a caller's own labels are cached only up to a bound.
      if (prefixes.size < MAX_CACHED_LABELS) prefixes.set(text, bytes);
    }
    return bytes;
  };
  return {
    hashLength,
    extract(salt, text, ikm) {
      const labeledIkm = concat(prefixed(text), ikm);
      try {
        return provider.hkdf.extract(hash, salt, labeledIkm);
      } finally {
        // The labeled IKM embeds secrets (DH outputs, PSKs): best-effort wipe of our copy.
        labeledIkm.fill(0);
      }
    },
    expand(prk, text, info, length) {
      // Checked here, before I2OSP(L, 2), so an oversized L gets the HKDF error code.
      if (!Number.isInteger(length) || length < 0 || length > maxLength) {
        throw new SigilError(
          'INVALID_OUTPUT_LENGTH',
          `HPKE output length must be an integer in [0, ${maxLength}]`,
          { details: { max: maxLength } },
        );
      }
      // I2OSP(L, 2): L <= 255 * Nh fits in two bytes for every supported hash.
      const labeledInfo = concat(Uint8Array.of(length >>> 8, length & 0xff), prefixed(text), info);
      return provider.hkdf.expand(hash, prk, labeledInfo, length);
    },
  };
}
