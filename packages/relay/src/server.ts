/**
 * `listen`: starts a relay on a port (server.ts is the only place that opens a socket; app.ts
 * builds the app). `startRelay` wires the default dependencies: SQLite under the data
 * directory, the system clock, the default crypto provider, an in-process notifier and pino.
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
import { buildApp, type RelayApp } from './app.ts';
import type { RelayConfig } from './config.ts';
import { type RelayDeps, systemClock } from './deps.ts';
import { createLogger } from './logger.ts';
import { InProcessNotifier } from './notifier.ts';
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

/** Starts a relay with the default dependencies for `config`. */
export async function startRelay(config: RelayConfig): Promise<RunningRelay> {
  const store = SqliteRelayStore.open(join(resolve(config.dataDir), DATABASE_FILE));
  return listen({
    store,
    clock: systemClock,
    config,
    logger: createLogger(config.logLevel),
    crypto: getCryptoProvider(),
    notifier: new InProcessNotifier(),
  });
}
