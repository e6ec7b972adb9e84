/** vector, optional, struct, enumOf, variant, lazy and map (RFC 9420 §2.1, RFC 8446 §3). */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type Codec,
  decode,
  encode,
  enumOf,
  type Infer,
  lazy,
  map,
  opaque,
  opaqueVar,
  optional,
  struct,
  uint8,
  uint16,
  uint32,
  uint64,
  variant,
  vector,
} from '../src/index.ts';
import { bytes, codeOf, errorOf } from './helpers.ts';

describe('vector', () => {
  it('prefixes the byte length, not the item count', () => {
    expect(encode(vector(uint16), [1, 2])).toEqual(bytes(4, 0, 1, 0, 2));
    expect(decode(vector(uint16), bytes(4, 0, 1, 0, 2))).toEqual([1, 2]);
    expect(encode(vector(uint16), [])).toEqual(bytes(0));
    expect(decode(vector(uint16), bytes(0))).toEqual([]);
  });

  it('moves the items when the prefix grows, at every nesting level', () => {
    const inner = Array.from({ length: 100 }, (_, i) => i);
    const value = [inner, [], inner.slice(0, 70)];
    const encoded = encode(vector(vector(uint8)), value);
    // outer: 2-byte prefix; inner: 0x4064 + 100, 0x00, 0x4046 + 70.
    expect(encoded.length).toBe(2 + (2 + 100) + 1 + (2 + 70));
    expect(encoded.subarray(0, 4)).toEqual(bytes(0x40, 175, 0x40, 100));
    expect(decode(vector(vector(uint8)), encoded)).toEqual(value);
  });

  it('rejects a partial item and an item running past the declared length', () => {
    expect(codeOf(() => decode(vector(uint16), bytes(3, 0, 1, 0)))).toBe('CODEC_TRUNCATED');
    expect(codeOf(() => decode(vector(uint16), bytes(1, 0, 1)))).toBe('CODEC_TRUNCATED');
    expect(codeOf(() => decode(vector(opaqueVar), bytes(2, 5, 1, 2, 3, 4, 5)))).toBe(
      'CODEC_TRUNCATED',
    );
  });

  it('rejects a declared length beyond the input or the limit', () => {
    expect(codeOf(() => decode(vector(uint8), bytes(5, 1, 2)))).toBe('CODEC_TRUNCATED');
    expect(codeOf(() => decode(vector(uint8), bytes(3, 1, 2, 3), { maxVectorLength: 2 }))).toBe(
      'CODEC_LENGTH_TOO_LARGE',
    );
    expect(codeOf(() => decode(vector(uint8), bytes(0xbf, 0xff, 0xff, 0xff, 0)))).toBe(
      'CODEC_LENGTH_TOO_LARGE',
    );
  });

  it('never loops on zero-size items', () => {
    const empty = struct({});
    expect(decode(vector(empty), bytes(0))).toEqual([]);
    expect(codeOf(() => decode(vector(empty), bytes(1, 0)))).toBe('CODEC_INVALID_VALUE');
    expect(codeOf(() => encode(vector(empty), [{}]))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => encode(vector(opaque(0)), [new Uint8Array(0)]))).toBe('INVALID_ARGUMENT');
  });

  it('refuses a non-array on encode', () => {
    expect(codeOf(() => encode(vector(uint8), 'ab' as unknown as number[]))).toBe(
      'INVALID_ARGUMENT',
    );
  });
});

describe('optional', () => {
  const codec = optional(uint8);

  it('is a presence byte 0/1 then the value', () => {
    expect(encode(codec, undefined)).toEqual(bytes(0));
    expect(encode(codec, 7)).toEqual(bytes(1, 7));
    expect(decode(codec, bytes(0))).toBeUndefined();
    expect(decode(codec, bytes(1, 7))).toBe(7);
  });

  it.each([2, 0x80, 0xff])('rejects presence byte %i', (presence) => {
    const err = errorOf(() => decode(codec, bytes(presence, 7)));
    expect(err.code).toBe('CODEC_INVALID_VALUE');
    expect(err.details).toEqual({ offset: 0 });
  });

  it('rejects truncation and a present-but-absent nested optional', () => {
    expect(codeOf(() => decode(codec, bytes()))).toBe('CODEC_TRUNCATED');
    expect(codeOf(() => decode(codec, bytes(1)))).toBe('CODEC_TRUNCATED');
    const nested = optional(optional(uint8));
    expect(decode(nested, bytes(1, 1, 7))).toBe(7);
    expect(encode(nested, undefined)).toEqual(bytes(0));
    expect(codeOf(() => decode(nested, bytes(1, 0)))).toBe('CODEC_INVALID_VALUE');
  });
});

describe('struct', () => {
  const Point = struct({ y: uint16, x: uint8, label: opaqueVar });

  it('encodes fields in key order and decodes exactly the declared fields', () => {
    const encoded = encode(Point, { y: 0x0102, x: 3, label: bytes(9) });
    expect(encoded).toEqual(bytes(1, 2, 3, 1, 9));
    const extra = { y: 0x0102, x: 3, label: bytes(9), ignored: true };
    expect(encode(Point, extra)).toEqual(encoded);
    expect(decode(Point, encoded)).toStrictEqual({ y: 0x0102, x: 3, label: bytes(9) });
    expectTypeOf(decode(Point, encoded)).toEqualTypeOf<{
      readonly y: number;
      readonly x: number;
      readonly label: Uint8Array;
    }>();
  });

  it('refuses bad values and bad definitions', () => {
    expect(codeOf(() => encode(Point, null as unknown as Infer<typeof Point>))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => encode(Point, { y: 1, x: 2 } as unknown as Infer<typeof Point>))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(codeOf(() => struct({ 1: uint8, a: uint8 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => struct(Object.create({ a: uint8 }) as Record<string, Codec<number>>))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('handles a field named __proto__ as data', () => {
    const codec = struct({ ['__proto__']: uint8 } as Record<string, Codec<number>>);
    const value = decode(codec, bytes(5));
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe(5);
  });
});

describe('enumOf', () => {
  const Suite = enumOf(uint16, [1, 2, 3] as const);

  it('accepts only the listed values', () => {
    expect(encode(Suite, 2)).toEqual(bytes(0, 2));
    expect(decode(Suite, bytes(0, 3))).toBe(3);
    expectTypeOf(decode(Suite, bytes(0, 3))).toEqualTypeOf<1 | 2 | 3>();
    expect(codeOf(() => decode(Suite, bytes(0, 4)))).toBe('CODEC_INVALID_VALUE');
    expect(codeOf(() => decode(Suite, bytes(0, 0)))).toBe('CODEC_INVALID_VALUE');
    expect(codeOf(() => encode(Suite, 4 as 1))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => decode(Suite, bytes(0)))).toBe('CODEC_TRUNCATED');
  });
});

describe('variant', () => {
  const Sender = variant(uint8, {
    1: struct({ leafIndex: uint32 }),
    2: struct({ senderIndex: uint32 }),
    4: struct({}),
  });

  it('writes the tag then the case body', () => {
    expect(encode(Sender, { tag: 1, value: { leafIndex: 5 } })).toEqual(bytes(1, 0, 0, 0, 5));
    expect(encode(Sender, { tag: 4, value: {} })).toEqual(bytes(4));
    expect(decode(Sender, bytes(2, 0, 0, 1, 0))).toEqual({ tag: 2, value: { senderIndex: 256 } });
    expect(decode(Sender, bytes(4))).toEqual({ tag: 4, value: {} });
  });

  it('narrows the value type by tag', () => {
    const value = decode(Sender, bytes(1, 0, 0, 0, 5));
    if (value.tag === 1) expectTypeOf(value.value).toEqualTypeOf<{ readonly leafIndex: number }>();
    // @ts-expect-error tag 3 has no case
    const bad: Infer<typeof Sender> = { tag: 3, value: {} };
    expect(codeOf(() => encode(Sender, bad))).toBe('INVALID_ARGUMENT');
  });

  it('rejects unknown tags and bad definitions', () => {
    const err = errorOf(() => decode(Sender, bytes(3, 0)));
    expect(err.code).toBe('CODEC_INVALID_VALUE');
    expect(err.details).toEqual({ offset: 0 });
    expect(codeOf(() => decode(Sender, bytes(1, 0, 0)))).toBe('CODEC_TRUNCATED');
    expect(codeOf(() => encode(Sender, null as unknown as Infer<typeof Sender>))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(
      codeOf(() => variant(uint8, { x: uint8 } as unknown as Record<number, Codec<number>>)),
    ).toBe('INVALID_ARGUMENT');
  });
});

interface Chain {
  readonly next: Chain | undefined;
}
const ChainCodec: Codec<Chain> = lazy(() => struct({ next: optional(ChainCodec) }));

describe('lazy and nesting limits', () => {
  it('supports recursive codecs', () => {
    const value: Chain = { next: { next: { next: undefined } } };
    expect(encode(ChainCodec, value)).toEqual(bytes(1, 1, 0));
    expect(decode(ChainCodec, bytes(1, 1, 0))).toEqual(value);
  });

  it('rejects crafted deep nesting with CODEC_LENGTH_TOO_LARGE, not a stack overflow', () => {
    const deep = new Uint8Array(200_001).fill(1);
    deep[200_000] = 0;
    expect(codeOf(() => decode(ChainCodec, deep))).toBe('CODEC_LENGTH_TOO_LARGE');
    // Each link is two levels (lazy + optional): 31 links fit the default 64, 32 do not.
    const fits = new Uint8Array(32).fill(1);
    fits[31] = 0;
    expect(codeOf(() => decode(ChainCodec, fits))).toBe('no error');
    const over = new Uint8Array(33).fill(1);
    over[32] = 0;
    expect(codeOf(() => decode(ChainCodec, over))).toBe('CODEC_LENGTH_TOO_LARGE');
    expect(codeOf(() => decode(ChainCodec, over, { maxDepth: 66 }))).toBe('no error');
  });

  it('refuses cyclic or too-deep values on encode', () => {
    const cyclic: { next: Chain | undefined } = { next: undefined };
    cyclic.next = cyclic;
    expect(codeOf(() => encode(ChainCodec, cyclic))).toBe('INVALID_ARGUMENT');
  });
});

describe('map', () => {
  const bool = map(
    enumOf(uint8, [0, 1] as const),
    (b) => b === 1,
    (v: boolean) => (v ? 1 : 0),
  );

  it('gives a typed view that stays canonical', () => {
    expect(encode(bool, true)).toEqual(bytes(1));
    expect(decode(bool, bytes(0))).toBe(false);
    expect(codeOf(() => decode(bool, bytes(2)))).toBe('CODEC_INVALID_VALUE');
  });
});

describe('a sample struct', () => {
  const Sample = struct({
    version: uint16,
    epoch: uint64,
    id: opaque(4),
    name: opaqueVar,
    tags: vector(uint16),
    note: optional(opaqueVar),
    sender: variant(enumOf(uint8, [1, 2] as const), { 1: uint32, 2: vector(opaqueVar) }),
  });
  const value: Infer<typeof Sample> = {
    version: 1,
    epoch: 0x0102030405060708n,
    id: bytes(1, 2, 3, 4),
    name: bytes(0x61, 0x62),
    tags: [1, 0xffff],
    note: bytes(7),
    sender: { tag: 2, value: [bytes(1), bytes()] },
  };
  const encoded = encode(Sample, value);

  it('round-trips', () => {
    expect(decode(Sample, encoded)).toStrictEqual(value);
  });

  it('is CODEC_TRUNCATED when cut at every byte offset', () => {
    const failures: string[] = [];
    for (let n = 0; n < encoded.length; n++) {
      const code = codeOf(() => decode(Sample, encoded.subarray(0, n)));
      if (code !== 'CODEC_TRUNCATED') failures.push(`cut at ${n}: ${code}`);
    }
    expect(failures).toEqual([]);
  });

  it('is CODEC_TRAILING_BYTES with one byte more', () => {
    const longer = new Uint8Array(encoded.length + 1);
    longer.set(encoded);
    const err = errorOf(() => decode(Sample, longer));
    expect(err.code).toBe('CODEC_TRAILING_BYTES');
    expect(err.details).toEqual({ offset: encoded.length, trailing: 1 });
  });
});
