/**
 * @sigil/client/node: the Node-only parts of the SDK: the node:sqlite store, the storage key
 * file (or passphrase), and {@link openProfile}, which puts a client together on a profile
 * directory (what the `sigil` CLI uses).
 *
 * A profile directory (mode 0700) holds `client.db` (the SQLite store), and `storage.key`
 * (mode 0600) or `storage-key.json` (passphrase-wrapped).
 *
 * @example
 * ```ts
 * import { openProfile } from '@sigil/client/node';
 * const client = openProfile({ dir: '/home/me/.config/sigil/default', create: true });
 * await client.createAccount({ relayUrl: 'http://127.0.0.1:8787', username: 'alice' });
 * await client.close(); // also closes the database
 * ```
 * @module
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CryptoProvider, getCryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { SigilClient } from '../client.ts';
import type { ClientOptions, Transport, UnsafeTestHooks } from '../deps.ts';
import { SqliteStore } from './sqlite-store.ts';
import {
  type Argon2Params,
  createStorageKey,
  loadStorageKey,
  storageKeyState,
} from './storage-key.ts';

export { CLIENT_MIGRATIONS, SqliteStore } from './sqlite-store.ts';
export {
  type Argon2Params,
  createStorageKey,
  DEFAULT_ARGON2,
  loadStorageKey,
  STORAGE_KEY_FILE,
  setPassphrase,
  storageKeyState,
  WRAPPED_KEY_FILE,
} from './storage-key.ts';

/** The database file inside a profile directory. */
export const CLIENT_DATABASE_FILE = 'client.db';

/** Options of {@link openProfile}. */
export interface ProfileOptions {
  /** The profile directory. */
  readonly dir: string;
  /** Create the directory and a new storage key if the profile does not exist. */
  readonly create?: boolean;
  /** The passphrase: to unlock a protected key, or to protect a key created now. */
  readonly passphrase?: string | undefined;
  /** Argon2id parameters for a key created now with a passphrase. */
  readonly argon2?: Argon2Params;
  /** Default: `getCryptoProvider()`. */
  readonly crypto?: CryptoProvider;
  readonly transport?: Transport;
  readonly options?: ClientOptions;
  /** Test-only crash points. */
  readonly unsafeTestHooks?: UnsafeTestHooks;
}

/** Whether `dir` holds a profile (a storage key and a database). */
export function profileExists(dir: string): boolean {
  return storageKeyState(dir) !== undefined && existsSync(join(dir, CLIENT_DATABASE_FILE));
}

/**
 * A client on a profile directory: loads (or with `create`, makes) the storage key and opens
 * the SQLite store; the client closes the store when it closes. Call `createAccount` or
 * `open` next.
 * @throws SigilError `NO_LOCAL_ACCOUNT` (no profile and not `create`), `PASSPHRASE_REQUIRED`,
 *   `STORAGE_KEY_INVALID`, `STORAGE_KEY_INSECURE`, `STORAGE_FAILURE`.
 */
export function openProfile(options: ProfileOptions): SigilClient {
  const crypto = options.crypto ?? getCryptoProvider();
  const { dir } = options;
  let storageKey: Uint8Array;
  if (storageKeyState(dir) === undefined) {
    if (options.create !== true)
      throw new SigilError('NO_LOCAL_ACCOUNT', 'no profile in this directory');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') chmodSync(dir, 0o700);
    storageKey = createStorageKey(crypto, dir, {
      passphrase: options.passphrase,
      ...(options.argon2 === undefined ? {} : { argon2: options.argon2 }),
    });
  } else {
    storageKey = loadStorageKey(crypto, dir, { passphrase: options.passphrase });
  }
  const store = SqliteStore.open(join(dir, CLIENT_DATABASE_FILE));
  try {
    return new SigilClient({
      crypto,
      store,
      storageKey,
      ownsStore: true,
      ...(options.transport === undefined ? {} : { transport: options.transport }),
      ...(options.options === undefined ? {} : { options: options.options }),
      ...(options.unsafeTestHooks === undefined
        ? {}
        : { unsafeTestHooks: options.unsafeTestHooks }),
    });
  } catch (err) {
    void store.close();
    throw err;
  } finally {
    storageKey.fill(0);
  }
}
