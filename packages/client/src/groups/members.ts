/**
 * Who may be in a Sigil group (groups-api.md, "Identities in MLS"): a leaf belongs to device
 * `deviceId` of account `accountId` only if its credential identity is `${accountId}/${deviceId}`
 * and its signature key is that device's signing key (DSK) on the account's verified signed
 * device list. Lists come from the own account state or the pinned contact (an account seen for
 * the first time is fetched, verified and pinned as contacts.ts does). Also: claiming and
 * checking other devices' KeyPackages before adding them.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { decodeMlsMessage, type KeyPackage } from '@sigil/mls';
import type { VerifiedDeviceList } from '@sigil/protocol';
import { refreshOwnList } from '../account.ts';
import { contactForAccount, verifyListFor } from '../contacts.ts';
import { bytesEqual } from '../internal/bytes.ts';
import type { Runtime } from '../runtime.ts';
import { parseIdentity } from './group-record.ts';
import { GROUP_CIPHER_SUITE } from './key-packages.ts';

/** A device as a leaf presents it. */
export interface PresentedDevice {
  readonly accountId: string;
  readonly deviceId: number;
  readonly signatureKey: Uint8Array;
}

/**
 * The verified device list of an account: this account's own, or a contact's (pinned now when
 * the account is new). With `refresh`, fetched from the relay first.
 * @throws SigilError relay and verification codes.
 */
export async function deviceListOf(
  rt: Runtime,
  accountId: string,
  refresh: boolean,
): Promise<VerifiedDeviceList> {
  if (accountId === rt.state.accountId) {
    if (refresh) await refreshOwnList(rt);
    return rt.ownList;
  }
  let contact = await rt.store.transaction((tx) => tx.getContactByAccountId(accountId));
  if (contact?.deviceList === undefined || refresh) {
    contact = await contactForAccount(rt, accountId, undefined);
  }
  return verifyListFor(rt, accountId, contact.deviceList as Uint8Array, contact.accountKey);
}

/** Whether `device` is on `list` with that signing key. */
export function onList(list: VerifiedDeviceList, device: PresentedDevice): boolean {
  return list.devices.some(
    (d) => d.deviceId === device.deviceId && bytesEqual(d.signingKey.key, device.signatureKey),
  );
}

/**
 * Checks that every device is on its account's verified list with that signing key (a list
 * that does not show it is fetched again once).
 * @throws SigilError `IDENTITY_MISMATCH` naming the first device that is not; relay and
 *   verification codes.
 */
export async function checkDevices(
  rt: Runtime,
  devices: readonly PresentedDevice[],
): Promise<void> {
  const byAccount = new Map<string, PresentedDevice[]>();
  for (const device of devices) {
    byAccount.set(device.accountId, [...(byAccount.get(device.accountId) ?? []), device]);
  }
  for (const [accountId, presented] of byAccount) {
    let list = await deviceListOf(rt, accountId, false);
    if (!presented.every((d) => onList(list, d))) list = await deviceListOf(rt, accountId, true);
    const bad = presented.find((d) => !onList(list, d));
    if (bad !== undefined) {
      throw new SigilError(
        'IDENTITY_MISMATCH',
        "a group member's leaf is not a device on its account's signed device list",
        { details: { accountId: bad.accountId, deviceId: bad.deviceId } },
      );
    }
  }
}

/**
 * Verified device lists by account for a synchronous leaf check (processCommit's
 * `validateCredential`); `null` for an account whose list cannot be had (it does not exist, or
 * its list does not verify): none of its leaves is accepted.
 */
export type DeviceLists = Map<string, VerifiedDeviceList | null>;

/**
 * Adds to `lists` the lists of the accounts of `devices` (fetched again once when the held one
 * does not show a device).
 * @throws SigilError relay and storage codes that are about the moment, not the account.
 */
export async function addDeviceLists(
  rt: Runtime,
  lists: DeviceLists,
  devices: readonly PresentedDevice[],
): Promise<void> {
  const byAccount = new Map<string, PresentedDevice[]>();
  for (const device of devices) {
    byAccount.set(device.accountId, [...(byAccount.get(device.accountId) ?? []), device]);
  }
  for (const [accountId, presented] of byAccount) {
    const held = lists.get(accountId);
    if (held !== undefined && (held === null || presented.every((d) => onList(held, d)))) continue;
    try {
      let list = await deviceListOf(rt, accountId, false);
      if (!presented.every((d) => onList(list, d))) list = await deviceListOf(rt, accountId, true);
      lists.set(accountId, list);
    } catch (err) {
      if (!SigilError.is(err) || err.category === 'Storage' || err.category === 'Internal') {
        throw err;
      }
      if (err.code === 'RATE_LIMITED' || err.code === 'RELAY_RESPONSE_INVALID') throw err;
      lists.set(accountId, null);
    }
  }
}

/** A device to add, with its checked KeyPackage. */
export interface ClaimedDevice {
  readonly accountId: string;
  readonly deviceId: number;
  readonly keyPackage: KeyPackage;
}

/**
 * Claims one KeyPackage for each device on `accountId`'s latest verified list (not this device)
 * that `wanted` accepts, and keeps those whose credential and signature key match the list.
 * Devices without a usable one are returned in `missing`.
 * @throws SigilError `ACCOUNT_NOT_FOUND`/`NOT_FOUND`, `RATE_LIMITED` and other relay codes.
 */
export async function claimDevices(
  rt: Runtime,
  accountId: string,
  wanted: (deviceId: number) => boolean = () => true,
): Promise<{ claimed: ClaimedDevice[]; missing: number[] }> {
  const list = await deviceListOf(rt, accountId, true);
  const devices = list.devices.filter(
    (d) =>
      wanted(d.deviceId) &&
      !(accountId === rt.state.accountId && d.deviceId === rt.device.deviceId),
  );
  if (devices.length === 0) return { claimed: [], missing: [] };
  const { keyPackages } = await rt.api.claimKeyPackages(accountId);
  const claimed: ClaimedDevice[] = [];
  const missing: number[] = [];
  for (const device of devices) {
    const keyPackage = checkedKeyPackage(
      keyPackages.get(device.deviceId),
      { accountId, deviceId: device.deviceId, signatureKey: device.signingKey.key },
      BigInt(Math.floor(rt.clock.now() / 1000)),
    );
    if (keyPackage === undefined) missing.push(device.deviceId);
    else claimed.push({ accountId, deviceId: device.deviceId, keyPackage });
  }
  return { claimed, missing };
}

/** The KeyPackage in `bytes` if it is a current suite-1 KeyPackage of exactly `device`. */
function checkedKeyPackage(
  bytes: Uint8Array | undefined,
  device: PresentedDevice,
  now: bigint,
): KeyPackage | undefined {
  if (bytes === undefined) return undefined;
  let keyPackage: KeyPackage;
  try {
    const message = decodeMlsMessage(bytes);
    if (message.wireFormat !== 'mls_key_package') return undefined;
    keyPackage = message.keyPackage;
  } catch {
    return undefined;
  }
  const { leafNode } = keyPackage;
  if (keyPackage.cipherSuite !== GROUP_CIPHER_SUITE) return undefined;
  const { lifetime } = leafNode as { lifetime?: { notBefore: bigint; notAfter: bigint } };
  if (lifetime === undefined || now < lifetime.notBefore || now > lifetime.notAfter) {
    return undefined;
  }
  if (leafNode.credential.credentialType !== 'basic') return undefined;
  const identity = parseIdentity(leafNode.credential.identity);
  if (identity?.accountId !== device.accountId || identity.deviceId !== device.deviceId) {
    return undefined;
  }
  // The KeyPackage and leaf signatures are checked by createCommit (RFC 9420 §10.1).
  return bytesEqual(leafNode.signatureKey, device.signatureKey) ? keyPackage : undefined;
}
