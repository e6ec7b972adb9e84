/**
 * The SDK's group operations (groups-api.md, "SDK"): create, add and remove people (all their
 * devices), send, rename, leave, list, history; and the upkeep other members do: committing a
 * member's leave, and following device-list changes (a removed device's leaves are removed, a
 * new device is added, by whichever member notices first; a 409 means another one did).
 *
 * Every device of a person is a leaf: adding a contact claims a KeyPackage for each device on
 * its latest verified list; a new group also gets the creator's own other devices. Group
 * messages are stored as conversation `group:<id>`. The group's name is never in the MLS group
 * context (the relay reads GroupInfos): it goes to the members encrypted (groups/metadata.ts),
 * after every commit that adds devices and on rename.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  createGroup as createMlsGroup,
  createProposal,
  encodeMlsMessage,
  type GroupState,
} from '@sigil/mls';
import { findContact, identityChanged, loadContact } from '../contacts.ts';
import { bytesEqual } from '../internal/bytes.ts';
import {
  encodeContent,
  GROUP_CONVERSATION_PREFIX,
  messageRow,
  newContent,
  toMessage,
} from '../messages.ts';
import type { Runtime } from '../runtime.ts';
import type { ContactRecord } from '../store.ts';
import type { Contact, GroupSummary, Message } from '../types.ts';
import {
  type CommitOptions,
  commitPlan,
  leavesWhere,
  lostEpoch,
  pendingLeaves,
  settlePending,
  withEpochRetry,
} from './commit.ts';
import { groupsOf } from './context.ts';
import {
  groupIdOf,
  knownUsernames,
  leafDevices,
  loadEntry,
  loadGroup,
  loadName,
  requireGroup,
  saveGroup,
  summaryOf,
} from './group-record.ts';
import { groupSuite, newKeyPackage } from './key-packages.ts';
import { type ClaimedDevice, claimDevices, deviceListOf } from './members.ts';
import { announceAfterAdding, checkGroupName, renameGroup as sendRename } from './metadata.ts';
import { sendApplication } from './send.ts';

/** The summary of a stored group state (with the group's stored name). */
export async function summarize(rt: Runtime, state: GroupState): Promise<GroupSummary> {
  const { usernames, name } = await rt.store.transaction(async (tx) => ({
    usernames: await knownUsernames(rt, tx),
    name: await loadName(rt, tx, groupIdOf(state)),
  }));
  return summaryOf(state, usernames, name);
}

/** Every group this device is in, by id. */
export async function listGroups(rt: Runtime): Promise<GroupSummary[]> {
  return rt.store.transaction(async (tx) => {
    const usernames = await knownUsernames(rt, tx);
    const out: GroupSummary[] = [];
    for (const row of await tx.listGroups()) {
      const entry = await loadEntry(rt, tx, row.groupId);
      if (entry !== undefined) out.push(summaryOf(entry.state, usernames, entry.name));
    }
    return out;
  });
}

/** One group, or `undefined` if this device is not in it. */
export async function getGroup(rt: Runtime, groupId: string): Promise<GroupSummary | undefined> {
  return rt.store.transaction(async (tx) => {
    const entry = await loadEntry(rt, tx, groupId);
    if (entry === undefined) return undefined;
    return summaryOf(entry.state, await knownUsernames(rt, tx), entry.name);
  });
}

/** Commit options sending the group's name to the devices a commit adds (groups/metadata.ts). */
function announcing(rt: Runtime, groupId: string): CommitOptions {
  return { afterAdding: () => announceAfterAdding(rt, groupId) };
}

/** Stored messages of a group, oldest first. */
export async function groupHistory(
  rt: Runtime,
  groupId: string,
  options: { after?: number; limit?: number } = {},
): Promise<Message[]> {
  const rows = await rt.store.transaction((tx) =>
    tx.listMessages({
      contactId: GROUP_CONVERSATION_PREFIX + groupId,
      after: options.after,
      limit: options.limit ?? 1000,
    }),
  );
  return rows.map((row) => toMessage(rt, row));
}

/** A stored contact, or (for a username or account id not stored yet) one found now. */
async function contactOrFind(rt: Runtime, ref: Contact | string): Promise<ContactRecord> {
  try {
    return await loadContact(rt, ref);
  } catch (err) {
    if (!SigilError.is(err, 'CONTACT_NOT_FOUND') || typeof ref !== 'string') throw err;
    return findContact(rt, ref);
  }
}

/** The contact records for `contacts`, checked for sending (no pending identity change). */
async function people(
  rt: Runtime,
  contacts: readonly (Contact | string)[],
): Promise<ContactRecord[]> {
  if (!Array.isArray(contacts)) throw new SigilError('INVALID_ARGUMENT', 'expected a contact list');
  const out = new Map<string, ContactRecord>();
  for (const ref of contacts) {
    const record = await contactOrFind(rt, ref);
    if (record.pending !== undefined) throw identityChanged();
    if (record.accountId === rt.state.accountId) {
      throw new SigilError('INVALID_ARGUMENT', 'that is this account');
    }
    out.set(record.accountId, record);
  }
  return [...out.values()];
}

/** Claims KeyPackages for every device of `accountIds`, failing for a person with none. */
async function claimAll(rt: Runtime, accountIds: readonly string[]): Promise<ClaimedDevice[]> {
  const claimed: ClaimedDevice[] = [];
  for (const accountId of accountIds) {
    const result = await claimDevices(rt, accountId);
    if (result.claimed.length === 0 && result.missing.length > 0) {
      throw new SigilError(
        'KEY_PACKAGE_NOT_FOUND',
        'a contact has no device that can join groups',
        {
          details: { accountId, deviceIds: result.missing.map(String) },
        },
      );
    }
    claimed.push(...result.claimed);
  }
  return claimed;
}

/** A plan adding the claimed devices not yet in the group. */
function addPlan(claimed: readonly ClaimedDevice[]) {
  return (state: GroupState) => {
    const present = new Set(leafDevices(state).map((l) => `${l.accountId}/${l.deviceId}`));
    return {
      add: claimed.filter((c) => !present.has(`${c.accountId}/${c.deviceId}`)),
      removeLeaves: [],
    };
  };
}

/**
 * Creates a group named `name` with `contacts` (all their devices) and this account's other
 * devices.
 * @throws SigilError `INVALID_ARGUMENT` for a bad name; `CONTACT_NOT_FOUND`, `IDENTITY_CHANGED`;
 *   `KEY_PACKAGE_NOT_FOUND`; relay codes.
 */
export async function createGroup(
  rt: Runtime,
  name: string,
  contacts: readonly (Contact | string)[] = [],
): Promise<GroupSummary> {
  checkGroupName(name);
  const records = await people(rt, contacts);
  const claimed = await claimAll(
    rt,
    records.map((r) => r.accountId),
  );
  claimed.push(...(await claimDevices(rt, rt.state.accountId)).claimed);
  const own = newKeyPackage(rt);
  const state = createMlsGroup({
    suite: groupSuite(rt),
    groupId: rt.random(32),
    keyPackage: own.keyPackage,
    privateKeys: own.privateKeys,
    // No name here: the GroupContext is in every GroupInfo the relay stores.
    extensions: [],
  });
  const groupId = groupIdOf(state);
  await rt.api.createGroup(groupId);
  await rt.store.transaction((tx) => saveGroup(rt, tx, state, { name }));
  rt.emitter.emit('group', { groupId, kind: 'joined' });
  const after =
    claimed.length === 0
      ? state
      : await commitPlan(rt, groupId, addPlan(claimed), announcing(rt, groupId));
  return summarize(rt, after);
}

/**
 * Adds people (every device of each) to a group.
 * @throws SigilError `GROUP_NOT_FOUND`, `CONTACT_NOT_FOUND`, `IDENTITY_CHANGED`,
 *   `KEY_PACKAGE_NOT_FOUND`, `GROUP_EPOCH_MISMATCH` (after retries), relay codes.
 */
export async function addToGroup(
  rt: Runtime,
  groupId: string,
  contacts: readonly (Contact | string)[],
): Promise<GroupSummary> {
  await rt.store.transaction((tx) => requireGroup(rt, tx, groupId));
  const records = await people(rt, contacts);
  const claimed = await claimAll(
    rt,
    records.map((r) => r.accountId),
  );
  return summarize(rt, await commitPlan(rt, groupId, addPlan(claimed), announcing(rt, groupId)));
}

/**
 * Removes people (every device of each) from a group.
 * @throws SigilError `GROUP_NOT_FOUND`, `CONTACT_NOT_FOUND`, `INVALID_ARGUMENT` for this account
 *   (use {@link leaveGroup}), `GROUP_EPOCH_MISMATCH` (after retries), relay codes.
 */
export async function removeFromGroup(
  rt: Runtime,
  groupId: string,
  contacts: readonly (Contact | string)[],
): Promise<GroupSummary> {
  await rt.store.transaction((tx) => requireGroup(rt, tx, groupId));
  const accounts = new Set<string>();
  for (const ref of contacts) {
    const record = await contactOrFind(rt, ref);
    if (record.accountId === rt.state.accountId) {
      throw new SigilError('INVALID_ARGUMENT', 'use leaveGroup to leave a group');
    }
    accounts.add(record.accountId);
  }
  const state = await commitPlan(rt, groupId, (current) => ({
    add: [],
    removeLeaves: leavesWhere(current, (accountId) => accounts.has(accountId)),
  }));
  return summarize(rt, state);
}

/**
 * Sends text or bytes to a group; returns the stored message.
 * @throws SigilError `GROUP_NOT_FOUND`, `PAYLOAD_TOO_LARGE`, `INVALID_ARGUMENT`,
 *   `GROUP_EPOCH_MISMATCH` (after retries), relay codes.
 */
export async function sendToGroup(
  rt: Runtime,
  groupId: string,
  body: string | Uint8Array,
): Promise<Message> {
  const content = newContent(rt, body);
  const plaintext = encodeContent(content);
  await sendApplication(rt, groupId, plaintext);
  const row = messageRow(rt, {
    contactId: GROUP_CONVERSATION_PREFIX + groupId,
    direction: 'out',
    senderAccountId: rt.state.accountId,
    senderDeviceId: rt.device.deviceId,
    sentAt: Number(content.sentAt),
    receivedAt: rt.clock.now(),
    content,
    plaintext,
  });
  const seq = await rt.store.transaction((tx) => tx.putMessage(row));
  return toMessage(rt, { ...row, seq: seq ?? 0 });
}

/**
 * Renames a group: the name goes to every member device encrypted (groups/metadata.ts), then is
 * stored here; emits `group` (`changed`).
 * @throws SigilError `INVALID_ARGUMENT` for a bad name; `GROUP_NOT_FOUND`;
 *   `GROUP_EPOCH_MISMATCH` (after retries); relay codes.
 */
export async function renameGroup(
  rt: Runtime,
  groupId: string,
  name: string,
): Promise<GroupSummary> {
  await sendRename(rt, groupId, name);
  const group = await getGroup(rt, groupId);
  if (group === undefined) {
    throw new SigilError('GROUP_NOT_FOUND', 'this device is not in that group', {
      details: { groupId },
    });
  }
  return group;
}

/**
 * Leaves a group with every device of this account: a self-Remove proposal goes to the other
 * members (one of them commits the removal of all this account's leaves), the relay stops
 * delivering the group here, and the local state is deleted (the messages stay).
 * @throws SigilError `GROUP_NOT_FOUND`; relay codes.
 */
export async function leaveGroup(rt: Runtime, groupId: string): Promise<void> {
  const context = groupsOf(rt);
  await withEpochRetry(rt, async (last) => {
    // An own commit of unknown outcome is settled first (its epoch decides the proposal's).
    await settlePending(rt, groupId);
    return context.locked(async () => {
      const state = await rt.store.transaction((tx) => requireGroup(rt, tx, groupId));
      const proposal = createProposal(state, {
        proposalType: 'remove',
        removed: state.ownLeafIndex,
      }).message;
      try {
        // On the last attempt, leave without a proposal rather than not at all.
        await rt.api.leaveGroup(groupId, last ? undefined : encodeMlsMessage(proposal));
      } catch (err) {
        if (SigilError.is(err, 'NOT_GROUP_MEMBER') || SigilError.is(err, 'GROUP_NOT_FOUND')) {
          // The relay no longer has this device in the group: only the local state is left.
        } else {
          return lostEpoch(err);
        }
      }
      await rt.store.transaction((tx) => tx.deleteGroup(groupId));
      return true;
    });
  });
  rt.emitter.emit('group', { groupId, kind: 'removed' });
}

/** Commits the removal of these devices' leaves (those still in the group with that key). */
export async function removeDevices(
  rt: Runtime,
  groupId: string,
  devices: readonly { accountId: string; deviceId: number; signatureKey: Uint8Array }[],
): Promise<void> {
  await commitPlan(rt, groupId, (state) => ({
    add: [],
    removeLeaves: leavesWhere(state, (accountId, deviceId, key) =>
      devices.some(
        (d) =>
          d.accountId === accountId && d.deviceId === deviceId && bytesEqual(d.signatureKey, key),
      ),
    ),
  }));
}

/** Commits the removal of members that asked to leave (a cached self-Remove proposal). */
export async function commitLeaves(rt: Runtime, groupId: string): Promise<void> {
  await commitPlan(rt, groupId, (state) => ({ add: [], removeLeaves: pendingLeaves(state) }));
}

/**
 * Brings a group in line with `accountId`'s verified device list: leaves of devices no longer
 * on it (or with another signing key) are removed, devices on it that are not in the group are
 * added (when they have a KeyPackage). Only for accounts already in the group. Resolves with
 * how many listed devices are still not in the group (no KeyPackage yet).
 */
export async function syncAccountDevices(
  rt: Runtime,
  groupId: string,
  accountId: string,
): Promise<number> {
  const state = await rt.store.transaction((tx) => loadGroup(rt, tx, groupId));
  if (state === undefined || !leafDevices(state).some((l) => l.accountId === accountId)) return 0;
  const list = await deviceListOf(rt, accountId, false);
  const listed = (deviceId: number, key: Uint8Array) =>
    list.devices.some((d) => d.deviceId === deviceId && bytesEqual(d.signingKey.key, key));
  const absent = (current: GroupState) => {
    const present = new Set(
      leafDevices(current)
        .filter((l) => l.accountId === accountId)
        .map((l) => l.deviceId),
    );
    return list.devices.filter(
      (d) =>
        !present.has(d.deviceId) &&
        !(accountId === rt.state.accountId && d.deviceId === rt.device.deviceId),
    );
  };
  const newDevices = absent(state);
  const claimed =
    newDevices.length === 0
      ? []
      : (await claimDevices(rt, accountId, (id) => newDevices.some((d) => d.deviceId === id)))
          .claimed;
  const after = await commitPlan(
    rt,
    groupId,
    (current) => ({
      add: addPlan(claimed)(current).add,
      removeLeaves: leavesWhere(
        current,
        (acc, deviceId, key) => acc === accountId && !listed(deviceId, key),
      ),
    }),
    announcing(rt, groupId),
  );
  return absent(after).length;
}

/** Delays between attempts to add a new device that has no KeyPackage yet, ms. */
const NEW_DEVICE_RETRY_MS = [1000, 2000, 4000, 8000, 16_000, 32_000];

/**
 * Runs {@link syncAccountDevices} for every group `accountId` is in; a group's failure is
 * reported as an `error` event. Resolves with how many devices are still missing in all.
 */
export async function syncGroupsOf(rt: Runtime, accountId: string): Promise<number> {
  const rows = await rt.store.transaction((tx) => tx.listGroups());
  let missing = 0;
  for (const row of rows) {
    try {
      missing += await syncAccountDevices(rt, row.groupId, accountId);
    } catch (error) {
      if (SigilError.is(error, 'STORAGE_FAILURE')) throw error;
      rt.emitter.emit('error', {
        code: SigilError.is(error) ? error.code : 'INTERNAL',
        error,
        during: 'group',
      });
    }
  }
  return missing;
}

/**
 * Follows a changed device list in the background: {@link syncGroupsOf} now, and again a few
 * times (1 s .. 32 s apart) while a new device has no KeyPackage yet (it is still joining).
 */
export function followDeviceList(rt: Runtime, accountId: string): void {
  const context = groupsOf(rt);
  context.run(rt, async () => {
    let missing = await syncGroupsOf(rt, accountId);
    for (const delay of NEW_DEVICE_RETRY_MS) {
      if (missing === 0 || !(await context.sleep(delay))) return;
      missing = await syncGroupsOf(rt, accountId);
    }
  });
}
