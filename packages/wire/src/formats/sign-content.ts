/**
 * `SignContent` (spec/one-to-one.md §1.2): the labelled structure every Sigil signature covers,
 * as MLS does (RFC 9420 §5.1.2).
 *
 * ```
 * struct { opaque label<V> = "Sigil/v1/" + Label; opaque content<V>; } SignContent;
 * SignWithLabel(sk, Label, content) = Ed25519.Sign(sk, SignContent)
 * ```
 *
 * The label separates the signature domains: a device certificate can never be replayed as a
 * device list or a prekey, because the signed bytes differ in their label.
 *
 * @example
 * ```ts
 * const signed = encode(SignContent, { label: utf8('Sigil/v1/DeviceList'), content: tbsBytes });
 * ```
 * @module
 */
import type { Infer } from '../codec.ts';
import { struct } from '../combinators.ts';
import { opaqueVar } from '../primitives.ts';

/** `struct { opaque label<V>; opaque content<V>; } SignContent` (spec §1.2). */
export const SignContent = struct({
  /** The full ASCII label, beginning `Sigil/v1/`. */
  label: opaqueVar,
  /** The encoded structure being signed (usually a `...TBS`). */
  content: opaqueVar,
});

/** A decoded {@link SignContent}. */
export type SignContent = Infer<typeof SignContent>;
