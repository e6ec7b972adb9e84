/**
 * A thin layer over a `pg` connection pool: opens it with the relay's session settings, applies
 * the migrations, runs queries and transactions, and turns driver errors into SigilErrors.
 *
 * Session settings (on every connection, at startup): `search_path` = the configured schema,
 * `application_name` (so an operator, or a test, can find this instance's sessions in
 * `pg_stat_activity`), a 30 s statement timeout and a 60 s idle-in-transaction timeout. Commits
 * are synchronous (the server default): a resolved write is on the server's disk; transactions
 * whose loss is harmless (acknowledgements, purges) turn that off for themselves.
 *
 * Errors: a lost or refused connection (SQLSTATE classes 08, 53, 57P, a socket error, a pool
 * timeout) is `UNAVAILABLE` (503, retry later: the pool reconnects on the next request); any
 * other failure is `STORAGE_FAILURE`. A transaction that hits a deadlock or serialization
 * failure is retried (three times); so is one whose pooled connection turns out dead at BEGIN,
 * and a read whose connection turns out dead (once), since neither did anything yet.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import pg from 'pg';
import type { Logger } from 'pino';
import { PG_MIGRATIONS } from './migrations.ts';

/** How to open the database. */
export interface PgOptions {
  /** `postgres://user[:password]@host:port/database`. */
  readonly url: string;
  /** Schema of the relay's tables (created if missing); unset: the server's search_path. */
  readonly schema?: string | undefined;
  /** Most connections (default 10). */
  readonly poolSize?: number;
  /** `application_name` of the sessions (default `sigil-relay`). */
  readonly applicationName?: string;
  /** Where connection errors of idle sessions are logged. */
  readonly logger?: Logger;
}

/** Something that runs queries: the pool, or one connection inside a transaction. */
export type Queryable = Pick<pg.PoolClient, 'query'>;

/** A named (prepared once per connection) or plain query. */
export interface Sql {
  readonly name?: string;
  readonly text: string;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57014', // query_canceled: the statement timeout (overload, lock wait)
]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended/i;

/** Whether `err` means the database cannot be reached right now (retry later). */
export function isConnectionError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (UNAVAILABLE_CODES.has(code)) return true;
    if (/^(08|53|57P)/.test(code)) return true;
  }
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message);
}

/** Turns a driver error into `UNAVAILABLE` or `STORAGE_FAILURE` (SigilErrors pass through). */
export function toStorageError(err: unknown): SigilError {
  if (err instanceof SigilError) return err;
  if (isConnectionError(err)) {
    return new SigilError('UNAVAILABLE', 'the relay database is unreachable', { cause: err });
  }
  return new SigilError('STORAGE_FAILURE', 'relay database operation failed', { cause: err });
}

/** Deadlock or serialization failure: the transaction may simply be run again. */
const RETRY_CODES = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 4;

/** An open relay database on PostgreSQL. */
export class PgDatabase {
  readonly #pool: pg.Pool;
  #closed = false;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /**
   * Opens a pool and migrates the schema to the latest version.
   * @throws SigilError `UNAVAILABLE` if the server cannot be reached, `STORAGE_FAILURE` if the
   *   schema is newer than this relay or a migration fails, `INVALID_ARGUMENT` for a bad schema.
   */
  static async open(options: PgOptions): Promise<PgDatabase> {
    const { schema } = options;
    if (schema !== undefined && !SCHEMA.test(schema)) {
      throw new SigilError('INVALID_ARGUMENT', 'schema: expected [a-z_][a-z0-9_]*');
    }
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      application_name: (options.applicationName ?? 'sigil-relay').slice(0, 63),
      ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
    });
    // An idle connection that dies (server restart, pg_terminate_backend) is dropped by the
    // pool; without this listener the error would crash the process.
    pool.on('error', (err) => options.logger?.warn({ err }, 'postgres: idle connection lost'));
    const db = new PgDatabase(pool);
    try {
      await db.#migrate(schema);
    } catch (err) {
      await pool.end().catch(() => {});
      throw toStorageError(err);
    }
    return db;
  }

  /**
   * Runs one statement (its own transaction) and returns the rows. A read that fails because
   * its pooled connection had died (server restarted, session terminated) is run once more on a
   * fresh connection; a write is not (it may have been applied).
   */
  async query<R extends object = Record<string, unknown>>(
    sql: Sql | string,
    values: readonly unknown[] = [],
  ): Promise<R[]> {
    const text = typeof sql === 'string' ? sql : sql.text;
    const read = /^\s*SELECT\b/i.test(text);
    for (let attempt = 1; ; attempt++) {
      this.#check();
      try {
        const result = await this.#pool.query<R>(config(sql, values));
        return result.rows;
      } catch (err) {
        if (read && attempt === 1 && isConnectionError(err)) continue;
        throw toStorageError(err);
      }
    }
  }

  /**
   * Runs `fn` in one transaction on one connection: COMMIT if it resolves, ROLLBACK if it
   * throws (and the throw is passed on; SigilErrors and other non-driver errors unchanged).
   * `lazy`: the commit does not wait for the disk (`synchronous_commit = off`): for writes
   * whose loss in a crash of the database server is harmless.
   */
  async transaction<T>(fn: (q: Queryable) => Promise<T>, lazy = false): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.#check();
      let client: pg.PoolClient;
      try {
        client = await this.#pool.connect();
      } catch (err) {
        throw toStorageError(err);
      }
      let broken: Error | undefined;
      let begun = false;
      // The connection may fail between two queries: without a listener that would crash.
      const onError = (err: Error): void => {
        broken = err;
      };
      client.on('error', onError);
      try {
        await client.query(lazy ? 'BEGIN; SET LOCAL synchronous_commit = off' : 'BEGIN');
        begun = true;
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        if (isConnectionError(err)) {
          broken = err as Error;
        } else {
          await client.query('ROLLBACK').catch((rollbackErr: Error) => {
            broken = rollbackErr;
          });
        }
        const code = (err as { code?: unknown } | null)?.code;
        // A pooled connection that died while idle fails at BEGIN, before anything was done:
        // safe to run again on a fresh one. So are deadlocks and serialization failures.
        const deadOnArrival = !begun && broken !== undefined && attempt === 1;
        const conflict = typeof code === 'string' && RETRY_CODES.has(code);
        if (!((conflict || deadOnArrival) && attempt < MAX_ATTEMPTS)) {
          throw isDriverError(err) ? toStorageError(err) : err;
        }
      } finally {
        client.removeListener('error', onError);
        // A connection that failed is destroyed, not put back.
        client.release(broken);
      }
    }
  }

  /** Closes every connection; later calls fail with `STORAGE_FAILURE`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  #check(): void {
    if (this.#closed) throw new SigilError('STORAGE_FAILURE', 'the relay database is closed');
  }

  async #migrate(schema: string | undefined): Promise<void> {
    const client = await this.#pool.connect();
    let broken: Error | undefined;
    const onError = (err: Error): void => {
      broken = err;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      // One migrator at a time across every instance starting now.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('sigil-relay-migrate'))");
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)',
      );
      const row = (await client.query('SELECT MAX(version) AS v FROM schema_migrations')).rows[0];
      const current = Number(row?.v ?? 0);
      const latest = PG_MIGRATIONS.at(-1)?.version ?? 0;
      if (current > latest) {
        throw new SigilError('STORAGE_FAILURE', 'the database was written by a newer relay', {
          details: { schemaVersion: current, supported: latest },
        });
      }
      for (const migration of PG_MIGRATIONS) {
        if (migration.version <= current) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
          migration.version,
          Date.now(),
        ]);
      }
      await client.query('COMMIT');
    } catch (err) {
      if (isConnectionError(err)) broken = err as Error;
      else await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }
}

/** Whether `err` came from the driver or the server (not a SigilError or a store sentinel). */
function isDriverError(err: unknown): boolean {
  return err instanceof pg.DatabaseError || isConnectionError(err);
}

function config(sql: Sql | string, values: readonly unknown[]): pg.QueryConfig {
  if (typeof sql === 'string') return { text: sql, values: [...values] };
  return {
    ...(sql.name === undefined ? {} : { name: sql.name }),
    text: sql.text,
    values: [...values],
  };
}

/** Bytes as the driver wants them (a Buffer view, no copy). */
export function bytea(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** A bytea column as a plain Uint8Array (a copy, so no pooled Buffer memory escapes). */
export function fromBytea(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new SigilError('STORAGE_FAILURE', 'not a bytea value');
  return new Uint8Array(value);
}
