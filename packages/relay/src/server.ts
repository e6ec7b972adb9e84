/**
 * `listen`: starts a relay on a port (server.ts is the only place that opens a socket; app.ts
 * builds the app). `startRelay` wires the dependencies the configuration names:
 *
 * | configured            | store                       | wake-ups                    | rate limits  |
 * | --------------------- | --------------------------- | --------------------------- | ------------ |
 * | nothing (the default) | SQLite under the data dir   | in-process                  | in-process   |
 * | `database`            | PostgreSQL                  | PostgreSQL LISTEN/NOTIFY    | per instance |
 * | `database` + `redis`  | PostgreSQL                  | Redis pub/sub               | Redis        |
 * | `redis` only          | SQLite (instances on 1 host)| Redis pub/sub               | Redis        |
 *
 * plus the system clock, the default crypto provider and pino.
 *
 * @example
 * ```ts
 * const relay = await startRelay(loadConfig(process.argv.slice(2), process.env));
 * console.log(relay.url);
 * await relay.close();
 * ```
 * @module
 */
import { join, resolve } from 'node:path';
import { getCryptoProvider } from '@sigil/crypto';
import { buildApp, type RelayApp, randomInstanceId } from './app.ts';
import type { RelayConfig } from './config.ts';
import { type RelayDeps, systemClock } from './deps.ts';
import { createLogger } from './logger.ts';
import { PostgresNotifier } from './notifier/postgres.ts';
import { RedisNotifier } from './notifier/redis.ts';
import { InProcessNotifier, type Notifier } from './notifier.ts';
import { redisLimiters } from './rate-limit/redis.ts';
import type { LimiterFactory } from './rate-limit.ts';
import { PostgresRelayStore } from './storage/postgres/index.ts';
import type { RelayStore } from './storage/relay-store.ts';
import { SqliteRelayStore } from './storage/sqlite/index.ts';

/** A listening relay. */
export interface RunningRelay {
  readonly app: RelayApp;
  /** `http://host:port` it listens on (the real port when the config said 0). */
  readonly url: string;
  /** Graceful shutdown: stop accepting, close sockets, finish in-flight requests, close the DB. */
  close(): Promise<void>;
}

/** The file name of the SQLite database inside the data directory. */
export const DATABASE_FILE = 'relay.db';

/** Listens with an app built on `deps`. */
export async function listen(deps: RelayDeps): Promise<RunningRelay> {
  const app = await buildApp(deps);
  const address = await app.fastify.listen({ port: deps.config.port, host: deps.config.host });
  const port = new URL(address).port;
  const host = deps.config.host.includes(':') ? `[${deps.config.host}]` : deps.config.host;
  return { app, url: `http://${host}:${port}`, close: () => app.close() };
}

/** Starts a relay with the dependencies `config` names (see the table above). */
export async function startRelay(config: RelayConfig): Promise<RunningRelay> {
  const logger = createLogger(config.logLevel);
  const instanceId = config.instanceId ?? randomInstanceId();
  const store: RelayStore =
    config.database === undefined
      ? SqliteRelayStore.open(join(resolve(config.dataDir), DATABASE_FILE))
      : await PostgresRelayStore.open({
          url: config.database,
          schema: config.databaseSchema,
          poolSize: config.databasePoolSize,
          applicationName: `sigil-relay-${instanceId}`,
          logger,
        });
  let notifier: Notifier;
  let limiters: LimiterFactory | undefined;
  if (config.redis !== undefined) {
    const redis = new RedisNotifier({
      url: config.redis,
      prefix: config.channelPrefix,
      instanceId,
      logger,
    });
    if (!(await redis.ready())) logger.warn('redis not reachable yet; starting anyway');
    notifier = redis;
    limiters = redisLimiters(redis.commands, config.channelPrefix, logger);
  } else if (config.database !== undefined) {
    const postgres = new PostgresNotifier({
      url: config.database,
      prefix: config.channelPrefix,
      instanceId,
      logger,
    });
    if (!(await postgres.ready())) logger.warn('postgres notifications not ready yet');
    notifier = postgres;
  } else {
    notifier = new InProcessNotifier();
  }
  try {
    return await listen({
      store,
      clock: systemClock,
      config,
      logger,
      crypto: getCryptoProvider(),
      notifier,
      instanceId,
      ...(limiters === undefined ? {} : { limiters }),
    });
  } catch (err) {
    await notifier.close().catch(() => {});
    await store.close().catch(() => {});
    throw err;
  }
}
