/**
 * The browser profile database (DESIGN.md, Client: "IndexedDB (browser)"): its name, its
 * schema (object stores, key paths, indexes), opening it, and promise wrappers over IndexedDB
 * requests. Shared by the store (indexeddb-store.ts) and the storage key (storage-key.ts), which
 * live in the same database so that deleting a profile is one `deleteDatabase`.
 *
 * Schema version 1. Every key is a string, a number or an array of those (hashes are hex), so a
 * key has one canonical string form ({@link keyString}) for the store's write overlay. Never edit
 * a released migration: append one to {@link MIGRATIONS}.
 *
 * @example
 * ```ts
 * const db = await openProfileDatabase(indexedDB, 'sigil');
 * const counters = await readCounters(db);
 * db.close();
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';

/** Prefix of every profile database's name: `sigil-client:<profile>`. */
export const DATABASE_PREFIX = 'sigil-client:';

/** The longest profile name accepted. */
export const MAX_PROFILE_LENGTH = 100;

/** The object stores of a store transaction (every table of `StoreTransaction`, plus `meta`). */
export const DATA_TABLES = [
  'account',
  'prekeys',
  'lastResortUses',
  'sessions',
  'contacts',
  'messages',
  'envelopes',
  'sent',
  'outbox',
  'keyPackages',
  'groups',
  'meta',
] as const;

/** A table of a store transaction. */
export type Table = (typeof DATA_TABLES)[number];

/** The object store holding the wrapped storage key (storage-key.ts); not a store table. */
export const KEY_TABLE = 'storageKey';

/** An index: its name and key path (over the stored value). */
export interface IndexSchema {
  readonly name: string;
  readonly keyPath: string | readonly string[];
  readonly unique?: boolean;
}

/** An object store: its in-line key path (absent: keys given out of line) and its indexes. */
export interface TableSchema {
  readonly keyPath?: string | readonly string[];
  readonly indexes?: readonly IndexSchema[];
}

/**
 * What each object store holds (values are structured clones; byte fields are Uint8Array):
 * - `account`: the sealed account state under the out-of-line key `'account'`.
 * - `prekeys`: `{ kind, id, data, stamp }` by [kind, id].
 * - `lastResortUses`: `{ id, hash }` (hash hex) by [id, hash].
 * - `sessions`: `{ accountId, deviceId, data }` by [accountId, deviceId].
 * - `contacts`: a ContactRecord by id; indexes on accountId and username (absent usernames are
 *   not indexed).
 * - `messages`: a MessageRow by seq; `bySender` [senderAccountId, messageId] is unique (the
 *   exactly-once rule), `byContact` [contactId, seq] lists a conversation in order.
 * - `envelopes`: `{ hash, processedAt }` (hash hex) by hash; index on processedAt.
 * - `sent`: a SentRow plus `hashHex`, by [accountId, deviceId, hashHex]; `byAccount`
 *   [accountId, sentAt] for pruning.
 * - `outbox`: an OutboxRow by id.
 * - `keyPackages`: a KeyPackageSecretRow by ref; `byCreated` [createdAt, ref] lists oldest
 *   first. `groups`: a GroupRow by groupId.
 * - `meta`: the {@link Counters} under the out-of-line key `'counters'`.
 * - `storageKey`: the wrapped storage key (storage-key.ts) under `'storage-key'`.
 */
const SCHEMA_V1: Readonly<Record<Table | typeof KEY_TABLE, TableSchema>> = {
  account: {},
  prekeys: { keyPath: ['kind', 'id'] },
  lastResortUses: { keyPath: ['id', 'hash'] },
  sessions: { keyPath: ['accountId', 'deviceId'] },
  contacts: {
    keyPath: 'id',
    indexes: [
      { name: 'accountId', keyPath: 'accountId' },
      { name: 'username', keyPath: 'username' },
    ],
  },
  messages: {
    keyPath: 'seq',
    indexes: [
      { name: 'bySender', keyPath: ['senderAccountId', 'messageId'], unique: true },
      { name: 'byContact', keyPath: ['contactId', 'seq'] },
    ],
  },
  envelopes: { keyPath: 'hash', indexes: [{ name: 'processedAt', keyPath: 'processedAt' }] },
  sent: {
    keyPath: ['accountId', 'deviceId', 'hashHex'],
    indexes: [{ name: 'byAccount', keyPath: ['accountId', 'sentAt'] }],
  },
  outbox: { keyPath: 'id' },
  keyPackages: { keyPath: 'ref', indexes: [{ name: 'byCreated', keyPath: ['createdAt', 'ref'] }] },
  groups: { keyPath: 'groupId' },
  meta: {},
  storageKey: {},
};

/** The out-of-line key of the account row. */
export const ACCOUNT_KEY = 'account';
/** The out-of-line key of the counters in `meta`. */
export const COUNTERS_KEY = 'counters';

/**
 * Counters kept in `meta`: `version` counts committed store transactions (a transaction
 * commits only if it is unchanged since the transaction began, so one that overlapped another
 * tab's commit fails instead of losing an update); the next message seq and outbox id.
 */
export interface Counters {
  readonly version: number;
  readonly nextSeq: number;
  readonly nextOutboxId: number;
}

/** The counters of a database no transaction has committed to. */
export const INITIAL_COUNTERS: Counters = { version: 0, nextSeq: 1, nextOutboxId: 1 };

/**
 * The current schema (what the code reads and writes). A schema change defines the new version
 * from the previous one (`{ ...SCHEMA_V1, ... }`) and appends the migration that makes it.
 */
export const SCHEMA = SCHEMA_V1;

/** Schema migrations; index + 1 is the IndexedDB version they produce. */
const MIGRATIONS: readonly ((db: IDBDatabase) => void)[] = [
  // 1: every object store and index of SCHEMA_V1.
  (db) => {
    for (const [name, schema] of Object.entries(SCHEMA_V1)) {
      const store = db.createObjectStore(
        name,
        schema.keyPath === undefined ? {} : { keyPath: keyPathOf(schema.keyPath) },
      );
      for (const index of schema.indexes ?? []) {
        store.createIndex(index.name, keyPathOf(index.keyPath), { unique: index.unique === true });
      }
    }
  },
];

/** The IndexedDB version of the current schema. */
export const SCHEMA_VERSION = MIGRATIONS.length;

const keyPathOf = (path: string | readonly string[]): string | string[] =>
  typeof path === 'string' ? path : [...path];

/**
 * Checks a profile name and returns its database name.
 * @throws SigilError `INVALID_ARGUMENT` for an empty or too long name.
 */
export function databaseName(profile: string): string {
  if (typeof profile !== 'string' || profile.length === 0 || profile.length > MAX_PROFILE_LENGTH) {
    throw new SigilError(
      'INVALID_ARGUMENT',
      `the profile name must be 1..${MAX_PROFILE_LENGTH} characters`,
    );
  }
  return `${DATABASE_PREFIX}${profile}`;
}

/**
 * The IndexedDB factory to use: `given`, else the global one.
 * @throws SigilError `STORAGE_FAILURE` if there is none (not a browser, no polyfill).
 */
export function resolveFactory(given: IDBFactory | undefined): IDBFactory {
  const factory = given ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (factory === undefined) throw new SigilError('STORAGE_FAILURE', 'IndexedDB is not available');
  return factory;
}

/** Wraps any failure as `STORAGE_FAILURE` (a SigilError passes through). */
export function storageFailure(err: unknown, message = 'the browser database failed'): SigilError {
  return SigilError.is(err) ? err : new SigilError('STORAGE_FAILURE', message, { cause: err });
}

/**
 * Opens (creating or migrating) the database of `profile`. While another tab holds an older
 * version open, the upgrade waits for it to close (our connections close on `versionchange`).
 * @throws SigilError `STORAGE_FAILURE` if it cannot be opened or a newer client wrote it.
 */
export function openProfileDatabase(factory: IDBFactory, profile: string): Promise<IDBDatabase> {
  const name = databaseName(profile);
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(name, SCHEMA_VERSION);
    } catch (err) {
      reject(storageFailure(err, 'cannot open the browser database'));
      return;
    }
    request.onupgradeneeded = (event) => {
      const db = request.result;
      for (let v = event.oldVersion; v < SCHEMA_VERSION; v++)
        (MIGRATIONS[v] as (d: IDBDatabase) => void)(db);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = (event) => {
      event.preventDefault();
      const err = request.error;
      reject(
        err?.name === 'VersionError'
          ? new SigilError(
              'STORAGE_FAILURE',
              'the browser database was written by a newer client',
              {
                cause: err,
              },
            )
          : storageFailure(err, 'cannot open the browser database'),
      );
    };
  });
}

/**
 * Deletes the database of `profile`. Open connections of this SDK close on `versionchange`;
 * if a foreign connection stays open, this waits until it closes.
 * @throws SigilError `INVALID_ARGUMENT` for a bad profile name; `STORAGE_FAILURE`.
 */
export function deleteProfileDatabase(factory: IDBFactory, profile: string): Promise<void> {
  const name = databaseName(profile);
  return new Promise((resolve, reject) => {
    let request: IDBOpenDBRequest;
    try {
      request = factory.deleteDatabase(name);
    } catch (err) {
      reject(storageFailure(err, 'cannot delete the browser database'));
      return;
    }
    request.onsuccess = () => resolve();
    request.onerror = () =>
      reject(storageFailure(request.error, 'cannot delete the browser database'));
  });
}

/** The result of one request, as a promise. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = (event) => {
      event.preventDefault();
      reject(storageFailure(req.error));
    };
  });
}

/** Resolves when `tx` commits (its `complete` event); rejects if it aborts. */
export function transactionDone(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(storageFailure(tx.error ?? new Error('transaction aborted')));
  });
}

/** Opens a transaction, wrapping a synchronous throw (a closed database) as `STORAGE_FAILURE`. */
export function begin(
  db: IDBDatabase,
  tables: string | readonly string[],
  mode: IDBTransactionMode,
): IDBTransaction {
  try {
    const names = typeof tables === 'string' ? tables : [...tables];
    // 'strict': `complete` fires only once the data is flushed to disk (the client acknowledges
    // a message to the relay right after a commit). Engines without the option ignore it.
    return mode === 'readwrite'
      ? db.transaction(names, mode, { durability: 'strict' })
      : db.transaction(names, mode);
  } catch (err) {
    throw storageFailure(err);
  }
}

/** Reads the counters (in their own read-only transaction). */
export async function readCounters(db: IDBDatabase): Promise<Counters> {
  const tx = begin(db, 'meta', 'readonly');
  const value = await request(tx.objectStore('meta').get(COUNTERS_KEY));
  return parseCounters(value);
}

/**
 * Checks a stored counters value.
 * @throws SigilError `STORAGE_FAILURE` if it is damaged.
 */
export function parseCounters(value: unknown): Counters {
  if (value === undefined) return INITIAL_COUNTERS;
  const c = value as Partial<Counters>;
  if (
    !Number.isSafeInteger(c.version) ||
    !Number.isSafeInteger(c.nextSeq) ||
    !Number.isSafeInteger(c.nextOutboxId)
  ) {
    throw new SigilError('STORAGE_FAILURE', 'the browser database counters are damaged');
  }
  return {
    version: c.version as number,
    nextSeq: c.nextSeq as number,
    nextOutboxId: c.nextOutboxId as number,
  };
}

/** The canonical string of a key (strings, numbers and arrays of them). */
export const keyString = (key: IDBValidKey): string => JSON.stringify(key);

/** Evaluates a key path over a stored value (`undefined` if a component is missing). */
export function extractKey(value: unknown, path: string | readonly string[]): unknown {
  if (typeof path !== 'string') return path.map((p) => extractKey(value, p));
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)[path]
    : undefined;
}

/**
 * A deep copy of a stored value: plain objects, arrays and primitives, with each Uint8Array
 * copied into a buffer of its own (a view into a larger buffer would otherwise store, and hand
 * out, the bytes around it).
 */
export function copyValue<T>(value: T): T {
  if (value instanceof Uint8Array) return new Uint8Array(value) as T;
  if (Array.isArray(value)) return value.map(copyValue) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = copyValue(v);
    return out as T;
  }
  return value;
}
