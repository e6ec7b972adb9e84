/**
 * The storage key of a profile: a 0600 key file, or a key wrapped under an Argon2id-derived key
 * when a passphrase is set; and the profile's database holds no plaintext, because every secret
 * is sealed under that key.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLIENT_DATABASE_FILE,
  createStorageKey,
  loadStorageKey,
  openProfile,
  profileExists,
  STORAGE_KEY_FILE,
  setPassphrase,
  storageKeyState,
  WRAPPED_KEY_FILE,
} from '../src/node/index.ts';
import { connected, newAccount, startRelay, type TestRelay, texts, until } from './harness.ts';

const crypto = getCryptoProvider();
/** Cheap Argon2id parameters for tests (the default costs ~0.5 s per derivation). */
const FAST = { memoryKiB: 64, passes: 1, parallelism: 1 };
const dirs: string[] = [];
let relay: TestRelay | undefined;
afterEach(async () => {
  await relay?.close();
  relay = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sigil-key-'));
  dirs.push(dir);
  return dir;
}

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
    return 'returned';
  } catch (err) {
    return SigilError.is(err) ? err.code : err;
  }
}

describe('storage key', () => {
  it('a key file is created with mode 0600 and refused once others can read it', () => {
    const dir = tempDir();
    expect(codeOf(() => loadStorageKey(crypto, dir))).toBe('NO_LOCAL_ACCOUNT');
    const key = createStorageKey(crypto, dir);
    expect(key.length).toBe(32);
    expect(storageKeyState(dir)).toBe('file');
    expect(statSync(join(dir, STORAGE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadStorageKey(crypto, dir)).toEqual(key);
    expect(codeOf(() => createStorageKey(crypto, dir))).toBe('ACCOUNT_EXISTS');
    chmodSync(join(dir, STORAGE_KEY_FILE), 0o644);
    expect(codeOf(() => loadStorageKey(crypto, dir))).toBe('STORAGE_KEY_INSECURE');
  });

  it('a passphrase wraps the key under Argon2id; changing or removing it keeps the key', () => {
    const dir = tempDir();
    const key = createStorageKey(crypto, dir, { passphrase: 'correct horse', argon2: FAST });
    expect(storageKeyState(dir)).toBe('passphrase');
    const file = JSON.parse(readFileSync(join(dir, WRAPPED_KEY_FILE), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(file).toMatchObject({
      version: 1,
      kdf: 'argon2id',
      memoryKiB: 64,
      passes: 1,
      parallelism: 1,
    });
    expect(typeof file.salt).toBe('string');
    expect(statSync(join(dir, WRAPPED_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(codeOf(() => loadStorageKey(crypto, dir))).toBe('PASSPHRASE_REQUIRED');
    expect(codeOf(() => loadStorageKey(crypto, dir, { passphrase: 'wrong' }))).toBe(
      'STORAGE_KEY_INVALID',
    );
    expect(loadStorageKey(crypto, dir, { passphrase: 'correct horse' })).toEqual(key);

    setPassphrase(crypto, dir, {
      current: 'correct horse',
      passphrase: 'battery staple',
      argon2: FAST,
    });
    expect(codeOf(() => loadStorageKey(crypto, dir, { passphrase: 'correct horse' }))).toBe(
      'STORAGE_KEY_INVALID',
    );
    expect(loadStorageKey(crypto, dir, { passphrase: 'battery staple' })).toEqual(key);

    setPassphrase(crypto, dir, { current: 'battery staple', passphrase: undefined });
    expect(storageKeyState(dir)).toBe('file');
    expect(loadStorageKey(crypto, dir)).toEqual(key);
  });

  it('a profile: created 0700, its database holds no plaintext, reopened with its passphrase', async () => {
    relay = await startRelay();
    const dir = join(tempDir(), 'profile');
    const bob = openProfile({ dir, create: true, passphrase: 'pw', argon2: FAST });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(profileExists(dir)).toBe(true);
    await bob.createAccount({ relayUrl: relay.url, username: 'bob' });
    await connected(bob);
    const alice = await newAccount(relay, 'alice');
    await alice.client.send('bob', 'a plaintext that must stay sealed');
    await until(async () => (await texts(bob)).length === 1, 'bob receives');
    await bob.send(alice.client.whoami().accountId, 'the sealed reply');
    await bob.close();
    await alice.client.close();

    const database = Buffer.concat(
      ['', '-wal'].map((suffix) => {
        try {
          return readFileSync(join(dir, `${CLIENT_DATABASE_FILE}${suffix}`));
        } catch {
          return Buffer.alloc(0);
        }
      }),
    );
    for (const text of ['a plaintext that must stay sealed', 'the sealed reply', 'plaintext']) {
      expect(database.includes(Buffer.from(text)), text).toBe(false);
    }
    expect(codeOf(() => openProfile({ dir }))).toBe('PASSPHRASE_REQUIRED');
    expect(codeOf(() => openProfile({ dir, passphrase: 'nope' }))).toBe('STORAGE_KEY_INVALID');
    const again = openProfile({ dir, passphrase: 'pw' });
    await again.open({ connect: false });
    expect(await texts(again)).toEqual(['a plaintext that must stay sealed', 'the sealed reply']);
    await again.close();
  });
});
