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
});
