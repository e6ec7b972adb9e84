/**
 * Creating signed device lists (spec/one-to-one.md §2): the account key signs the set of its
 * devices with a strictly increasing version. Adding or removing a device is a new list.
 * Secret side (needs the account key); the public check is `verifySignedDeviceList`.
 *
 * @example
 * ```ts
 * const list = createDeviceList(ctx, account, [phone, laptop], 2n);
 * const bytes = encode(SignedDeviceList, list); // upload to the relay
 * ```
 * @module
 */
import { constantTimeEqual } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import {
  type DeviceCertificate,
  type DeviceCertificateTBS,
  DeviceListTBS,
  KeyType,
  PROTOCOL_VERSION,
  type SignedDeviceList,
} from '@sigil/wire/formats';
import { type ProtocolContext, resolveContext } from '../context.ts';
import { LABEL_DEVICE_LIST } from '../labels.ts';
import type { AccountIdentity } from './account.ts';
import { DeviceIdentity, timestamp } from './device.ts';

/** A device to put on a list: a device identity, its certificate, or the certificate body. */
export type DeviceListEntry = DeviceIdentity | DeviceCertificate | DeviceCertificateTBS;

function entryBody(entry: DeviceListEntry): DeviceCertificateTBS {
  if (entry instanceof DeviceIdentity) return entry.certificate.tbs;
  if ('tbs' in entry) return entry.tbs;
  return entry;
}

/**
 * Signs a device list (§2): `SignWithLabel(AK, "DeviceList", tbs)` over the given devices
 * sorted by id, with `listVersion = version` and `issuedAt = ctx.now()`.
 *
 * @param version the new list version; it must be greater than every version published
 *   before, or receivers reject it (`DEVICE_LIST_STALE`).
 * @throws SigilError `INVALID_ARGUMENT` if two entries share a device id, an entry was
 *   certified by another account key, or `version` is not a uint64.
 */
export function createDeviceList(
  ctx: ProtocolContext,
  account: AccountIdentity,
  devices: readonly DeviceListEntry[],
  version: bigint,
): SignedDeviceList {
  const { crypto, now } = resolveContext(ctx);
  const bodies = devices.map(entryBody).sort((a, b) => a.deviceId - b.deviceId);
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i] as DeviceCertificateTBS;
    if (!constantTimeEqual(body.accountKey.key, account.accountKey)) {
      throw new SigilError('INVALID_ARGUMENT', 'device was certified by another account key');
    }
    if (i > 0 && (bodies[i - 1] as DeviceCertificateTBS).deviceId === body.deviceId) {
      throw new SigilError('INVALID_ARGUMENT', 'two devices share a device id', {
        details: { deviceId: body.deviceId },
      });
    }
  }
  const tbs: DeviceListTBS = {
    version: PROTOCOL_VERSION,
    accountKey: { type: KeyType.ed25519, key: account.accountKey },
    listVersion: version,
    issuedAt: timestamp(now()),
    devices: bodies,
  };
  const content = encode(DeviceListTBS, tbs);
  return { tbs, signature: account.sign(crypto, LABEL_DEVICE_LIST, content) };
}
