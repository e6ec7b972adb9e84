/**
 * Combinators of the TLS presentation language (RFC 9420 §2.1): variable-length vectors
 * `T items<V>` (§2.1.2), `optional<T>` (§2.1.3: a `uint8` presence byte 0 or 1, then the
 * value), structs (RFC 8446 §3.6), enumerated values (§3.5) and `select()` variants (§3.8),
 * plus `lazy` for recursive codecs and `map` for typed views.
 *
 * All of them keep the codec canonical: a decoder rejects every byte string its encoder cannot
 * produce (a present `optional` whose inner value is absent, a vector item of zero bytes,
 * an unknown enum value or tag), so the codec is a bijection on the inputs it accepts.
 *
 * @example
 * ```ts
 * const Extension = struct({ extensionType: uint16, extensionData: opaqueVar });
 * const Extensions = vector(Extension);
 * const bytes = encode(Extensions, [{ extensionType: 1, extensionData: new Uint8Array([9]) }]);
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { Codec, Infer } from './codec.ts';
import type { Reader } from './reader.ts';
import { readLengthPrefix, varintBytes } from './varint.ts';
import type { Writer } from './writer.ts';

function invalidArgument(message: string): SigilError {
  return new SigilError('INVALID_ARGUMENT', message);
}

/** Runs `body` one nesting level deeper on the writer. */
function nestedWrite(writer: Writer, body: () => void): void {
  writer.enter();
  try {
    body();
  } finally {
    writer.leave();
  }
}

/** Runs `body` one nesting level deeper on the reader. */
function nestedRead<T>(reader: Reader, body: () => T): T {
  reader.enter();
  try {
    return body();
  } finally {
    reader.leave();
  }
}

/**
 * `T items<V>` (RFC 9420 §2.1.2): a varint giving the BYTE length of the encoded items, then
 * the items back to back. Decoding reads exactly that many bytes: an item that runs past them
 * is `CODEC_TRUNCATED`. Items must encode to at least one byte (a vector of zero-size items
 * would have no canonical form and could not bound its item count).
 *
 * @throws SigilError on encode `INVALID_ARGUMENT` (not an array, a zero-byte item, more than
 *   2^30 - 1 bytes, nesting over `maxDepth`); on decode `CODEC_LENGTH_TOO_LARGE`,
 *   `CODEC_TRUNCATED`, `CODEC_INVALID_VALUE` (zero-byte item), varint errors or item errors.
 */
export function vector<T>(item: Codec<T>): Codec<readonly T[]> {
  return {
    encode(writer: Writer, values: readonly T[]): void {
      if (!Array.isArray(values)) throw invalidArgument('vector value must be an array');
      nestedWrite(writer, () => {
        const start = writer.length;
        for (const value of values) {
          const before = writer.length;
          item.encode(writer, value);
          if (writer.length === before) throw invalidArgument('vector items must not be empty');
        }
        writer.insert(start, varintBytes(writer.length - start));
      });
    },
    decode(reader: Reader): readonly T[] {
      return nestedRead(reader, () => {
        const length = readLengthPrefix(reader);
        return reader.within(length, () => {
          const items: T[] = [];
          while (reader.remaining > 0) {
            const before = reader.offset;
            items.push(item.decode(reader));
            // Each round must consume input, or the loop would never end.
            if (reader.offset === before) {
              throw reader.error('CODEC_INVALID_VALUE', 'vector item of zero bytes');
            }
          }
          return items;
        });
      });
    },
  };
}

/**
 * `optional<T>` (RFC 9420 §2.1.3): `uint8 present` (0 or 1) followed by the value if present.
 * `undefined` is absent. An inner codec that itself decodes to `undefined` (an optional of an
 * optional) is rejected when present, since that byte string has no canonical value.
 *
 * @throws SigilError on decode `CODEC_INVALID_VALUE` (presence byte other than 0 or 1),
 *   `CODEC_TRUNCATED` or inner errors; on encode inner `INVALID_ARGUMENT`.
 */
export function optional<T>(inner: Codec<T>): Codec<T | undefined> {
  return {
    encode(writer: Writer, value: T | undefined): void {
      nestedWrite(writer, () => {
        if (value === undefined) {
          writer.writeUint8(0);
        } else {
          writer.writeUint8(1);
          inner.encode(writer, value);
        }
      });
    },
    decode(reader: Reader): T | undefined {
      return nestedRead(reader, () => {
        const at = reader.offset;
        const present = reader.readUint8();
        if (present === 0) return undefined;
        if (present !== 1) {
          throw reader.error('CODEC_INVALID_VALUE', 'optional presence byte is not 0 or 1', {
            offset: at,
          });
        }
        const value = inner.decode(reader);
        if (value === undefined) {
          throw reader.error('CODEC_INVALID_VALUE', 'present optional holds no value', {
            offset: at,
          });
        }
        return value;
      });
    },
  };
}

/** The value type of a struct with the given field codecs (fields are readonly). */
export type StructOf<F extends Readonly<Record<string, Codec<unknown>>>> = {
  readonly [K in keyof F]: Infer<F[K]>;
};

const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * A struct (RFC 8446 §3.6): the fields encoded one after another, in the key order of
 * `fields`. Keys that look like array indices are refused, because JavaScript would reorder
 * them. Extra properties of an encoded value are ignored; a decoded value has exactly the
 * declared fields.
 *
 * @throws SigilError `INVALID_ARGUMENT` at construction for an index-like key or a `fields`
 *   object with a non-plain prototype, and on encode if the value is not an object; field errors.
 */
export function struct<const F extends Readonly<Record<string, Codec<unknown>>>>(
  fields: F,
): Codec<StructOf<F>> {
  const proto: unknown = Object.getPrototypeOf(fields);
  if (proto !== Object.prototype && proto !== null) {
    throw invalidArgument('struct fields must be a plain object');
  }
  const entries = Object.entries(fields) as [string, Codec<unknown>][];
  for (const [key] of entries) {
    if (ARRAY_INDEX.test(key)) throw invalidArgument('struct field names must not be integers');
  }
  return {
    encode(writer: Writer, value: StructOf<F>): void {
      if (typeof value !== 'object' || value === null) {
        throw invalidArgument('struct value must be an object');
      }
      const record = value as Readonly<Record<string, unknown>>;
      for (const [key, codec] of entries) codec.encode(writer, record[key]);
    },
    decode(reader: Reader): StructOf<F> {
      const out: [string, unknown][] = [];
      for (const [key, codec] of entries) out.push([key, codec.decode(reader)]);
      return Object.fromEntries(out) as StructOf<F>;
    },
  };
}

/**
 * An enumerated value (RFC 8446 §3.5) carried by `base` (e.g. `uint16`) whose only valid
 * values are `values`; anything else is rejected both ways.
 *
 * @example `const CipherSuite = enumOf(uint16, [1, 2, 3] as const);`
 * @throws SigilError on decode `CODEC_INVALID_VALUE` for an unknown value; on encode
 *   `INVALID_ARGUMENT`.
 */
export function enumOf<const V extends readonly number[]>(
  base: Codec<number>,
  values: V,
): Codec<V[number]> {
  const known = new Set<number>(values);
  return {
    encode(writer: Writer, value: V[number]): void {
      if (!known.has(value)) throw invalidArgument('value is not one of the enumerated values');
      base.encode(writer, value);
    },
    decode(reader: Reader): V[number] {
      const at = reader.offset;
      const value = base.decode(reader);
      if (!known.has(value)) {
        throw reader.error('CODEC_INVALID_VALUE', 'unknown enumerated value', { offset: at });
      }
      return value as V[number];
    },
  };
}

/** The value type of a variant: one `{ tag, value }` per case. */
export type VariantOf<C extends Readonly<Record<number, Codec<unknown>>>> = {
  [K in keyof C & number]: { readonly tag: K; readonly value: Infer<C[K]> };
}[keyof C & number];

/**
 * A `select (tag) { case t: T; ... }` structure (RFC 8446 §3.8): the tag via `tag` (e.g.
 * `uint8` or an `enumOf`), then the body of that case. Values are `{ tag, value }`; use
 * `struct({})` for a case without body.
 *
 * @example `const Sender = variant(uint8, { 1: struct({ leafIndex: uint32 }), 4: struct({}) });`
 * @throws SigilError `INVALID_ARGUMENT` at construction if a case key is not a non-negative
 *   integer; on encode for an unknown tag; on decode `CODEC_INVALID_VALUE` for an unknown tag.
 */
export function variant<const C extends Readonly<Record<number, Codec<unknown>>>>(
  tag: Codec<number>,
  cases: C,
): Codec<VariantOf<C>> {
  const byTag = new Map<number, Codec<unknown>>();
  for (const [key, codec] of Object.entries(cases) as [string, Codec<unknown>][]) {
    if (!ARRAY_INDEX.test(key)) throw invalidArgument('variant tags must be non-negative integers');
    byTag.set(Number(key), codec);
  }
  return {
    encode(writer: Writer, value: VariantOf<C>): void {
      if (typeof value !== 'object' || value === null) {
        throw invalidArgument('variant value must be an object');
      }
      const body = byTag.get(value.tag);
      if (body === undefined) throw invalidArgument('variant tag has no case');
      nestedWrite(writer, () => {
        tag.encode(writer, value.tag);
        body.encode(writer, value.value);
      });
    },
    decode(reader: Reader): VariantOf<C> {
      return nestedRead(reader, () => {
        const at = reader.offset;
        const tagValue = tag.decode(reader);
        const body = byTag.get(tagValue);
        if (body === undefined) {
          throw reader.error('CODEC_INVALID_VALUE', 'unknown variant tag', { offset: at });
        }
        return { tag: tagValue, value: body.decode(reader) } as VariantOf<C>;
      });
    },
  };
}

/**
 * A codec resolved on first use, for recursive structures. Each use counts as one level of
 * nesting, so recursion is bounded by `maxDepth`.
 *
 * @example `const Tree: Codec<Node> = lazy(() => struct({ children: vector(Tree) }));`
 */
export function lazy<T>(resolve: () => Codec<T>): Codec<T> {
  let resolved: Codec<T> | undefined;
  const get = (): Codec<T> => {
    resolved ??= resolve();
    return resolved;
  };
  return {
    encode(writer: Writer, value: T): void {
      nestedWrite(writer, () => get().encode(writer, value));
    },
    decode(reader: Reader): T {
      return nestedRead(reader, () => get().decode(reader));
    },
  };
}

/**
 * A typed view of another codec: `fromWire` turns decoded `A`s into `B`s and `toWire` back.
 * The two must be inverse bijections (or the canonical-encoding guarantee is lost); `fromWire`
 * may reject a value by throwing a `Codec`-category `SigilError` (e.g. `CODEC_INVALID_VALUE`),
 * and `toWire` by throwing `INVALID_ARGUMENT`.
 *
 * @example `const bool = map(enumOf(uint8, [0, 1] as const), (b) => b === 1, (v) => (v ? 1 : 0));`
 */
export function map<A, B>(
  codec: Codec<A>,
  fromWire: (value: A) => B,
  toWire: (value: B) => A,
): Codec<B> {
  return {
    encode: (writer: Writer, value: B) => codec.encode(writer, toWire(value)),
    decode: (reader: Reader) => fromWire(codec.decode(reader)),
  };
}
