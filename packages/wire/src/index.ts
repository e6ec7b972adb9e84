/**
 * @sigil/wire: Sigil's binary codec, the TLS presentation language of RFC 9420 §2.1
 * (fixed-width integers, `opaque<V>` and `T items<V>` with the §2.1.2 varint length prefix,
 * `optional<T>`, structs and `select()` variants), shared by client and relay.
 *
 * Decoding is strict and canonical: truncated input, trailing bytes, non-minimal or invalid
 * varints, over-limit lengths and unknown values all throw a `SigilError` of category `Codec`;
 * encoding a value the codec cannot represent throws `INVALID_ARGUMENT` (category `Usage`).
 *
 * @example
 * ```ts
 * import { decode, encode, opaqueVar, struct, uint16, vector } from '@sigil/wire';
 *
 * const Extension = struct({ extensionType: uint16, extensionData: opaqueVar });
 * const Extensions = vector(Extension);
 * const bytes = encode(Extensions, [{ extensionType: 1, extensionData: new Uint8Array(2) }]);
 * const extensions = decode(Extensions, bytes);
 * ```
 * @module
 */
export { type Codec, decode, type EncodeOptions, encode, type Infer } from './codec.ts';
export {
  enumOf,
  lazy,
  map,
  optional,
  type StructOf,
  struct,
  type VariantOf,
  variant,
  vector,
} from './combinators.ts';
export { DEFAULT_MAX_DEPTH, DEFAULT_MAX_VECTOR_LENGTH, MAX_VARINT } from './limits.ts';
export { opaque, opaqueVar, uint8, uint16, uint32, uint64 } from './primitives.ts';
export { type DecodeOptions, Reader } from './reader.ts';
export { readLengthPrefix, varint, varintBytes, varintSize } from './varint.ts';
export { Writer, type WriterOptions } from './writer.ts';
