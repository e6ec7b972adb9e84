/**
 * The variable-length integer of RFC 9420 §2.1.2 (the QUIC encoding of RFC 9000 §16, cut to
 * 30 bits), used as the length prefix of every `opaque<V>` and `T items<V>`:
 *
 * | prefix | bytes | value range        |
 * |--------|-------|--------------------|
 * | `00`   | 1     | 0 .. 63            |
 * | `01`   | 2     | 64 .. 16383        |
 * | `10`   | 4     | 16384 .. 2^30 - 1  |
 * | `11`   | -     | invalid            |
 *
 * The top two bits of the first byte give the size; the rest, big-endian, the value. The
 * encoding MUST use the minimum number of bytes, so a longer form of a value that fits a
 * shorter one is rejected (`CODEC_NON_MINIMAL_VARINT`), and prefix `11` is rejected
 * (`CODEC_INVALID_VARINT`).
 *
 * @example
 * ```ts
 * encode(varint, 64); // Uint8Array [0x40, 0x40]
 * decode(varint, new Uint8Array([0x40, 0x01])); // throws CODEC_NON_MINIMAL_VARINT
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { Codec } from './codec.ts';
import { MAX_VARINT } from './limits.ts';
import type { Reader } from './reader.ts';
import type { Writer } from './writer.ts';

/**
 * Number of bytes (1, 2 or 4) the minimal encoding of `value` takes.
 * @throws SigilError `INVALID_ARGUMENT` unless `value` is an integer in [0, 2^30 - 1].
 */
export function varintSize(value: number): 1 | 2 | 4 {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_VARINT) {
    throw new SigilError('INVALID_ARGUMENT', 'varint value out of range', {
      details: { max: MAX_VARINT },
    });
  }
  if (value <= 0x3f) return 1;
  if (value <= 0x3fff) return 2;
  return 4;
}

/**
 * The minimal encoding of `value` as a fresh byte array.
 * @throws SigilError `INVALID_ARGUMENT` unless `value` is an integer in [0, 2^30 - 1].
 */
export function varintBytes(value: number): Uint8Array {
  switch (varintSize(value)) {
    case 1:
      return Uint8Array.of(value);
    case 2:
      return Uint8Array.of(0x40 | (value >>> 8), value & 0xff);
    case 4:
      return Uint8Array.of(
        0x80 | (value >>> 24),
        (value >>> 16) & 0xff,
        (value >>> 8) & 0xff,
        value & 0xff,
      );
  }
}

/** Minimum value of each encoded size, for the minimality check. */
const MIN_FOR_SIZE = { 1: 0, 2: 0x40, 4: 0x4000 } as const;

function decodeVarint(reader: Reader): number {
  const start = reader.offset;
  const first = reader.readUint8();
  const prefix = first >>> 6;
  if (prefix === 3) {
    throw new SigilError('CODEC_INVALID_VARINT', 'varint prefix 0b11 is invalid', {
      details: { offset: start },
    });
  }
  const size = prefix === 0 ? 1 : prefix === 1 ? 2 : 4;
  let value = first & 0x3f;
  if (size === 2) {
    value = (value << 8) | reader.readUint8();
  } else if (size === 4) {
    value = value * 0x100_0000 + reader.readUint16() * 0x100 + reader.readUint8();
  }
  if (value < MIN_FOR_SIZE[size]) {
    throw new SigilError('CODEC_NON_MINIMAL_VARINT', 'varint is not minimally encoded', {
      details: { offset: start, size },
    });
  }
  return value;
}

/**
 * The RFC 9420 §2.1.2 variable-length integer as a codec of numbers in [0, 2^30 - 1].
 * Exported for length prefixes of custom codecs; `opaqueVar` and `vector` use it already.
 *
 * @throws SigilError on encode `INVALID_ARGUMENT` (out of range); on decode `CODEC_TRUNCATED`,
 *   `CODEC_INVALID_VARINT` or `CODEC_NON_MINIMAL_VARINT`.
 */
export const varint: Codec<number> = {
  encode(writer: Writer, value: number): void {
    writer.writeBytes(varintBytes(value));
  },
  decode: decodeVarint,
};

/**
 * Reads the varint length prefix of a variable-length vector and checks it against the
 * reader's `maxVectorLength` and the remaining input, before anything of the body is read.
 *
 * @throws SigilError `CODEC_LENGTH_TOO_LARGE` over `maxVectorLength`; `CODEC_TRUNCATED` if
 *   the input (or enclosing vector) is shorter than the declared length; varint errors.
 */
export function readLengthPrefix(reader: Reader): number {
  const start = reader.offset;
  const length = decodeVarint(reader);
  if (length > reader.maxVectorLength) {
    throw new SigilError('CODEC_LENGTH_TOO_LARGE', 'declared length exceeds maxVectorLength', {
      details: { offset: start, length, maxVectorLength: reader.maxVectorLength },
    });
  }
  if (length > reader.remaining) {
    throw reader.error('CODEC_TRUNCATED', 'input ends before the declared length', {
      needed: length,
      available: reader.remaining,
    });
  }
  return length;
}
