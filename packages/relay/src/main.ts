/**
 * The relay as a program: `node packages/relay/src/main.ts [--port 8787] [--data-dir DIR] ...`
 * (flags and environment variables: config.ts). Prints `relay listening on <url>` and shuts
 * down gracefully on SIGINT and SIGTERM.
 *
 * @module
 */
import { loadConfig } from './config.ts';
import { startRelay } from './server.ts';

const config = loadConfig(process.argv.slice(2), process.env);
const relay = await startRelay(config);
process.stdout.write(`relay listening on ${relay.url}\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  relay.close().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error('relay shutdown failed', err);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
