/**
 * The external services some relay tests need (PostgreSQL, Redis, the redis-server binary):
 * where they are, a quick probe (under a second), and the gate every such test file uses.
 *
 * Unreachable: the file's suites are skipped with a plain line, "skipped: PostgreSQL not
 * reachable at ... (set SIGIL_TEST_POSTGRES_URL)". But where the services are required (`CI`
 * set, or `SIGIL_REQUIRE_SERVICES=1`, as .ci/run does) the file gets a failing test instead.
 *
 * Isolation: each test run makes its own PostgreSQL schema (`sigil_test_<random>`, dropped
 * afterwards) and its own Redis channel prefix, so test files running in parallel never meet.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, it } from 'vitest';
import { redactUrl } from '../src/config.ts';

/** PostgreSQL for tests (trust auth on the project's machines). */
export const POSTGRES_URL =
  process.env.SIGIL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Redis for tests. */
export const REDIS_URL = process.env.SIGIL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether missing services fail the tests instead of skipping them. */
export const SERVICES_REQUIRED =
  (process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false') ||
  process.env.SIGIL_REQUIRE_SERVICES === '1';

const PROBE_MS = 1000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${PROBE_MS} ms`)), PROBE_MS).unref(),
    ),
  ]);
}

/** Connects to PostgreSQL and runs `SELECT 1`; rejects if it cannot. */
export async function probePostgres(url = POSTGRES_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_MS });
  client.on('error', () => {});
  try {
    await withTimeout(
      client.connect().then(() => client.query('SELECT 1')),
      'PostgreSQL',
    );
  } finally {
    client.end().catch(() => {});
  }
}

/** Connects to Redis and sends PING; rejects if it cannot. */
export async function probeRedis(url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await withTimeout(
      redis.connect().then(() => redis.ping()),
      'Redis',
    );
  } finally {
    redis.disconnect();
  }
}

/** Whether `redis-server --version` runs. */
export async function probeRedisServerBinary(): Promise<void> {
  const result = spawnSync('redis-server', ['--version'], { timeout: PROBE_MS });
  if (result.status !== 0) throw new Error('redis-server is not on PATH');
}

/**
 * Probes each service; true if all answer. Otherwise prints "skipped: ..." and returns false
 * so the caller's `describe.skipIf` skips, or, when services are required, also registers a
 * failing test naming what is missing.
 */
export async function servicesAvailable(
  ...needs: ('postgres' | 'redis' | 'redis-server')[]
): Promise<boolean> {
  const problems: string[] = [];
  for (const need of needs) {
    try {
      if (need === 'postgres') await probePostgres();
      else if (need === 'redis') await probeRedis();
      else await probeRedisServerBinary();
    } catch {
      problems.push(
        need === 'postgres'
          ? `PostgreSQL not reachable at ${redactUrl(POSTGRES_URL)} (set SIGIL_TEST_POSTGRES_URL)`
          : need === 'redis'
            ? `Redis not reachable at ${redactUrl(REDIS_URL)} (set SIGIL_TEST_REDIS_URL)`
            : 'redis-server binary not found (install Redis)',
      );
    }
  }
  if (problems.length === 0) return true;
  if (SERVICES_REQUIRED) {
    describe('required services (CI or SIGIL_REQUIRE_SERVICES=1)', () => {
      it('are reachable', () => {
        throw new Error(problems.join('; '));
      });
    });
  } else {
    for (const problem of problems) console.warn(`skipped: ${problem}`);
  }
  return false;
}

/** A fresh name: `sigil_test_` + 16 hex digits (a schema, a channel prefix). */
export function uniqueName(): string {
  return `sigil_test_${randomBytes(8).toString('hex')}`;
}

/** Runs `fn` on a short-lived admin connection (schema creation and removal, fault injection). */
export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  if (!/^sigil_test_[0-9a-f]{16}$/.test(schema)) throw new Error('not a test schema');
  await withAdmin((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

/** Terminates every session whose application_name is `name` (a simulated connection loss). */
export async function terminateSessions(applicationName: string): Promise<number> {
  return withAdmin(async (client) => {
    const result = await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [applicationName],
    );
    return result.rowCount ?? 0;
  });
}
