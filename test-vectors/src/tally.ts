/**
 * Counts of vector cases run, per family and backend, printed at the end of the test run by
 * scripts/summary-reporter.ts so that every `npm test` says how many cases ran.
 *
 * Test files call `tally(family, backend, outcome)` once per case; counts are appended to a
 * JSON-lines file in the directory the global setup names in `SIGIL_VECTOR_TALLY_DIR`.
 * @module
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

/** How one case ended: accepted as valid, rejected as invalid, or an "acceptable" case. */
export type Outcome = 'valid' | 'invalid' | 'acceptable';

interface Key {
  family: string;
  backend: string;
}

const pending = new Map<string, Record<Outcome, number>>();
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  const dir = process.env.SIGIL_VECTOR_TALLY_DIR;
  if (dir === undefined) {
    pending.clear();
    return;
  }
  let lines = '';
  for (const [key, counts] of pending)
    lines += `${JSON.stringify({ ...(JSON.parse(key) as Key), ...counts })}\n`;
  pending.clear();
  if (lines.length > 0) appendFileSync(join(dir, `tally-${process.pid}.jsonl`), lines);
}

/** Records one vector case of `family` run on `backend` that ended with `outcome`. */
export function tally(family: string, backend: string, outcome: Outcome): void {
  const key = JSON.stringify({ family, backend });
  let counts = pending.get(key);
  if (counts === undefined) {
    counts = { valid: 0, invalid: 0, acceptable: 0 };
    pending.set(key, counts);
  }
  counts[outcome] += 1;
  if (!flushScheduled) {
    flushScheduled = true;
    setTimeout(flush, 0);
  }
}

/** Writes pending counts now (call from `afterAll` so none are lost when a worker exits). */
export function flushTally(): void {
  flush();
}
