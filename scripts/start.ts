/**
 * `npm start`: the main job. Starts the relay (packages/relay) on embedded SQLite under
 * ./.sigil-data and prints its URL; Ctrl-C shuts it down gracefully.
 *
 * Flags and environment variables (see packages/relay/src/config.ts) pass through:
 * `npm start -- --port 9000 --data-dir /var/lib/sigil`, or `SIGIL_RELAY_PORT=9000 npm start`.
 * One of several instances on PostgreSQL and Redis (docs/deploy.md):
 * `node scripts/start.ts --database postgres://... --redis redis://...`, or
 * `SIGIL_DATABASE_URL=... SIGIL_REDIS_URL=... npm start`.
 * The web client (packages/web) is built first when its build is missing or older than its
 * sources (scripts/build-web.ts) and served by the relay at its root (`--web-dir off`: not).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getCryptoProvider } from '@sigil/crypto';
import { loadConfig, redactUrl, startRelay } from '@sigil/relay';
import { ensureWebBuild, WEB_DIST } from './build-web.ts';

const config = loadConfig(process.argv.slice(2), process.env);
if (config.webDir === undefined) {
  const started = Date.now();
  try {
    if (await ensureWebBuild()) console.log(`web client built in ${Date.now() - started} ms`);
  } catch (err) {
    // The relay still starts (serving an older build, if any): the API does not need the app.
    console.error('web client build failed:', err instanceof Error ? err.message : err);
  }
}
const relay = await startRelay(config);
const crypto = getCryptoProvider().name;
console.log(`Sigil 0.1.0 on Node ${process.version} (crypto backend: ${crypto})`);
console.log(`relay listening on ${relay.url}`);
const webDir = config.webDir ?? WEB_DIST;
console.log(
  config.webDir === 'off'
    ? '  web app: off (--web-dir off)'
    : existsSync(join(webDir, 'index.html'))
      ? `  web app: ${relay.url}/   <- open this in a browser to sign up and chat`
      : `  web app: not served (no build in ${webDir}; run node scripts/build-web.ts)`,
);
console.log(
  config.database === undefined
    ? `  data:    ${config.dataDir} (SQLite, WAL, synchronous=FULL)`
    : `  data:    ${redactUrl(config.database)} (PostgreSQL, schema ${config.databaseSchema ?? 'default'})`,
);
console.log(
  config.redis !== undefined
    ? `  wake-ups: ${redactUrl(config.redis)} (Redis pub/sub; shared rate limits)`
    : config.database !== undefined
      ? '  wake-ups: PostgreSQL LISTEN/NOTIFY (rate limits per instance)'
      : '  wake-ups: in-process (one instance)',
);
console.log(`  health:  ${relay.url}/healthz   metrics: ${relay.url}/metrics`);
console.log('Press Ctrl-C to stop.');

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: closing sockets, finishing requests, closing the database...`);
  relay.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('shutdown failed', err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
