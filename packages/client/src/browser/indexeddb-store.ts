/**
 * The {@link ClientStore} on IndexedDB (browsers; DESIGN.md, Client): one database per profile,
 * `sigil-client:<profile>`, with an object store per table of the store interface (idb.ts has
 * the schema). It holds only public data and blobs the client sealed (sealer.ts).
 *
 * Transactions (the contract in store.ts):
 * - **One at a time.** A queue in this object, and across tabs and workers of the origin an
 *   exclusive Web Lock named after the database (`navigator.locks`, when available).
 * - **Atomic without holding IndexedDB open.** An IndexedDB transaction commits by itself once
 *   no request is pending, so it cannot span the caller's awaits (the client does crypto between
 *   a read and a write). `fn` runs against a write overlay; its writes are applied together in
 *   one read-write IndexedDB transaction afterwards (indexeddb-transaction.ts). A rejected `fn`
 *   writes nothing.
 * - **Durable.** `transaction` resolves after that IndexedDB transaction's `complete` event,
 *   opened with durability `'strict'` (flushed to disk, where the engine supports the option).
 * - **Never a lost update.** A commit counter in the database is checked when a transaction
 *   commits: one that overlapped a commit from elsewhere (a tab without Web Locks) fails with
 *   `STORAGE_FAILURE` and writes nothing.
 * - `close()` is idempotent; later transactions reject with `STORAGE_FAILURE`. The store also
 *   closes itself when the database is deleted or upgraded elsewhere (`versionchange`).
 *
 * @example
 * ```ts
 * const store = await IndexedDbStore.open({ profile: 'sigil' });
 * const client = new SigilClient({ crypto, store, storageKey });
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { ClientStore, StoreTransaction } from '../store.ts';
import { databaseName, openProfileDatabase, readCounters, resolveFactory } from './idb.ts';
import { type IdbEnvironment, IndexedDbTransaction } from './indexeddb-transaction.ts';

/** The profile used when none is named. */
export const DEFAULT_PROFILE = 'sigil';

/** Options of {@link IndexedDbStore}. */
export interface IndexedDbStoreOptions {
  /** The profile (1..100 characters): one database per profile. Default `'sigil'`. */
  readonly profile?: string;
  /** The IndexedDB factory. Default: the global `indexedDB`. */
  readonly indexedDB?: IDBFactory;
  /** The `IDBKeyRange` class of that factory. Default: the global `IDBKeyRange`. */
  readonly keyRange?: typeof IDBKeyRange;
  /**
   * The Web Locks manager that serializes transactions across tabs. Default
   * `navigator.locks` when present; `null` to use none (one tab only, e.g. tests).
   */
  readonly locks?: LockManager | null;
}

/** The IndexedDB store (see the module comment). */
export class IndexedDbStore implements ClientStore {
  readonly #env: IdbEnvironment;
  readonly #locks: LockManager | undefined;
  readonly #lockName: string;
  readonly #ready: Promise<IDBDatabase>;
  #queue: Promise<unknown> = Promise.resolve();
  #closed: string | undefined;

  /**
   * Starts opening (creating or migrating) the profile's database; a failure to open surfaces
   * in the first transaction. {@link IndexedDbStore.open} waits for it instead.
   * @throws SigilError `INVALID_ARGUMENT` for a bad profile name; `STORAGE_FAILURE` without
   *   IndexedDB.
   */
  constructor(options: IndexedDbStoreOptions = {}) {
    const profile = options.profile ?? DEFAULT_PROFILE;
    this.#lockName = databaseName(profile);
    const factory = resolveFactory(options.indexedDB);
    const keyRange =
      options.keyRange ?? (globalThis as { IDBKeyRange?: typeof IDBKeyRange }).IDBKeyRange;
    if (keyRange === undefined) {
      throw new SigilError('STORAGE_FAILURE', 'IndexedDB is not available (no IDBKeyRange)');
    }
    this.#env = { factory, keyRange };
    this.#locks =
      options.locks === null
        ? undefined
        : (options.locks ??
          (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks);
    this.#ready = openProfileDatabase(factory, profile).then((db) => {
      if (this.#closed !== undefined) {
        db.close();
        throw this.#closedError();
      }
      // Another tab deletes or upgrades the database: let it, and stop using this connection.
      db.onversionchange = () => {
        db.close();
        this.#closed ??= 'its database was deleted or upgraded elsewhere';
      };
      db.onclose = () => {
        this.#closed ??= 'the browser closed its database';
      };
      return db;
    });
    this.#ready.catch(() => {}); // reported by the first transaction (or by `open`)
  }

  /**
   * Opens the store of a profile and waits until its database is ready.
   * @throws SigilError `INVALID_ARGUMENT` for a bad profile name; `STORAGE_FAILURE` if the
   *   database cannot be opened (or a newer client wrote it).
   */
  static async open(options: IndexedDbStoreOptions = {}): Promise<IndexedDbStore> {
    const store = new IndexedDbStore(options);
    try {
      await store.#ready;
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#closed !== undefined) throw this.#closedError();
      const db = await this.#ready;
      if (this.#locks === undefined) return this.#run(db, fn);
      return this.#locks.request(this.#lockName, { mode: 'exclusive' }, () => this.#run(db, fn));
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => {});
    return next;
  }

  async #run<T>(db: IDBDatabase, fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    if (this.#closed !== undefined) throw this.#closedError();
    const tx = new IndexedDbTransaction(db, this.#env, await readCounters(db));
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      tx.finish();
      throw err;
    }
    await tx.commit();
    return result;
  }

  async close(): Promise<void> {
    this.#closed ??= 'it was closed';
    await this.#queue;
    try {
      (await this.#ready).close();
    } catch {
      // it never opened
    }
  }

  #closedError(): SigilError {
    return new SigilError('STORAGE_FAILURE', `the store is closed: ${this.#closed}`);
  }
}
