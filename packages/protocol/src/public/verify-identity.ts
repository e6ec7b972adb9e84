/**
 * Public verification of device certificates and signed device lists (spec/one-to-one.md §2).
 * No secrets: the relay imports these to check what devices upload.
 *
 * Checks, in the order of spec §2 (each cites its code):
 * - certificate: version and key types (`UNSUPPORTED_VERSION`, `UNSUPPORTED_KEY_TYPE`,
 *   `INVALID_KEY_LENGTH`); the account key is the trusted one (`IDENTITY_MISMATCH`); the
 *   signature under it (`SIGNATURE_INVALID`).
 * - device list: version and key types of the list and of every entry; the list's account key
 *   is the trusted one (`IDENTITY_MISMATCH`); the signature (`SIGNATURE_INVALID`); every entry
 *   names the list's account key (`IDENTITY_MISMATCH`); `listVersion` greater than the version
 *   held (`DEVICE_LIST_STALE`). Device ids in range, sorted and unique are the wire
 *   format's rule: bytes that break it do not decode (`CODEC_INVALID_VALUE`), and a value built
 *   in memory that breaks it cannot be re-encoded to check its signature (`INVALID_ARGUMENT`).
 *
 * @example
 * ```ts
 * const list = verifySignedDeviceList(crypto, decodeSignedDeviceList(bytes), {
 *   expectedAccountKey: storedAccountKey,
 *   previousVersion: storedVersion,
 * });
 * for (const device of list.devices) route(device.deviceId);
 * ```
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import {
  type DeviceCertificate,
  DeviceCertificateTBS,
  DeviceListTBS,
  KeyType,
  type SignedDeviceList,
} from '@sigil/wire/formats';
import { LABEL_DEVICE_CERTIFICATE, LABEL_DEVICE_LIST } from '../labels.ts';
import type { Verified } from './brand.ts';
import { requireAccountKey, requireKeyType, requireVersion } from './checks.ts';
import { verifyWithLabel } from './sign-with-label.ts';

/** A device certificate whose signature under its account key has been checked. */
export interface VerifiedDeviceCertificate extends Verified<'DeviceCertificate'> {
  /** The certificate as received. */
  readonly certificate: DeviceCertificate;
  /** The account key AK (32-byte Ed25519) that signed it. */
  readonly accountKey: Uint8Array;
  /** The device id, 1..2^31-1. */
  readonly deviceId: number;
  /** The device identity key IK (32-byte X25519). */
  readonly identityKey: Uint8Array;
  /** The device signing key DSK (32-byte Ed25519). */
  readonly signingKey: Uint8Array;
  /** Creation time, ms since the epoch. */
  readonly createdAt: bigint;
}

/** A signed device list whose signature, entries and version have been checked. */
export interface VerifiedDeviceList extends Verified<'DeviceList'> {
  /** The list as received. */
  readonly list: SignedDeviceList;
  /** The account key AK (32-byte Ed25519) that signed it. */
  readonly accountKey: Uint8Array;
  /** The list version (strictly increasing per account). */
  readonly listVersion: bigint;
  /** Issue time, ms since the epoch. */
  readonly issuedAt: bigint;
  /** The devices, sorted by strictly increasing `deviceId`. */
  readonly devices: readonly DeviceCertificateTBS[];
}

/** Options of {@link verifySignedDeviceList}. */
export interface VerifySignedDeviceListOptions {
  /** The account key the caller trusts for this account; omitted on first contact (TOFU). */
  readonly expectedAccountKey?: Uint8Array;
  /** The version of the list the caller holds; the new list must be strictly greater. */
  readonly previousVersion?: bigint;
}

/** Checks the version and key types of one certificate body. */
function checkCertificateBody(tbs: DeviceCertificateTBS): void {
  requireVersion(tbs.version);
  requireKeyType(tbs.accountKey, KeyType.ed25519);
  requireKeyType(tbs.identityKey, KeyType.x25519);
  requireKeyType(tbs.signingKey, KeyType.ed25519);
}

/**
 * Verifies a device certificate (spec §2): `SignWithLabel(AK, "DeviceCertificate", tbs)`.
 *
 * @param expectedAccountKey the 32-byte account key the caller trusts for the peer; when
 *   omitted the certificate is checked under the account key it names (self-consistency only).
 * @throws SigilError `UNSUPPORTED_VERSION`, `UNSUPPORTED_KEY_TYPE`, `INVALID_KEY_LENGTH`;
 *   `IDENTITY_MISMATCH` if the account key is not `expectedAccountKey`; `SIGNATURE_INVALID`.
 */
export function verifyDeviceCertificate(
  crypto: CryptoProvider,
  cert: DeviceCertificate,
  expectedAccountKey?: Uint8Array,
): VerifiedDeviceCertificate {
  const { tbs } = cert;
  checkCertificateBody(tbs);
  const accountKey = tbs.accountKey.key;
  if (expectedAccountKey !== undefined) requireAccountKey(accountKey, expectedAccountKey);
  const content = encode(DeviceCertificateTBS, tbs);
  if (!verifyWithLabel(crypto, accountKey, LABEL_DEVICE_CERTIFICATE, content, cert.signature)) {
    throw new SigilError('SIGNATURE_INVALID', 'device certificate signature does not verify');
  }
  return {
    certificate: cert,
    accountKey,
    deviceId: tbs.deviceId,
    identityKey: tbs.identityKey.key,
    signingKey: tbs.signingKey.key,
    createdAt: tbs.createdAt,
  } as VerifiedDeviceCertificate;
}

/**
 * Verifies a signed device list (spec §2): `SignWithLabel(AK, "DeviceList", tbs)`, every entry
 * under the same account key, and a version greater than `previousVersion`.
 *
 * @throws SigilError `UNSUPPORTED_VERSION`, `UNSUPPORTED_KEY_TYPE`, `INVALID_KEY_LENGTH`;
 *   `IDENTITY_MISMATCH` if the list's account key is not `expectedAccountKey` or an entry names
 *   another account key; `SIGNATURE_INVALID`; `DEVICE_LIST_STALE` if `listVersion` is not
 *   greater than `previousVersion`; `INVALID_ARGUMENT` for an in-memory value with
 *   out-of-range, unsorted or duplicate device ids.
 */
export function verifySignedDeviceList(
  crypto: CryptoProvider,
  list: SignedDeviceList,
  options: VerifySignedDeviceListOptions = {},
): VerifiedDeviceList {
  const { tbs } = list;
  requireVersion(tbs.version);
  const accountKey = requireKeyType(tbs.accountKey, KeyType.ed25519);
  if (options.expectedAccountKey !== undefined) {
    requireAccountKey(accountKey, options.expectedAccountKey);
  }
  for (const device of tbs.devices) checkCertificateBody(device);
  const content = encode(DeviceListTBS, tbs);
  if (!verifyWithLabel(crypto, accountKey, LABEL_DEVICE_LIST, content, list.signature)) {
    throw new SigilError('SIGNATURE_INVALID', 'device list signature does not verify');
  }
  for (const device of tbs.devices) requireAccountKey(device.accountKey.key, accountKey);
  if (options.previousVersion !== undefined && tbs.listVersion <= options.previousVersion) {
    throw new SigilError('DEVICE_LIST_STALE', 'device list version is not newer than the one held');
  }
  return {
    list,
    accountKey,
    listVersion: tbs.listVersion,
    issuedAt: tbs.issuedAt,
    devices: tbs.devices,
  } as VerifiedDeviceList;
}

/**
 * The entry for `deviceId` on a verified list, or `undefined` if the device is not on it.
 */
export function findDevice(
  list: VerifiedDeviceList,
  deviceId: number,
): DeviceCertificateTBS | undefined {
  // Sorted by the wire format's rule, so a binary search is exact.
  let low = 0;
  let high = list.devices.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const device = list.devices[mid] as DeviceCertificateTBS;
    if (device.deviceId === deviceId) return device;
    if (device.deviceId < deviceId) low = mid + 1;
    else high = mid - 1;
  }
  return undefined;
}

/**
 * Checks that a verified certificate is exactly the entry of its device on a verified list of
 * the same account (same keys, same creation time): senders encrypt only to listed devices
 * (spec §2).
 *
 * @throws SigilError `IDENTITY_MISMATCH` if the two belong to different account keys;
 *   `DEVICE_NOT_ON_LIST` if the device is missing or listed with other keys.
 */
export function requireDeviceOnList(
  list: VerifiedDeviceList,
  cert: VerifiedDeviceCertificate,
): void {
  requireAccountKey(cert.accountKey, list.accountKey);
  const entry = findDevice(list, cert.deviceId);
  if (entry === undefined) {
    throw new SigilError('DEVICE_NOT_ON_LIST', 'device is not on the account device list', {
      details: { deviceId: cert.deviceId },
    });
  }
  const listed = encode(DeviceCertificateTBS, entry);
  const presented = encode(DeviceCertificateTBS, cert.certificate.tbs);
  if (listed.length !== presented.length || !listed.every((byte, i) => byte === presented[i])) {
    throw new SigilError('DEVICE_NOT_ON_LIST', 'device is listed with different keys', {
      details: { deviceId: cert.deviceId },
    });
  }
}
