/**
 * An in-memory {@link ClientStore} for tests (and for applications that keep nothing). A
 * transaction works on a copy of every table and swaps it in when `fn` resolves, so a rejected
 * transaction leaves no trace; transactions run one at a time. The object outlives a
 * `SigilClient`, so a test can "restart" a client on the same store.
 *
 * The same pattern (stage every write, apply them in one go) is how a store on an engine whose
 * transactions cannot span other awaits (IndexedDB) can implement the interface.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * const client = new SigilClient({ crypto, store, storageKey });
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { toHex } from '../internal/bytes.ts';
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

interface Tables {
  account: Uint8Array | undefined;
  prekeys: Map<string, PreKeyRow>;
  lastResortUses: Set<string>;
  sessions: Map<string, Uint8Array>;
  contacts: Map<string, ContactRecord>;
  messages: Map<number, MessageRow>;
  messageKeys: Map<string, number>;
  envelopes: Map<string, number>;
  sent: Map<string, SentRow>;
  outbox: Map<number, OutboxRow>;
  keyPackages: Map<string, KeyPackageSecretRow>;
  groups: Map<string, GroupRow>;
  nextSeq: number;
  nextOutboxId: number;
}

function emptyTables(): Tables {
  return {
    account: undefined,
    prekeys: new Map(),
    lastResortUses: new Set(),
    sessions: new Map(),
    contacts: new Map(),
    messages: new Map(),
    messageKeys: new Map(),
    envelopes: new Map(),
    sent: new Map(),
    outbox: new Map(),
    keyPackages: new Map(),
    groups: new Map(),
    nextSeq: 1,
    nextOutboxId: 1,
  };
}

function copyTables(t: Tables): Tables {
  return {
    account: t.account,
    prekeys: new Map(t.prekeys),
    lastResortUses: new Set(t.lastResortUses),
    sessions: new Map(t.sessions),
    contacts: new Map(t.contacts),
    messages: new Map(t.messages),
    messageKeys: new Map(t.messageKeys),
    envelopes: new Map(t.envelopes),
    sent: new Map(t.sent),
    outbox: new Map(t.outbox),
    keyPackages: new Map(t.keyPackages),
    groups: new Map(t.groups),
    nextSeq: t.nextSeq,
    nextOutboxId: t.nextOutboxId,
  };
}

const clone = <T>(value: T): T => structuredClone(value);

/** An in-memory store (see the module comment). */
export class MemoryStore implements ClientStore {
  #tables: Tables = emptyTables();
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#closed) throw new SigilError('STORAGE_FAILURE', 'the store is closed');
      const staged = copyTables(this.#tables);
      const result = await fn(new MemoryTransaction(staged));
      this.#tables = staged;
      return result;
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  /** Test helper: a new store object sharing nothing, holding a copy of this one's data. */
  unsafeSnapshot(): MemoryStore {
    const copy = new MemoryStore();
    copy.#tables = copyTables(this.#tables);
    return copy;
  }
}

const prekeyKey = (kind: PreKeyKind, id: number): string => `${kind}/${id}`;
const deviceKey = (accountId: string, deviceId: number): string => `${accountId}/${deviceId}`;
const sentKey = (accountId: string, deviceId: number, hash: Uint8Array): string =>
  `${accountId}/${deviceId}/${toHex(hash)}`;

class MemoryTransaction implements StoreTransaction {
  readonly #t: Tables;

  constructor(tables: Tables) {
    this.#t = tables;
  }

  async getAccount() {
    return this.#t.account === undefined ? undefined : clone(this.#t.account);
  }
  async putAccount(data: Uint8Array) {
    this.#t.account = clone(data);
  }

  async getPreKey(kind: PreKeyKind, id: number) {
    const row = this.#t.prekeys.get(prekeyKey(kind, id));
    return row === undefined ? undefined : clone(row);
  }
  async putPreKey(kind: PreKeyKind, row: PreKeyRow) {
    this.#t.prekeys.set(prekeyKey(kind, row.id), clone(row));
  }
  async deletePreKey(kind: PreKeyKind, id: number) {
    this.#t.prekeys.delete(prekeyKey(kind, id));
  }
  async listPreKeys(kind: PreKeyKind) {
    const prefix = `${kind}/`;
    return [...this.#t.prekeys]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, row]) => ({ id: row.id, data: new Uint8Array(0), stamp: row.stamp }))
      .sort((a, b) => a.id - b.id);
  }
  async hasLastResortUse(kemPreKeyId: number, hash: Uint8Array) {
    return this.#t.lastResortUses.has(`${kemPreKeyId}/${toHex(hash)}`);
  }
  async putLastResortUse(kemPreKeyId: number, hash: Uint8Array) {
    this.#t.lastResortUses.add(`${kemPreKeyId}/${toHex(hash)}`);
  }
  async deleteLastResortUses(kemPreKeyId: number) {
    for (const key of [...this.#t.lastResortUses]) {
      if (key.startsWith(`${kemPreKeyId}/`)) this.#t.lastResortUses.delete(key);
    }
  }

  async getSession(accountId: string, deviceId: number) {
    const data = this.#t.sessions.get(deviceKey(accountId, deviceId));
    return data === undefined ? undefined : clone(data);
  }
  async putSession(accountId: string, deviceId: number, data: Uint8Array) {
    this.#t.sessions.set(deviceKey(accountId, deviceId), clone(data));
  }
  async deleteSession(accountId: string, deviceId: number) {
    this.#t.sessions.delete(deviceKey(accountId, deviceId));
  }
  async listSessions(accountId: string) {
    const prefix = `${accountId}/`;
    return [...this.#t.sessions.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => Number(key.slice(prefix.length)))
      .sort((a, b) => a - b);
  }

  async getContact(id: string) {
    const contact = this.#t.contacts.get(id);
    return contact === undefined ? undefined : clone(contact);
  }
  async getContactByAccountId(accountId: string) {
    for (const contact of this.#t.contacts.values()) {
      if (contact.accountId === accountId) return clone(contact);
    }
    return undefined;
  }
  async getContactByUsername(username: string) {
    for (const contact of this.#t.contacts.values()) {
      if (contact.username === username) return clone(contact);
    }
    return undefined;
  }
  async putContact(contact: ContactRecord) {
    this.#t.contacts.set(contact.id, clone(contact));
  }
  async deleteContact(id: string) {
    this.#t.contacts.delete(id);
  }
  async listContacts() {
    return [...this.#t.contacts.values()].map(clone).sort((a, b) => a.addedAt - b.addedAt);
  }

  async putMessage(message: NewMessageRow) {
    const key = `${message.senderAccountId}/${message.messageId}`;
    if (this.#t.messageKeys.has(key)) return undefined;
    const seq = this.#t.nextSeq++;
    this.#t.messages.set(seq, { ...clone(message), seq });
    this.#t.messageKeys.set(key, seq);
    return seq;
  }
  async listMessages(query: MessageQuery) {
    const out: MessageRow[] = [];
    for (const [seq, row] of this.#t.messages) {
      if (query.after !== undefined && seq <= query.after) continue;
      if (query.contactId !== undefined && row.contactId !== query.contactId) continue;
      out.push(clone(row));
      if (out.length >= query.limit) break;
    }
    return out;
  }
  async moveMessages(from: string, to: string) {
    for (const [seq, row] of this.#t.messages) {
      if (row.contactId === from) this.#t.messages.set(seq, { ...row, contactId: to });
    }
  }

  async hasEnvelope(hash: Uint8Array) {
    return this.#t.envelopes.has(toHex(hash));
  }
  async putEnvelope(hash: Uint8Array, processedAt: number) {
    this.#t.envelopes.set(toHex(hash), processedAt);
  }
  async pruneEnvelopes(before: number) {
    for (const [key, at] of [...this.#t.envelopes]) if (at < before) this.#t.envelopes.delete(key);
  }

  async getSent(accountId: string, deviceId: number, hash: Uint8Array) {
    const row = this.#t.sent.get(sentKey(accountId, deviceId, hash));
    return row === undefined ? undefined : clone(row);
  }
  async putSent(row: SentRow) {
    this.#t.sent.set(sentKey(row.accountId, row.deviceId, row.hash), clone(row));
  }
  async pruneSent(accountId: string, keep: number, before: number) {
    const rows = [...this.#t.sent].filter(([, row]) => row.accountId === accountId);
    rows.sort(([, a], [, b]) => b.sentAt - a.sentAt);
    rows.forEach(([key, row], index) => {
      if (index >= keep || row.sentAt < before) this.#t.sent.delete(key);
    });
  }

  async putOutbox(row: Omit<OutboxRow, 'id'>) {
    const id = this.#t.nextOutboxId++;
    this.#t.outbox.set(id, { ...clone(row), id });
    return id;
  }
  async updateOutbox(row: OutboxRow) {
    if (this.#t.outbox.has(row.id)) this.#t.outbox.set(row.id, clone(row));
  }
  async deleteOutbox(id: number) {
    this.#t.outbox.delete(id);
  }
  async listOutbox(limit: number) {
    return [...this.#t.outbox.values()].slice(0, limit).map(clone);
  }

  async getKeyPackageSecret(ref: string) {
    const row = this.#t.keyPackages.get(ref);
    return row === undefined ? undefined : clone(row);
  }
  async putKeyPackageSecret(row: KeyPackageSecretRow) {
    // Re-inserted to keep insertion order = creation order for a replaced row too.
    this.#t.keyPackages.delete(row.ref);
    this.#t.keyPackages.set(row.ref, clone(row));
  }
  async deleteKeyPackageSecret(ref: string) {
    this.#t.keyPackages.delete(ref);
  }
  async listKeyPackageSecrets() {
    return [...this.#t.keyPackages.values()]
      .map(clone)
      .sort((a, b) => a.createdAt - b.createdAt || (a.ref < b.ref ? -1 : 1));
  }

  async getGroup(groupId: string) {
    const row = this.#t.groups.get(groupId);
    return row === undefined ? undefined : clone(row);
  }
  async putGroup(row: GroupRow) {
    this.#t.groups.set(row.groupId, clone(row));
  }
  async deleteGroup(groupId: string) {
    this.#t.groups.delete(groupId);
  }
  async listGroups() {
    return [...this.#t.groups.values()]
      .map(clone)
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }
}
