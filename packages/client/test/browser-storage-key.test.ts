/**
 * The browser storage key (src/browser/storage-key.ts) on fake-indexeddb with Node's WebCrypto.
 * fake-indexeddb stores values with the platform's `structuredClone`, which keeps a CryptoKey a
 * CryptoKey (non-extractable stays non-extractable), so the real key path is tested here: the
 * key is made once and stable, the stored wrapping key cannot be exported, the stored record
 * does not hold the key's bytes, any tampering is `STORAGE_KEY_INVALID` (never a silent new
 * key), and deleting the profile removes everything.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import {
  deleteBrowserProfile,
  IndexedDbStore,
  openBrowserProfile,
  openBrowserStorageKey,
} from '../src/browser/index.ts';

const RECORD = 'storage-key';

/** Runs `fn` on the raw object store holding the wrapped key of `profile`. */
async function raw<T>(
  indexedDB: IDBFactory,
  profile: string,
  fn: (store: IDBObjectStore) => IDBRequest<T>,
  mode: IDBTransactionMode = 'readonly',
): Promise<T> {
  const open = indexedDB.open(`sigil-client:${profile}`);
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  try {
    const tx = db.transaction('storageKey', mode);
    const request = fn(tx.objectStore('storageKey'));
    const result = await new Promise<T>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise((resolve) => {
      tx.oncomplete = resolve;
    });
    return result;
  } finally {
    db.close();
  }
}

interface StoredRecord {
  version: number;
  wrappingKey: CryptoKey;
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

const read = (indexedDB: IDBFactory, profile: string) =>
  raw(indexedDB, profile, (s) => s.get(RECORD)) as Promise<StoredRecord | undefined>;

const write = (indexedDB: IDBFactory, profile: string, record: unknown) =>
  raw(indexedDB, profile, (s) => s.put(record, RECORD), 'readwrite');

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('browser storage key', () => {
  it('is created once and stable across reopen; profiles have their own keys', async () => {
    const indexedDB = new IDBFactory();
    const first = await openBrowserStorageKey('p', { indexedDB });
    expect(first).toBeInstanceOf(Uint8Array);
    expect(first.length).toBe(32);
    expect(await openBrowserStorageKey('p', { indexedDB })).toEqual(first);
    expect(await openBrowserStorageKey('p', { indexedDB })).toEqual(first);
    const other = await openBrowserStorageKey('q', { indexedDB });
    expect(other).not.toEqual(first);
  });

  it('two first uses at once agree on one key', async () => {
    const indexedDB = new IDBFactory();
    const keys = await Promise.all([
      openBrowserStorageKey('p', { indexedDB }),
      openBrowserStorageKey('p', { indexedDB }),
      openBrowserStorageKey('p', { indexedDB }),
    ]);
    expect(keys[1]).toEqual(keys[0]);
    expect(keys[2]).toEqual(keys[0]);
    expect(await openBrowserStorageKey('p', { indexedDB })).toEqual(keys[0]);
  });

  it('the stored wrapping key is a non-extractable AES-GCM CryptoKey', async () => {
    const indexedDB = new IDBFactory();
    await openBrowserStorageKey('p', { indexedDB });
    const record = await read(indexedDB, 'p');
    const key = record?.wrappingKey as CryptoKey;
    expect(key).toBeInstanceOf(CryptoKey);
    expect(key.extractable).toBe(false);
    expect(key.algorithm).toEqual({ name: 'AES-GCM', length: 256 });
    expect([...key.usages].sort()).toEqual(['decrypt', 'encrypt']);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('jwk', key)).rejects.toThrow();
  });

  it('the stored record holds the storage key only encrypted', async () => {
    const indexedDB = new IDBFactory();
    const storageKey = await openBrowserStorageKey('p', { indexedDB });
    const record = (await read(indexedDB, 'p')) as StoredRecord;
    expect(Object.keys(record).sort()).toEqual(['ciphertext', 'iv', 'version', 'wrappingKey']);
    expect(record.version).toBe(1);
    expect(record.iv.length).toBe(12);
    expect(record.ciphertext.length).toBe(48);
    const stored = new Uint8Array([...record.iv, ...record.ciphertext]);
    expect(contains(stored, storageKey)).toBe(false);
    expect(contains(stored, storageKey.subarray(0, 8))).toBe(false);
  });

  it('tampering, a foreign record or a missing key over data: STORAGE_KEY_INVALID', async () => {
    const indexedDB = new IDBFactory();
    const key = await openBrowserStorageKey('p', { indexedDB });
    const good = (await read(indexedDB, 'p')) as StoredRecord;
    const otherKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    const extractable = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, [
      'encrypt',
      'decrypt',
    ]);
    const flipped = good.ciphertext.slice();
    flipped[5] = (flipped[5] as number) ^ 1;
    const badIv = good.iv.slice();
    badIv[0] = (badIv[0] as number) ^ 1;
    const tampered: unknown[] = [
      { ...good, ciphertext: flipped },
      { ...good, iv: badIv },
      { ...good, wrappingKey: otherKey },
      { ...good, wrappingKey: extractable },
      { ...good, version: 2 },
      { ...good, ciphertext: good.ciphertext.subarray(0, 40).slice() },
      { ...good, wrappingKey: undefined },
      'not a record',
    ];
    for (const record of tampered) {
      await write(indexedDB, 'p', record);
      await expect(openBrowserStorageKey('p', { indexedDB })).rejects.toMatchObject({
        code: 'STORAGE_KEY_INVALID',
      });
    }
    // The record is bound to its profile (AAD): a copy under another profile does not open.
    await openBrowserStorageKey('q', { indexedDB });
    await write(indexedDB, 'q', good);
    await expect(openBrowserStorageKey('q', { indexedDB })).rejects.toMatchObject({
      code: 'STORAGE_KEY_INVALID',
    });
    // Restored, it opens again: nothing was overwritten meanwhile.
    await write(indexedDB, 'p', good);
    expect(await openBrowserStorageKey('p', { indexedDB })).toEqual(key);

    // The store of the profile holds data: a missing key is an error, not a new key.
    const store = await IndexedDbStore.open({ profile: 'p', indexedDB, keyRange: IDBKeyRange });
    await store.transaction((tx) => tx.putAccount(new Uint8Array([1])));
    await store.close();
    await raw(indexedDB, 'p', (s) => s.delete(RECORD), 'readwrite');
    await expect(openBrowserStorageKey('p', { indexedDB })).rejects.toMatchObject({
      code: 'STORAGE_KEY_INVALID',
    });
    expect(await read(indexedDB, 'p')).toBeUndefined();
  });

  it('deleteBrowserProfile removes the store and the key', async () => {
    const indexedDB = new IDBFactory();
    const options = { indexedDB, keyRange: IDBKeyRange, locks: null };
    const { store, storageKey } = await openBrowserProfile('p', options);
    await store.transaction((tx) => tx.putAccount(new Uint8Array([1])));
    await deleteBrowserProfile('p', { indexedDB });
    expect(await indexedDB.databases()).toEqual([]);
    await expect(store.transaction((tx) => tx.getAccount())).rejects.toMatchObject({
      code: 'STORAGE_FAILURE',
    });
    await store.close();
    const again = await openBrowserProfile('p', options);
    expect(again.storageKey).not.toEqual(storageKey);
    expect(await again.store.transaction((tx) => tx.getAccount())).toBeUndefined();
    await again.store.close();
  });

  it('rejects a bad profile name', async () => {
    const indexedDB = new IDBFactory();
    await expect(openBrowserStorageKey('', { indexedDB })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(openBrowserStorageKey('x'.repeat(101), { indexedDB })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });
});
