/**
 * `sigil relay [--port 8787] [--host 127.0.0.1] [--data-dir DIR] ...`: starts a relay in this
 * process (the same flags and `SIGIL_RELAY_*` variables as `npm start`; `sigil relay --help`
 * lists them). Prints `relay listening on <url>`; Ctrl-C shuts it down gracefully.
 *
 * @module
 */
import { describeConfig, loadConfig, startRelay } from '@sigil/relay';

/** Prints the relay's settings (`sigil relay --help`). */
function help(): void {
  process.stdout.write('sigil relay [flags]: every flag, its environment variable and default\n');
  for (const e of describeConfig()) {
    process.stdout.write(`  ${e.flag.padEnd(30)} ${e.env.padEnd(38)} ${e.defaultValue ?? '-'}\n`);
  }
}

/** Runs `relay` with its raw flags (parsed by the relay's own config loader). */
export async function run(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    help();
    return 0;
  }
  const config = loadConfig(argv, env);
  const relay = await startRelay(config);
  process.stdout.write(`relay listening on ${relay.url}\n`);
  if (config.database === undefined) process.stdout.write(`  data: ${config.dataDir} (SQLite)\n`);
  process.stdout.write('Press Ctrl-C to stop.\n');
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  process.stderr.write(`${signal}: closing the relay\n`);
  await relay.close();
  return 0;
}
