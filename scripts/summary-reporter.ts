/**
 * A Vitest reporter that ends `npm test` with what a reader (or CI) needs last:
 * 1. the Node version the tests ran on and how many vector cases ran per family and backend
 *    (test files record them with test-vectors/src/tally.ts into the directory the global setup
 *    names in SIGIL_VECTOR_TALLY_DIR);
 * 2. one plain closing line, `Tests: N passed, N failed, N skipped`.
 * The default reporter still prints everything else before it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

interface Row {
  family: string;
  backend: string;
  valid: number;
  invalid: number;
  acceptable: number;
}

function readTally(dir: string): Row[] {
  const totals = new Map<string, Row>();
  for (const name of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line === '') continue;
      const row = JSON.parse(line) as Row;
      const key = `${row.family}\u0000${row.backend}`;
      const total = totals.get(key) ?? { ...row, valid: 0, invalid: 0, acceptable: 0 };
      total.valid += row.valid;
      total.invalid += row.invalid;
      total.acceptable += row.acceptable;
      totals.set(key, total);
    }
  }
  return [...totals.values()].sort(
    (a, b) => a.family.localeCompare(b.family) || a.backend.localeCompare(b.backend),
  );
}

function tallyTable(rows: readonly Row[]): string {
  const width = Math.max(6, ...rows.map((r) => r.family.length));
  const lines = [
    `[sigil] vector cases run on Node ${process.version}`,
    `  ${'family'.padEnd(width)}  backend    total  valid  invalid  acceptable`,
  ];
  for (const r of rows) {
    const total = r.valid + r.invalid + r.acceptable;
    lines.push(
      `  ${r.family.padEnd(width)}  ${r.backend.padEnd(9)} ${String(total).padStart(6)} ${String(r.valid).padStart(6)} ${String(r.invalid).padStart(8)} ${String(r.acceptable).padStart(11)}`,
    );
  }
  return lines.join('\n');
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const dir = process.env.SIGIL_VECTOR_TALLY_DIR;
    if (dir !== undefined) {
      const rows = readTally(dir);
      if (rows.length > 0) console.log(`\n${tallyTable(rows)}`);
    }
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      let tests = 0;
      for (const test of module.children.allTests()) {
        tests++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed to load has no tests; count it as a failure.
      if (tests === 0 && module.state() === 'failed') failed++;
    }
    console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
