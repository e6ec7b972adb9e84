/**
 * fast-check properties of the codec (RFC 9420 §2.1): round trip and determinism on a rich
 * nested codec, and on random or mutated input either a value whose re-encoding is the input
 * (canonical encoding) or a SigilError of category 'Codec', never anything else.
 * 200 runs per property by default; SLOW=1 runs 10 000.
 */
import { SigilError } from '@sigil/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Codec,
  decode,
  encode,
  enumOf,
  type Infer,
  lazy,
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

const numRuns = process.env.SLOW ? 10_000 : 200;

const Kind = enumOf(uint16, [1, 2, 0xffff] as const);
const Leaf = struct({ id: uint32, key: opaque(4), data: opaqueVar });
const Body = variant(uint8, {
  1: Leaf,
  2: struct({ count: uint64 }),
  7: vector(uint16),
  9: struct({}),
});
interface Tree {
  readonly value: number;
  readonly children: readonly Tree[];
}
const TreeCodec: Codec<Tree> = lazy(() => struct({ value: uint8, children: vector(TreeCodec) }));
const Rich = struct({
  kind: Kind,
  small: uint8,
  mid: uint16,
  big: uint64,
  name: opaqueVar,
  leaves: vector(Leaf),
  maybe: optional(struct({ epoch: uint64, body: Body })),
  bodies: vector(Body),
  nested: vector(vector(uint8)),
  flags: vector(optional(uint8)),
  tree: TreeCodec,
});

const bytesArb = (maxLength: number) => fc.uint8Array({ maxLength });
/** fc.record without null-prototype objects, which decoded structs never are. */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> {
  return fc.record(model, { noNullPrototype: true });
}
const leafArb: fc.Arbitrary<Infer<typeof Leaf>> = record({
  id: fc.nat({ max: 0xffff_ffff }),
  key: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  data: bytesArb(80),
});
const bodyArb: fc.Arbitrary<Infer<typeof Body>> = fc.oneof(
  record({ tag: fc.constant(1 as const), value: leafArb }),
  record({ tag: fc.constant(2 as const), value: record({ count: fc.bigInt(0n, 2n ** 64n - 1n) }) }),
  record({
    tag: fc.constant(7 as const),
    value: fc.array(fc.nat({ max: 0xffff }), { maxLength: 40 }),
  }),
  record({ tag: fc.constant(9 as const), value: fc.constant({}) }),
);
const treeArb: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: record({
    value: fc.nat({ max: 255 }),
    children: fc.oneof(
      { maxDepth: 4, depthIdentifier: 'tree' },
      fc.constant([]),
      fc.array(tie('tree'), { maxLength: 3, depthIdentifier: 'tree' }),
    ),
  }),
})).tree;
const richArb: fc.Arbitrary<Infer<typeof Rich>> = record({
  kind: fc.constantFrom(1 as const, 2 as const, 0xffff as const),
  small: fc.nat({ max: 0xff }),
  mid: fc.nat({ max: 0xffff }),
  big: fc.bigInt(0n, 2n ** 64n - 1n),
  // Up to 100 bytes crosses the one/two-byte length prefix boundary at 64.
  name: bytesArb(100),
  leaves: fc.array(leafArb, { maxLength: 4 }),
  maybe: fc.option(record({ epoch: fc.bigInt(0n, 2n ** 64n - 1n), body: bodyArb }), {
    nil: undefined,
  }),
  bodies: fc.array(bodyArb, { maxLength: 4 }),
  nested: fc.array(fc.array(fc.nat({ max: 0xff }), { maxLength: 70 }), { maxLength: 3 }),
  flags: fc.array(fc.option(fc.nat({ max: 0xff }), { nil: undefined }), { maxLength: 6 }),
  tree: treeArb,
});

/** Codecs fuzzed with raw bytes: small ones decode random input often enough to matter. */
const fuzzed: readonly [string, Codec<unknown>][] = [
  ['Rich', Rich as Codec<unknown>],
  ['Body', Body as Codec<unknown>],
  ['vector(Leaf)', vector(Leaf) as Codec<unknown>],
  ['Tree', TreeCodec as Codec<unknown>],
  ['vector(optional(uint8))', vector(optional(uint8)) as Codec<unknown>],
];

/**
 * Raw bytes, half of them drawn from small values (0..9, and the varint prefixes 0x40, 0x80,
 * 0xc0) that read as short lengths, tags and presence bytes, so that a useful share of random
 * inputs decodes and is checked for canonicity (this catches an accepted non-minimal varint).
 */
const fuzzInput = fc.oneof(
  bytesArb(200),
  fc
    .array(fc.oneof(fc.nat({ max: 9 }), fc.constantFrom(0x40, 0x80, 0xc0)), { maxLength: 60 })
    .map((values) => Uint8Array.from(values)),
);

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Decodes `input`: either the value re-encodes to exactly `input`, or the failure is a
 * SigilError of category 'Codec'. Returns a problem description, or undefined if all is well.
 */
function checkDecode(codec: Codec<unknown>, input: Uint8Array): string | undefined {
  let value: unknown;
  try {
    value = decode(codec, input);
  } catch (err) {
    if (err instanceof SigilError && err.category === 'Codec') return undefined;
    return `unexpected exception ${String(err)}`;
  }
  const again = encode(codec, value);
  return equalBytes(again, input) ? undefined : 'accepted a non-canonical encoding';
}

describe('properties', () => {
  it('decode(encode(v)) deep-equals v and encode is deterministic', () => {
    fc.assert(
      fc.property(richArb, (value) => {
        const encoded = encode(Rich, value);
        expect(encode(Rich, value)).toEqual(encoded);
        const decoded = decode(Rich, encoded);
        expect(decoded).toStrictEqual(value);
        expect(encode(Rich, decoded)).toEqual(encoded);
      }),
      { numRuns },
    );
  });

  it.each(fuzzed)('random bytes decode as %s or fail with a Codec error', (_name, codec) => {
    fc.assert(
      fc.property(fuzzInput, (input) => {
        expect(checkDecode(codec, input)).toBeUndefined();
      }),
      { numRuns },
    );
  });

  it('mutated encodings decode canonically or fail with a Codec error', () => {
    const mutation = fc.oneof(
      record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      record({
        kind: fc.constant('append' as const),
        extra: fc.uint8Array({ minLength: 1, maxLength: 8 }),
      }),
      record({
        kind: fc.constant('flip' as const),
        at: fc.nat(),
        mask: fc.integer({ min: 1, max: 255 }),
      }),
      record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.nat({ max: 255 }) }),
      record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    );
    fc.assert(
      fc.property(richArb, fc.array(mutation, { minLength: 1, maxLength: 3 }), (value, steps) => {
        let input = encode(Rich, value);
        for (const step of steps) {
          const at = input.length === 0 ? 0 : ('at' in step ? step.at : 0) % input.length;
          if (step.kind === 'truncate') input = input.slice(0, at);
          else if (step.kind === 'append') input = Uint8Array.from([...input, ...step.extra]);
          else if (step.kind === 'flip' && input.length > 0) {
            input = input.slice();
            input[at] = (input[at] as number) ^ step.mask;
          } else if (step.kind === 'insert') {
            input = Uint8Array.from([...input.subarray(0, at), step.byte, ...input.subarray(at)]);
          } else if (step.kind === 'delete') {
            input = Uint8Array.from([...input.subarray(0, at), ...input.subarray(at + 1)]);
          }
        }
        expect(checkDecode(Rich, input)).toBeUndefined();
      }),
      { numRuns },
    );
  });
});
