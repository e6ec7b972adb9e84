/**
 * A group as this device stores it (groups-api.md, "Store additions"): the MLS `GroupState`
 * (packages/mls group-state-codec) sealed per row (`group` kind, row id = the group id), and
 * the public views derived from it: the group's name (GroupContext extension 0xF5A1, UTF-8) and
 * its members (leaf credentials `${accountId}/${deviceId}`).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { decodeGroupState, encodeGroupState, type GroupState } from '@sigil/mls';
import { fromUtf8, isAccountId, toBase64url, utf8 } from '../internal/bytes.ts';
import { decodeRecord, encodeRecord } from '../internal/json-record.ts';
import { GROUP_NAME_EXTENSION } from '../limits.ts';
import type { Runtime } from '../runtime.ts';
import type { StoreTransaction } from '../store.ts';
import type { GroupMember, GroupSummary } from '../types.ts';

interface GroupRecord {
  readonly version: 1;
  /** encodeGroupState of the current epoch. */
  readonly state: Uint8Array;
}

/** The base64url id of a group state. */
export function groupIdOf(state: GroupState): string {
  return toBase64url(state.groupContext.groupId);
}

/** The group-name GroupContext extension for `name`. */
export function nameExtension(name: string): { extensionType: number; extensionData: Uint8Array } {
  return { extensionType: GROUP_NAME_EXTENSION, extensionData: utf8(name) };
}

/** The group's name, or '' when the group has none. */
export function groupName(state: GroupState): string {
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

/** The public summary of a group; `usernames` maps account ids to known usernames. */
export function summaryOf(state: GroupState, usernames: ReadonlyMap<string, string>): GroupSummary {
  const members = new Map<string, number[]>();
  for (const leaf of leafDevices(state)) {
    const list = members.get(leaf.accountId) ?? [];
    list.push(leaf.deviceId);
    members.set(leaf.accountId, list);
  }
  return {
    id: groupIdOf(state),
    name: groupName(state),
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
 * The stored state of a group, or `undefined`.
 * @throws SigilError `RECORD_AUTHENTICATION_FAILED`, `STORAGE_FAILURE`.
 */
export async function loadGroup(
  rt: Runtime,
  tx: StoreTransaction,
  groupId: string,
): Promise<GroupState | undefined> {
  const row = await tx.getGroup(groupId);
  if (row === undefined) return undefined;
  const record = decodeRecord<GroupRecord>(rt.sealer.open('group', groupId, row.data));
  if (record.version !== 1) throw new SigilError('UNSUPPORTED_VERSION', 'unknown group record');
  return decodeGroupState(rt.crypto, record.state);
}

/** The stored state of a group. @throws SigilError `GROUP_NOT_FOUND` if this device is not in it. */
export async function requireGroup(
  rt: Runtime,
  tx: StoreTransaction,
  groupId: string,
): Promise<GroupState> {
  const state = await loadGroup(rt, tx, groupId);
  if (state === undefined) {
    throw new SigilError('GROUP_NOT_FOUND', 'this device is not in that group', {
      details: { groupId },
    });
  }
  return state;
}

/** Seals and writes a group state (without a pending commit: that is never stored). */
export async function saveGroup(
  rt: Runtime,
  tx: StoreTransaction,
  state: GroupState,
): Promise<void> {
  const groupId = groupIdOf(state);
  const clean: GroupState = { ...state, pendingCommit: undefined };
  const record: GroupRecord = { version: 1, state: encodeGroupState(clean) };
  await tx.putGroup({
    groupId,
    data: rt.sealer.seal('group', groupId, encodeRecord(record)),
    updatedAt: rt.clock.now(),
  });
}
