/** RFC 9420 §2.1.2 variable-length integers: boundaries, minimality, invalid prefix. */
import { describe, expect, it } from 'vitest';
import { decode, encode, MAX_VARINT, varint, varintBytes, varintSize } from '../src/index.ts';
import { bytes, codeOf } from './helpers.ts';

describe('varint', () => {
  it.each([
    [0, [0x00]],
    [1, [0x01]],
    [63, [0x3f]],
    [64, [0x40, 0x40]],
    [16383, [0x7f, 0xff]],
    [16384, [0x80, 0x00, 0x40, 0x00]],
    [2 ** 24, [0x81, 0x00, 0x00, 0x00]],
    [MAX_VARINT, [0xbf, 0xff, 0xff, 0xff]],
  ])('%i <-> %j', (value, encoded) => {
    expect(encode(varint, value)).toEqual(bytes(...encoded));
    expect(varintBytes(value)).toEqual(bytes(...encoded));
    expect(varintSize(value)).toBe(encoded.length);
    expect(decode(varint, bytes(...encoded))).toBe(value);
  });

  it.each([2 ** 30, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses to encode %d',
    (value) => {
      expect(codeOf(() => encode(varint, value))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => varintSize(value))).toBe('INVALID_ARGUMENT');
    },
  );

  it.each([
    [[0x40, 0x00]],
    [[0x40, 0x01]],
    [[0x40, 0x3f]],
    [[0x80, 0x00, 0x00, 0x00]],
    [[0x80, 0x00, 0x00, 0x01]],
    [[0x80, 0x00, 0x3f, 0xff]],
  ])('rejects non-minimal %j', (encoded) => {
    expect(codeOf(() => decode(varint, bytes(...encoded)))).toBe('CODEC_NON_MINIMAL_VARINT');
  });

  it.each([[[0xc0]], [[0xc0, 0, 0, 0, 0, 0, 0, 1]], [[0xff, 0xff, 0xff, 0xff]]])(
    'rejects prefix 0b11 in %j',
    (encoded) => {
      expect(codeOf(() => decode(varint, bytes(...encoded)))).toBe('CODEC_INVALID_VARINT');
    },
  );

  it.each([[[]], [[0x40]], [[0x80]], [[0x80, 0x00, 0x40]]])('rejects truncated %j', (encoded) => {
    expect(codeOf(() => decode(varint, bytes(...encoded)))).toBe('CODEC_TRUNCATED');
  });

  it('rejects a trailing byte', () => {
    expect(codeOf(() => decode(varint, bytes(0x01, 0x00)))).toBe('CODEC_TRAILING_BYTES');
  });

  it('is a bijection on every one-byte input and every two-byte input with prefix 01', () => {
    const failures: string[] = [];
    const inputs = [
      ...Array.from({ length: 0x100 }, (_, i) => bytes(i)),
      ...Array.from({ length: 0x4000 }, (_, i) => bytes(0x40 | (i >>> 8), i & 0xff)),
    ];
    for (const input of inputs) {
      const name = Buffer.from(input).toString('hex');
      const first = input[0] as number;
      const expected =
        first >= 0xc0
          ? 'CODEC_INVALID_VARINT'
          : input.length === 1 && first >= 0x40
            ? 'CODEC_TRUNCATED'
            : input.length === 2 && first === 0x40 && (input[1] as number) < 0x40
              ? 'CODEC_NON_MINIMAL_VARINT'
              : 'no error';
      const code = codeOf(() => decode(varint, input));
      if (code !== expected) failures.push(`${name}: ${code}, expected ${expected}`);
      if (code === 'no error' && !equal(encode(varint, decode(varint, input)), input)) {
        failures.push(`${name}: re-encoding differs`);
      }
    }
    expect(failures).toEqual([]);
  });
});

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
