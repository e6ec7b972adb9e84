/**
 * The SQLite engine: the shared storage suite on a fresh file per test, plus what only SQLite
 * has (the directory is created, migrations are recorded once, the journal is WAL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, SqliteRelayStore } from '../../src/storage/sqlite/index.ts';
import { describeRelayStore } from './store-suite.ts';

describeRelayStore({
  name: 'SQLite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'sigil-relay-store-'));
    const path = join(dir, 'relay.db');
    return {
      open: async () => SqliteRelayStore.open(path),
      async markNewerSchema() {
        const db = new DatabaseSync(path);
        db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(999, 0);
        db.close();
      },
      async destroy() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

describe('SQLite storage engine', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('creates the directory, applies every migration once, and uses WAL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigil-relay-db-'));
    dirs.push(dir);
    const path = join(dir, 'nested', 'relay.db');
    await SqliteRelayStore.open(path).close();
    await SqliteRelayStore.open(path).close();
    const db = new DatabaseSync(path);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(versions.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(db.prepare('PRAGMA journal_mode').get()?.journal_mode).toBe('wal');
    db.close();
  });

  it('upgrades a database of schema 1: old mail kept, groups and KeyPackages available', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sigil-relay-db-'));
    dirs.push(dir);
    const path = join(dir, 'relay.db');
    const old = new DatabaseSync(path);
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT',
    );
    old.exec(MIGRATIONS[0]?.sql ?? '');
    old.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (1, 0)').run();
    old.prepare("INSERT INTO accounts VALUES ('acct', x'01', x'02', '1', NULL, 0)").run();
    old.prepare("INSERT INTO devices VALUES ('acct', 1, x'03', x'04', NULL)").run();
    old
      .prepare(
        "INSERT INTO messages (account_id, device_id, sender_account_id, sender_device_id, ciphertext, received_at) VALUES ('acct', 1, 's', 1, x'05', 0)",
      )
      .run();
    old.close();
    const store = SqliteRelayStore.open(path);
    try {
      const [message, ...rest] = await store.fetchMessages('acct', 1, 0n, 10);
      expect(rest).toEqual([]);
      expect(message?.ciphertext).toEqual(new Uint8Array([5]));
      expect(message && 'groupId' in message).toBe(false);
      const groupId = new Uint8Array(32).fill(7);
      expect(await store.createGroup(groupId, { accountId: 'acct', deviceId: 1 }, 0)).toBe(
        'created',
      );
      expect(await store.countKeyPackages('acct', 1)).toEqual({ count: 0, hasLastResort: false });
    } finally {
      await store.close();
    }
  });
});
