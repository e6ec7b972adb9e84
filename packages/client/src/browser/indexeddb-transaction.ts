/**
 * One transaction of the IndexedDB store (indexeddb-store.ts): the {@link StoreTransaction}
 * operations over a write overlay. IndexedDB commits a transaction as soon as no request is
 * pending, so it cannot stay open while the client awaits crypto between a read and a write.
 * Instead:
 *
 * - Reads go to the database (each in a short read-only IndexedDB transaction), with this
 *   transaction's own staged writes laid over them: a staged row replaces or hides the stored
 *   one; queries merge the two in key order.
 * - Writes are staged in memory (copied), never touching the database until {@link commit}
 *   applies them all in ONE read-write IndexedDB transaction over every table, and resolves on
 *   its `complete` event (durability `'strict'`). A rejected `fn` simply drops the overlay.
 * - Isolation: the store runs transactions one at a time (a queue, and the Web Locks API across
 *   tabs). As a second line, {@link commit} refuses (`STORAGE_FAILURE`, nothing written) if the
 *   database's commit counter moved since the transaction began: a writer that bypassed the lock
 *   (another tab without Web Locks) can make a transaction fail, never lose an update.
 * - Message seqs and outbox ids come from counters in `meta`, allocated in the overlay, so
 *   `putMessage` returns the seq before the commit; seqs increase in storage order.
 *
 * @example
 * ```ts
 * const tx = new IndexedDbTransaction(db, env, await readCounters(db));
 * await tx.putAccount(sealed);
 * await tx.commit();
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { toHex } from '../internal/bytes.ts';
import type {
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
import {
  ACCOUNT_KEY,
  begin,
  COUNTERS_KEY,
  type Counters,
  copyValue,
  DATA_TABLES,
  extractKey,
  keyString,
  parseCounters,
  readCounters,
  request,
  SCHEMA,
  storageFailure,
  type Table,
  transactionDone,
} from './idb.ts';

/** The IndexedDB entry points a transaction uses (globals in a browser; injectable in tests). */
export interface IdbEnvironment {
  readonly factory: IDBFactory;
  readonly keyRange: typeof IDBKeyRange;
}

/** A staged write: the row (a private copy), or `undefined` for a delete. */
interface Staged {
  readonly key: IDBValidKey;
  readonly value: unknown;
}

/** A row found by a query: its index key (or primary key), primary key and value. */
interface Found {
  readonly indexKey: unknown;
  readonly key: IDBValidKey;
  readonly value: unknown;
}

interface Query {
  /** An index of the table (default: the primary key). */
  readonly index?: string;
  readonly range?: IDBKeyRange;
  readonly direction?: 'next' | 'prev';
  readonly limit?: number;
}

interface StoredPreKey extends PreKeyRow {
  readonly kind: PreKeyKind;
}
interface StoredSession {
  readonly accountId: string;
  readonly deviceId: number;
  readonly data: Uint8Array;
}
interface StoredSent extends SentRow {
  readonly hashHex: string;
}

const conflict = (): SigilError =>
  new SigilError(
    'STORAGE_FAILURE',
    'the store was changed by another tab during this transaction; nothing was written',
  );

/** A store transaction over a write overlay (see the module comment). */
export class IndexedDbTransaction implements StoreTransaction {
  readonly #db: IDBDatabase;
  readonly #env: IdbEnvironment;
  readonly #start: Counters;
  #counters: Counters;
  readonly #writes = new Map<Table, Map<string, Staged>>();
  #finished = false;

  /** `start`: the counters read when the transaction began (under the store's lock). */
  constructor(db: IDBDatabase, env: IdbEnvironment, start: Counters) {
    this.#db = db;
    this.#env = env;
    this.#start = start;
    this.#counters = start;
  }

  /** Ends this object's use without writing (a rolled-back transaction); later calls reject. */
  finish(): void {
    this.#finished = true;
    this.#writes.clear();
  }

  /**
   * Applies every staged write in one read-write IndexedDB transaction (durability `'strict'`)
   * and resolves on its `complete` event. Without writes, checks that the reads were isolated.
   * @throws SigilError `STORAGE_FAILURE` (nothing written) if the database failed, or another
   *   writer committed since this transaction began.
   */
  async commit(): Promise<void> {
    this.#check();
    this.#finished = true;
    if (this.#writes.size === 0 && this.#counters === this.#start) {
      const now = await readCounters(this.#db);
      if (now.version !== this.#start.version) throw conflict();
      return;
    }
    const tx = begin(this.#db, DATA_TABLES, 'readwrite');
    const done = transactionDone(tx);
    let failure: unknown;
    const counters = tx.objectStore('meta').get(COUNTERS_KEY);
    counters.onsuccess = () => {
      try {
        if (parseCounters(counters.result).version !== this.#start.version) throw conflict();
        for (const [table, staged] of this.#writes) {
          const store = tx.objectStore(table);
          const inline = SCHEMA[table].keyPath !== undefined;
          for (const { key, value } of staged.values()) {
            if (value === undefined) store.delete(key);
            else if (inline) store.put(value);
            else store.put(value, key);
          }
        }
        const next: Counters = { ...this.#counters, version: this.#start.version + 1 };
        tx.objectStore('meta').put(next, COUNTERS_KEY);
      } catch (err) {
        failure = err;
        tx.abort();
      }
    };
    try {
      await done;
    } catch (err) {
      throw failure === undefined ? err : storageFailure(failure);
    } finally {
      this.#writes.clear();
    }
  }

  #check(): void {
    if (this.#finished) {
      throw new SigilError('STORAGE_FAILURE', 'this store transaction is over');
    }
  }

  #stage(table: Table, key: IDBValidKey, value: unknown): void {
    this.#check();
    let staged = this.#writes.get(table);
    if (staged === undefined) {
      staged = new Map();
      this.#writes.set(table, staged);
    }
    staged.set(keyString(key), { key, value: value === undefined ? undefined : copyValue(value) });
  }

  async #get(table: Table, key: IDBValidKey): Promise<unknown> {
    this.#check();
    const staged = this.#writes.get(table)?.get(keyString(key));
    if (staged !== undefined) return copyValue(staged.value);
    const tx = begin(this.#db, table, 'readonly');
    try {
      return await request(tx.objectStore(table).get(key));
    } catch (err) {
      throw storageFailure(err);
    }
  }

  /** Rows of `table` in index order, stored ones merged with staged ones. */
  async #query(table: Table, query: Query = {}): Promise<unknown[]> {
    this.#check();
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    if (!(limit > 0)) return [];
    const staged = this.#writes.get(table);
    const rows = await this.#scan(table, query, staged, limit);
    if (staged === undefined || staged.size === 0) return rows.map((row) => row.value);
    const schema = SCHEMA[table];
    const path =
      query.index === undefined
        ? undefined
        : schema.indexes?.find((index) => index.name === query.index)?.keyPath;
    for (const { key, value } of staged.values()) {
      if (value === undefined) continue;
      const indexKey = path === undefined ? key : extractKey(value, path);
      if (!this.#isKey(indexKey)) continue; // not in the index (e.g. no username)
      if (query.range !== undefined && !query.range.includes(indexKey)) continue;
      rows.push({ indexKey, key, value: copyValue(value) });
    }
    const cmp = (a: unknown, b: unknown): number => this.#env.factory.cmp(a, b);
    const sign = query.direction === 'prev' ? -1 : 1;
    rows.sort((a, b) => sign * (cmp(a.indexKey, b.indexKey) || cmp(a.key, b.key)));
    return rows.slice(0, limit).map((row) => row.value);
  }

  /** Up to `limit` stored rows of a query, skipping those the overlay replaces or deletes. */
  #scan(
    table: Table,
    query: Query,
    staged: Map<string, Staged> | undefined,
    limit: number,
  ): Promise<Found[]> {
    const tx = begin(this.#db, table, 'readonly');
    return new Promise((resolve, reject) => {
      const out: Found[] = [];
      let cursorRequest: IDBRequest<IDBCursorWithValue | null>;
      try {
        const store = tx.objectStore(table);
        const source = query.index === undefined ? store : store.index(query.index);
        cursorRequest = source.openCursor(query.range ?? null, query.direction ?? 'next');
      } catch (err) {
        reject(storageFailure(err));
        return;
      }
      cursorRequest.onsuccess = () => {
        const cursor = cursorRequest.result;
        if (cursor === null) return resolve(out);
        if (staged === undefined || !staged.has(keyString(cursor.primaryKey))) {
          out.push({ indexKey: cursor.key, key: cursor.primaryKey, value: cursor.value });
        }
        if (out.length >= limit) resolve(out);
        else cursor.continue();
      };
      cursorRequest.onerror = (event) => {
        event.preventDefault();
        reject(storageFailure(cursorRequest.error));
      };
    });
  }

  #isKey(value: unknown): boolean {
    try {
      this.#env.factory.cmp(value, value);
      return true;
    } catch {
      return false;
    }
  }

  /** Every key [first, ...anything]: arrays sort after numbers and strings. */
  #prefix(first: IDBValidKey): IDBKeyRange {
    return this.#range(() => this.#env.keyRange.bound([first], [first, []]));
  }

  #range(make: () => IDBKeyRange): IDBKeyRange {
    try {
      return make();
    } catch (err) {
      throw storageFailure(err, 'a store key is not a valid IndexedDB key');
    }
  }

  async getAccount() {
    return (await this.#get('account', ACCOUNT_KEY)) as Uint8Array | undefined;
  }
  async putAccount(data: Uint8Array) {
    this.#stage('account', ACCOUNT_KEY, data);
  }

  async getPreKey(kind: PreKeyKind, id: number) {
    const row = (await this.#get('prekeys', [kind, id])) as StoredPreKey | undefined;
    return row === undefined ? undefined : { id: row.id, data: row.data, stamp: row.stamp };
  }
  async putPreKey(kind: PreKeyKind, row: PreKeyRow) {
    const stored: StoredPreKey = { kind, id: row.id, data: row.data, stamp: row.stamp };
    this.#stage('prekeys', [kind, row.id], stored);
  }
  async deletePreKey(kind: PreKeyKind, id: number) {
    this.#stage('prekeys', [kind, id], undefined);
  }
  async listPreKeys(kind: PreKeyKind) {
    const rows = (await this.#query('prekeys', { range: this.#prefix(kind) })) as StoredPreKey[];
    return rows.map((row) => ({ id: row.id, data: new Uint8Array(0), stamp: row.stamp }));
  }
  async hasLastResortUse(kemPreKeyId: number, hash: Uint8Array) {
    return (await this.#get('lastResortUses', [kemPreKeyId, toHex(hash)])) !== undefined;
  }
  async putLastResortUse(kemPreKeyId: number, hash: Uint8Array) {
    const hex = toHex(hash);
    this.#stage('lastResortUses', [kemPreKeyId, hex], { id: kemPreKeyId, hash: hex });
  }
  async deleteLastResortUses(kemPreKeyId: number) {
    const rows = await this.#query('lastResortUses', { range: this.#prefix(kemPreKeyId) });
    for (const row of rows as { id: number; hash: string }[]) {
      this.#stage('lastResortUses', [row.id, row.hash], undefined);
    }
  }

  async getSession(accountId: string, deviceId: number) {
    const row = (await this.#get('sessions', [accountId, deviceId])) as StoredSession | undefined;
    return row?.data;
  }
  async putSession(accountId: string, deviceId: number, data: Uint8Array) {
    const stored: StoredSession = { accountId, deviceId, data };
    this.#stage('sessions', [accountId, deviceId], stored);
  }
  async deleteSession(accountId: string, deviceId: number) {
    this.#stage('sessions', [accountId, deviceId], undefined);
  }
  async listSessions(accountId: string) {
    const rows = await this.#query('sessions', { range: this.#prefix(accountId) });
    return (rows as StoredSession[]).map((row) => row.deviceId);
  }

  async getContact(id: string) {
    return (await this.#get('contacts', id)) as ContactRecord | undefined;
  }
  async getContactByAccountId(accountId: string) {
    const range = this.#range(() => this.#env.keyRange.only(accountId));
    const [row] = await this.#query('contacts', { index: 'accountId', range, limit: 1 });
    return row as ContactRecord | undefined;
  }
  async getContactByUsername(username: string) {
    const range = this.#range(() => this.#env.keyRange.only(username));
    const [row] = await this.#query('contacts', { index: 'username', range, limit: 1 });
    return row as ContactRecord | undefined;
  }
  async putContact(contact: ContactRecord) {
    this.#stage('contacts', contact.id, contact);
  }
  async deleteContact(id: string) {
    this.#stage('contacts', id, undefined);
  }
  async listContacts() {
    const rows = (await this.#query('contacts')) as ContactRecord[];
    return rows.sort((a, b) => a.addedAt - b.addedAt);
  }

  async putMessage(message: NewMessageRow) {
    const range = this.#range(() =>
      this.#env.keyRange.only([message.senderAccountId, message.messageId]),
    );
    const existing = await this.#query('messages', { index: 'bySender', range, limit: 1 });
    if (existing.length > 0) return undefined;
    const seq = this.#counters.nextSeq;
    this.#counters = { ...this.#counters, nextSeq: seq + 1 };
    const row: MessageRow = {
      seq,
      contactId: message.contactId,
      direction: message.direction,
      senderAccountId: message.senderAccountId,
      senderDeviceId: message.senderDeviceId,
      messageId: message.messageId,
      sentAt: message.sentAt,
      receivedAt: message.receivedAt,
      content: message.content,
    };
    this.#stage('messages', seq, row);
    return seq;
  }
  async listMessages(query: MessageQuery) {
    const after = query.after ?? 0;
    const { contactId } = query;
    const rows =
      contactId === undefined
        ? await this.#query('messages', {
            range: this.#range(() => this.#env.keyRange.lowerBound(after, true)),
            limit: query.limit,
          })
        : await this.#query('messages', {
            index: 'byContact',
            range: this.#range(() =>
              this.#env.keyRange.bound([contactId, after], [contactId, []], true, false),
            ),
            limit: query.limit,
          });
    return rows as MessageRow[];
  }
  async moveMessages(from: string, to: string) {
    if (from === to) return;
    const rows = await this.#query('messages', { index: 'byContact', range: this.#prefix(from) });
    for (const row of rows as MessageRow[]) {
      this.#stage('messages', row.seq, { ...row, contactId: to });
    }
  }

  async hasEnvelope(hash: Uint8Array) {
    return (await this.#get('envelopes', toHex(hash))) !== undefined;
  }
  async putEnvelope(hash: Uint8Array, processedAt: number) {
    const hex = toHex(hash);
    this.#stage('envelopes', hex, { hash: hex, processedAt });
  }
  async pruneEnvelopes(before: number) {
    const range = this.#range(() => this.#env.keyRange.upperBound(before, true));
    const rows = await this.#query('envelopes', { index: 'processedAt', range });
    for (const row of rows as { hash: string }[]) this.#stage('envelopes', row.hash, undefined);
  }

  async getSent(accountId: string, deviceId: number, hash: Uint8Array) {
    const row = (await this.#get('sent', [accountId, deviceId, toHex(hash)])) as
      | StoredSent
      | undefined;
    if (row === undefined) return undefined;
    const { hashHex: _hex, ...sent } = row;
    return sent;
  }
  async putSent(row: SentRow) {
    const hashHex = toHex(row.hash);
    const stored: StoredSent = {
      accountId: row.accountId,
      deviceId: row.deviceId,
      hashHex,
      hash: row.hash,
      content: row.content,
      sentAt: row.sentAt,
      resends: row.resends,
    };
    this.#stage('sent', [row.accountId, row.deviceId, hashHex], stored);
  }
  async pruneSent(accountId: string, keep: number, before: number) {
    const rows = (await this.#query('sent', {
      index: 'byAccount',
      range: this.#prefix(accountId),
      direction: 'prev',
    })) as StoredSent[];
    rows.forEach((row, index) => {
      if (index >= keep || row.sentAt < before) {
        this.#stage('sent', [row.accountId, row.deviceId, row.hashHex], undefined);
      }
    });
  }

  async putOutbox(row: Omit<OutboxRow, 'id'>) {
    const id = this.#counters.nextOutboxId;
    this.#counters = { ...this.#counters, nextOutboxId: id + 1 };
    this.#stage('outbox', id, { ...row, id });
    return id;
  }
  async updateOutbox(row: OutboxRow) {
    if ((await this.#get('outbox', row.id)) !== undefined) this.#stage('outbox', row.id, row);
  }
  async deleteOutbox(id: number) {
    this.#stage('outbox', id, undefined);
  }
  async listOutbox(limit: number) {
    return (await this.#query('outbox', { limit })) as OutboxRow[];
  }

  async getKeyPackageSecret(ref: string) {
    return (await this.#get('keyPackages', ref)) as KeyPackageSecretRow | undefined;
  }
  async putKeyPackageSecret(row: KeyPackageSecretRow) {
    const stored: KeyPackageSecretRow = {
      ref: row.ref,
      data: row.data,
      lastResort: row.lastResort,
      createdAt: row.createdAt,
    };
    this.#stage('keyPackages', row.ref, stored);
  }
  async deleteKeyPackageSecret(ref: string) {
    this.#stage('keyPackages', ref, undefined);
  }
  async listKeyPackageSecrets() {
    return (await this.#query('keyPackages', { index: 'byCreated' })) as KeyPackageSecretRow[];
  }

  async getGroup(groupId: string) {
    return (await this.#get('groups', groupId)) as GroupRow | undefined;
  }
  async putGroup(row: GroupRow) {
    const stored: GroupRow = { groupId: row.groupId, data: row.data, updatedAt: row.updatedAt };
    this.#stage('groups', row.groupId, stored);
  }
  async deleteGroup(groupId: string) {
    this.#stage('groups', groupId, undefined);
  }
  async listGroups() {
    return (await this.#query('groups')) as GroupRow[];
  }
}
