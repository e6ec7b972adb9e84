/**
 * Identities and device lists (spec/one-to-one.md §2): the device certificate an account key
 * issues for each device, and the signed, versioned list of an account's devices.
 *
 * ```
 * struct { uint8 version = 1; PublicKey accountKey; uint32 deviceId; PublicKey identityKey;
 *          PublicKey signingKey; uint64 createdAt; } DeviceCertificateTBS;
 * struct { DeviceCertificateTBS tbs; opaque signature<V>; } DeviceCertificate;
 * struct { uint8 version = 1; PublicKey accountKey; uint64 listVersion; uint64 issuedAt;
 *          DeviceCertificateTBS devices<V>; } DeviceListTBS;
 * struct { DeviceListTBS tbs; opaque signature<V>; } SignedDeviceList;
 * ```
 *
 * Decoding enforces the syntax of §2 (signatures are checked by `@sigil/protocol/public`):
 * - `version` other than 1: `UNSUPPORTED_VERSION`;
 * - key fields of the wrong type: `UNSUPPORTED_KEY_TYPE`; wrong length: `INVALID_KEY_LENGTH`
 *   (`accountKey` and `signingKey` are Ed25519, `identityKey` X25519);
 * - `deviceId` outside 1..2^31-1: `CODEC_INVALID_VALUE` (a value outside the field's domain,
 *   like an unknown enum value);
 * - `devices` not sorted by strictly increasing `deviceId` (unsorted or duplicate ids):
 *   `CODEC_INVALID_VALUE`. The list is a set, and sorted order is its one canonical encoding.
 * Encoding a value that breaks these rules throws `INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * const list = decode(SignedDeviceList, bytes); // then verifySignedDeviceList(crypto, list)
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { Codec, Infer } from '../codec.ts';
import { map, struct, vector } from '../combinators.ts';
import { opaqueVar, uint32, uint64 } from '../primitives.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import { Ed25519PublicKey, X25519PublicKey } from './keys.ts';
import { ProtocolVersion } from './version.ts';

/** Smallest valid device id (spec §2). */
export const MIN_DEVICE_ID = 1;
/** Largest valid device id: 2^31 - 1 (spec §2). */
export const MAX_DEVICE_ID = 0x7fff_ffff;

/** Whether `value` is a valid device id: an integer in 1..2^31-1. */
export function isDeviceId(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= MIN_DEVICE_ID &&
    value <= MAX_DEVICE_ID
  );
}

/**
 * `uint32 deviceId` restricted to 1..2^31-1 (spec §2).
 * @throws SigilError on decode `CODEC_INVALID_VALUE` out of range, `CODEC_TRUNCATED`; on encode
 *   `INVALID_ARGUMENT`.
 */
export const DeviceId: Codec<number> = {
  encode(writer: Writer, value: number): void {
    if (!isDeviceId(value)) throw new SigilError('INVALID_ARGUMENT', 'device id out of range');
    writer.writeUint32(value);
  },
  decode(reader: Reader): number {
    const at = reader.offset;
    const value = uint32.decode(reader);
    if (!isDeviceId(value)) {
      throw reader.error('CODEC_INVALID_VALUE', 'device id out of range', { offset: at });
    }
    return value;
  },
};

/** `DeviceCertificateTBS` (spec §2): what the account key signs for one device. */
export const DeviceCertificateTBS = struct({
  /** `uint8 version = 1`. */
  version: ProtocolVersion,
  /** The account key AK (Ed25519) that issued the certificate. */
  accountKey: Ed25519PublicKey,
  /** The device id, 1..2^31-1. */
  deviceId: DeviceId,
  /** The device's identity key IK (X25519), used in PQXDH. */
  identityKey: X25519PublicKey,
  /** The device signing key DSK (Ed25519): signs prekeys and relay challenges. */
  signingKey: Ed25519PublicKey,
  /** Creation time, milliseconds since the Unix epoch. */
  createdAt: uint64,
});
/** A decoded {@link DeviceCertificateTBS}. */
export type DeviceCertificateTBS = Infer<typeof DeviceCertificateTBS>;

/**
 * `DeviceCertificate` (spec §2): the TBS and `SignWithLabel(AK, "DeviceCertificate", tbs)`.
 * The signature is NOT checked by decoding: use `verifyDeviceCertificate`.
 */
export const DeviceCertificate = struct({
  tbs: DeviceCertificateTBS,
  signature: opaqueVar,
});
/** A decoded, unverified {@link DeviceCertificate}. */
export type DeviceCertificate = Infer<typeof DeviceCertificate>;

/** Throws unless device ids strictly increase (sorted and unique). */
function checkSortedDevices(
  devices: readonly DeviceCertificateTBS[],
  fail: () => SigilError,
): readonly DeviceCertificateTBS[] {
  for (let i = 1; i < devices.length; i++) {
    if (
      (devices[i] as DeviceCertificateTBS).deviceId <=
      (devices[i - 1] as DeviceCertificateTBS).deviceId
    ) {
      throw fail();
    }
  }
  return devices;
}

/**
 * `DeviceCertificateTBS devices<V>` sorted by strictly increasing `deviceId`.
 * @throws SigilError on decode `CODEC_INVALID_VALUE` if unsorted or duplicated; on encode
 *   `INVALID_ARGUMENT`.
 */
export const DeviceEntries: Codec<readonly DeviceCertificateTBS[]> = map(
  vector(DeviceCertificateTBS),
  (devices) =>
    checkSortedDevices(
      devices,
      () => new SigilError('CODEC_INVALID_VALUE', 'device ids are not sorted and unique'),
    ),
  (devices) =>
    checkSortedDevices(
      devices,
      () => new SigilError('INVALID_ARGUMENT', 'device ids must be sorted and unique'),
    ),
);

/** `DeviceListTBS` (spec §2): what the account key signs for the account's device set. */
export const DeviceListTBS = struct({
  /** `uint8 version = 1`. */
  version: ProtocolVersion,
  /** The account key AK (Ed25519) that signs the list; every device entry names it too. */
  accountKey: Ed25519PublicKey,
  /** Strictly increasing across the lists of one account (`DEVICE_LIST_STALE` otherwise). */
  listVersion: uint64,
  /** Issue time, milliseconds since the Unix epoch. */
  issuedAt: uint64,
  /** The devices, sorted by strictly increasing `deviceId`. */
  devices: DeviceEntries,
});
/** A decoded {@link DeviceListTBS}. */
export type DeviceListTBS = Infer<typeof DeviceListTBS>;

/**
 * `SignedDeviceList` (spec §2): the TBS and `SignWithLabel(AK, "DeviceList", tbs)`.
 * The signature is NOT checked by decoding: use `verifySignedDeviceList`.
 */
export const SignedDeviceList = struct({
  tbs: DeviceListTBS,
  signature: opaqueVar,
});
/** A decoded, unverified {@link SignedDeviceList}. */
export type SignedDeviceList = Infer<typeof SignedDeviceList>;
