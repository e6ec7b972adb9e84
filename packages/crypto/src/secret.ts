/**
 * Secret hygiene (STYLE.md §7): constant-time comparison, best-effort wiping, and redaction of
 * secrets when printed or serialised.
 *
 * Wiping is best effort: JavaScript engines may copy buffers (garbage collection, JIT, string
 * conversions) and nothing here can reach those copies. It shortens the life of a secret in
 * memory; it does not guarantee erasure.
 *
 * @module
 */

const REDACTED = '[redacted]';
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * Compares two byte arrays in time that depends only on their lengths, never on their contents.
 * Arrays of different lengths compare unequal (the length itself is not secret).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** Overwrites each array with zeros (best effort; see the module comment). */
export function wipe(...arrays: (Uint8Array | undefined)[]): void {
  for (const array of arrays) array?.fill(0);
}

/** Whether every byte of `bytes` is zero, in time independent of the contents. */
export function isAllZero(bytes: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < bytes.length; i++) acc |= bytes[i] as number;
  return acc === 0;
}

/**
 * Secret bytes that print as `[redacted]` in `console.log`, `util.inspect`, `JSON.stringify`
 * and string conversion. `expose()` hands out the bytes; `wipe()` zeroes them.
 */
export class SecretBytes {
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** The secret itself. Do not log it, and do not keep it longer than needed. */
  expose(): Uint8Array {
    return this.#bytes;
  }

  /** Byte length (not secret). */
  get length(): number {
    return this.#bytes.length;
  }

  /** Constant-time equality with other secret bytes. */
  equals(other: SecretBytes): boolean {
    return constantTimeEqual(this.#bytes, other.#bytes);
  }

  /** Zeroes the bytes (best effort). */
  wipe(): void {
    this.#bytes.fill(0);
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspectSymbol](): string {
    return `SecretBytes(${REDACTED})`;
  }
}
