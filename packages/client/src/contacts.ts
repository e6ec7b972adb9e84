/**
 * Contacts and trust (DESIGN.md, Identities and devices): finding an account by username or
 * account id, pinning its account key on first use (TOFU), following its device list, and
 * surfacing a changed account key.
 *
 * - An account id is SHA-256 of the account key, so a device list fetched for an account id is
 *   checked to hash to it: the relay cannot substitute keys for an account id. A username is
 *   only a pointer the relay keeps; the key behind it is pinned on first use, and the safety
 *   number (`safetyNumber`, `markVerified`) is how two people check it.
 * - A username that later points to another account key (the person re-created the account,
 *   or the relay lies) is an identity change: the contact keeps its pinned key and gets a
 *   `pending` identity, `identity-changed` is emitted, and sending throws `IDENTITY_CHANGED`
 *   until `acceptIdentityChange` (which resets `verified`).
 * - A new version of a contact's list under the same key is adopted: sessions with devices
 *   that left are dropped and `device-list-changed` is emitted. An older version than the one
 *   held is refused (`DEVICE_LIST_STALE`).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  computeSafetyNumber,
  decodeSignedDeviceList,
  type SafetyNumber,
  type VerifiedDeviceList,
  verifySignedDeviceList,
} from '@sigil/protocol';
import { diffDevices } from './account.ts';
import { accountIdOf, bytesEqual, isAccountId, isUsername, utf8 } from './internal/bytes.ts';
import type { Runtime } from './runtime.ts';
import type { ContactRecord } from './store.ts';
import type { Contact } from './types.ts';

/** The public view of a contact record. */
export function toContact(record: ContactRecord): Contact {
  const devices =
    record.deviceList === undefined
      ? []
      : decodeSignedDeviceList(record.deviceList).tbs.devices.map((d) => d.deviceId);
  return {
    id: record.id,
    accountId: record.accountId,
    username: record.username,
    verified: record.verified,
    identityChanged: record.pending !== undefined,
    devices,
    addedAt: record.addedAt,
  };
}

/**
 * The stored contact for a `Contact`, a contact id, an account id or a username.
 * @throws SigilError `CONTACT_NOT_FOUND`.
 */
export async function loadContact(rt: Runtime, ref: Contact | string): Promise<ContactRecord> {
  const key = typeof ref === 'string' ? ref : ref.id;
  const record = await rt.store.transaction(async (tx) => {
    return (
      (await tx.getContact(key)) ??
      (isUsername(key) ? await tx.getContactByUsername(key) : await tx.getContactByAccountId(key))
    );
  });
  if (record === undefined) throw new SigilError('CONTACT_NOT_FOUND', 'no such contact');
  return record;
}

/**
 * Verifies a device list fetched for `accountId`: signed by the key it names, that key hashes
 * to `accountId`, and it is the pinned key when there is one.
 * @throws SigilError `IDENTITY_MISMATCH`, `SIGNATURE_INVALID`, Codec codes.
 */
export function verifyListFor(
  rt: Runtime,
  accountId: string,
  bytes: Uint8Array,
  pinnedKey?: Uint8Array,
): VerifiedDeviceList {
  const list = verifySignedDeviceList(rt.crypto, decodeSignedDeviceList(bytes), {
    ...(pinnedKey === undefined ? {} : { expectedAccountKey: pinnedKey }),
  });
  if (accountIdOf(rt.crypto, list.accountKey) !== accountId) {
    throw new SigilError('IDENTITY_MISMATCH', 'the device list is not of the requested account');
  }
  return list;
}

/**
 * Finds a contact on the relay by username or account id, pins it on first use and refreshes
 * its device list (see the module comment for identity changes).
 * @throws SigilError `NOT_FOUND` (no such username or account); `INVALID_ARGUMENT` for
 *   something that is neither, or for this account itself; `IDENTITY_MISMATCH`,
 *   `SIGNATURE_INVALID`, `DEVICE_LIST_STALE`; relay codes.
 */
export async function findContact(rt: Runtime, ref: string): Promise<ContactRecord> {
  if (isAccountId(ref)) return contactForAccount(rt, ref, undefined);
  if (!isUsername(ref)) {
    throw new SigilError('INVALID_ARGUMENT', 'expected a username or an account id');
  }
  const accountId = await rt.api.resolveUsername(ref);
  const known = await rt.store.transaction((tx) => tx.getContactByUsername(ref));
  if (known !== undefined && known.accountId !== accountId) {
    return markIdentityChanged(rt, known, accountId);
  }
  return contactForAccount(rt, accountId, ref);
}

/**
 * The contact for `accountId` with its device list fetched and verified: the stored one
 * (updated) or a new one pinned now.
 */
export async function contactForAccount(
  rt: Runtime,
  accountId: string,
  username: string | undefined,
): Promise<ContactRecord> {
  if (accountId === rt.state.accountId) {
    throw new SigilError('INVALID_ARGUMENT', 'that is this account');
  }
  const bytes = await rt.api.deviceList(accountId);
  const known = await rt.store.transaction((tx) => tx.getContactByAccountId(accountId));
  const list = verifyListFor(rt, accountId, bytes, known?.accountKey);
  if (known !== undefined) {
    const named =
      username !== undefined && known.username === undefined ? { ...known, username } : known;
    return adoptContactList(rt, named, bytes, list);
  }
  const record: ContactRecord = {
    id: accountId,
    accountId,
    accountKey: list.accountKey,
    username,
    verified: false,
    deviceList: bytes,
    listVersion: list.listVersion,
    pending: undefined,
    addedAt: rt.clock.now(),
  };
  await rt.store.transaction((tx) => tx.putContact(record));
  return record;
}

/** The devices of an encoded signed device list (none for `undefined`). */
function devicesOf(list: Uint8Array | undefined) {
  return list === undefined ? [] : decodeSignedDeviceList(list).tbs.devices;
}

/**
 * Stores a newer device list for a contact, drops sessions with devices that left and emits
 * `device-list-changed` (not on the first list).
 * @throws SigilError `DEVICE_LIST_STALE` for an older version than the one held.
 */
export async function adoptContactList(
  rt: Runtime,
  contact: ContactRecord,
  bytes: Uint8Array,
  list: VerifiedDeviceList,
): Promise<ContactRecord> {
  if (list.listVersion < contact.listVersion) {
    throw new SigilError('DEVICE_LIST_STALE', 'the relay served an older device list');
  }
  // Read-modify-write in one transaction on the stored row, not on `contact` (read earlier):
  // a concurrent receive or find may have stored a newer list, a username or a pending change
  // in between, and writing the stale copy back would lose it.
  let updated = contact;
  let previous: Uint8Array | undefined;
  let changed = false;
  await rt.store.transaction(async (tx) => {
    const current = (await tx.getContact(contact.id)) ?? contact;
    previous = current.deviceList;
    const base: ContactRecord = { ...current, username: current.username ?? contact.username };
    changed = current.accountId === contact.accountId && list.listVersion > current.listVersion;
    updated = changed ? { ...base, deviceList: bytes, listVersion: list.listVersion } : base;
    await tx.putContact(updated);
    if (!changed) return;
    for (const deviceId of diffDevices(devicesOf(previous), list.devices).removed) {
      await tx.deleteSession(contact.accountId, deviceId);
    }
  });
  const { added, removed } = diffDevices(devicesOf(previous), list.devices);
  if (changed && previous !== undefined) {
    rt.emitter.emit('device-list-changed', {
      contact: toContact(updated),
      accountId: contact.accountId,
      listVersion: list.listVersion,
      added,
      removed,
    });
  }
  return updated;
}

/** Records that `contact`'s username now points to `accountId` and emits `identity-changed`. */
async function markIdentityChanged(
  rt: Runtime,
  contact: ContactRecord,
  accountId: string,
): Promise<ContactRecord> {
  const bytes = await rt.api.deviceList(accountId);
  const list = verifyListFor(rt, accountId, bytes);
  const same =
    contact.pending !== undefined && bytesEqual(contact.pending.accountKey, list.accountKey);
  const updated: ContactRecord = {
    ...contact,
    pending: { accountId, accountKey: list.accountKey, deviceList: bytes },
  };
  await rt.store.transaction((tx) => tx.putContact(updated));
  if (!same) {
    rt.emitter.emit('identity-changed', {
      contact: toContact(updated),
      previousAccountId: contact.accountId,
      newAccountId: accountId,
    });
  }
  return updated;
}

/**
 * After the relay said a contact's account is gone: whether its username now points elsewhere
 * (then the change is recorded and `IDENTITY_CHANGED` thrown). Otherwise rethrows `original`.
 */
export async function checkUsernameAfterNotFound(
  rt: Runtime,
  contact: ContactRecord,
  original: unknown,
): Promise<never> {
  if (contact.username !== undefined) {
    let accountId: string | undefined;
    try {
      accountId = await rt.api.resolveUsername(contact.username);
    } catch (err) {
      if (!SigilError.is(err, 'NOT_FOUND')) throw err;
    }
    if (accountId !== undefined && accountId !== contact.accountId) {
      await markIdentityChanged(rt, contact, accountId);
      throw identityChanged();
    }
  }
  throw original;
}

/** The error sending to a contact with a pending identity change raises. */
export function identityChanged(): SigilError {
  return new SigilError(
    'IDENTITY_CHANGED',
    "the contact's account key changed: compare safety numbers, then accept the change",
  );
}

/**
 * Trusts a contact's new account key: the contact moves to the new account (a contact created
 * meanwhile for that account is merged into it), sessions with the old account are dropped and
 * `verified` is reset.
 * @throws SigilError `CONTACT_NOT_FOUND`; `INVALID_ARGUMENT` if there is no pending change.
 */
export async function acceptIdentityChange(
  rt: Runtime,
  ref: Contact | string,
): Promise<ContactRecord> {
  const contact = await loadContact(rt, ref);
  const pending = contact.pending;
  if (pending === undefined)
    throw new SigilError('INVALID_ARGUMENT', 'no identity change to accept');
  const updated: ContactRecord = {
    ...contact,
    accountId: pending.accountId,
    accountKey: pending.accountKey,
    deviceList: pending.deviceList,
    listVersion: decodeSignedDeviceList(pending.deviceList).tbs.listVersion,
    verified: false,
    pending: undefined,
  };
  await rt.store.transaction(async (tx) => {
    const other = await tx.getContactByAccountId(pending.accountId);
    if (other !== undefined && other.id !== contact.id) {
      await tx.moveMessages(other.id, contact.id);
      await tx.deleteContact(other.id);
    }
    await tx.moveMessages(pending.accountId, contact.id);
    for (const deviceId of await tx.listSessions(contact.accountId)) {
      await tx.deleteSession(contact.accountId, deviceId);
    }
    await tx.putContact(updated);
  });
  return updated;
}

/**
 * Marks a contact verified (the user compared safety numbers).
 * @throws SigilError `IDENTITY_CHANGED` while a change is pending; `CONTACT_NOT_FOUND`.
 */
export async function markVerified(rt: Runtime, ref: Contact | string): Promise<ContactRecord> {
  const contact = await loadContact(rt, ref);
  if (contact.pending !== undefined) throw identityChanged();
  const updated = { ...contact, verified: true };
  await rt.store.transaction((tx) => tx.putContact(updated));
  return updated;
}

/** The safety number of this account and a contact (spec §8), from the pinned keys. */
export function safetyNumber(rt: Runtime, contact: ContactRecord): SafetyNumber {
  return computeSafetyNumber(
    rt.crypto,
    { accountKey: rt.device.accountKey, stableId: utf8(rt.state.accountId) },
    { accountKey: contact.accountKey, stableId: utf8(contact.accountId) },
  );
}
