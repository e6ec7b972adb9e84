/**
 * The PostgreSQL engine: the shared storage suite, each test on a fresh schema of its own
 * (dropped afterwards), plus what only PostgreSQL has: migrations under an advisory lock when
 * several instances start at once, and a lost connection that fails with `UNAVAILABLE` (503,
 * retryable) and works again once the database is back.
 *
 * Needs PostgreSQL (SIGIL_TEST_POSTGRES_URL); skipped with a message when it is unreachable,
 * failed instead in CI (test/services.ts).
 */
import { SigilError } from '@sigil/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS, PostgresRelayStore } from '../../src/storage/postgres/index.ts';
import type { RelayStore } from '../../src/storage/relay-store.ts';
import {
  dropSchema,
  POSTGRES_URL,
  servicesAvailable,
  terminateSessions,
  uniqueName,
  withAdmin,
} from '../services.ts';
import { describeRelayStore } from './store-suite.ts';

const available = await servicesAvailable('postgres');

describe.skipIf(!available)('PostgreSQL', () => {
  describeRelayStore({
    name: 'PostgreSQL',
    async create() {
      const schema = uniqueName();
      return {
        open: () => PostgresRelayStore.open({ url: POSTGRES_URL, schema, poolSize: 4 }),
        async markNewerSchema() {
          await withAdmin((client) =>
            client.query(
              `INSERT INTO "${schema}".schema_migrations (version, applied_at) VALUES (999, 0)`,
            ),
          );
        },
        destroy: () => dropSchema(schema),
      };
    },
  });

  describe('PostgreSQL storage engine', () => {
    const schemas: string[] = [];
    const stores: RelayStore[] = [];
    afterEach(async () => {
      for (const store of stores.splice(0)) await store.close().catch(() => {});
      for (const schema of schemas.splice(0)) await dropSchema(schema);
    });
    const fresh = (): string => {
      const schema = uniqueName();
      schemas.push(schema);
      return schema;
    };

    it('creates the schema; four instances opening at once apply each migration once', async () => {
      const schema = fresh();
      const opened = await Promise.all(
        Array.from({ length: 4 }, () => PostgresRelayStore.open({ url: POSTGRES_URL, schema })),
      );
      stores.push(...opened);
      const versions = await withAdmin((client) =>
        client.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`),
      );
      expect(versions.rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    });

    it('upgrades a schema of version 1: old mail kept, groups and KeyPackages available', async () => {
      const schema = fresh();
      await withAdmin(async (client) => {
        await client.query(`CREATE SCHEMA "${schema}"`);
        await client.query(`SET search_path = "${schema}"`);
        await client.query(
          'CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)',
        );
        await client.query(PG_MIGRATIONS[0]?.sql ?? '');
        await client.query('INSERT INTO schema_migrations VALUES (1, 0)');
        await client.query("INSERT INTO accounts VALUES ('acct', '\\x01', '\\x02', 1, NULL, 0)");
        await client.query("INSERT INTO devices VALUES ('acct', 1, '\\x03', '\\x04', NULL)");
        await client.query(
          "INSERT INTO messages (account_id, device_id, sender_account_id, sender_device_id, ciphertext, received_at) VALUES ('acct', 1, 's', 1, '\\x05', 0)",
        );
      });
      const store = await PostgresRelayStore.open({ url: POSTGRES_URL, schema });
      stores.push(store);
      const [message, ...rest] = await store.fetchMessages('acct', 1, 0n, 10);
      expect(rest).toEqual([]);
      expect(message?.ciphertext).toEqual(new Uint8Array([5]));
      expect(message && 'groupId' in message).toBe(false);
      const groupId = new Uint8Array(32).fill(7);
      expect(await store.createGroup(groupId, { accountId: 'acct', deviceId: 1 }, 0)).toBe(
        'created',
      );
      expect(await store.countKeyPackages('acct', 1)).toEqual({ count: 0, hasLastResort: false });
    });

    it('refuses a schema name that is not an identifier with INVALID_ARGUMENT', async () => {
      await expect(
        PostgresRelayStore.open({ url: POSTGRES_URL, schema: 'x"; DROP TABLE y; --' }),
      ).rejects.toSatisfy((err) => SigilError.is(err, 'INVALID_ARGUMENT'));
    });

    it('an unreachable server is UNAVAILABLE', async () => {
      const url = new URL(POSTGRES_URL);
      url.port = '1'; // nothing listens on loopback port 1
      await expect(
        PostgresRelayStore.open({ url: url.toString(), schema: fresh() }),
      ).rejects.toSatisfy((err) => SigilError.is(err, 'UNAVAILABLE'));
    });

    it('a dropped connection fails with UNAVAILABLE, then works again', async () => {
      const schema = fresh();
      const applicationName = `sigil-test-${schema}`;
      const store = await PostgresRelayStore.open({
        url: POSTGRES_URL,
        schema,
        applicationName,
        poolSize: 2,
      });
      stores.push(store);
      await store.ping();
      // Hold a lock so the next query is inside the server when its session is terminated.
      const failure = await withAdmin(async (admin) => {
        await admin.query('BEGIN');
        await admin.query(`LOCK TABLE "${schema}".messages IN ACCESS EXCLUSIVE MODE`);
        const blocked = store.countQueued().then(
          () => undefined,
          (err: unknown) => err,
        );
        // Wait until the relay's query is waiting on the lock, then cut its session.
        for (let i = 0; ; i++) {
          // pg_stat_activity is a snapshot per transaction: cleared before each look.
          await admin.query('SELECT pg_stat_clear_snapshot()');
          const waiting = await admin.query(
            'SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND pg_backend_pid() = ANY(pg_blocking_pids(pid))',
            [applicationName],
          );
          if ((waiting.rowCount ?? 0) > 0) break;
          if (i > 500) throw new Error('the query never reached the locked table');
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(await terminateSessions(applicationName)).toBeGreaterThan(0);
        const err = await blocked;
        await admin.query('ROLLBACK');
        return err;
      });
      expect(SigilError.is(failure, 'UNAVAILABLE'), String(failure)).toBe(true);
      // The pool reconnects on the next request.
      expect(await store.countQueued()).toBe(0);
      await store.ping();
    });
  });
});
