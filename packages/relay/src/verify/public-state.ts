/**
 * The relay's checks of what clients upload, built on the public verifiers of
 * `@sigil/protocol/public` (no secrets) and the wire formats of `@sigil/wire/formats`
 * (spec/one-to-one.md §2-3). The rest of the relay sees only the small views returned here.
 *
 * Every function decodes canonically (so the stored bytes are exactly what was signed) and
 * throws a `SigilError` of the codec or protocol families on bad input; the error table turns
 * each into a 4xx.
 *
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import {
  verifyDeviceCertificate,
  verifyKemPreKey,
  verifySignedDeviceList,
  verifySignedPreKey,
} from '@sigil/protocol/public';
import { decode, encode } from '@sigil/wire';
import {
  DeviceCertificate,
  DeviceCertificateTBS,
  KemPreKey,
  KemPreKeyKind,
  OneTimePreKey,
  PreKeyBundle,
  SignedDeviceList,
  SignedPreKey,
} from '@sigil/wire/formats';
import type { BundleParts, DeviceRecord, StoredKey } from '../storage/relay-store.ts';

/** A device list that verified: what the relay stores about it. */
export interface CheckedDeviceList {
  readonly accountKey: Uint8Array;
  readonly listVersion: bigint;
  readonly devices: readonly DeviceRecord[];
}

/**
 * Decodes and verifies a signed device list (signature under its account key, entries, and a
 * version above `previousVersion`).
 * @throws SigilError codec codes; `SIGNATURE_INVALID`; `IDENTITY_MISMATCH` (not signed by
 *   `expectedAccountKey`); `DEVICE_LIST_STALE`; `UNSUPPORTED_VERSION`, key type and length codes.
 */
export function checkDeviceList(
  crypto: CryptoProvider,
  bytes: Uint8Array,
  options: { expectedAccountKey?: Uint8Array; previousVersion?: bigint },
): CheckedDeviceList {
  const verified = verifySignedDeviceList(crypto, decode(SignedDeviceList, bytes), options);
  return {
    accountKey: verified.accountKey,
    listVersion: verified.listVersion,
    devices: verified.devices.map((device) => ({
      deviceId: device.deviceId,
      signingKey: device.signingKey.key,
      certificateTbs: encode(DeviceCertificateTBS, device),
    })),
  };
}

/**
 * Checks that `bytes` is the DeviceCertificate of exactly `device` (the entry on the account's
 * current list), signed by the account key.
 * @throws SigilError codec codes; `SIGNATURE_INVALID`; `IDENTITY_MISMATCH`; `FORBIDDEN` if it
 *   certifies another device or other keys than the list names for this one.
 */
export function checkCertificate(
  crypto: CryptoProvider,
  bytes: Uint8Array,
  accountKey: Uint8Array,
  device: DeviceRecord,
): void {
  const certificate = decode(DeviceCertificate, bytes);
  verifyDeviceCertificate(crypto, certificate, accountKey);
  const tbs = encode(DeviceCertificateTBS, certificate.tbs);
  if (!Buffer.from(tbs).equals(Buffer.from(device.certificateTbs))) {
    throw new SigilError('FORBIDDEN', 'the certificate is not the one listed for this device');
  }
}

/**
 * Decodes a SignedPreKey and checks its signature under the device signing key.
 * @throws SigilError codec and key codes; `SIGNATURE_INVALID`.
 */
export function checkSignedPreKey(
  crypto: CryptoProvider,
  signingKey: Uint8Array,
  bytes: Uint8Array,
): StoredKey {
  const spk = decode(SignedPreKey, bytes);
  verifySignedPreKey(crypto, signingKey, spk);
  return { keyId: spk.tbs.id, bytes };
}

/**
 * Decodes an X25519 one-time prekey (unsigned by design, spec §3).
 * @throws SigilError codec and key codes.
 */
export function checkOneTimePreKey(bytes: Uint8Array): StoredKey {
  const key = decode(OneTimePreKey, bytes);
  return { keyId: key.id, bytes };
}

/**
 * Decodes a KemPreKey, checks its signature under the device signing key, that its key is
 * ML-KEM-1024, and that it is of the `kind` the upload field holds.
 * @throws SigilError codec and key codes; `SIGNATURE_INVALID`; `PQXDH_KEM_REQUIRED`;
 *   `REQUEST_INVALID` for a one-time key in the last-resort field or the other way round.
 */
export function checkKemPreKey(
  crypto: CryptoProvider,
  signingKey: Uint8Array,
  bytes: Uint8Array,
  kind: 'one-time' | 'last-resort',
): StoredKey {
  const kpk = decode(KemPreKey, bytes);
  verifyKemPreKey(crypto, signingKey, kpk);
  const expected = kind === 'one-time' ? KemPreKeyKind.oneTime : KemPreKeyKind.lastResort;
  if (kpk.tbs.kind !== expected) {
    throw new SigilError('REQUEST_INVALID', `a ${kind} KEM prekey field holds another kind`);
  }
  return { keyId: kpk.tbs.id, bytes };
}

/** Encodes the PreKeyBundle of one device from its stored parts (each verified on upload). */
export function encodeBundle(parts: BundleParts): Uint8Array {
  return encode(PreKeyBundle, {
    device: decode(DeviceCertificate, parts.certificate),
    signedPreKey: decode(SignedPreKey, parts.signedPreKey),
    oneTimePreKey:
      parts.oneTimePreKey === undefined ? undefined : decode(OneTimePreKey, parts.oneTimePreKey),
    kemPreKey: decode(KemPreKey, parts.kemPreKey),
  });
}
