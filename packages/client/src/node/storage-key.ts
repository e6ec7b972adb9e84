/**
 * The storage key of a profile directory (Node only): the 32-byte key that seals every secret
 * in the client's database (sealer.ts). Two forms, next to the database:
 *
 * - `storage.key`: the 32 raw bytes, in a file created with mode 0600 (readable only by the
 *   user). Loading refuses a file that group or others can read (`STORAGE_KEY_INSECURE`), as
 *   ssh does for private keys.
 * - `storage-key.json` (when the user sets a passphrase): the key wrapped with AES-256-GCM
 *   under a key derived from the passphrase with Argon2id (RFC 9106), with the salt and the
 *   parameters stored beside it: `{ version, kdf: "argon2id", memoryKiB, passes, parallelism,
 *   salt, nonce, wrapped }` (binary fields base64url; AAD "Sigil/v1/Client/StorageKey").
 *   Changing or removing the passphrase rewraps the same key, so nothing in the database is
 *   re-sealed. A wrong passphrase is `STORAGE_KEY_INVALID`.
 *
 * Defaults: Argon2id with 64 MiB, 3 passes, 4 lanes (RFC 9106 §4, second recommendation):
 * about half a second on the node backend. Files are replaced atomically (write, then rename).
 *
 * @example
 * ```ts
 * const key = storageKeyState(dir) === undefined
 *   ? createStorageKey(crypto, dir)
 *   : loadStorageKey(crypto, dir, { passphrase });
 * ```
 * @module
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { fromBase64url, toBase64url, utf8 } from '../internal/bytes.ts';

/** The raw key file. */
export const STORAGE_KEY_FILE = 'storage.key';
/** The passphrase-wrapped key file. */
export const WRAPPED_KEY_FILE = 'storage-key.json';

/** Argon2id cost parameters. */
export interface Argon2Params {
  /** Memory in KiB. */
  readonly memoryKiB: number;
  /** Passes over the memory. */
  readonly passes: number;
  /** Lanes. */
  readonly parallelism: number;
}

/** RFC 9106 §4's second recommended setting: 64 MiB, 3 passes, 4 lanes. */
export const DEFAULT_ARGON2: Argon2Params = { memoryKiB: 64 * 1024, passes: 3, parallelism: 4 };

const AAD = utf8('Sigil/v1/Client/StorageKey');

interface WrappedKeyFile extends Argon2Params {
  readonly version: 1;
  readonly kdf: 'argon2id';
  readonly salt: string;
  readonly nonce: string;
  readonly wrapped: string;
}

/** Which form of storage key `dir` holds, if any. */
export function storageKeyState(dir: string): 'file' | 'passphrase' | undefined {
  if (existsSync(join(dir, WRAPPED_KEY_FILE))) return 'passphrase';
  if (existsSync(join(dir, STORAGE_KEY_FILE))) return 'file';
  return undefined;
}

/**
 * Creates a new random storage key in `dir`: a 0600 key file, or wrapped under `passphrase`.
 * @throws SigilError `ACCOUNT_EXISTS` if `dir` holds a key already; `STORAGE_FAILURE`.
 */
export function createStorageKey(
  crypto: CryptoProvider,
  dir: string,
  options: { passphrase?: string | undefined; argon2?: Argon2Params } = {},
): Uint8Array {
  if (storageKeyState(dir) !== undefined) {
    throw new SigilError('ACCOUNT_EXISTS', 'this profile has a storage key already');
  }
  const key = crypto.random.bytes(32);
  writeKey(crypto, dir, key, options.passphrase, options.argon2 ?? DEFAULT_ARGON2);
  return key;
}

/**
 * Loads the storage key of `dir`.
 * @throws SigilError `NO_LOCAL_ACCOUNT` if there is none; `PASSPHRASE_REQUIRED`;
 *   `STORAGE_KEY_INVALID` for a wrong passphrase or a damaged file; `STORAGE_KEY_INSECURE` for
 *   a key file others can read; `STORAGE_FAILURE`.
 */
export function loadStorageKey(
  crypto: CryptoProvider,
  dir: string,
  options: { passphrase?: string | undefined } = {},
): Uint8Array {
  const state = storageKeyState(dir);
  if (state === undefined)
    throw new SigilError('NO_LOCAL_ACCOUNT', 'this profile has no storage key');
  if (state === 'passphrase') {
    if (options.passphrase === undefined) {
      throw new SigilError('PASSPHRASE_REQUIRED', 'this profile is protected by a passphrase');
    }
    return unwrap(crypto, readWrapped(dir), options.passphrase);
  }
  const path = join(dir, STORAGE_KEY_FILE);
  const stat = statSync(path);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new SigilError(
      'STORAGE_KEY_INSECURE',
      'the storage key file is readable by others: chmod 600 it',
    );
  }
  const key = new Uint8Array(readFileSync(path));
  if (key.length !== 32)
    throw new SigilError('STORAGE_KEY_INVALID', 'the storage key file is damaged');
  return key;
}

/**
 * Sets, changes (`passphrase` given) or removes (`undefined`) the passphrase of `dir`'s key:
 * the same key is rewrapped (or written as a 0600 key file).
 * @throws the errors of {@link loadStorageKey} for `current`.
 */
export function setPassphrase(
  crypto: CryptoProvider,
  dir: string,
  options: { current?: string | undefined; passphrase: string | undefined; argon2?: Argon2Params },
): void {
  const key = loadStorageKey(crypto, dir, { passphrase: options.current });
  writeKey(crypto, dir, key, options.passphrase, options.argon2 ?? DEFAULT_ARGON2);
}

function writeKey(
  crypto: CryptoProvider,
  dir: string,
  key: Uint8Array,
  passphrase: string | undefined,
  argon2: Argon2Params,
): void {
  if (passphrase === undefined) {
    replaceFile(join(dir, STORAGE_KEY_FILE), key);
    rmSync(join(dir, WRAPPED_KEY_FILE), { force: true });
    return;
  }
  if (passphrase.length === 0) throw new SigilError('INVALID_ARGUMENT', 'the passphrase is empty');
  const salt = crypto.random.bytes(16);
  const nonce = crypto.random.bytes(12);
  const kek = derive(crypto, passphrase, salt, argon2);
  const wrapped = crypto.aead.seal('aes-256-gcm', kek, nonce, key, AAD);
  kek.fill(0);
  const file: WrappedKeyFile = {
    version: 1,
    kdf: 'argon2id',
    ...argon2,
    salt: toBase64url(salt),
    nonce: toBase64url(nonce),
    wrapped: toBase64url(wrapped),
  };
  replaceFile(join(dir, WRAPPED_KEY_FILE), utf8(`${JSON.stringify(file, null, 2)}\n`));
  rmSync(join(dir, STORAGE_KEY_FILE), { force: true });
}

function derive(
  crypto: CryptoProvider,
  passphrase: string,
  salt: Uint8Array,
  p: Argon2Params,
): Uint8Array {
  return crypto.argon2id.derive({
    password: utf8(passphrase.normalize('NFC')),
    salt,
    memoryKiB: p.memoryKiB,
    passes: p.passes,
    parallelism: p.parallelism,
    tagLength: 32,
  });
}

function readWrapped(dir: string): WrappedKeyFile {
  try {
    const file = JSON.parse(readFileSync(join(dir, WRAPPED_KEY_FILE), 'utf8')) as WrappedKeyFile;
    if (file.version !== 1 || file.kdf !== 'argon2id') throw new Error('unknown key file');
    return file;
  } catch (err) {
    throw new SigilError('STORAGE_KEY_INVALID', 'the wrapped storage key file is damaged', {
      cause: err,
    });
  }
}

function unwrap(crypto: CryptoProvider, file: WrappedKeyFile, passphrase: string): Uint8Array {
  try {
    const kek = derive(crypto, passphrase, fromBase64url(file.salt), file);
    const key = crypto.aead.open(
      'aes-256-gcm',
      kek,
      fromBase64url(file.nonce),
      fromBase64url(file.wrapped),
      AAD,
    );
    kek.fill(0);
    return key;
  } catch (err) {
    throw new SigilError('STORAGE_KEY_INVALID', 'wrong passphrase (or a damaged key file)', {
      cause: err,
    });
  }
}

/** Writes `data` to `path` with mode 0600, atomically (temporary file, then rename). */
function replaceFile(path: string, data: Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeFileSync(fd, data);
      fsyncSync(fd); // the database is fsynced; its key must survive a crash as well
    } finally {
      closeSync(fd);
    }
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw new SigilError('STORAGE_FAILURE', 'cannot write the storage key file', { cause: err });
  }
}
