/**
 * The MLS delivery service's groups on SQLite (contract "Relay HTTP API" 4-9): group rows,
 * member lists, and the fan-out of commits, Welcomes and messages into the per-device
 * mailboxes. Each function runs inside the caller's transaction (sqlite-store.ts `#write`):
 * the epoch check and every change it guards are one transaction, and the write lock orders it
 * against every other writer, so of two commits for one epoch exactly one wins.
 *
 * @module
 */
import { groupRefusal, memberKey, uniqueMembers } from '../group-rules.ts';
import type {
  CreateGroupResult,
  GroupCommit,
  GroupCommitResult,
  GroupLeave,
  GroupLeaveResult,
  GroupMember,
  GroupRecord,
  GroupSend,
  GroupSendResult,
} from '../relay-store.ts';
import type { RelayDatabase } from './database.ts';

/** RelayStore.createGroup, inside a transaction. */
export function createGroup(
  db: RelayDatabase,
  groupId: Uint8Array,
  creator: GroupMember,
  createdAt: number,
): CreateGroupResult {
  if (db.get('SELECT 1 FROM groups WHERE group_id = ?', groupId)) return 'exists';
  if (!deviceExists(db, creator)) return 'device-not-found';
  db.run(
    "INSERT INTO groups (group_id, epoch, group_info, created_at) VALUES (?, '0', NULL, ?)",
    groupId,
    createdAt,
  );
  addMember(db, groupId, creator);
  return 'created';
}

/** RelayStore.getGroup. */
export function getGroup(db: RelayDatabase, groupId: Uint8Array): GroupRecord | undefined {
  const row = db.get('SELECT epoch, group_info FROM groups WHERE group_id = ?', groupId);
  if (row === undefined) return undefined;
  return {
    groupId,
    epoch: BigInt(String(row.epoch)),
    members: membersOf(db, groupId),
    groupInfo: row.group_info === null ? undefined : (row.group_info as Uint8Array),
  };
}

/** RelayStore.commitGroup, inside a transaction. */
export function commitGroup(db: RelayDatabase, commit: GroupCommit): GroupCommitResult {
  const group = getGroup(db, commit.groupId);
  const refused = groupRefusal(group, commit.sender, commit.epoch, commit.kind);
  if (refused !== undefined || group === undefined) return refused ?? { status: 'not-found' };
  const missing = commit.add.filter((m) => !deviceExists(db, m));
  if (missing.length > 0) return { status: 'device-not-found', missing };

  const epoch = group.epoch + 1n;
  db.run(
    'UPDATE groups SET epoch = ?, group_info = ? WHERE group_id = ?',
    epoch.toString(),
    commit.groupInfo ?? null,
    commit.groupId,
  );
  const sender = memberKey(commit.sender);
  const delivered: GroupMember[] = [];
  for (const member of group.members) {
    if (memberKey(member) === sender) continue;
    store(db, member, commit.sender, commit.groupId, commit.commit, commit.receivedAt);
    delivered.push(member);
  }
  if (commit.welcome !== undefined) {
    for (const member of commit.add) {
      store(db, member, commit.sender, commit.groupId, commit.welcome, commit.receivedAt);
      delivered.push(member);
    }
  }
  for (const member of commit.remove) removeMember(db, commit.groupId, member);
  for (const member of commit.add) addMember(db, commit.groupId, member);
  if (commit.kind === 'external') addMember(db, commit.groupId, commit.sender);
  return { status: 'committed', epoch, delivered: uniqueMembers(delivered) };
}

/** RelayStore.sendGroupMessage, inside a transaction. */
export function sendGroupMessage(db: RelayDatabase, send: GroupSend): GroupSendResult {
  const group = getGroup(db, send.groupId);
  const refused = groupRefusal(group, send.sender, send.epoch, 'member');
  if (refused !== undefined || group === undefined) return refused ?? { status: 'not-found' };
  const sender = memberKey(send.sender);
  const ids: bigint[] = [];
  const delivered: GroupMember[] = [];
  for (const member of group.members) {
    if (memberKey(member) === sender) continue;
    ids.push(store(db, member, send.sender, send.groupId, send.message, send.receivedAt));
    delivered.push(member);
  }
  return { status: 'stored', ids, delivered };
}

/** RelayStore.leaveGroup, inside a transaction. */
export function leaveGroup(db: RelayDatabase, leave: GroupLeave): GroupLeaveResult {
  let delivered: readonly GroupMember[] = [];
  if (leave.proposal !== undefined) {
    const sent = sendGroupMessage(db, {
      groupId: leave.groupId,
      sender: leave.sender,
      epoch: leave.proposal.epoch,
      message: leave.proposal.message,
      receivedAt: leave.receivedAt,
    });
    if (sent.status !== 'stored') return sent;
    delivered = sent.delivered;
  } else {
    const refused = groupRefusal(getGroup(db, leave.groupId), leave.sender, undefined, 'member');
    if (refused !== undefined) return refused;
  }
  removeMember(db, leave.groupId, leave.sender);
  return { status: 'left', delivered };
}

function membersOf(db: RelayDatabase, groupId: Uint8Array): GroupMember[] {
  return db
    .all(
      'SELECT account_id, device_id FROM group_members WHERE group_id = ? ORDER BY account_id, device_id',
      groupId,
    )
    .map((row) => ({ accountId: String(row.account_id), deviceId: Number(row.device_id) }));
}

function deviceExists(db: RelayDatabase, member: GroupMember): boolean {
  return (
    db.get(
      'SELECT 1 FROM devices WHERE account_id = ? AND device_id = ?',
      member.accountId,
      member.deviceId,
    ) !== undefined
  );
}

function addMember(db: RelayDatabase, groupId: Uint8Array, member: GroupMember): void {
  db.run(
    'INSERT OR IGNORE INTO group_members (group_id, account_id, device_id) VALUES (?, ?, ?)',
    groupId,
    member.accountId,
    member.deviceId,
  );
}

function removeMember(db: RelayDatabase, groupId: Uint8Array, member: GroupMember): void {
  db.run(
    'DELETE FROM group_members WHERE group_id = ? AND account_id = ? AND device_id = ?',
    groupId,
    member.accountId,
    member.deviceId,
  );
}

/** Stores one group envelope in `to`'s mailbox; returns its id. */
function store(
  db: RelayDatabase,
  to: GroupMember,
  from: GroupMember,
  groupId: Uint8Array,
  ciphertext: Uint8Array,
  receivedAt: number,
): bigint {
  const row = db.get(
    'INSERT INTO messages (account_id, device_id, sender_account_id, sender_device_id, ciphertext, received_at, group_id) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
    to.accountId,
    to.deviceId,
    from.accountId,
    from.deviceId,
    ciphertext,
    receivedAt,
    groupId,
  );
  return BigInt(Number(row?.id));
}
