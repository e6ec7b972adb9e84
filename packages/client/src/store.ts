/**
 * The client's local store (DESIGN.md, Client): one asynchronous interface with three
 * implementations: memory (tests, `store/memory.ts`), node:sqlite (`node/sqlite-store.ts`) and,
 * later, IndexedDB. Everything happens in transactions: `transaction(fn)` runs `fn` with a
 * {@link StoreTransaction}, commits if it resolves and rolls back if it rejects.
 *
 * What an implementation must guarantee:
 * - **Atomicity and isolation.** A transaction's writes become visible all together or not at
 *   all, and transactions do not interleave (the client reads a session record, decrypts and
 *   writes the new record in one transaction; two such must never overlap, or a chain key would
 *   be used twice). Serialize them (one at a time per store, and across processes for a shared
 *   file).
 * - **Durability.** When `transaction` resolves, the writes survive a crash of the process: the
 *   client acknowledges a message to the relay right after the commit.
 * - Getters resolve `undefined` when a row is absent and reject only on I/O failure
 *   (`STORAGE_FAILURE`, the cause attached).
 * - Blobs are opaque: the client seals every secret before it reaches the store (sealer.ts), so
 *   the store itself need not be encrypted. Values handed in or out must not be shared with the
 *   caller (copy them or store them immutably).
 *
 * @example
 * ```ts
 * const contacts = await store.transaction((tx) => tx.listContacts());
 * ```
 * @module
 */

/**
 * Kinds of prekey secrets: signed X25519, one-time X25519, one-time KEM, last-resort KEM. KEM
 * ids are one space across `kem` and `last-resort` (a PreKeyMessage names just an id).
 */
export type PreKeyKind = 'signed' | 'one-time' | 'kem' | 'last-resort';

/** One prekey secret: its id, its sealed record and a timestamp. */
export interface PreKeyRow {
  readonly id: number;
  /** The sealed prekey record. */
  readonly data: Uint8Array;
  /**
   * Milliseconds since the epoch: when the key was created, or for a signed or last-resort key
   * that was replaced, when it was replaced (its grace period starts then).
   */
  readonly stamp: number;
}

/** A pending identity change of a contact: the account its username now points to. */
export interface PendingIdentity {
  readonly accountId: string;
  /** The new account key (32-byte Ed25519). */
  readonly accountKey: Uint8Array;
  /** The new account's signed device list (encoded), verified under that key. */
  readonly deviceList: Uint8Array;
}

/** A contact: an account whose key this device pinned (trust on first use). Public data only. */
export interface ContactRecord {
  /** Stable local id: the account id the contact was first pinned to. */
  readonly id: string;
  /** The account id messages go to (SHA-256 of `accountKey`, base64url). */
  readonly accountId: string;
  /** The pinned account key (32-byte Ed25519). */
  readonly accountKey: Uint8Array;
  /** The username the contact was found by, if any. */
  readonly username: string | undefined;
  /** Whether the user compared safety numbers for `accountKey`. */
  readonly verified: boolean;
  /** The latest verified signed device list (encoded), or `undefined` before it is fetched. */
  readonly deviceList: Uint8Array | undefined;
  /** Its version (0n before any). */
  readonly listVersion: bigint;
  /** A changed account key seen for this contact, not yet accepted; sending is blocked. */
  readonly pending: PendingIdentity | undefined;
  /** When the contact was added, ms since the epoch. */
  readonly addedAt: number;
}

/** A stored message (received, or sent by this account), without its local sequence number. */
export interface NewMessageRow {
  /** The conversation: a contact id (or an account id for a contact not yet stored). */
  readonly contactId: string;
  /** Sent by this account (`out`, from this or another own device) or received (`in`). */
  readonly direction: 'in' | 'out';
  readonly senderAccountId: string;
  readonly senderDeviceId: number;
  /** The content's message id, hex. Unique per sender account. */
  readonly messageId: string;
  /** The sender's timestamp, ms. */
  readonly sentAt: number;
  /** When this device stored it, ms. */
  readonly receivedAt: number;
  /** The sealed `Content` bytes. */
  readonly content: Uint8Array;
}

/** A stored message with its local sequence number (increasing in storage order). */
export interface MessageRow extends NewMessageRow {
  readonly seq: number;
}

/** A query of stored messages. */
export interface MessageQuery {
  /** Only this conversation. */
  readonly contactId?: string | undefined;
  /** Only messages with a larger sequence number. */
  readonly after?: number | undefined;
  /** At most this many, oldest first. */
  readonly limit: number;
}

/** One entry of the resend buffer: a sent ciphertext's plaintext, by its envelope hash. */
export interface SentRow {
  readonly accountId: string;
  readonly deviceId: number;
  /** SHA-256 of the `SessionMessage` sent to that device. */
  readonly hash: Uint8Array;
  /** The sealed `Content` bytes. */
  readonly content: Uint8Array;
  readonly sentAt: number;
  /** How many times it was sent again on request. */
  readonly resends: number;
}

/** Work the client must do on the network, queued durably before a message is acknowledged. */
export interface OutboxRow {
  readonly id: number;
  /**
   * `resend-request`: ask device (accountId, deviceId) to resend the envelope `hash`.
   * `resend`: send the resend-buffer entry (accountId, deviceId, hash) again.
   */
  readonly kind: 'resend-request' | 'resend';
  readonly accountId: string;
  readonly deviceId: number;
  readonly hash: Uint8Array;
  readonly createdAt: number;
  /** Failed attempts so far. */
  readonly attempts: number;
}

/** A KeyPackage this device published (groups): its private keys, sealed. */
export interface KeyPackageSecretRow {
  /** KeyPackageRef (RFC 9420 §5.2), hex. */
  readonly ref: string;
  /** The sealed KeyPackage and its private keys. */
  readonly data: Uint8Array;
  /** The last-resort KeyPackage (kept after use). */
  readonly lastResort: boolean;
  /** When it was created, ms since the epoch. */
  readonly createdAt: number;
}

/** A group this device is in: its sealed state (MLS GroupState encoding, name). */
export interface GroupRow {
  /** The MLS group id, base64url. */
  readonly groupId: string;
  /** The sealed group record. */
  readonly data: Uint8Array;
  /** When it was last written, ms since the epoch. */
  readonly updatedAt: number;
}

/** The operations of one transaction. Every method may reject with `STORAGE_FAILURE`. */
export interface StoreTransaction {
  /** The sealed account state, or `undefined` if no account was created here. */
  getAccount(): Promise<Uint8Array | undefined>;
  putAccount(data: Uint8Array): Promise<void>;

  getPreKey(kind: PreKeyKind, id: number): Promise<PreKeyRow | undefined>;
  /** Inserts or replaces. */
  putPreKey(kind: PreKeyKind, row: PreKeyRow): Promise<void>;
  deletePreKey(kind: PreKeyKind, id: number): Promise<void>;
  /** Every prekey of a kind (ids and stamps; `data` may be empty). */
  listPreKeys(kind: PreKeyKind): Promise<readonly PreKeyRow[]>;
  hasLastResortUse(kemPreKeyId: number, ciphertextHash: Uint8Array): Promise<boolean>;
  putLastResortUse(kemPreKeyId: number, ciphertextHash: Uint8Array): Promise<void>;
  /** Forgets the uses of a last-resort key that was deleted. */
  deleteLastResortUses(kemPreKeyId: number): Promise<void>;

  /** The sealed session record with a peer device. */
  getSession(accountId: string, deviceId: number): Promise<Uint8Array | undefined>;
  putSession(accountId: string, deviceId: number, data: Uint8Array): Promise<void>;
  deleteSession(accountId: string, deviceId: number): Promise<void>;
  /** The device ids this device has session records with, for one account. */
  listSessions(accountId: string): Promise<readonly number[]>;

  getContact(id: string): Promise<ContactRecord | undefined>;
  /** The contact whose current `accountId` (not a pending one) is `accountId`. */
  getContactByAccountId(accountId: string): Promise<ContactRecord | undefined>;
  getContactByUsername(username: string): Promise<ContactRecord | undefined>;
  /** Inserts or replaces by `id`. */
  putContact(contact: ContactRecord): Promise<void>;
  deleteContact(id: string): Promise<void>;
  listContacts(): Promise<readonly ContactRecord[]>;

  /**
   * Stores a message and returns its sequence number, or `undefined` (storing nothing) if a
   * message with the same (senderAccountId, messageId) exists: the exactly-once rule.
   */
  putMessage(message: NewMessageRow): Promise<number | undefined>;
  listMessages(query: MessageQuery): Promise<readonly MessageRow[]>;
  /** Moves every message of conversation `from` to `to` (contacts merged). */
  moveMessages(from: string, to: string): Promise<void>;

  /** Whether an envelope with this SHA-256 was processed already (redelivery). */
  hasEnvelope(hash: Uint8Array): Promise<boolean>;
  putEnvelope(hash: Uint8Array, processedAt: number): Promise<void>;
  /** Forgets envelopes processed before `before`. */
  pruneEnvelopes(before: number): Promise<void>;

  getSent(accountId: string, deviceId: number, hash: Uint8Array): Promise<SentRow | undefined>;
  /** Inserts or replaces by (accountId, deviceId, hash). */
  putSent(row: SentRow): Promise<void>;
  /**
   * Drops the resend-buffer entries of `accountId` sent before `before`, and beyond the newest
   * `keep` of that account.
   */
  pruneSent(accountId: string, keep: number, before: number): Promise<void>;

  /** Queues work; returns its id. */
  putOutbox(row: Omit<OutboxRow, 'id'>): Promise<number>;
  /** Replaces an entry (e.g. its attempt count). */
  updateOutbox(row: OutboxRow): Promise<void>;
  deleteOutbox(id: number): Promise<void>;
  /** Queued work, oldest first. */
  listOutbox(limit: number): Promise<readonly OutboxRow[]>;

  getKeyPackageSecret(ref: string): Promise<KeyPackageSecretRow | undefined>;
  /** Inserts or replaces by `ref`. */
  putKeyPackageSecret(row: KeyPackageSecretRow): Promise<void>;
  deleteKeyPackageSecret(ref: string): Promise<void>;
  /** Every KeyPackage secret, oldest first. */
  listKeyPackageSecrets(): Promise<readonly KeyPackageSecretRow[]>;

  getGroup(groupId: string): Promise<GroupRow | undefined>;
  /** Inserts or replaces by `groupId`. */
  putGroup(row: GroupRow): Promise<void>;
  deleteGroup(groupId: string): Promise<void>;
  /** Every group, by group id. */
  listGroups(): Promise<readonly GroupRow[]>;
}

/** A local store: transactions, and closing. */
export interface ClientStore {
  /**
   * Runs `fn` in a transaction: committed (durably) when `fn` resolves, rolled back when it
   * rejects (the rejection is passed on). Transactions run one at a time.
   * @throws SigilError `STORAGE_FAILURE` if the store fails; whatever `fn` throws.
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Closes the store; later transactions reject with `STORAGE_FAILURE`. Idempotent. */
  close(): Promise<void>;
}
