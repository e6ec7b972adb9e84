/**
 * Primitive codecs of the TLS presentation language (RFC 9420 §2.1, RFC 8446 §3.3–§3.4):
 * fixed-width unsigned integers in network byte order, fixed-length `opaque data[n]` and
 * variable-length `opaque data<V>` with the §2.1.2 varint length prefix.
 *
 * `uint8`, `uint16` and `uint32` are JavaScript numbers; `uint64` is a bigint so that every
 * value is exact. Decoded byte strings are fresh copies, never views of the input.
 *
 * @example
 * ```ts
 * encode(opaqueVar, new Uint8Array([1, 2])); // Uint8Array [2, 1, 2]
 * decode(opaque(2), new Uint8Array([1, 2])); // Uint8Array [1, 2]
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { Codec } from './codec.ts';
import type { Reader } from './reader.ts';
import { readLengthPrefix, varint } from './varint.ts';
import type { Writer } from './writer.ts';

/**
 * `uint8`: one byte, 0..255.
 * @throws SigilError `INVALID_ARGUMENT` on encode if out of range.
 */
export const uint8: Codec<number> = {
  encode: (writer: Writer, value: number) => writer.writeUint8(value),
  decode: (reader: Reader) => reader.readUint8(),
};

/**
 * `uint16`: two bytes big-endian.
 * @throws SigilError `INVALID_ARGUMENT` on encode if out of range.
 */
export const uint16: Codec<number> = {
  encode: (writer: Writer, value: number) => writer.writeUint16(value),
  decode: (reader: Reader) => reader.readUint16(),
};

/**
 * `uint32`: four bytes big-endian.
 * @throws SigilError `INVALID_ARGUMENT` on encode if out of range.
 */
export const uint32: Codec<number> = {
  encode: (writer: Writer, value: number) => writer.writeUint32(value),
  decode: (reader: Reader) => reader.readUint32(),
};

/**
 * `uint64`: eight bytes big-endian, as a bigint.
 * @throws SigilError `INVALID_ARGUMENT` on encode if out of range.
 */
export const uint64: Codec<bigint> = {
  encode: (writer: Writer, value: bigint) => writer.writeUint64(value),
  decode: (reader: Reader) => reader.readUint64(),
};

/**
 * `opaque data[length]`: exactly `length` bytes with no prefix (keys, hashes, nonces).
 *
 * @throws SigilError `INVALID_ARGUMENT` at construction if `length` is not a non-negative safe
 *   integer, and on encode if the value is not a Uint8Array of exactly `length` bytes;
 *   `CODEC_TRUNCATED` on decode.
 */
export function opaque(length: number): Codec<Uint8Array> {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new SigilError('INVALID_ARGUMENT', 'opaque length must be a non-negative integer');
  }
  return {
    encode(writer: Writer, value: Uint8Array): void {
      if (!(value instanceof Uint8Array) || value.length !== length) {
        throw new SigilError('INVALID_ARGUMENT', 'opaque value has the wrong length', {
          details: { expected: length },
        });
      }
      writer.writeBytes(value);
    },
    decode: (reader: Reader) => reader.readBytes(length),
  };
}

/**
 * `opaque data<V>`: a varint byte length (RFC 9420 §2.1.2) followed by that many bytes.
 *
 * @throws SigilError on encode `INVALID_ARGUMENT` (not a Uint8Array, or over 2^30 - 1 bytes);
 *   on decode `CODEC_LENGTH_TOO_LARGE` (over `maxVectorLength`), `CODEC_TRUNCATED` or a varint
 *   error. The declared length is checked before any byte is copied.
 */
export const opaqueVar: Codec<Uint8Array> = {
  encode(writer: Writer, value: Uint8Array): void {
    if (!(value instanceof Uint8Array)) {
      throw new SigilError('INVALID_ARGUMENT', 'expected a Uint8Array');
    }
    varint.encode(writer, value.length);
    writer.writeBytes(value);
  },
  decode(reader: Reader): Uint8Array {
    return reader.readBytes(readLengthPrefix(reader));
  },
};
