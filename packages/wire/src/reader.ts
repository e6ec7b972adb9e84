/**
 * `Reader`: a bounds-checked cursor over input bytes for the TLS presentation language of
 * RFC 9420 §2.1 (network byte order, RFC 8446 §3.3).
 *
 * Every read checks the remaining length FIRST and throws `CODEC_TRUNCATED` before touching or
 * allocating anything, so a declared length can never make the reader read, slice or allocate
 * past the input. Byte strings are returned as copies: callers may keep or wipe them without
 * aliasing the input buffer. Errors carry the offset, never the data.
 *
 * @example
 * ```ts
 * const reader = new Reader(new Uint8Array([0, 1, 7]));
 * reader.readUint16(); // 1
 * reader.readBytes(1); // Uint8Array [7]
 * ```
 * @module
 */
import { type ErrorCode, SigilError } from '@sigil/errors';
import { DEFAULT_MAX_DEPTH, DEFAULT_MAX_VECTOR_LENGTH, MAX_VARINT } from './limits.ts';

/** Decoding limits; see limits.ts for the defaults and their trade-offs. */
export interface DecodeOptions {
  /**
   * Largest declared byte length accepted for one `opaque<V>` or `T items<V>`
   * (default {@link DEFAULT_MAX_VECTOR_LENGTH}, at most 2^30 - 1).
   */
  readonly maxVectorLength?: number;
  /** Ceiling on container nesting (default {@link DEFAULT_MAX_DEPTH}). */
  readonly maxDepth?: number;
}

/**
 * A cursor over a byte array. The input is not copied; do not mutate it while decoding.
 *
 * Most users won't need this directly: build a {@link Codec} and call `decode()`.
 */
export class Reader {
  readonly #bytes: Uint8Array;
  #offset = 0;
  #end: number;
  #depth = 0;
  /** Largest declared vector byte length this reader accepts. */
  readonly maxVectorLength: number;
  readonly #maxDepth: number;

  /**
   * @throws SigilError `INVALID_ARGUMENT` if `bytes` is not a Uint8Array or an option is
   *   invalid.
   */
  constructor(bytes: Uint8Array, options: DecodeOptions = {}) {
    if (!(bytes instanceof Uint8Array)) {
      throw new SigilError('INVALID_ARGUMENT', 'decode input must be a Uint8Array');
    }
    const maxVectorLength = options.maxVectorLength ?? DEFAULT_MAX_VECTOR_LENGTH;
    const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    if (!Number.isInteger(maxVectorLength) || maxVectorLength < 0 || maxVectorLength > MAX_VARINT) {
      throw new SigilError('INVALID_ARGUMENT', 'maxVectorLength must be an integer in [0, 2^30-1]');
    }
    if (!Number.isSafeInteger(maxDepth) || maxDepth < 1) {
      throw new SigilError('INVALID_ARGUMENT', 'maxDepth must be a positive integer');
    }
    this.#bytes = bytes;
    this.#end = bytes.length;
    this.maxVectorLength = maxVectorLength;
    this.#maxDepth = maxDepth;
  }

  /** Offset of the next byte to read, from the start of the input. */
  get offset(): number {
    return this.#offset;
  }

  /** Bytes left before the current end (the input's end, or a vector's end inside it). */
  get remaining(): number {
    return this.#end - this.#offset;
  }

  /** A `Codec`-category error at the current offset (helper for codecs). */
  error(code: ErrorCode, message: string, details: Record<string, number> = {}): SigilError {
    return new SigilError(code, message, { details: { offset: this.#offset, ...details } });
  }

  /** Throws `CODEC_TRUNCATED` unless `needed` more bytes are available. */
  #need(needed: number): void {
    if (needed > this.#end - this.#offset) {
      throw this.error('CODEC_TRUNCATED', 'input ends before the value does', {
        needed,
        available: this.#end - this.#offset,
      });
    }
  }

  /** Reads a `uint8`. @throws SigilError `CODEC_TRUNCATED` at the end of input. */
  readUint8(): number {
    this.#need(1);
    return this.#bytes[this.#offset++] as number;
  }

  /** Reads a big-endian `uint16`. @throws SigilError `CODEC_TRUNCATED`. */
  readUint16(): number {
    this.#need(2);
    const b = this.#bytes;
    const o = this.#offset;
    this.#offset += 2;
    return ((b[o] as number) << 8) | (b[o + 1] as number);
  }

  /** Reads a big-endian `uint32`. @throws SigilError `CODEC_TRUNCATED`. */
  readUint32(): number {
    this.#need(4);
    const b = this.#bytes;
    const o = this.#offset;
    this.#offset += 4;
    return (
      (b[o] as number) * 0x100_0000 +
      (((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number))
    );
  }

  /** Reads a big-endian `uint64` as a bigint. @throws SigilError `CODEC_TRUNCATED`. */
  readUint64(): bigint {
    this.#need(8);
    const high = this.readUint32();
    const low = this.readUint32();
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /**
   * Reads `length` bytes as a fresh copy (never a view of the input).
   * @throws SigilError `CODEC_TRUNCATED` if fewer remain; nothing is allocated in that case.
   */
  readBytes(length: number): Uint8Array {
    this.#need(length);
    const out = this.#bytes.slice(this.#offset, this.#offset + length);
    this.#offset += length;
    return out;
  }

  /**
   * Runs `body` with the reader's end moved to `length` bytes from here, so nothing inside can
   * read past them; this is how `T items<V>` is confined to its declared byte length.
   *
   * @throws SigilError `CODEC_TRUNCATED` if `length` exceeds the remaining input (checked before
   *   `body` runs); `CODEC_TRAILING_BYTES` if `body` leaves some of the `length` bytes unread.
   */
  within<T>(length: number, body: () => T): T {
    this.#need(length);
    const outerEnd = this.#end;
    const end = this.#offset + length;
    this.#end = end;
    try {
      const value = body();
      if (this.#offset !== end) {
        throw this.error('CODEC_TRAILING_BYTES', 'bytes left inside a length-delimited value', {
          trailing: end - this.#offset,
        });
      }
      return value;
    } finally {
      this.#end = outerEnd;
    }
  }

  /**
   * Enters one level of container nesting; pair with {@link Reader.leave} in a `finally`.
   * @throws SigilError `CODEC_LENGTH_TOO_LARGE` when nesting exceeds `maxDepth`.
   */
  enter(): void {
    if (this.#depth >= this.#maxDepth) {
      throw this.error('CODEC_LENGTH_TOO_LARGE', 'input nests deeper than maxDepth', {
        maxDepth: this.#maxDepth,
      });
    }
    this.#depth += 1;
  }

  /** Leaves one level of container nesting. */
  leave(): void {
    this.#depth -= 1;
  }
}
