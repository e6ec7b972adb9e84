/**
 * Decoding helpers for the public formats of spec/one-to-one.md §2–§3, so the relay and clients
 * need one import. Each is `decode(Format, bytes)` from `@sigil/wire`; to encode, use
 * `encode(Format, value)` from `@sigil/wire` with the formats of `@sigil/wire/formats`.
 *
 * Decoding checks syntax, the version byte and key types, never signatures: pass the result to
 * the matching `verify...` function before trusting it.
 *
 * Every helper throws the `Codec` codes of `@sigil/wire` (`CODEC_TRUNCATED`,
 * `CODEC_TRAILING_BYTES`, `CODEC_INVALID_VALUE`, ...) plus `UNSUPPORTED_VERSION`,
 * `UNSUPPORTED_KEY_TYPE` and `INVALID_KEY_LENGTH`.
 *
 * @module
 */
import { decode } from '@sigil/wire';
import {
  DeviceCertificate,
  KemPreKey,
  OneTimePreKey,
  PreKeyBundle,
  SignedDeviceList,
  SignedPreKey,
} from '@sigil/wire/formats';

/** Decodes a `DeviceCertificate` (unverified). @throws SigilError see the module comment. */
export function decodeDeviceCertificate(bytes: Uint8Array): DeviceCertificate {
  return decode(DeviceCertificate, bytes);
}

/** Decodes a `SignedDeviceList` (unverified). @throws SigilError see the module comment. */
export function decodeSignedDeviceList(bytes: Uint8Array): SignedDeviceList {
  return decode(SignedDeviceList, bytes);
}

/** Decodes a `SignedPreKey` (unverified). @throws SigilError see the module comment. */
export function decodeSignedPreKey(bytes: Uint8Array): SignedPreKey {
  return decode(SignedPreKey, bytes);
}

/** Decodes a `OneTimePreKey` (unsigned by design). @throws SigilError see the module comment. */
export function decodeOneTimePreKey(bytes: Uint8Array): OneTimePreKey {
  return decode(OneTimePreKey, bytes);
}

/** Decodes a `KemPreKey` (unverified). @throws SigilError see the module comment. */
export function decodeKemPreKey(bytes: Uint8Array): KemPreKey {
  return decode(KemPreKey, bytes);
}

/** Decodes a `PreKeyBundle` (unverified). @throws SigilError see the module comment. */
export function decodePreKeyBundle(bytes: Uint8Array): PreKeyBundle {
  return decode(PreKeyBundle, bytes);
}
