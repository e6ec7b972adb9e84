/** The SQLite engine: migrations recorded once, durability pragmas, newer schemas refused. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SigilError } from '@sigil/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SqliteRelayStore } from '../../src/storage/sqlite/index.ts';

describe('SQLite storage engine', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigil-relay-db-'));
    dirs.push(dir);
    return join(dir, 'nested', 'relay.db');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the directory, applies every migration once, and uses WAL', async () => {
    const path = fresh();
    await SqliteRelayStore.open(path).close();
    await SqliteRelayStore.open(path).close();
    const db = new DatabaseSync(path);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(versions.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(db.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
    db.close();
  });

  it('refuses a database written by a newer relay with STORAGE_FAILURE', async () => {
    const path = fresh();
    await SqliteRelayStore.open(path).close();
    const db = new DatabaseSync(path);
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(999, 0);
    db.close();
    let error: unknown;
    try {
      SqliteRelayStore.open(path);
    } catch (err) {
      error = err;
    }
    expect(SigilError.is(error, 'STORAGE_FAILURE')).toBe(true);
  });

  it('a closed store fails with STORAGE_FAILURE, not a raw error', async () => {
    const store = SqliteRelayStore.open(fresh());
    await store.close();
    await expect(store.countQueued()).rejects.toSatisfy((err) =>
      SigilError.is(err, 'STORAGE_FAILURE'),
    );
  });

  it('message ids are never reused after the newest is acknowledged', async () => {
    const store = SqliteRelayStore.open(fresh());
    await store.createAccount({
      accountId: 'a',
      accountKey: new Uint8Array(32),
      deviceList: new Uint8Array(1),
      listVersion: 1n,
      username: undefined,
      devices: [{ deviceId: 1, signingKey: new Uint8Array(32), certificateTbs: new Uint8Array(1) }],
      createdAt: 0,
    });
    const send = {
      senderAccountId: 'b',
      senderDeviceId: 1,
      recipientAccountId: 'a',
      excludeDeviceId: undefined,
      messages: [{ deviceId: 1, ciphertext: new Uint8Array([1]) }],
      receivedAt: 0,
    };
    const first = await store.enqueue(send);
    if (first.status !== 'stored') throw new Error('not stored');
    await store.ackMessages('a', 1, first.ids);
    const second = await store.enqueue(send);
    if (second.status !== 'stored') throw new Error('not stored');
    expect(second.ids[0]).toBeGreaterThan(first.ids[0] ?? 0n);
    await store.close();
  });
});
