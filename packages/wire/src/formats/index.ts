/**
 * @sigil/wire/formats: every Sigil message and record format (spec/one-to-one.md), shared by
 * client and relay.
 * @module
 */

export * from './content.ts';
export * from './identity.ts';
export * from './keys.ts';
export * from './pqxdh.ts';
export * from './prekeys.ts';
export * from './ratchet.ts';
export * from './session-record.ts';
export * from './sign-content.ts';
export * from './version.ts';
