/**
 * Brands for verified values (STYLE.md §3: types enforce validation order). A value of type
 * `VerifiedX` can only come from the matching `verifyX` function, so a function that takes a
 * `VerifiedPreKeyBundle` cannot be handed an unchecked bundle.
 *
 * @module
 */

declare const verifiedBrand: unique symbol;

/** Marks a value as produced by the verifier named `Name`. Erased at run time. */
export interface Verified<Name extends string> {
  /** Type-level only: never present at run time. */
  readonly [verifiedBrand]: Name;
}
