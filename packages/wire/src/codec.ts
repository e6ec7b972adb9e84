/**
 * The `Codec<T>` contract and the top-level `encode` / `decode` of the TLS presentation
 * language (RFC 9420 §2.1). A codec is a pair of functions over a {@link Writer} and a
 * {@link Reader}; primitives.ts, varint.ts and combinators.ts build them, and formats compose
 * them into structs.
 *
 * Every codec in this package is canonical: `decode` accepts exactly the byte strings `encode`
 * can produce, so `encode(c, decode(c, bytes))` equals `bytes` whenever `decode` succeeds.
 *
 * Errors: `decode` throws only `SigilError`s of category `Codec` for bad bytes (plus
 * `INVALID_ARGUMENT` if it is handed something other than a Uint8Array or bad options);
 * `encode` throws `INVALID_ARGUMENT` (category `Usage`) for values the codec cannot represent.
 *
 * @example
 * ```ts
 * const bytes = encode(uint16, 513); // Uint8Array [2, 1]
 * decode(uint16, bytes); // 513
 * ```
 * @module
 */
import { type DecodeOptions, Reader } from './reader.ts';
import { Writer, type WriterOptions } from './writer.ts';

/**
 * A binary codec for values of type `T`: `encode` appends `value` to `writer`, `decode` reads one
 * value from `reader`. Implementations must be canonical (one encoding per value) and must
 * throw only `SigilError`: `INVALID_ARGUMENT` on encode, a `Codec`-category code on decode.
 */
export interface Codec<T> {
  /** Appends the encoding of `value`. @throws SigilError `INVALID_ARGUMENT`. */
  encode(writer: Writer, value: T): void;
  /** Reads one value. @throws SigilError of category `Codec`. */
  decode(reader: Reader): T;
}

/** The value type of a codec: `Infer<typeof myCodec>`. */
export type Infer<C> = C extends Codec<infer T> ? T : never;

/** Options of {@link encode}. */
export type EncodeOptions = Pick<WriterOptions, 'maxDepth'>;

/**
 * Encodes `value` with `codec` into a fresh byte array.
 *
 * @throws SigilError `INVALID_ARGUMENT` if the value cannot be represented (integer out of
 *   range, wrong fixed length, vector over 2^30-1 bytes, unknown enum value or tag, nesting
 *   over `maxDepth`).
 */
export function encode<T>(codec: Codec<T>, value: T, options: EncodeOptions = {}): Uint8Array {
  const writer = new Writer(options);
  codec.encode(writer, value);
  return writer.finish();
}

/**
 * Decodes exactly one value from `bytes`; bytes left over are an error.
 *
 * @throws SigilError `CODEC_TRUNCATED`, `CODEC_TRAILING_BYTES`, `CODEC_NON_MINIMAL_VARINT`,
 *   `CODEC_INVALID_VARINT`, `CODEC_LENGTH_TOO_LARGE` or `CODEC_INVALID_VALUE` for bytes that do
 *   not parse; `INVALID_ARGUMENT` if `bytes` is not a Uint8Array or an option is invalid.
 */
export function decode<T>(codec: Codec<T>, bytes: Uint8Array, options: DecodeOptions = {}): T {
  const reader = new Reader(bytes, options);
  const value = codec.decode(reader);
  if (reader.remaining !== 0) {
    throw reader.error('CODEC_TRAILING_BYTES', 'bytes left after the value', {
      trailing: reader.remaining,
    });
  }
  return value;
}
