/**
 * Limits of the TLS presentation-language codec (RFC 9420 §2.1), each with its trade-off.
 *
 * `MAX_VARINT` is fixed by the RFC; the other two are defaults that `decode()` and `encode()`
 * callers may change per call (see {@link DecodeOptions} and {@link EncodeOptions}).
 *
 * @module
 */

/**
 * Largest value a variable-length integer can carry: 2^30 - 1 (RFC 9420 §2.1.2, four-byte
 * form with prefix `10`). It bounds every `opaque<V>` and `T items<V>` on the wire.
 */
export const MAX_VARINT = 0x3fff_ffff;

/**
 * Default ceiling on the declared byte length of one variable-length vector when decoding:
 * 16 MiB. Inputs are already in memory, so the ceiling is not about allocation (a declared
 * length is checked against the remaining input before anything is read) but about refusing
 * absurd records early. Formats that carry larger blobs (attachments travel in parts) can raise
 * it per call, up to {@link MAX_VARINT}.
 */
export const DEFAULT_MAX_VECTOR_LENGTH = 16 * 1024 * 1024;

/**
 * Default ceiling on nesting of container codecs (`vector`, `optional`, `variant`, `lazy`)
 * while decoding or encoding: 64. Only recursive codecs built with `lazy` can nest without a
 * static bound; the ceiling keeps crafted input from driving deep recursion (and a stack
 * overflow). Every Sigil and MLS structure nests far less than this.
 */
export const DEFAULT_MAX_DEPTH = 64;
