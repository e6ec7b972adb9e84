/**
 * @sigil/protocol/public: verification helpers that hold no secret (spec/one-to-one.md §1.2,
 * §2, §3), for the relay and for clients. The relay imports only this subpath of the protocol.
 *
 * Decode with the `decode...` helpers (or `decode(Format, bytes)` from `@sigil/wire`), then
 * verify; only `Verified...` values should be trusted.
 *
 * @example
 * ```ts
 * import { decodeSignedDeviceList, verifySignedDeviceList } from '@sigil/protocol/public';
 * const list = verifySignedDeviceList(crypto, decodeSignedDeviceList(bytes), {
 *   expectedAccountKey: accountKey,
 *   previousVersion: 3n,
 * });
 * ```
 * @module
 */
export * from '../labels.ts';
export type { Verified } from './brand.ts';
export { requireKeyType } from './checks.ts';
export {
  decodeDeviceCertificate,
  decodeKemPreKey,
  decodeOneTimePreKey,
  decodePreKeyBundle,
  decodeSignedDeviceList,
  decodeSignedPreKey,
} from './decode.ts';
export { signContentBytes, signWithLabel, verifyWithLabel } from './sign-with-label.ts';
export {
  findDevice,
  requireDeviceOnList,
  type VerifiedDeviceCertificate,
  type VerifiedDeviceList,
  type VerifySignedDeviceListOptions,
  verifyDeviceCertificate,
  verifySignedDeviceList,
} from './verify-identity.ts';
export {
  type BundleOneTimePreKey,
  type VerifiedKemPreKey,
  type VerifiedPreKeyBundle,
  type VerifiedSignedPreKey,
  verifyKemPreKey,
  verifyPreKeyBundle,
  verifySignedPreKey,
} from './verify-prekeys.ts';
