/**
 * `npm start`: the main job. Starts the relay (packages/relay) on embedded SQLite under
 * ./.sigil-data and prints its URL; Ctrl-C shuts it down gracefully.
 *
 * Flags and environment variables (see packages/relay/src/config.ts) pass through:
 * `npm start -- --port 9000 --data-dir /var/lib/sigil`, or `SIGIL_RELAY_PORT=9000 npm start`.
 * The web client will be served by the same relay when it lands.
 */
import { getCryptoProvider } from '@sigil/crypto';
import { loadConfig, startRelay } from '@sigil/relay';

const config = loadConfig(process.argv.slice(2), process.env);
const relay = await startRelay(config);
const crypto = getCryptoProvider().name;
console.log(`Sigil 0.1.0 on Node ${process.version} (crypto backend: ${crypto})`);
console.log(`relay listening on ${relay.url}`);
console.log(`  data:    ${config.dataDir} (SQLite, WAL, synchronous=FULL)`);
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
