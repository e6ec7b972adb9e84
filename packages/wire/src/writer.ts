/**
 * `Writer`: a growable byte buffer for the TLS presentation language of RFC 9420 §2.1
 * (network byte order, RFC 8446 §3.3). Codecs append to it; `finish()` hands out the bytes.
 *
 * Every write checks its argument: an integer out of range for its width, or a non-byte-array
 * where bytes are expected, is a caller bug and throws `INVALID_ARGUMENT` (category `Usage`).
 * Encoding never raises a `Codec` error: that category is kept for bytes that do not parse.
 *
 * @example
 * ```ts
 * const writer = new Writer();
 * writer.writeUint16(0x0001);
 * writer.writeBytes(new Uint8Array([1, 2, 3]));
 * writer.finish(); // Uint8Array [0, 1, 1, 2, 3]
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { DEFAULT_MAX_DEPTH } from './limits.ts';

/** Options of a {@link Writer}. */
export interface WriterOptions {
  /** Bytes reserved up front (default 64); the buffer doubles as needed. */
  readonly initialCapacity?: number;
  /** Ceiling on container nesting while encoding (default {@link DEFAULT_MAX_DEPTH}). */
  readonly maxDepth?: number;
}

const MAX_UINT64 = (1n << 64n) - 1n;

function invalid(message: string, details?: Record<string, number | string>): SigilError {
  return new SigilError('INVALID_ARGUMENT', message, details ? { details } : undefined);
}

function checkUint(value: number, max: number, name: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw invalid(`${name} value out of range`, { max });
  }
}

/**
 * An append-only byte buffer with amortised doubling growth.
 *
 * Most users won't need this directly: build a {@link Codec} and call `encode()`.
 */
export class Writer {
  #buffer: Uint8Array;
  #length = 0;
  #depth = 0;
  readonly #maxDepth: number;

  /** @throws SigilError `INVALID_ARGUMENT` if an option is not a positive integer. */
  constructor(options: WriterOptions = {}) {
    const capacity = options.initialCapacity ?? 64;
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw invalid('initialCapacity must be a positive integer');
    if (!Number.isSafeInteger(maxDepth) || maxDepth < 1)
      throw invalid('maxDepth must be a positive integer');
    this.#buffer = new Uint8Array(capacity);
    this.#maxDepth = maxDepth;
  }

  /** Number of bytes written so far. */
  get length(): number {
    return this.#length;
  }

  /** Makes room for `extra` more bytes, doubling the buffer as often as needed. */
  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#buffer.length) return;
    let capacity = this.#buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }

  /** Appends a `uint8`. @throws SigilError `INVALID_ARGUMENT` unless 0 <= value <= 255. */
  writeUint8(value: number): void {
    checkUint(value, 0xff, 'uint8');
    this.#reserve(1);
    this.#buffer[this.#length++] = value;
  }

  /** Appends a big-endian `uint16`. @throws SigilError `INVALID_ARGUMENT` if out of range. */
  writeUint16(value: number): void {
    checkUint(value, 0xffff, 'uint16');
    this.#reserve(2);
    this.#buffer[this.#length++] = value >>> 8;
    this.#buffer[this.#length++] = value & 0xff;
  }

  /** Appends a big-endian `uint32`. @throws SigilError `INVALID_ARGUMENT` if out of range. */
  writeUint32(value: number): void {
    checkUint(value, 0xffff_ffff, 'uint32');
    this.#reserve(4);
    this.#buffer[this.#length++] = value >>> 24;
    this.#buffer[this.#length++] = (value >>> 16) & 0xff;
    this.#buffer[this.#length++] = (value >>> 8) & 0xff;
    this.#buffer[this.#length++] = value & 0xff;
  }

  /**
   * Appends a big-endian `uint64` given as a bigint.
   * @throws SigilError `INVALID_ARGUMENT` unless a bigint with 0 <= value < 2^64.
   */
  writeUint64(value: bigint): void {
    if (typeof value !== 'bigint' || value < 0n || value > MAX_UINT64) {
      throw invalid('uint64 value out of range');
    }
    this.writeUint32(Number(value >> 32n));
    this.writeUint32(Number(value & 0xffff_ffffn));
  }

  /**
   * Appends `bytes` as they are (copied into the buffer).
   * @throws SigilError `INVALID_ARGUMENT` if not a Uint8Array.
   */
  writeBytes(bytes: Uint8Array): void {
    if (!(bytes instanceof Uint8Array)) throw invalid('expected a Uint8Array');
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /**
   * Inserts `bytes` at `offset`, moving everything written after it: this is how a length
   * prefix whose size depends on the content is placed in front of that content.
   * @throws SigilError `INVALID_ARGUMENT` if `offset` is not within the written bytes.
   */
  insert(offset: number, bytes: Uint8Array): void {
    if (!Number.isInteger(offset) || offset < 0 || offset > this.#length) {
      throw invalid('insert offset out of range');
    }
    if (!(bytes instanceof Uint8Array)) throw invalid('expected a Uint8Array');
    this.#reserve(bytes.length);
    this.#buffer.copyWithin(offset + bytes.length, offset, this.#length);
    this.#buffer.set(bytes, offset);
    this.#length += bytes.length;
  }

  /**
   * Enters one level of container nesting; pair with {@link Writer.leave} in a `finally`.
   * @throws SigilError `INVALID_ARGUMENT` when nesting exceeds `maxDepth` (e.g. a cyclic value).
   */
  enter(): void {
    if (this.#depth >= this.#maxDepth) {
      throw invalid('value nests deeper than maxDepth', { maxDepth: this.#maxDepth });
    }
    this.#depth += 1;
  }

  /** Leaves one level of container nesting. */
  leave(): void {
    this.#depth -= 1;
  }

  /** The bytes written so far, as a fresh copy of exactly {@link Writer.length} bytes. */
  finish(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }
}
