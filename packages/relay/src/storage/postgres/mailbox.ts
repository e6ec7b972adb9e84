/**
 * The mailbox half of the PostgreSQL store: sends with group commit, fetches, acknowledgements
 * in batches, counts and purges.
 *
 * Group commit: sends that arrive while a batch is being written wait and go together in the
 * next one (the first after a quiet moment waits one turn of the event loop for company), so
 * many sends share one transaction and one wait for the disk. Each send is still checked on its
 * own: a device-set mismatch of one does not affect the others. A promise resolves only after
 * the commit, so a send the relay acknowledged is on the server's disk.
 *
 * Order: a batch first locks the device rows of every recipient (`FOR UPDATE`, in one global
 * order, so batches of several instances cannot deadlock), then takes message ids from the
 * sequence, inserts and commits. So two writers to one mailbox take turns, and within a mailbox
 * ids increase in commit order: a reader that has seen id n never later finds a smaller one
 * committed (the socket's cursor relies on it). The lock also orders sends against device-list
 * changes and account deletion, which lock the same rows before they delete a device's mail.
 *
 * Acknowledgements are batched the same way into one `DELETE ... USING unnest(...)` that does
 * not wait for the disk: a lost acknowledgement only means a redelivery.
 *
 * @module
 */
import type { EnqueueResult, NewSend, PurgeResult, StoredMessage } from '../relay-store.ts';
import { bytea, fromBytea, type PgDatabase, type Queryable } from './database.ts';

/** Most sends (or acknowledgement requests) written in one transaction. */
const MAX_BATCH = 512;

interface Pending<I, O> {
  readonly input: I;
  readonly resolve: (output: O) => void;
  readonly reject: (err: unknown) => void;
}

interface Ack {
  readonly accountId: string;
  readonly deviceId: number;
  readonly ids: readonly bigint[];
}

/** A queue whose items are written in batches, one batch at a time. */
class BatchQueue<I, O> {
  readonly #write: (inputs: I[]) => Promise<O[]>;
  readonly #pending: Pending<I, O>[] = [];
  #flight: Promise<void> | undefined;

  constructor(write: (inputs: I[]) => Promise<O[]>) {
    this.#write = write;
  }

  push(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#pending.push({ input, resolve, reject });
      if (this.#flight === undefined) this.#start(true);
    });
  }

  /** Resolves when nothing is queued or being written. */
  async drain(): Promise<void> {
    while (this.#flight !== undefined) await this.#flight;
  }

  #start(waitATurn: boolean): void {
    this.#flight = (async () => {
      if (waitATurn) await new Promise((resolve) => setImmediate(resolve));
      const batch = this.#pending.splice(0, MAX_BATCH);
      try {
        const outputs = await this.#write(batch.map((p) => p.input));
        for (const [i, pending] of batch.entries()) pending.resolve(outputs[i] as O);
      } catch (err) {
        for (const pending of batch) pending.reject(err);
      }
    })().finally(() => {
      this.#flight = undefined;
      if (this.#pending.length > 0) this.#start(false);
    });
  }
}

/** Mailboxes in PostgreSQL. */
export class PgMailbox {
  readonly #db: PgDatabase;
  readonly #sends: BatchQueue<NewSend, EnqueueResult>;
  readonly #acks: BatchQueue<Ack, number>;

  constructor(db: PgDatabase) {
    this.#db = db;
    this.#sends = new BatchQueue((sends) => db.transaction((q) => enqueueBatch(q, sends)));
    this.#acks = new BatchQueue((acks) => this.#ackBatch(acks));
  }

  enqueue(send: NewSend): Promise<EnqueueResult> {
    return this.#sends.push(send);
  }

  async fetch(
    accountId: string,
    deviceId: number,
    afterId: bigint,
    limit: number,
  ): Promise<StoredMessage[]> {
    const rows = await this.#db.query(
      {
        name: 'sigil_fetch_messages',
        text: 'SELECT id, sender_account_id, sender_device_id, ciphertext, received_at, group_id FROM messages WHERE account_id = $1 AND device_id = $2 AND id > $3 ORDER BY id LIMIT $4',
      },
      [accountId, deviceId, afterId.toString(), limit],
    );
    return rows.map((row) => ({
      id: BigInt(String(row.id)),
      senderAccountId: String(row.sender_account_id),
      senderDeviceId: Number(row.sender_device_id),
      ciphertext: fromBytea(row.ciphertext),
      receivedAt: Number(row.received_at),
      ...(row.group_id === null ? {} : { groupId: fromBytea(row.group_id) }),
    }));
  }

  ack(accountId: string, deviceId: number, ids: readonly bigint[]): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    return this.#acks.push({ accountId, deviceId, ids });
  }

  async countQueued(): Promise<number> {
    const rows = await this.#db.query('SELECT count(*) AS n FROM messages');
    return Number(rows[0]?.n ?? 0);
  }

  async purge(now: number, messagesBefore: number): Promise<PurgeResult> {
    // Not waiting for the disk: purged rows that come back after a crash are purged again.
    return this.#db.transaction(async (q) => {
      const messages = await q.query('DELETE FROM messages WHERE received_at < $1', [
        messagesBefore,
      ]);
      const challenges = await q.query('DELETE FROM challenges WHERE expires_at <= $1', [now]);
      const tokens = await q.query('DELETE FROM tokens WHERE expires_at <= $1', [now]);
      return {
        messages: messages.rowCount ?? 0,
        challenges: challenges.rowCount ?? 0,
        tokens: tokens.rowCount ?? 0,
      };
    }, true);
  }

  /** Waits for queued writes to finish. */
  async drain(): Promise<void> {
    await Promise.all([this.#sends.drain(), this.#acks.drain()]);
  }

  async #ackBatch(acks: Ack[]): Promise<number[]> {
    const accounts: string[] = [];
    const devices: number[] = [];
    const ids: string[] = [];
    for (const ack of acks) {
      for (const id of ack.ids) {
        accounts.push(ack.accountId);
        devices.push(ack.deviceId);
        ids.push(id.toString());
      }
    }
    // Not waiting for the disk: a lost acknowledgement means a redelivery, which clients drop.
    const deleted = await this.#db.transaction(
      (q) =>
        q.query({
          name: 'sigil_ack_messages',
          text: 'DELETE FROM messages m USING unnest($1::text[], $2::integer[], $3::bigint[]) AS a(account_id, device_id, id) WHERE m.id = a.id AND m.account_id = a.account_id AND m.device_id = a.device_id RETURNING m.id, m.account_id, m.device_id',
          values: [accounts, devices, ids],
        }),
      true,
    );
    // Each deleted row counts once, for the first request of its mailbox that named it.
    const gone = new Set(
      deleted.rows.map((row) => `${row.account_id}/${row.device_id}/${String(row.id)}`),
    );
    return acks.map((ack) => {
      let count = 0;
      for (const id of ack.ids) {
        const key = `${ack.accountId}/${ack.deviceId}/${id}`;
        if (gone.delete(key)) count++;
      }
      return count;
    });
  }
}

/** Checks and stores a batch of sends inside one transaction. */
async function enqueueBatch(q: Queryable, sends: readonly NewSend[]): Promise<EnqueueResult[]> {
  const recipients = [...new Set(sends.map((s) => s.recipientAccountId))].sort();
  const locked = await q.query({
    name: 'sigil_lock_recipient_devices',
    text: 'SELECT account_id, device_id FROM devices WHERE account_id = ANY($1::text[]) ORDER BY account_id, device_id FOR UPDATE',
    values: [recipients],
  });
  const existing = await q.query({
    name: 'sigil_recipient_accounts',
    text: 'SELECT account_id FROM accounts WHERE account_id = ANY($1::text[])',
    values: [recipients],
  });
  const accounts = new Set(existing.rows.map((row) => String(row.account_id)));
  const devicesOf = new Map<string, number[]>();
  for (const row of locked.rows) {
    const list = devicesOf.get(String(row.account_id)) ?? [];
    list.push(Number(row.device_id));
    devicesOf.set(String(row.account_id), list);
  }

  const results: EnqueueResult[] = [];
  const toStore: { send: NewSend; index: number }[] = [];
  let count = 0;
  for (const send of sends) {
    if (!accounts.has(send.recipientAccountId)) {
      results.push({ status: 'not-found' });
      continue;
    }
    const expected = new Set(
      (devicesOf.get(send.recipientAccountId) ?? []).filter((id) => id !== send.excludeDeviceId),
    );
    const given = new Set(send.messages.map((m) => m.deviceId));
    const missing = [...expected].filter((id) => !given.has(id)).sort((a, b) => a - b);
    const extra = [...given].filter((id) => !expected.has(id)).sort((a, b) => a - b);
    if (missing.length > 0 || extra.length > 0 || given.size !== send.messages.length) {
      results.push({
        status: 'device-set-mismatch',
        missingDeviceIds: missing,
        extraDeviceIds: extra,
      });
      continue;
    }
    toStore.push({ send, index: results.length });
    results.push({ status: 'stored', ids: [] });
    count += send.messages.length;
  }
  if (count === 0) return results;

  // Ids are taken while the recipients' rows are locked: per mailbox, id order = commit order.
  const allocated = await q.query({
    name: 'sigil_message_ids',
    text: "SELECT nextval('message_ids') AS id FROM generate_series(1, $1)",
    values: [count],
  });
  const ids = allocated.rows.map((row) => BigInt(String(row.id))).sort((a, b) => (a < b ? -1 : 1));
  const columns = {
    id: [] as string[],
    account: [] as string[],
    device: [] as number[],
    sender: [] as string[],
    senderDevice: [] as number[],
    ciphertext: [] as Buffer[],
    receivedAt: [] as number[],
  };
  let next = 0;
  for (const { send, index } of toStore) {
    const sendIds: bigint[] = [];
    for (const message of send.messages) {
      const id = ids[next++] as bigint;
      sendIds.push(id);
      columns.id.push(id.toString());
      columns.account.push(send.recipientAccountId);
      columns.device.push(message.deviceId);
      columns.sender.push(send.senderAccountId);
      columns.senderDevice.push(send.senderDeviceId);
      columns.ciphertext.push(bytea(message.ciphertext));
      columns.receivedAt.push(send.receivedAt);
    }
    results[index] = { status: 'stored', ids: sendIds };
  }
  await q.query({
    name: 'sigil_insert_messages',
    text: 'INSERT INTO messages (id, account_id, device_id, sender_account_id, sender_device_id, ciphertext, received_at) SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::text[], $5::integer[], $6::bytea[], $7::bigint[])',
    values: [
      columns.id,
      columns.account,
      columns.device,
      columns.sender,
      columns.senderDevice,
      columns.ciphertext,
      columns.receivedAt,
    ],
  });
  return results;
}
