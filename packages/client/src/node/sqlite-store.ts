/**
 * The {@link ClientStore} on `node:sqlite` (Node only): one database file per profile.
 *
 * - WAL journal with `synchronous=FULL`: a committed transaction is on disk before
 *   `transaction` resolves, so a message acknowledged right after survives `kill -9` and power
 *   loss. `busy_timeout` lets a second process (a `sigil send` next to a `sigil watch`) wait
 *   for the lock instead of failing.
 * - Transactions run one at a time in this process (a queue) and take SQLite's write lock up
 *   front (`BEGIN IMMEDIATE`), so they are serializable across processes too.
 * - Migrations are numbered (`PRAGMA user_version`); a file written by a newer client is
 *   refused. Never edit a released migration: append one.
 * - The file holds only public data and blobs the client sealed (sealer.ts). Create it in a
 *   directory only the user can read (the CLI's profile directory is mode 0700).
 *
 * @example
 * ```ts
 * const store = SqliteStore.open('/home/me/.config/sigil/default/client.db');
 * ```
 * @module
 */
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { SigilError } from '@sigil/errors';
import { decodeRecord, encodeRecord } from '../internal/json-record.ts';
import type {
  ClientStore,
  ContactRecord,
  GroupRow,
  KeyPackageSecretRow,
  MessageQuery,
  MessageRow,
  NewMessageRow,
  OutboxRow,
  PreKeyKind,
  PreKeyRow,
  SentRow,
  StoreTransaction,
} from '../store.ts';

/** The schema, one migration per entry (index + 1 = user_version). */
export const CLIENT_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE account (id INTEGER PRIMARY KEY CHECK (id = 1), data BLOB NOT NULL) STRICT;
  CREATE TABLE prekeys (
    kind TEXT NOT NULL, id INTEGER NOT NULL, data BLOB NOT NULL, stamp INTEGER NOT NULL,
    PRIMARY KEY (kind, id)) STRICT;
  CREATE TABLE last_resort_uses (
    id INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (id, hash)) STRICT;
  CREATE TABLE sessions (
    account_id TEXT NOT NULL, device_id INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (account_id, device_id)) STRICT;
  CREATE TABLE contacts (
    id TEXT PRIMARY KEY, account_id TEXT NOT NULL, username TEXT, data BLOB NOT NULL) STRICT;
  CREATE INDEX contacts_account ON contacts (account_id);
  CREATE INDEX contacts_username ON contacts (username);
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, contact_id TEXT NOT NULL, direction TEXT NOT NULL,
    sender_account_id TEXT NOT NULL, sender_device_id INTEGER NOT NULL, message_id TEXT NOT NULL,
    sent_at INTEGER NOT NULL, received_at INTEGER NOT NULL, content BLOB NOT NULL,
    UNIQUE (sender_account_id, message_id)) STRICT;
  CREATE INDEX messages_contact ON messages (contact_id, seq);
  CREATE TABLE envelopes (hash BLOB PRIMARY KEY, processed_at INTEGER NOT NULL) STRICT;
  CREATE INDEX envelopes_processed ON envelopes (processed_at);
  CREATE TABLE sent (
    account_id TEXT NOT NULL, device_id INTEGER NOT NULL, hash BLOB NOT NULL,
    content BLOB NOT NULL, sent_at INTEGER NOT NULL, resends INTEGER NOT NULL,
    PRIMARY KEY (account_id, device_id, hash)) STRICT;
  CREATE INDEX sent_account ON sent (account_id, sent_at);
  CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB NOT NULL) STRICT;
  `,
  // 2: groups (MLS KeyPackage secrets and group states).
  `
  CREATE TABLE key_packages (
    ref TEXT PRIMARY KEY, data BLOB NOT NULL, last_resort INTEGER NOT NULL,
    created_at INTEGER NOT NULL) STRICT;
  CREATE TABLE group_states (
    group_id TEXT PRIMARY KEY, data BLOB NOT NULL, updated_at INTEGER NOT NULL) STRICT;
  `,
];

type Row = Record<string, SQLInputValue>;

function failure(err: unknown): SigilError {
  return SigilError.is(err)
    ? err
    : new SigilError('STORAGE_FAILURE', 'the local database failed', { cause: err });
}

/** The node:sqlite store (see the module comment). */
export class SqliteStore implements ClientStore {
  readonly #db: DatabaseSync;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /**
   * Opens (creating if needed) the database at `path` and migrates it.
   * @throws SigilError `STORAGE_FAILURE` if it cannot be opened, or a newer client wrote it.
   */
  static open(path: string): SqliteStore {
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = FULL');
      db.exec('PRAGMA busy_timeout = 5000');
    } catch (err) {
      throw new SigilError('STORAGE_FAILURE', 'cannot open the local database', { cause: err });
    }
    try {
      migrate(db);
    } catch (err) {
      db.close();
      throw failure(err);
    }
    return new SqliteStore(db);
  }

  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#closed) throw new SigilError('STORAGE_FAILURE', 'the store is closed');
      try {
        this.#db.exec('BEGIN IMMEDIATE');
      } catch (err) {
        throw failure(err);
      }
      let result: T;
      try {
        result = await fn(new SqliteTransaction(this.#db));
      } catch (err) {
        try {
          this.#db.exec('ROLLBACK');
        } catch {
          // the transaction is gone already
        }
        throw err;
      }
      try {
        this.#db.exec('COMMIT');
      } catch (err) {
        try {
          this.#db.exec('ROLLBACK');
        } catch {
          // nothing to roll back
        }
        throw failure(err);
      }
      return result;
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    this.#db.close();
  }
}

function migrate(db: DatabaseSync): void {
  const version = Number((db.prepare('PRAGMA user_version').get() as Row).user_version);
  if (version > CLIENT_MIGRATIONS.length) {
    throw new SigilError('STORAGE_FAILURE', 'the database was written by a newer client');
  }
  for (let v = version; v < CLIENT_MIGRATIONS.length; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(CLIENT_MIGRATIONS[v] as string);
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}

const bytes = (value: SQLInputValue | undefined): Uint8Array =>
  value instanceof Uint8Array ? new Uint8Array(value) : new Uint8Array(0);

class SqliteTransaction implements StoreTransaction {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  #all(sql: string, ...params: SQLInputValue[]): Row[] {
    try {
      return this.#db.prepare(sql).all(...params) as Row[];
    } catch (err) {
      throw failure(err);
    }
  }

  #get(sql: string, ...params: SQLInputValue[]): Row | undefined {
    return this.#all(sql, ...params)[0];
  }

  #run(sql: string, ...params: SQLInputValue[]): { changes: number; id: number } {
    try {
      const result = this.#db.prepare(sql).run(...params);
      return { changes: Number(result.changes), id: Number(result.lastInsertRowid) };
    } catch (err) {
      throw failure(err);
    }
  }

  async getAccount() {
    const row = this.#get('SELECT data FROM account WHERE id = 1');
    return row === undefined ? undefined : bytes(row.data);
  }
  async putAccount(data: Uint8Array) {
    this.#run('INSERT OR REPLACE INTO account (id, data) VALUES (1, ?)', data);
  }

  async getPreKey(kind: PreKeyKind, id: number) {
    const row = this.#get('SELECT data, stamp FROM prekeys WHERE kind = ? AND id = ?', kind, id);
    return row === undefined ? undefined : { id, data: bytes(row.data), stamp: Number(row.stamp) };
  }
  async putPreKey(kind: PreKeyKind, row: PreKeyRow) {
    this.#run(
      'INSERT OR REPLACE INTO prekeys (kind, id, data, stamp) VALUES (?, ?, ?, ?)',
      kind,
      row.id,
      row.data,
      row.stamp,
    );
  }
  async deletePreKey(kind: PreKeyKind, id: number) {
    this.#run('DELETE FROM prekeys WHERE kind = ? AND id = ?', kind, id);
  }
  async listPreKeys(kind: PreKeyKind) {
    return this.#all('SELECT id, stamp FROM prekeys WHERE kind = ? ORDER BY id', kind).map(
      (row) => ({ id: Number(row.id), data: new Uint8Array(0), stamp: Number(row.stamp) }),
    );
  }
  async hasLastResortUse(id: number, hash: Uint8Array) {
    return (
      this.#get('SELECT 1 FROM last_resort_uses WHERE id = ? AND hash = ?', id, hash) !== undefined
    );
  }
  async putLastResortUse(id: number, hash: Uint8Array) {
    this.#run('INSERT OR IGNORE INTO last_resort_uses (id, hash) VALUES (?, ?)', id, hash);
  }
  async deleteLastResortUses(id: number) {
    this.#run('DELETE FROM last_resort_uses WHERE id = ?', id);
  }

  async getSession(accountId: string, deviceId: number) {
    const row = this.#get(
      'SELECT data FROM sessions WHERE account_id = ? AND device_id = ?',
      accountId,
      deviceId,
    );
    return row === undefined ? undefined : bytes(row.data);
  }
  async putSession(accountId: string, deviceId: number, data: Uint8Array) {
    this.#run(
      'INSERT OR REPLACE INTO sessions (account_id, device_id, data) VALUES (?, ?, ?)',
      accountId,
      deviceId,
      data,
    );
  }
  async deleteSession(accountId: string, deviceId: number) {
    this.#run('DELETE FROM sessions WHERE account_id = ? AND device_id = ?', accountId, deviceId);
  }
  async listSessions(accountId: string) {
    return this.#all(
      'SELECT device_id FROM sessions WHERE account_id = ? ORDER BY device_id',
      accountId,
    ).map((row) => Number(row.device_id));
  }

  #contact(row: Row | undefined): ContactRecord | undefined {
    return row === undefined ? undefined : decodeRecord<ContactRecord>(bytes(row.data));
  }
  async getContact(id: string) {
    return this.#contact(this.#get('SELECT data FROM contacts WHERE id = ?', id));
  }
  async getContactByAccountId(accountId: string) {
    return this.#contact(
      this.#get('SELECT data FROM contacts WHERE account_id = ? ORDER BY rowid LIMIT 1', accountId),
    );
  }
  async getContactByUsername(username: string) {
    return this.#contact(
      this.#get('SELECT data FROM contacts WHERE username = ? ORDER BY rowid LIMIT 1', username),
    );
  }
  async putContact(contact: ContactRecord) {
    this.#run(
      `INSERT INTO contacts (id, account_id, username, data) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id,
         username = excluded.username, data = excluded.data`,
      contact.id,
      contact.accountId,
      contact.username ?? null,
      encodeRecord(contact),
    );
  }
  async deleteContact(id: string) {
    this.#run('DELETE FROM contacts WHERE id = ?', id);
  }
  async listContacts() {
    return this.#all('SELECT data FROM contacts ORDER BY rowid')
      .map((row) => this.#contact(row) as ContactRecord)
      .sort((a, b) => a.addedAt - b.addedAt);
  }

  async putMessage(m: NewMessageRow) {
    const result = this.#run(
      `INSERT INTO messages (contact_id, direction, sender_account_id, sender_device_id,
         message_id, sent_at, received_at, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (sender_account_id, message_id) DO NOTHING`,
      m.contactId,
      m.direction,
      m.senderAccountId,
      m.senderDeviceId,
      m.messageId,
      m.sentAt,
      m.receivedAt,
      m.content,
    );
    return result.changes === 0 ? undefined : result.id;
  }
  async listMessages(query: MessageQuery) {
    const rows =
      query.contactId === undefined
        ? this.#all(
            'SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?',
            query.after ?? 0,
            query.limit,
          )
        : this.#all(
            'SELECT * FROM messages WHERE contact_id = ? AND seq > ? ORDER BY seq LIMIT ?',
            query.contactId,
            query.after ?? 0,
            query.limit,
          );
    return rows.map(
      (row): MessageRow => ({
        seq: Number(row.seq),
        contactId: String(row.contact_id),
        direction: row.direction === 'out' ? 'out' : 'in',
        senderAccountId: String(row.sender_account_id),
        senderDeviceId: Number(row.sender_device_id),
        messageId: String(row.message_id),
        sentAt: Number(row.sent_at),
        receivedAt: Number(row.received_at),
        content: bytes(row.content),
      }),
    );
  }
  async moveMessages(from: string, to: string) {
    this.#run('UPDATE messages SET contact_id = ? WHERE contact_id = ?', to, from);
  }

  async hasEnvelope(hash: Uint8Array) {
    return this.#get('SELECT 1 FROM envelopes WHERE hash = ?', hash) !== undefined;
  }
  async putEnvelope(hash: Uint8Array, processedAt: number) {
    this.#run(
      'INSERT OR REPLACE INTO envelopes (hash, processed_at) VALUES (?, ?)',
      hash,
      processedAt,
    );
  }
  async pruneEnvelopes(before: number) {
    this.#run('DELETE FROM envelopes WHERE processed_at < ?', before);
  }

  async getSent(accountId: string, deviceId: number, hash: Uint8Array) {
    const row = this.#get(
      'SELECT content, sent_at, resends FROM sent WHERE account_id = ? AND device_id = ? AND hash = ?',
      accountId,
      deviceId,
      hash,
    );
    if (row === undefined) return undefined;
    return {
      accountId,
      deviceId,
      hash: hash.slice(),
      content: bytes(row.content),
      sentAt: Number(row.sent_at),
      resends: Number(row.resends),
    };
  }
  async putSent(row: SentRow) {
    this.#run(
      `INSERT OR REPLACE INTO sent (account_id, device_id, hash, content, sent_at, resends)
       VALUES (?, ?, ?, ?, ?, ?)`,
      row.accountId,
      row.deviceId,
      row.hash,
      row.content,
      row.sentAt,
      row.resends,
    );
  }
  async pruneSent(accountId: string, keep: number, before: number) {
    this.#run(
      `DELETE FROM sent WHERE account_id = ? AND (sent_at < ? OR rowid NOT IN (
         SELECT rowid FROM sent WHERE account_id = ? ORDER BY sent_at DESC LIMIT ?))`,
      accountId,
      before,
      accountId,
      keep,
    );
  }

  async putOutbox(row: Omit<OutboxRow, 'id'>) {
    return this.#run('INSERT INTO outbox (data) VALUES (?)', encodeRecord(row)).id;
  }
  async updateOutbox(row: OutboxRow) {
    const { id, ...rest } = row;
    this.#run('UPDATE outbox SET data = ? WHERE id = ?', encodeRecord(rest), id);
  }
  async deleteOutbox(id: number) {
    this.#run('DELETE FROM outbox WHERE id = ?', id);
  }
  async listOutbox(limit: number) {
    return this.#all('SELECT id, data FROM outbox ORDER BY id LIMIT ?', limit).map(
      (row): OutboxRow => ({
        ...decodeRecord<Omit<OutboxRow, 'id'>>(bytes(row.data)),
        id: Number(row.id),
      }),
    );
  }

  #keyPackage(row: Row): KeyPackageSecretRow {
    return {
      ref: String(row.ref),
      data: bytes(row.data),
      lastResort: Number(row.last_resort) === 1,
      createdAt: Number(row.created_at),
    };
  }
  async getKeyPackageSecret(ref: string) {
    const row = this.#get('SELECT * FROM key_packages WHERE ref = ?', ref);
    return row === undefined ? undefined : this.#keyPackage(row);
  }
  async putKeyPackageSecret(row: KeyPackageSecretRow) {
    this.#run(
      'INSERT OR REPLACE INTO key_packages (ref, data, last_resort, created_at) VALUES (?, ?, ?, ?)',
      row.ref,
      row.data,
      row.lastResort ? 1 : 0,
      row.createdAt,
    );
  }
  async deleteKeyPackageSecret(ref: string) {
    this.#run('DELETE FROM key_packages WHERE ref = ?', ref);
  }
  async listKeyPackageSecrets() {
    return this.#all('SELECT * FROM key_packages ORDER BY created_at, ref').map((row) =>
      this.#keyPackage(row),
    );
  }

  #group(row: Row): GroupRow {
    return {
      groupId: String(row.group_id),
      data: bytes(row.data),
      updatedAt: Number(row.updated_at),
    };
  }
  async getGroup(groupId: string) {
    const row = this.#get('SELECT * FROM group_states WHERE group_id = ?', groupId);
    return row === undefined ? undefined : this.#group(row);
  }
  async putGroup(row: GroupRow) {
    this.#run(
      'INSERT OR REPLACE INTO group_states (group_id, data, updated_at) VALUES (?, ?, ?)',
      row.groupId,
      row.data,
      row.updatedAt,
    );
  }
  async deleteGroup(groupId: string) {
    this.#run('DELETE FROM group_states WHERE group_id = ?', groupId);
  }
  async listGroups() {
    return this.#all('SELECT * FROM group_states ORDER BY group_id').map((row) => this.#group(row));
  }
}
