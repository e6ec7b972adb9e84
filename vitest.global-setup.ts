/**
 * Vitest global setup: prints the Node version the tests run on and makes the directory where
 * test files record how many vector cases they ran (test-vectors/src/tally.ts); the summary
 * reporter (scripts/summary-reporter.ts) prints the table at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'sigil-tally-'));
  process.env.SIGIL_VECTOR_TALLY_DIR = dir;
  console.log(`[sigil] tests run on Node ${process.version} (${process.platform}-${process.arch})`);
  return () => rmSync(dir, { recursive: true, force: true });
}
