/**
 * Byte-string helpers for public values (keys, hashes, identifiers) of @sigil/mls. Not
 * constant-time: never use them on secrets or MACs (use `constantTimeEqual` from
 * @sigil/crypto).
 *
 * Internal to @sigil/mls.
 * @module
 */

/** Whether two public byte strings are equal (variable time). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A string key for a public byte string, for Maps and Sets: one UTF-16 code unit per byte
 * (distinct byte strings give distinct keys; not meant for display).
 */
export function bytesKey(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return out;
}

/** The first four bytes of `bytes` as a uint32 (zero-padded): a cheap pre-filter for lookups. */
export function bytesPrefix(bytes: Uint8Array): number {
  return (
    (((bytes[0] ?? 0) << 24) |
      ((bytes[1] ?? 0) << 16) |
      ((bytes[2] ?? 0) << 8) |
      (bytes[3] ?? 0)) >>>
    0
  );
}

/**
 * A set of public byte strings that answers `has` with one integer lookup for most misses (the
 * scans for duplicate keys over a whole ratchet tree).
 */
export class ByteStringSet {
  readonly #byPrefix = new Map<number, Uint8Array[]>();

  constructor(values: Iterable<Uint8Array> = []) {
    for (const value of values) this.add(value);
  }

  /** Adds `value`. */
  add(value: Uint8Array): void {
    const prefix = bytesPrefix(value);
    const bucket = this.#byPrefix.get(prefix);
    if (bucket === undefined) this.#byPrefix.set(prefix, [value]);
    else bucket.push(value);
  }

  /** Whether an equal byte string was added. */
  has(value: Uint8Array): boolean {
    const bucket = this.#byPrefix.get(bytesPrefix(value));
    if (bucket === undefined) return false;
    return bucket.some((candidate) => bytesEqual(candidate, value));
  }
}
