/**
 * The client's own records (account state, contacts, outbox entries) as bytes: JSON in which a
 * `Uint8Array` is `{ "$b": base64url }` and a `bigint` is `{ "$n": decimal }`. Used where a
 * store keeps a record as one blob (and, for secrets, seals that blob). Protocol records
 * (session records, prekeys) keep their own wire formats.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { fromBase64url, fromUtf8, toBase64url, utf8 } from './bytes.ts';

/** Encodes a record of plain values, byte arrays and bigints. */
export function encodeRecord(value: unknown): Uint8Array {
  return utf8(
    JSON.stringify(value, function replace(this: Record<string, unknown>, key, v: unknown) {
      const raw = this[key];
      if (raw instanceof Uint8Array) return { $b: toBase64url(raw) };
      if (typeof raw === 'bigint') return { $n: raw.toString() };
      return v;
    }),
  );
}

/**
 * Decodes what {@link encodeRecord} wrote. The caller asserts the type.
 * @throws SigilError `STORAGE_FAILURE` for bytes that are not such a record.
 */
export function decodeRecord<T>(bytes: Uint8Array): T {
  try {
    return JSON.parse(fromUtf8(bytes), (_key, v: unknown) => {
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        const keys = Object.keys(v);
        if (keys.length === 1 && keys[0] === '$b') {
          return fromBase64url((v as { $b: string }).$b);
        }
        if (keys.length === 1 && keys[0] === '$n') return BigInt((v as { $n: string }).$n);
      }
      return v;
    }) as T;
  } catch (err) {
    throw new SigilError('STORAGE_FAILURE', 'a stored record does not parse', { cause: err });
  }
}
