/**
 * `npm run bench:protocol`: Sigil's one-to-one protocol (session layer, both backends) beside
 * @signalapp/libsignal-client in one run (issue 3). Scenarios in scenario.ts: session setups,
 * one-way messages at 100 B and 10 KiB, ping-pong (a DH step every message).
 *
 * Each subject runs in a child process of its own and the rounds are interleaved (compare.ts):
 * each round times every subject once in turn, after one warm-up each; a figure is the median of
 * its rounds. Ratios are Sigil / libsignal, with the issue's
 * targets (setup >= 2x, one way >= 10x, ping-pong >= 4x).
 *
 * Options: `--rounds N` (default 5), `--round-ms N` (default 250), `--json`,
 * `--only <scenario substring>`, `--libsignal-serialize` (libsignal's test stores, which
 * serialize session records on every save and load).
 */
import { availableParallelism, loadavg } from 'node:os';
import { type Comparison, compareScenario, SubjectProcess } from './compare.ts';
import { SCENARIO_UNITS, SCENARIOS, type ScenarioName, TARGETS } from './scenario.ts';

function argValue(flag: string, fallback: number): number {
  const index = process.argv.indexOf(flag);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function argString(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const rounds = argValue('--rounds', 5);
const roundMs = argValue('--round-ms', 250);
const asJson = process.argv.includes('--json');
const only = argString('--only');

const subjects = [
  new SubjectProcess('sigil-node'),
  new SubjectProcess('sigil-portable'),
  new SubjectProcess(
    process.argv.includes('--libsignal-serialize') ? 'libsignal-serialize' : 'libsignal',
  ),
];
const [SIGIL_NODE, SIGIL_PORTABLE, LIBSIGNAL] = subjects.map((s) => s.name) as [
  string,
  string,
  string,
];

interface ScenarioResult extends Comparison {
  readonly scenario: ScenarioName;
  readonly unit: string;
  readonly target: number;
}

function ratio(result: ScenarioResult, name: string): number | undefined {
  const sigil = result.rates[name];
  const peer = result.rates[LIBSIGNAL];
  return sigil === undefined || peer === undefined ? undefined : sigil / peer;
}

function formatRate(value: number | undefined): string {
  if (value === undefined) return 'n/a';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

function formatRatio(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(2)}x`;
}

const results: ScenarioResult[] = [];
// The machine's load (1-minute average) before and after: figures taken under other load are
// noisier, and the ratios are what to compare.
const loadBefore = loadavg()[0] ?? 0;
const started = performance.now();
for (const scenario of SCENARIOS) {
  if (only !== undefined && !scenario.includes(only)) continue;
  const comparison = await compareScenario(subjects, scenario, { rounds, roundMs });
  results.push({
    scenario,
    unit: SCENARIO_UNITS[scenario],
    target: TARGETS[scenario],
    ...comparison,
  });
}
const seconds = (performance.now() - started) / 1000;
for (const subject of subjects) subject.close();
const loadAfter = loadavg()[0] ?? 0;
const cpus = availableParallelism();

if (asJson) {
  console.log(
    JSON.stringify(
      {
        node: process.version,
        rounds,
        roundMs,
        seconds,
        cpus,
        load: { before: loadBefore, after: loadAfter },
        results: results.map((r) => ({
          ...r,
          ratios: { node: ratio(r, SIGIL_NODE), portable: ratio(r, SIGIL_PORTABLE) },
        })),
      },
      null,
      2,
    ),
  );
} else {
  console.log(
    `One-to-one protocol, Node ${process.version}, median of ${rounds} interleaved rounds of ` +
      `${roundMs} ms (${seconds.toFixed(0)} s; ${cpus} CPUs, load average ` +
      `${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after)`,
  );
  const header = ['scenario', 'unit', 'Sigil node', 'Sigil portable', 'libsignal'];
  const rows = results.map((r) => [
    r.scenario,
    r.unit,
    formatRate(r.rates[SIGIL_NODE]),
    formatRate(r.rates[SIGIL_PORTABLE]),
    formatRate(r.rates[LIBSIGNAL]),
    formatRatio(ratio(r, SIGIL_NODE)),
    formatRatio(ratio(r, SIGIL_PORTABLE)),
  ]);
  header.push('node/libsignal', 'portable/libsignal');
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log('');
  for (const r of results) {
    const verdict = (name: string) => {
      const value = ratio(r, name);
      if (value === undefined) return 'n/a';
      return `${formatRatio(value)} ${value >= r.target ? 'met' : 'MISSED'}`;
    };
    console.log(
      `target ${r.scenario} >= ${r.target}x libsignal: node ${verdict(SIGIL_NODE)}, ` +
        `portable ${verdict(SIGIL_PORTABLE)}`,
    );
  }
  for (const r of results) {
    for (const [name, message] of Object.entries(r.errors)) {
      console.log(`${name} could not run ${r.scenario}: ${message}`);
    }
  }
}
