/**
 * Vitest global setup: prints the Node version the tests run on, and at the end a table of
 * how many vector cases ran per family and backend (collected by test-vectors/src/tally.ts).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Row {
  family: string;
  backend: string;
  valid: number;
  invalid: number;
  acceptable: number;
}

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'sigil-tally-'));
  process.env.SIGIL_VECTOR_TALLY_DIR = dir;
  console.log(`[sigil] tests run on Node ${process.version} (${process.platform}-${process.arch})`);
  return () => {
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
    rmSync(dir, { recursive: true, force: true });
    if (totals.size === 0) return;
    const rows = [...totals.values()].sort(
      (a, b) => a.family.localeCompare(b.family) || a.backend.localeCompare(b.backend),
    );
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
    console.log(lines.join('\n'));
  };
}
