/**
 * A group as this device stores it (groups-api.md, "Store additions"): the MLS `GroupState`
 * (packages/mls group-state-codec) sealed per row (`group` kind, row id = the group id), and
 * the public views derived from it: the group's name and its members (leaf credentials
 * `${accountId}/${deviceId}`).
 *
 * The name is user content the relay must not see: it travels only in the group's encrypted
 * traffic (a `group_metadata` content, groups/metadata.ts) and is kept in the sealed record.
 * Groups created before that carried it in a GroupContext extension (0xF5A1, UTF-8), which the
 * relay could read in every GroupInfo: such a state's name is still shown until one is known.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { decodeGroupState, encodeGroupState, type GroupState } from '@sigil/mls';
import { bytesEqual, fromUtf8, isAccountId, toBase64url } from '../internal/bytes.ts';
import { decodeRecord, encodeRecord } from '../internal/json-record.ts';
import { GROUP_NAME_EXTENSION } from '../limits.ts';
import type { GroupDeviceRef } from '../relay-api.ts';
import type { Runtime } from '../runtime.ts';
import type { StoreTransaction } from '../store.ts';
import type { GroupMember, GroupSummary } from '../types.ts';

/**
 * An own commit (or external join) that may have reached the relay and whose outcome this
 * device has not learned yet: the exact request, kept so it can be posted again (the relay
 * takes the first commit of an epoch, so a repeat either wins the same way or is refused).
 */
export interface PendingUpload {
  /** The epoch the commit was made in (the relay's epoch it is posted for). */
  readonly epoch: bigint;
  readonly commit: Uint8Array;
  readonly welcome?: Uint8Array | undefined;
  /** The GroupInfo of the epoch the commit starts (what the relay stores if it wins). */
  readonly groupInfo?: Uint8Array | undefined;
  readonly add: readonly GroupDeviceRef[];
  readonly remove: readonly GroupDeviceRef[];
  /** An external commit by which this device (re)joins. */
  readonly external: boolean;
}

interface GroupRecord {
  readonly version: 1;
  /** encodeGroupState of the current epoch (with its pending commit while `pending` is set). */
  readonly state: Uint8Array;
  readonly pending?: PendingUpload;
  /** When this device last committed (or joined), ms: the automatic key refresh counts from it. */
  readonly lastCommitAt?: number;
  /** Messages this device sent in the group since then. */
  readonly sentSinceCommit?: number;
  /** The group's name, once known (its creator's, or the last `group_metadata` received). */
  readonly name?: string;
}

/** A stored group: the state and what the SDK keeps with it. */
export interface GroupEntry {
  /** The state; `pendingCommit` is set exactly when `pending` is. */
  readonly state: GroupState;
  readonly pending?: PendingUpload | undefined;
  readonly lastCommitAt: number;
  readonly sentSinceCommit: number;
  /** The group's name as stored, or `undefined` when none is known yet. */
  readonly name: string | undefined;
}

/** The base64url id of a group state. */
export function groupIdOf(state: GroupState): string {
  return toBase64url(state.groupContext.groupId);
}

/**
 * The name in a legacy group-name GroupContext extension (groups created before names moved to
 * the encrypted traffic), or '' when the state has none.
 */
export function legacyGroupName(state: GroupState): string {
  const ext = state.groupContext.extensions.find((e) => e.extensionType === GROUP_NAME_EXTENSION);
  if (ext === undefined) return '';
  try {
    return fromUtf8(ext.extensionData);
  } catch {
    return '';
  }
}

/** A device parsed from a leaf credential. */
export interface LeafDevice {
  readonly leafIndex: number;
  readonly accountId: string;
  readonly deviceId: number;
  /** The leaf's signature key (must be the device's DSK). */
  readonly signatureKey: Uint8Array;
}

/**
 * The device of a basic credential identity `${accountId}/${deviceId}`, or `undefined` when it
 * is not of that form.
 */
export function parseIdentity(
  identity: Uint8Array,
): { accountId: string; deviceId: number } | undefined {
  let text: string;
  try {
    text = fromUtf8(identity);
  } catch {
    return undefined;
  }
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const accountId = text.slice(0, slash);
  const device = text.slice(slash + 1);
  if (!isAccountId(accountId) || !/^[1-9]\d{0,9}$/.test(device)) return undefined;
  const deviceId = Number(device);
  if (deviceId > 0x7fff_ffff) return undefined;
  return { accountId, deviceId };
}

/** Every member leaf of a group state with its device (leaves with other identities skipped). */
export function leafDevices(state: GroupState): LeafDevice[] {
  const out: LeafDevice[] = [];
  for (const [leafIndex, leaf] of state.tree.leaves()) {
    if (leaf.credential.credentialType !== 'basic') continue;
    const device = parseIdentity(leaf.credential.identity);
    if (device === undefined) continue;
    out.push({ leafIndex, ...device, signatureKey: leaf.signatureKey });
  }
  return out;
}

/** The name to show: the stored one, else a legacy extension's, else '' (not known yet). */
export function groupName(state: GroupState, stored: string | undefined): string {
  return stored ?? legacyGroupName(state);
}

/**
 * The public summary of a group; `usernames` maps account ids to known usernames, `name` is
 * the stored name (`undefined`: none known).
 */
export function summaryOf(
  state: GroupState,
  usernames: ReadonlyMap<string, string>,
  name: string | undefined,
): GroupSummary {
  const members = new Map<string, number[]>();
  for (const leaf of leafDevices(state)) {
    const list = members.get(leaf.accountId) ?? [];
    list.push(leaf.deviceId);
    members.set(leaf.accountId, list);
  }
  return {
    id: groupIdOf(state),
    name: groupName(state, name),
    epoch: state.groupContext.epoch,
    members: [...members].map(([accountId, deviceIds]): GroupMember => {
      const username = usernames.get(accountId);
      return {
        accountId,
        ...(username === undefined ? {} : { username }),
        deviceIds: deviceIds.sort((a, b) => a - b),
      };
    }),
  };
}

/** The usernames this device knows: its own and its contacts'. */
export async function knownUsernames(
  rt: Runtime,
  tx: StoreTransaction,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const contact of await tx.listContacts()) {
    if (contact.username !== undefined) out.set(contact.accountId, contact.username);
  }
  if (rt.state.username !== undefined) out.set(rt.state.accountId, rt.state.username);
  return out;
}

/**
 * The stored entry of a group, or `undefined`.
 * @throws SigilError `RECORD_AUTHENTICATION_FAILED`, `STORAGE_FAILURE`.
 */
export async function loadEntry(
  rt: Runtime,
  tx: StoreTransaction,
  groupId: string,
): Promise<GroupEntry | undefined> {
  const record = await loadRecord(rt, tx, groupId);
  if (record === undefined) return undefined;
  const state = decodeGroupState(rt.crypto, record.state);
  const pending = state.pendingCommit === undefined ? undefined : record.pending;
  return {
    state: pending === undefined ? { ...state, pendingCommit: undefined } : state,
    pending,
    lastCommitAt: record.lastCommitAt ?? 0,
    sentSinceCommit: record.sentSinceCommit ?? 0,
    name: record.name,
  };
}

/**
 * The stored name of a group (`undefined`: none known, or no such group).
 * @throws SigilError `RECORD_AUTHENTICATION_FAILED`, `STORAGE_FAILURE`.
 */
export async function loadName(
  rt: Runtime,
  tx: StoreTransaction,
  groupId: string,
): Promise<string | undefined> {
  return (await loadRecord(rt, tx, groupId))?.name;
}

async function loadRecord(
  rt: Runtime,
  tx: StoreTransaction,
  groupId: string,
): Promise<GroupRecord | undefined> {
  const row = await tx.getGroup(groupId);
  if (row === undefined) return undefined;
  const record = decodeRecord<GroupRecord>(rt.sealer.open('group', groupId, row.data));
  if (record.version !== 1) throw new SigilError('UNSUPPORTED_VERSION', 'unknown group record');
  return record;
}

/**
 * The stored state of a group (with its pending commit, if any), or `undefined`.
 * @throws SigilError `RECORD_AUTHENTICATION_FAILED`, `STORAGE_FAILURE`.
 */
export async function loadGroup(
  rt: Runtime,
  tx: StoreTransaction,
  groupId: string,
): Promise<GroupState | undefined> {
  return (await loadEntry(rt, tx, groupId))?.state;
}

/** The stored state of a group. @throws SigilError `GROUP_NOT_FOUND` if this device is not in it. */
export async function requireGroup(
  rt: Runtime,
  tx: StoreTransaction,
  groupId: string,
): Promise<GroupState> {
  return (await requireEntry(rt, tx, groupId)).state;
}

/** The stored entry of a group. @throws SigilError `GROUP_NOT_FOUND` if this device is not in it. */
export async function requireEntry(
  rt: Runtime,
  tx: StoreTransaction,
  groupId: string,
): Promise<GroupEntry> {
  const entry = await loadEntry(rt, tx, groupId);
  if (entry === undefined) {
    throw new SigilError('GROUP_NOT_FOUND', 'this device is not in that group', {
      details: { groupId },
    });
  }
  return entry;
}

/**
 * Seals and writes a group state. What the stored entry kept (the pending upload, the key
 * refresh counters, the name) is carried over unless `changes` sets it; a pending upload is kept only
 * while `state` still has that pending commit (else it is over: confirmed or discarded).
 */
export async function saveGroup(
  rt: Runtime,
  tx: StoreTransaction,
  state: GroupState,
  changes: {
    pending?: PendingUpload;
    lastCommitAt?: number;
    sentSinceCommit?: number;
    name?: string;
  } = {},
): Promise<void> {
  const groupId = groupIdOf(state);
  const old = await loadRecord(rt, tx, groupId);
  const pending =
    state.pendingCommit === undefined
      ? undefined
      : (changes.pending ??
        (old?.pending !== undefined && bytesEqual(old.pending.commit, state.pendingCommit.message)
          ? old.pending
          : undefined));
  const name = changes.name ?? old?.name;
  const record: GroupRecord = {
    version: 1,
    state: encodeGroupState(pending === undefined ? { ...state, pendingCommit: undefined } : state),
    ...(pending === undefined ? {} : { pending }),
    lastCommitAt: changes.lastCommitAt ?? old?.lastCommitAt ?? rt.clock.now(),
    sentSinceCommit: changes.sentSinceCommit ?? old?.sentSinceCommit ?? 0,
    ...(name === undefined ? {} : { name }),
  };
  await tx.putGroup({
    groupId,
    data: rt.sealer.seal('group', groupId, encodeRecord(record)),
    updatedAt: rt.clock.now(),
  });
}
