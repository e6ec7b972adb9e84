/**
 * Builds the web client (packages/web) into packages/web/dist with Vite's JS API, when the
 * build is missing or older than its sources (the app, its index.html and Vite config, and the
 * SDK packages it bundles). `npm start` and the browser tests call {@link ensureWebBuild};
 * `node scripts/build-web.ts [--force]` builds from the command line.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The web package. */
export const WEB_DIR = join(ROOT, 'packages', 'web');
/** Where the build goes (the relay serves it). */
export const WEB_DIST = join(WEB_DIR, 'dist');

/** Files and directories whose changes make the build stale. */
const SOURCES = [
  join(WEB_DIR, 'src'),
  join(WEB_DIR, 'index.html'),
  join(WEB_DIR, 'vite.config.ts'),
  ...['client', 'crypto', 'errors', 'mls', 'protocol', 'wire'].map((p) =>
    join(ROOT, 'packages', p, 'src'),
  ),
];

/** The newest modification time under `path` (0 when it does not exist). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Whether dist is missing or older than a source. */
export function webBuildStale(): boolean {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  return SOURCES.some((source) => newest(source) > built);
}

/** Builds the web client now (Vite `build()` with packages/web/vite.config.ts). */
export async function buildWeb(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(WEB_DIR, 'vite.config.ts'), root: WEB_DIR, logLevel: 'warn' });
}

/** Builds unless the build is up to date; returns whether it built. */
export async function ensureWebBuild(options: { force?: boolean } = {}): Promise<boolean> {
  if (options.force !== true && !webBuildStale()) return false;
  await buildWeb();
  return true;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const built = await ensureWebBuild({ force: process.argv.includes('--force') });
  console.log(
    built
      ? `web client built in ${Date.now() - started} ms: ${WEB_DIST}`
      : `web client up to date: ${WEB_DIST}`,
  );
}
