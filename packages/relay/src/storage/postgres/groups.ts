/**
 * The MLS delivery service's groups on PostgreSQL (contract "Relay HTTP API" 4-9), the same
 * behaviour as sqlite/groups.ts, safe across instances:
 *
 * - A commit locks its group row (`FOR UPDATE`) before it reads the epoch: of two commits for
 *   one epoch, on any connections, the second waits, then reads the new epoch and is refused.
 *   A message or leave takes the same lock, so its epoch check and its fan-out are atomic
 *   against commits.
 * - Fan-out then locks the recipients' device rows (`FOR UPDATE`, in the global (account,
 *   device) order sends use, mailbox.ts) and takes message ids from the sequence while holding
 *   them: per mailbox, ids still increase in commit order. A member whose device was removed
 *   concurrently has no row to lock and gets nothing; an added device that does not exist makes
 *   the commit `device-not-found` before anything is written.
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
import { bytea, fromBytea, type PgDatabase, type Queryable } from './database.ts';

/** One envelope to store. */
interface Envelope {
  readonly to: GroupMember;
  readonly ciphertext: Uint8Array;
}

/** Groups in PostgreSQL. */
export class PgGroups {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** RelayStore.createGroup. */
  create(groupId: Uint8Array, creator: GroupMember, createdAt: number): Promise<CreateGroupResult> {
    return this.#db.transaction(async (q): Promise<CreateGroupResult> => {
      // Shared lock: a concurrent device-list change cannot delete the creator mid-way.
      const device = await q.query(
        'SELECT 1 FROM devices WHERE account_id = $1 AND device_id = $2 FOR SHARE',
        [creator.accountId, creator.deviceId],
      );
      if (device.rowCount === 0) return 'device-not-found';
      const inserted = await q.query(
        'INSERT INTO groups (group_id, epoch, group_info, created_at) VALUES ($1, 0, NULL, $2) ON CONFLICT DO NOTHING',
        [bytea(groupId), createdAt],
      );
      if (inserted.rowCount === 0) return 'exists';
      await addMembers(q, groupId, [creator]);
      return 'created';
    });
  }

  /** RelayStore.getGroup. */
  get(groupId: Uint8Array): Promise<GroupRecord | undefined> {
    return this.#db.transaction((q) => readGroup(q, groupId, ''));
  }

  /** RelayStore.commitGroup: one transaction under the group's row lock. */
  commit(commit: GroupCommit): Promise<GroupCommitResult> {
    return this.#db.transaction(async (q): Promise<GroupCommitResult> => {
      const group = await readGroup(q, commit.groupId, 'FOR UPDATE');
      const refused = groupRefusal(group, commit.sender, commit.epoch, commit.kind);
      if (refused !== undefined || group === undefined) return refused ?? { status: 'not-found' };
      const sender = memberKey(commit.sender);
      const toNotify = group.members.filter((m) => memberKey(m) !== sender);
      const existing = await lockDevices(q, [...toNotify, ...commit.add]);
      const missing = commit.add.filter((m) => !existing.has(memberKey(m)));
      if (missing.length > 0) return { status: 'device-not-found', missing };

      const epoch = group.epoch + 1n;
      await q.query('UPDATE groups SET epoch = $2, group_info = $3 WHERE group_id = $1', [
        bytea(commit.groupId),
        epoch.toString(),
        commit.groupInfo === undefined ? null : bytea(commit.groupInfo),
      ]);
      const envelopes: Envelope[] = toNotify
        .filter((m) => existing.has(memberKey(m)))
        .map((to) => ({ to, ciphertext: commit.commit }));
      const { welcome } = commit;
      if (welcome !== undefined) {
        for (const to of commit.add) envelopes.push({ to, ciphertext: welcome });
      }
      await storeEnvelopes(q, commit.groupId, commit.sender, envelopes, commit.receivedAt);
      if (commit.remove.length > 0) {
        await q.query(
          'DELETE FROM group_members g USING unnest($2::text[], $3::integer[]) AS r(a, d) WHERE g.group_id = $1 AND g.account_id = r.a AND g.device_id = r.d',
          [
            bytea(commit.groupId),
            commit.remove.map((m) => m.accountId),
            commit.remove.map((m) => m.deviceId),
          ],
        );
      }
      await addMembers(q, commit.groupId, [
        ...commit.add,
        ...(commit.kind === 'external' ? [commit.sender] : []),
      ]);
      return { status: 'committed', epoch, delivered: uniqueMembers(envelopes.map((e) => e.to)) };
    });
  }

  /** RelayStore.sendGroupMessage: the epoch check and the fan-out under the group's lock. */
  send(send: GroupSend): Promise<GroupSendResult> {
    return this.#db.transaction((q) => sendInTransaction(q, send, 'FOR SHARE'));
  }

  /** RelayStore.leaveGroup. */
  leave(leave: GroupLeave): Promise<GroupLeaveResult> {
    return this.#db.transaction(async (q): Promise<GroupLeaveResult> => {
      let delivered: readonly GroupMember[] = [];
      if (leave.proposal !== undefined) {
        const sent = await sendInTransaction(
          q,
          {
            groupId: leave.groupId,
            sender: leave.sender,
            epoch: leave.proposal.epoch,
            message: leave.proposal.message,
            receivedAt: leave.receivedAt,
          },
          'FOR UPDATE',
        );
        if (sent.status !== 'stored') return sent;
        delivered = sent.delivered;
      } else {
        const group = await readGroup(q, leave.groupId, 'FOR UPDATE');
        const refused = groupRefusal(group, leave.sender, undefined, 'member');
        if (refused !== undefined) return refused;
      }
      await q.query(
        'DELETE FROM group_members WHERE group_id = $1 AND account_id = $2 AND device_id = $3',
        [bytea(leave.groupId), leave.sender.accountId, leave.sender.deviceId],
      );
      return { status: 'left', delivered };
    });
  }
}

async function sendInTransaction(
  q: Queryable,
  send: GroupSend,
  lock: 'FOR SHARE' | 'FOR UPDATE',
): Promise<GroupSendResult> {
  const group = await readGroup(q, send.groupId, lock);
  const refused = groupRefusal(group, send.sender, send.epoch, 'member');
  if (refused !== undefined || group === undefined) return refused ?? { status: 'not-found' };
  const sender = memberKey(send.sender);
  const recipients = group.members.filter((m) => memberKey(m) !== sender);
  const existing = await lockDevices(q, recipients);
  const envelopes = recipients
    .filter((m) => existing.has(memberKey(m)))
    .map((to) => ({ to, ciphertext: send.message }));
  const ids = await storeEnvelopes(q, send.groupId, send.sender, envelopes, send.receivedAt);
  return { status: 'stored', ids, delivered: envelopes.map((e) => e.to) };
}

/** The group row (locked as `lock` says) and its members. */
async function readGroup(
  q: Queryable,
  groupId: Uint8Array,
  lock: '' | 'FOR SHARE' | 'FOR UPDATE',
): Promise<GroupRecord | undefined> {
  const group = await q.query(
    `SELECT epoch::text AS epoch, group_info FROM groups WHERE group_id = $1 ${lock}`,
    [bytea(groupId)],
  );
  const row = group.rows[0];
  if (row === undefined) return undefined;
  const members = await q.query(
    'SELECT account_id, device_id FROM group_members WHERE group_id = $1 ORDER BY account_id, device_id',
    [bytea(groupId)],
  );
  return {
    groupId,
    epoch: BigInt(String(row.epoch)),
    members: members.rows.map((m) => ({
      accountId: String(m.account_id),
      deviceId: Number(m.device_id),
    })),
    groupInfo: row.group_info === null ? undefined : fromBytea(row.group_info),
  };
}

/** Locks the device rows of `members` in the global order; returns the keys of those that exist. */
async function lockDevices(q: Queryable, members: readonly GroupMember[]): Promise<Set<string>> {
  if (members.length === 0) return new Set();
  const locked = await q.query(
    'SELECT d.account_id, d.device_id FROM devices d JOIN unnest($1::text[], $2::integer[]) AS m(a, i) ON d.account_id = m.a AND d.device_id = m.i ORDER BY d.account_id, d.device_id FOR UPDATE OF d',
    [members.map((m) => m.accountId), members.map((m) => m.deviceId)],
  );
  return new Set(
    locked.rows.map((row) => memberKey({ accountId: row.account_id, deviceId: row.device_id })),
  );
}

async function addMembers(
  q: Queryable,
  groupId: Uint8Array,
  members: readonly GroupMember[],
): Promise<void> {
  if (members.length === 0) return;
  await q.query(
    'INSERT INTO group_members (group_id, account_id, device_id) SELECT $1, a, d FROM unnest($2::text[], $3::integer[]) AS m(a, d) ON CONFLICT DO NOTHING',
    [bytea(groupId), members.map((m) => m.accountId), members.map((m) => m.deviceId)],
  );
}

/** Stores the envelopes (their devices locked by the caller); returns their ids in order. */
async function storeEnvelopes(
  q: Queryable,
  groupId: Uint8Array,
  sender: GroupMember,
  envelopes: readonly Envelope[],
  receivedAt: number,
): Promise<bigint[]> {
  if (envelopes.length === 0) return [];
  const allocated = await q.query({
    name: 'sigil_message_ids',
    text: "SELECT nextval('message_ids') AS id FROM generate_series(1, $1)",
    values: [envelopes.length],
  });
  const ids = allocated.rows.map((row) => BigInt(String(row.id))).sort((a, b) => (a < b ? -1 : 1));
  await q.query(
    'INSERT INTO messages (id, account_id, device_id, sender_account_id, sender_device_id, ciphertext, received_at, group_id) SELECT i, a, d, $4, $5, c, $6, $7 FROM unnest($1::bigint[], $2::text[], $3::integer[], $8::bytea[]) AS t(i, a, d, c)',
    [
      ids.map(String),
      envelopes.map((e) => e.to.accountId),
      envelopes.map((e) => e.to.deviceId),
      sender.accountId,
      sender.deviceId,
      receivedAt,
      bytea(groupId),
      envelopes.map((e) => bytea(e.ciphertext)),
    ],
  );
  return ids;
}
