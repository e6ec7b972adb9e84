/**
 * @sigil/client/browser: the browser-only parts of the SDK. A browser profile is one IndexedDB
 * database, `sigil-client:<profile>`, holding the client's store ({@link IndexedDbStore}) and
 * its storage key, itself encrypted under a non-extractable WebCrypto key stored beside it
 * ({@link openBrowserStorageKey}). {@link openBrowserProfile} opens both;
 * {@link deleteBrowserProfile} removes them.
 *
 * @example
 * ```ts
 * import { SigilClient } from '@sigil/client';
 * import { openBrowserProfile } from '@sigil/client/browser';
 * const { store, storageKey } = await openBrowserProfile('sigil');
 * const client = new SigilClient({ crypto, store, storageKey, ownsStore: true });
 * storageKey.fill(0);
 * ```
 * @module
 */
import { IndexedDbStore, type IndexedDbStoreOptions } from './indexeddb-store.ts';
import { type BrowserStorageKeyOptions, openBrowserStorageKey } from './storage-key.ts';

export { IndexedDbStore, type IndexedDbStoreOptions } from './indexeddb-store.ts';
export {
  type BrowserStorageKeyOptions,
  deleteBrowserProfile,
  openBrowserStorageKey,
} from './storage-key.ts';

/** Options of {@link openBrowserProfile}. */
export interface BrowserProfileOptions extends BrowserStorageKeyOptions {
  /** The `IDBKeyRange` class of `indexedDB`. Default: the global one. */
  readonly keyRange?: typeof IDBKeyRange;
  /** Web Locks for the store (see {@link IndexedDbStoreOptions.locks}). */
  readonly locks?: LockManager | null;
}

/** What {@link openBrowserProfile} opens. */
export interface BrowserProfile {
  /** The profile's store. Close it (or let a client with `ownsStore` close it). */
  readonly store: IndexedDbStore;
  /** The profile's 32-byte storage key; the caller owns it (wipe it after use). */
  readonly storageKey: Uint8Array;
}

/**
 * Opens a browser profile (default `'sigil'`), creating it on first use: its storage key and
 * its store.
 * @throws the errors of {@link openBrowserStorageKey} and {@link IndexedDbStore.open}.
 */
export async function openBrowserProfile(
  profile?: string,
  options: BrowserProfileOptions = {},
): Promise<BrowserProfile> {
  const storageKey = await openBrowserStorageKey(profile, options);
  try {
    const store = await IndexedDbStore.open({
      ...(profile === undefined ? {} : { profile }),
      ...(options.indexedDB === undefined ? {} : { indexedDB: options.indexedDB }),
      ...(options.keyRange === undefined ? {} : { keyRange: options.keyRange }),
      ...(options.locks === undefined ? {} : { locks: options.locks }),
    });
    return { store, storageKey };
  } catch (err) {
    storageKey.fill(0);
    throw err;
  }
}
