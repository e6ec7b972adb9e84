/**
 * @sigil/wire/formats: every Sigil message and record format (spec/one-to-one.md), shared by
 * client and relay.
 * @module
 */
export {};
