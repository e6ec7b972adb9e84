/** Fixed-width integers and opaque byte strings (RFC 9420 §2.1, RFC 8446 §3.3–§3.4). */
import { describe, expect, it } from 'vitest';
import {
  type Codec,
  decode,
  encode,
  MAX_VARINT,
  opaque,
  opaqueVar,
  uint8,
  uint16,
  uint32,
  uint64,
} from '../src/index.ts';
import { bytes, codeOf, errorOf } from './helpers.ts';

describe('unsigned integers', () => {
  it.each([
    ['uint8', uint8, 0, [0]],
    ['uint8', uint8, 255, [0xff]],
    ['uint16', uint16, 0x0102, [1, 2]],
    ['uint16', uint16, 0xffff, [0xff, 0xff]],
    ['uint32', uint32, 0x01020304, [1, 2, 3, 4]],
    ['uint32', uint32, 0xffffffff, [0xff, 0xff, 0xff, 0xff]],
    ['uint32', uint32, 0x80000000, [0x80, 0, 0, 0]],
  ] as const)('%s %i', (_name, codec, value, encoded) => {
    expect(encode(codec, value)).toEqual(bytes(...encoded));
    expect(decode(codec, bytes(...encoded))).toBe(value);
  });

  it.each([
    ['uint8', uint8, 256],
    ['uint8', uint8, -1],
    ['uint8', uint8, 1.5],
    ['uint16', uint16, 0x10000],
    ['uint32', uint32, 2 ** 32],
    ['uint32', uint32, Number.NaN],
  ] as const)('%s refuses to encode %d', (_name, codec, value) => {
    expect(codeOf(() => encode(codec, value))).toBe('INVALID_ARGUMENT');
  });

  it('refuses non-numbers', () => {
    expect(codeOf(() => encode(uint8, '1' as unknown as number))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => encode(uint64, 1 as unknown as bigint))).toBe('INVALID_ARGUMENT');
  });

  it('uint64 covers 0 .. 2^64-1 exactly', () => {
    const max = (1n << 64n) - 1n;
    expect(encode(uint64, max)).toEqual(new Uint8Array(8).fill(0xff));
    expect(decode(uint64, new Uint8Array(8).fill(0xff))).toBe(max);
    expect(decode(uint64, bytes(0, 0, 0, 1, 0, 0, 0, 2))).toBe((1n << 32n) + 2n);
    expect(encode(uint64, 0x0102030405060708n)).toEqual(bytes(1, 2, 3, 4, 5, 6, 7, 8));
    expect(codeOf(() => encode(uint64, max + 1n))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => encode(uint64, -1n))).toBe('INVALID_ARGUMENT');
  });

  it.each([
    ['uint8', uint8, 1],
    ['uint16', uint16, 2],
    ['uint32', uint32, 4],
    ['uint64', uint64 as Codec<unknown>, 8],
  ] as const)('%s: every short input is CODEC_TRUNCATED', (_name, codec, size) => {
    for (let n = 0; n < size; n++) {
      expect(
        codeOf(() => decode(codec, new Uint8Array(n))),
        `length ${n}`,
      ).toBe('CODEC_TRUNCATED');
    }
    expect(codeOf(() => decode(codec, new Uint8Array(size + 1)))).toBe('CODEC_TRAILING_BYTES');
  });
});

describe('opaque[n]', () => {
  it('round-trips exactly n bytes', () => {
    const codec = opaque(3);
    expect(encode(codec, bytes(1, 2, 3))).toEqual(bytes(1, 2, 3));
    expect(decode(codec, bytes(1, 2, 3))).toEqual(bytes(1, 2, 3));
    expect(encode(opaque(0), new Uint8Array(0))).toEqual(new Uint8Array(0));
  });

  it('refuses the wrong length on encode and short input on decode', () => {
    expect(codeOf(() => encode(opaque(3), bytes(1, 2)))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => encode(opaque(3), [1, 2, 3] as unknown as Uint8Array))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => decode(opaque(3), bytes(1, 2)))).toBe('CODEC_TRUNCATED');
    expect(codeOf(() => decode(opaque(3), bytes(1, 2, 3, 4)))).toBe('CODEC_TRAILING_BYTES');
    expect(codeOf(() => opaque(-1))).toBe('INVALID_ARGUMENT');
  });

  it('decodes to a copy, not a view of the input', () => {
    const input = bytes(1, 2, 3);
    const out = decode(opaque(3), input);
    input[0] = 9;
    expect(out).toEqual(bytes(1, 2, 3));
    expect(out.buffer).not.toBe(input.buffer);
  });
});

describe('opaque<V>', () => {
  it.each([
    [0, [0x00]],
    [63, [0x3f]],
    [64, [0x40, 0x40]],
    [16383, [0x7f, 0xff]],
    [16384, [0x80, 0x00, 0x40, 0x00]],
  ])('length %i has prefix %j', (length, prefix) => {
    const body = new Uint8Array(length).map((_, i) => i & 0xff);
    const encoded = encode(opaqueVar, body);
    expect(encoded.subarray(0, prefix.length)).toEqual(bytes(...prefix));
    expect(encoded.length).toBe(prefix.length + length);
    expect(decode(opaqueVar, encoded)).toEqual(body);
  });

  it('rejects a body shorter than its declared length', () => {
    expect(codeOf(() => decode(opaqueVar, bytes(0x03, 1, 2)))).toBe('CODEC_TRUNCATED');
    expect(codeOf(() => decode(opaqueVar, bytes(0x02, 1, 2, 3)))).toBe('CODEC_TRAILING_BYTES');
    expect(codeOf(() => decode(opaqueVar, bytes(0x40, 0x02, 1, 2)))).toBe(
      'CODEC_NON_MINIMAL_VARINT',
    );
    expect(codeOf(() => decode(opaqueVar, bytes(0xc0, 1, 2)))).toBe('CODEC_INVALID_VARINT');
  });

  it('enforces maxVectorLength', () => {
    const encoded = encode(opaqueVar, new Uint8Array(100));
    expect(decode(opaqueVar, encoded, { maxVectorLength: 100 }).length).toBe(100);
    const err = errorOf(() => decode(opaqueVar, encoded, { maxVectorLength: 99 }));
    expect(err.code).toBe('CODEC_LENGTH_TOO_LARGE');
    expect(err.details).toEqual({ offset: 0, length: 100, maxVectorLength: 99 });
    expect(codeOf(() => decode(opaqueVar, encoded, { maxVectorLength: 2 ** 30 }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('a declared 2^30-1 length on a 10-byte input fails fast without allocating', () => {
    const input = new Uint8Array(10);
    input.set([0xbf, 0xff, 0xff, 0xff]);
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    for (let i = 0; i < 1000; i++) {
      expect(codeOf(() => decode(opaqueVar, input))).toBe('CODEC_LENGTH_TOO_LARGE');
      expect(codeOf(() => decode(opaqueVar, input, { maxVectorLength: MAX_VARINT }))).toBe(
        'CODEC_TRUNCATED',
      );
    }
    const elapsed = performance.now() - started;
    // One 1 GiB allocation alone would take far longer and show in arrayBuffers.
    expect(elapsed).toBeLessThan(1000);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses a non-Uint8Array on encode and on decode', () => {
    expect(codeOf(() => encode(opaqueVar, 'ab' as unknown as Uint8Array))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => decode(opaqueVar, [0] as unknown as Uint8Array))).toBe('INVALID_ARGUMENT');
  });
});
