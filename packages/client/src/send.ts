/**
 * Sending (DESIGN.md, One-to-one): a `Content` is encrypted once per device of the recipient
 * account's latest verified device list (the relay takes a send only with exactly one
 * ciphertext per listed device), and sent as one request.
 *
 * 1. Devices without a usable session get a bundle from the relay (one-time keys are handed out
 *    once), verified under the pinned account key and checked against the list; a device asked
 *    for in `freshSessionFor` gets a new session even if it has one (the old one is archived).
 * 2. In one store transaction, per device: start the session if needed, encrypt, store the new
 *    record, and put the plaintext in the resend buffer under the SHA-256 of the ciphertext.
 *    Records are committed before anything is sent, so a chain key is never used twice.
 * 3. `POST /v1/messages`. On `DEVICE_SET_MISMATCH` the device list is fetched again (changes
 *    emitted, sessions of removed devices dropped) and the send retried once. On `NOT_FOUND`
 *    for a contact found by username, the username is resolved again: pointing elsewhere, it
 *    is an identity change (`IDENTITY_CHANGED`).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  decodePreKeyBundle,
  encryptMessage,
  requireDeviceOnList,
  startSession,
  type VerifiedDeviceList,
  type VerifiedPreKeyBundle,
  verifyPreKeyBundle,
} from '@sigil/protocol';
import { refreshOwnList } from './account.ts';
import {
  adoptContactList,
  checkUsernameAfterNotFound,
  contactForAccount,
  verifyListFor,
} from './contacts.ts';
import { toHex } from './internal/bytes.ts';
import { RESEND_BUFFER_MAX_AGE_MS, RESEND_BUFFER_MAX_PER_ACCOUNT } from './limits.ts';
import type { Runtime } from './runtime.ts';
import { loadSession, saveSession, sessionUsable } from './sessions.ts';
import type { ContactRecord } from './store.ts';

/** Where a content goes: the devices on an account's latest verified list. */
export interface Target {
  readonly accountId: string;
  readonly accountKey: Uint8Array;
  readonly list: VerifiedDeviceList;
  /** This device, when sending to the own account. */
  readonly excludeDeviceId: number | undefined;
  /** The contact, or `undefined` for the own account. */
  readonly contact: ContactRecord | undefined;
}

/** Options of {@link deliver}. */
export interface DeliverOptions {
  /** Start a new session with this device even if one is usable. */
  readonly freshSessionFor?: number | undefined;
  /** The resend count to record in the resend buffer (0 for a first send). */
  readonly resends?: number;
}

/**
 * The target for `accountId`: the own account (other devices), a stored contact (its list
 * fetched if it has none yet), or an account seen for the first time (pinned now).
 */
export async function targetFor(rt: Runtime, accountId: string): Promise<Target> {
  if (accountId === rt.state.accountId) {
    return {
      accountId,
      accountKey: rt.device.accountKey,
      list: rt.ownList,
      excludeDeviceId: rt.device.deviceId,
      contact: undefined,
    };
  }
  let contact = await rt.store.transaction((tx) => tx.getContactByAccountId(accountId));
  if (contact?.deviceList === undefined)
    contact = await contactForAccount(rt, accountId, undefined);
  const list = verifyListFor(rt, accountId, contact.deviceList as Uint8Array, contact.accountKey);
  return { accountId, accountKey: contact.accountKey, list, excludeDeviceId: undefined, contact };
}

/** The target with its device list fetched again. */
async function refreshTarget(rt: Runtime, target: Target): Promise<Target> {
  const contact = target.contact;
  if (contact === undefined) {
    await refreshOwnList(rt);
    return targetFor(rt, target.accountId);
  }
  let bytes: Uint8Array;
  try {
    bytes = await rt.api.deviceList(contact.accountId);
  } catch (err) {
    if (SigilError.is(err, 'NOT_FOUND')) return checkUsernameAfterNotFound(rt, contact, err);
    throw err;
  }
  const list = verifyListFor(rt, contact.accountId, bytes, contact.accountKey);
  const updated = await adoptContactList(rt, contact, bytes, list);
  return { ...target, list, contact: updated };
}

/** Verified bundles for the devices that need a new session. */
async function fetchBundles(
  rt: Runtime,
  target: Target,
  deviceIds: readonly number[],
  allDevices: number,
): Promise<Map<number, VerifiedPreKeyBundle>> {
  const raw = new Map<number, Uint8Array>();
  if (deviceIds.length > 1 && deviceIds.length === allDevices) {
    for (const [id, bytes] of await rt.api.bundles(target.accountId)) raw.set(id, bytes);
  } else {
    for (const id of deviceIds) raw.set(id, await rt.api.bundle(target.accountId, id));
  }
  const out = new Map<number, VerifiedPreKeyBundle>();
  for (const id of deviceIds) {
    const bytes = raw.get(id);
    if (bytes === undefined) {
      throw new SigilError('PREKEY_NOT_FOUND', 'a device of the recipient has no prekeys', {
        details: { deviceId: id },
      });
    }
    const bundle = verifyPreKeyBundle(rt.crypto, decodePreKeyBundle(bytes), target.accountKey);
    requireDeviceOnList(target.list, bundle.device);
    if (bundle.device.deviceId !== id) {
      throw new SigilError('RELAY_RESPONSE_INVALID', 'the relay served a bundle of another device');
    }
    out.set(id, bundle);
  }
  return out;
}

/**
 * Encrypts `content` (encoded `Content`) to every device of `target` and sends it (see the
 * module comment).
 * @throws SigilError `PREKEY_NOT_FOUND` (a device without prekeys); `IDENTITY_CHANGED`;
 *   `NOT_FOUND`; `DEVICE_SET_MISMATCH` after the retry; bundle verification codes; relay and
 *   storage codes.
 */
export async function deliver(
  rt: Runtime,
  initial: Target,
  content: Uint8Array,
  options: DeliverOptions = {},
): Promise<void> {
  let target = initial;
  for (let attempt = 0; ; attempt++) {
    const devices = target.list.devices.filter((d) => d.deviceId !== target.excludeDeviceId);
    if (devices.length === 0) return;
    const now = rt.clock.now();
    const needed = await rt.store.transaction(async (tx) => {
      const ids: number[] = [];
      for (const device of devices) {
        const record = await loadSession(rt, tx, target.accountId, device.deviceId);
        if (device.deviceId === options.freshSessionFor || !sessionUsable(record, device, now)) {
          ids.push(device.deviceId);
        }
      }
      return ids;
    });
    try {
      const bundles = await fetchBundles(rt, target, needed, devices.length);
      const messages = await rt.store.transaction(async (tx) => {
        const out: { deviceId: number; ciphertext: Uint8Array }[] = [];
        for (const device of devices) {
          let record = await loadSession(rt, tx, target.accountId, device.deviceId);
          const bundle = bundles.get(device.deviceId);
          if (bundle !== undefined) {
            record = startSession(rt.protocol, { local: rt.device, bundle, record });
          }
          const sent = encryptMessage(rt.protocol, record, content);
          await saveSession(rt, tx, target.accountId, device.deviceId, sent.record);
          const hash = rt.crypto.hash.digest('sha256', sent.message);
          const row = `${target.accountId}/${device.deviceId}/${toHex(hash)}`;
          await tx.putSent({
            accountId: target.accountId,
            deviceId: device.deviceId,
            hash,
            content: rt.sealer.seal('sent', row, content),
            sentAt: now,
            resends: options.resends ?? 0,
          });
          out.push({ deviceId: device.deviceId, ciphertext: sent.message });
        }
        await tx.pruneSent(
          target.accountId,
          RESEND_BUFFER_MAX_PER_ACCOUNT,
          now - RESEND_BUFFER_MAX_AGE_MS,
        );
        return out;
      });
      await rt.api.send(target.accountId, messages);
      return;
    } catch (err) {
      if (SigilError.is(err, 'DEVICE_SET_MISMATCH') && attempt === 0) {
        target = await refreshTarget(rt, target);
        continue;
      }
      if (SigilError.is(err, 'NOT_FOUND') && target.contact !== undefined) {
        await checkUsernameAfterNotFound(rt, target.contact, err);
      }
      throw err;
    }
  }
}
