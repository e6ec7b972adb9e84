/**
 * A thin layer over `node:sqlite`'s `DatabaseSync`: opens the file with the durability settings
 * the relay promises, applies the migrations, caches prepared statements and runs transactions.
 *
 * Settings: WAL journal (readers do not block the writer) with `synchronous=FULL`, so every
 * committed transaction is fsynced before the call returns: a send the relay acknowledged
 * survives `kill -9` and power loss. `busy_timeout` lets several processes share one file.
 *
 * @module
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { SigilError } from '@sigil/errors';
import { MIGRATIONS } from './migrations.ts';

/** A value bound to a statement parameter. */
export type SqlValue = SQLInputValue;
/** A row as node:sqlite returns it. */
export type SqlRow = Record<string, SqlValue>;

/** An open relay database. */
export class RelayDatabase {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();

  /**
   * Opens (creating if needed) the database at `path` (`:memory:` for a private in-memory one)
   * and migrates it to the latest schema.
   * @throws SigilError `STORAGE_FAILURE` if the file cannot be opened or its schema is newer.
   */
  constructor(path: string) {
    try {
      this.#db = new DatabaseSync(path);
      this.#db.exec('PRAGMA journal_mode = WAL');
      this.#db.exec('PRAGMA synchronous = FULL');
      this.#db.exec('PRAGMA busy_timeout = 5000');
      this.#db.exec('PRAGMA foreign_keys = ON');
    } catch (err) {
      throw new SigilError('STORAGE_FAILURE', 'cannot open the relay database', { cause: err });
    }
    this.#migrate();
  }

  /** A cached prepared statement for `sql`. */
  statement(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `sql` and returns all rows. */
  all(sql: string, ...params: SqlValue[]): SqlRow[] {
    return this.statement(sql).all(...params) as SqlRow[];
  }

  /** Runs `sql` and returns the first row. */
  get(sql: string, ...params: SqlValue[]): SqlRow | undefined {
    return this.statement(sql).get(...params) as SqlRow | undefined;
  }

  /** Runs `sql` and returns how many rows it changed. */
  run(sql: string, ...params: SqlValue[]): number {
    return Number(this.statement(sql).run(...params).changes);
  }

  /**
   * Runs `fn` inside `BEGIN IMMEDIATE` ... `COMMIT` (the write lock is taken up front, so a
   * concurrent writer waits instead of failing half-way); any throw rolls back and rethrows.
   */
  transaction<T>(fn: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
    this.#db.exec('COMMIT');
    return result;
  }

  /**
   * Like {@link transaction}, but the commit is not fsynced (`synchronous=NORMAL` for this one
   * commit): it survives a crash of the process, and the next durable commit makes it durable
   * too; only a power loss before then can undo it. For writes whose loss is harmless and
   * self-healing, such as deleting acknowledged messages (lost, they are delivered again and
   * the client drops the duplicate).
   */
  lazyTransaction<T>(fn: () => T): T {
    this.#db.exec('PRAGMA synchronous = NORMAL');
    try {
      return this.transaction(fn);
    } finally {
      this.#db.exec('PRAGMA synchronous = FULL');
    }
  }

  /** Closes the database (statements are finalized with it). */
  close(): void {
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }

  #migrate(): void {
    this.#db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT',
    );
    const row = this.get('SELECT MAX(version) AS v FROM schema_migrations');
    const current = typeof row?.v === 'number' ? row.v : 0;
    const latest = MIGRATIONS.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new SigilError('STORAGE_FAILURE', 'the database was written by a newer relay', {
        details: { schemaVersion: current, supported: latest },
      });
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      this.transaction(() => {
        this.#db.exec(migration.sql);
        this.run(
          'INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)',
          migration.version,
          Date.now(),
        );
      });
    }
  }
}
