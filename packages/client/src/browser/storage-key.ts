/**
 * The storage key of a browser profile (DESIGN.md, Client: "Keys stay in IndexedDB under a
 * non-extractable wrapping key"): the 32-byte key that seals every secret in the store
 * (sealer.ts), kept in the profile's own database (object store `storageKey`) as one record:
 *
 * `{ version: 1, wrappingKey, iv, ciphertext }`, where `wrappingKey` is a WebCrypto AES-GCM-256
 * CryptoKey created with `extractable: false` and stored as the object itself (structured clone
 * keeps it non-extractable: script can use it but never read its bytes), and `ciphertext` is the
 * storage key sealed under it with a random 96-bit IV (one key, one message per IV; a new IV is
 * drawn for every key made) and AAD `Sigil/v1/Client/BrowserStorageKey/<profile>`, binding the
 * format version and the profile.
 *
 * This is the one place the client uses WebCrypto directly instead of the CryptoProvider: only
 * a platform CryptoKey can be non-extractable. It protects the key against reads of the
 * database's files (a backup, another user); a script running in the origin can still decrypt.
 *
 * The key is created on first use. A record that is damaged, tampered with or does not open,
 * or a missing record in a database that holds data, is `STORAGE_KEY_INVALID`: never a fresh
 * key over existing data, which would make it unreadable.
 *
 * @example
 * ```ts
 * const storageKey = await openBrowserStorageKey('sigil');
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { utf8 } from '../internal/bytes.ts';
import {
  begin,
  COUNTERS_KEY,
  deleteProfileDatabase,
  KEY_TABLE,
  openProfileDatabase,
  parseCounters,
  request,
  resolveFactory,
  transactionDone,
} from './idb.ts';
import { DEFAULT_PROFILE } from './indexeddb-store.ts';

/** The out-of-line key of the wrapped storage key record. */
export const STORAGE_KEY_RECORD = 'storage-key';

/** The record's format version (also in the AAD). */
const VERSION = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
/** AES-GCM: the key plus a 16-byte tag. */
const CIPHERTEXT_BYTES = KEY_BYTES + 16;

/** The stored record (see the module comment). */
interface WrappedStorageKey {
  readonly version: number;
  readonly wrappingKey: CryptoKey;
  readonly iv: Uint8Array<ArrayBuffer>;
  readonly ciphertext: Uint8Array<ArrayBuffer>;
}

/** Options of the browser profile functions. */
export interface BrowserStorageKeyOptions {
  /** The IndexedDB factory. Default: the global `indexedDB`. */
  readonly indexedDB?: IDBFactory;
  /** The WebCrypto object. Default: `globalThis.crypto`. */
  readonly crypto?: Crypto;
}

const aad = (profile: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(utf8(`Sigil/v${VERSION}/Client/BrowserStorageKey/${profile}`));

const invalid = (message: string, cause?: unknown): SigilError =>
  new SigilError('STORAGE_KEY_INVALID', message, cause === undefined ? undefined : { cause });

/**
 * The storage key of a browser profile: created on first use (see the module comment), read
 * back afterwards. The caller owns the returned bytes (wipe them when done).
 * @throws SigilError `INVALID_ARGUMENT` for a bad profile name; `STORAGE_KEY_INVALID` if the
 *   stored key is damaged, tampered with or missing while the profile holds data;
 *   `STORAGE_FAILURE` without IndexedDB/WebCrypto or if the database fails.
 */
export async function openBrowserStorageKey(
  profile: string = DEFAULT_PROFILE,
  options: BrowserStorageKeyOptions = {},
): Promise<Uint8Array> {
  const factory = resolveFactory(options.indexedDB);
  const webCrypto = options.crypto ?? (globalThis as { crypto?: Crypto }).crypto;
  if (webCrypto?.subtle === undefined) {
    throw new SigilError('STORAGE_FAILURE', 'WebCrypto is not available');
  }
  const db = await openProfileDatabase(factory, profile);
  try {
    const found = await readKeyState(db);
    if (found.record !== undefined) return await unwrap(webCrypto, profile, found.record);
    if (found.hasData) throw missing();
    return await create(webCrypto, db, profile);
  } finally {
    db.close();
  }
}

/**
 * Deletes a browser profile: its database, holding the store and the storage key. Open
 * stores of the profile close themselves (later transactions reject with `STORAGE_FAILURE`).
 * @throws SigilError `INVALID_ARGUMENT` for a bad profile name; `STORAGE_FAILURE`.
 */
export async function deleteBrowserProfile(
  profile: string = DEFAULT_PROFILE,
  options: Pick<BrowserStorageKeyOptions, 'indexedDB'> = {},
): Promise<void> {
  await deleteProfileDatabase(resolveFactory(options.indexedDB), profile);
}

const missing = (): SigilError =>
  invalid('the profile holds data but its storage key is missing (the data cannot be opened)');

/** The stored record, and whether any store transaction ever committed to this database. */
async function readKeyState(db: IDBDatabase): Promise<{ record: unknown; hasData: boolean }> {
  const tx = begin(db, [KEY_TABLE, 'meta'], 'readonly');
  const [record, counters] = await Promise.all([
    request(tx.objectStore(KEY_TABLE).get(STORAGE_KEY_RECORD)),
    request(tx.objectStore('meta').get(COUNTERS_KEY)),
  ]);
  return { record, hasData: parseCounters(counters).version > 0 };
}

/** Makes a wrapping key and a storage key, and stores them unless another tab was first. */
async function create(webCrypto: Crypto, db: IDBDatabase, profile: string): Promise<Uint8Array> {
  let key: Uint8Array<ArrayBuffer>;
  let record: WrappedStorageKey;
  try {
    const wrappingKey = await webCrypto.subtle.generateKey(
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
    key = webCrypto.getRandomValues(new Uint8Array(KEY_BYTES));
    const iv = webCrypto.getRandomValues(new Uint8Array(IV_BYTES));
    const ciphertext = new Uint8Array(
      await webCrypto.subtle.encrypt(
        { name: 'AES-GCM', iv, additionalData: aad(profile) },
        wrappingKey,
        key,
      ),
    );
    record = { version: VERSION, wrappingKey, iv, ciphertext };
  } catch (err) {
    throw new SigilError('STORAGE_FAILURE', 'cannot create the storage key', { cause: err });
  }
  // Check-and-put in one read-write transaction: two tabs creating at once keep one key.
  const tx = begin(db, [KEY_TABLE, 'meta'], 'readwrite');
  const done = transactionDone(tx);
  let existing: unknown;
  let failure: SigilError | undefined;
  const store = tx.objectStore(KEY_TABLE);
  const current = store.get(STORAGE_KEY_RECORD);
  const counters = tx.objectStore('meta').get(COUNTERS_KEY);
  counters.onsuccess = () => {
    existing = current.result;
    if (existing !== undefined) return;
    try {
      if (parseCounters(counters.result).version > 0) throw missing();
      store.add(record, STORAGE_KEY_RECORD);
    } catch (err) {
      failure = SigilError.is(err) ? err : invalid('cannot store the storage key', err);
      tx.abort();
    }
  };
  try {
    await done;
  } catch (err) {
    key.fill(0);
    throw failure ?? err;
  }
  if (existing === undefined) return key;
  key.fill(0);
  return unwrap(webCrypto, profile, existing);
}

/**
 * Opens a stored record.
 * @throws SigilError `STORAGE_KEY_INVALID` if it is malformed or does not decrypt.
 */
async function unwrap(webCrypto: Crypto, profile: string, value: unknown): Promise<Uint8Array> {
  const record = value as Partial<WrappedStorageKey> | null;
  if (record === null || typeof record !== 'object' || record.version !== VERSION) {
    throw invalid('the stored storage key is damaged (unknown format)');
  }
  const { wrappingKey, iv, ciphertext } = record;
  if (
    typeof CryptoKey === 'undefined' ||
    !(wrappingKey instanceof CryptoKey) ||
    wrappingKey.extractable ||
    wrappingKey.algorithm.name !== 'AES-GCM' ||
    !(iv instanceof Uint8Array) ||
    iv.length !== IV_BYTES ||
    !(ciphertext instanceof Uint8Array) ||
    ciphertext.length !== CIPHERTEXT_BYTES
  ) {
    throw invalid('the stored storage key is damaged');
  }
  let plain: ArrayBuffer;
  try {
    plain = await webCrypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: aad(profile) },
      wrappingKey,
      ciphertext,
    );
  } catch (err) {
    throw invalid('the stored storage key does not open (damaged or tampered with)', err);
  }
  return new Uint8Array(plain);
}
