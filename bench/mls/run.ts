/**
 * `npm run bench:mls`: RFC 9420 groups, suite 1 (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519),
 * Sigil (`@sigil/mls`, node backend) beside ts-mls 1.6.4 in one run. For N = 10, 100, 1000 and
 * 10,000 members (ts-mls skipped at 10,000 when its N = 1000 figures extrapolate past ~20 s):
 * one Commit adding N-1 members (creation time, Welcome size, time to join from the Welcome with
 * the tree in the GroupInfo), then in that freshly built group an update Commit by member 1 and
 * its processing by member 2; the same two operations again in a group where every member has
 * committed once (filled.ts: the tree built cheaply but validly, the same tree for both
 * libraries, two joiners of each library added by one Commit). Last, 100-byte application
 * messages encrypted and decrypted per second between two members. Medians of rounds;
 * ratio = ts-mls time / Sigil time (> 1: Sigil faster). Targets (issue 6): >= 10x ts-mls on
 * every figure at N = 1000; at N = 10,000 an update Commit created in < 200 ms and processed in
 * < 50 ms.
 *
 * Options: `--rounds N` timed runs (default 5; 3 at N = 1000 and 1 at 10,000, without warm-up;
 * at least 5 after a warm-up for the filled group's operations), `--sizes 10,100,1000,10000`,
 * `--round-ms N` (application messages, default 250), `--sigil-only` (no ts-mls: e.g.
 * `--sizes 10000 --sigil-only` for the 10,000-member targets in a few minutes), `--json`.
 */
import * as ts from 'ts-mls';
import { formatRate, measureAsync, median } from '../harness.ts';
import { filledGroup, type UpdateScenario } from './filled.ts';
import { type Subject, sigilSubject, tsMlsSubject } from './subjects.ts';

function argValue(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const roundsArg = Number(argValue('--rounds'));
const roundMs = Number(argValue('--round-ms') ?? 250) || 250;
const sizes = (argValue('--sizes') ?? '10,100,1000,10000').split(',').map(Number);
const asJson = process.argv.includes('--json');
const sigilOnly = process.argv.includes('--sigil-only');
const TS_MLS_BUDGET_MS = 20_000;

/** The timed operations of a group size. */
interface OperationTimes {
  readonly commitMs: number;
  readonly joinMs: number;
  readonly updateMs: number;
  readonly processMs: number;
}

/** Medians (ms) of one group size for one subject: wall time, and CPU time in `cpu`. */
interface GroupFigures extends OperationTimes {
  readonly welcomeBytes: number;
  /**
   * CPU time of the process (all threads: ts-mls runs part of its crypto on libuv's thread
   * pool, several operations at once), medians per operation.
   */
  readonly cpu: OperationTimes;
  /** Wall time of the whole size, setup included. */
  readonly totalMs: number;
}

/**
 * Medians (ms) of the update Commit and its processing in a group where every member has
 * committed once, for one subject: wall time, and CPU time in `cpu`.
 */
interface FilledFigures {
  readonly updateMs: number;
  readonly processMs: number;
  readonly cpu: { readonly updateMs: number; readonly processMs: number };
  /** HPKE ciphertexts in the update Commit's UpdatePath. */
  readonly ciphertexts: number;
}

/** CPU time of this process so far (user + system, all threads), in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Medians of the wall and CPU times of `runs` timed calls of `op`, after one untimed warm-up
 * call when `warmUp`.
 */
async function timeMs(
  op: () => Promise<unknown>,
  runs: number,
  warmUp: boolean,
): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  if (warmUp) await op();
  for (let r = 0; r < runs; r++) {
    const cpuStart = cpuMs();
    const start = performance.now();
    await op();
    wall.push(performance.now() - start);
    cpu.push(cpuMs() - cpuStart);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

async function groupFigures(subject: Subject, n: number): Promise<GroupFigures> {
  const start = performance.now();
  const rounds =
    Number.isFinite(roundsArg) && roundsArg >= 1 ? roundsArg : n >= 10_000 ? 1 : n >= 1000 ? 3 : 5;
  // From 1000 members one operation takes long enough to need no warm-up; at 10,000 one add
  // Commit takes several seconds (single runs).
  const warmUp = n < 1000;
  const prepared = await subject.prepare(n);
  const commit = await timeMs(() => prepared.commitAdd(), rounds, warmUp);
  const welcomeBytes = await prepared.finishAdd();
  const join = await timeMs(() => prepared.join(), rounds, warmUp);
  await prepared.prepareUpdate();
  const update = await timeMs(
    () => prepared.update(),
    n >= 10_000 ? 1 : Math.max(rounds, 3),
    warmUp,
  );
  const processed = await timeMs(() => prepared.process(), Math.max(rounds, 5), true);
  return {
    commitMs: commit.wall,
    welcomeBytes,
    joinMs: join.wall,
    updateMs: update.wall,
    processMs: processed.wall,
    cpu: {
      commitMs: commit.cpu,
      joinMs: join.cpu,
      updateMs: update.cpu,
      processMs: processed.cpu,
    },
    totalMs: performance.now() - start,
  };
}

/**
 * The filled scenario's figures for one subject: medians of at least 5 timed runs after a
 * warm-up (each operation takes milliseconds, at every size).
 */
async function filledFigures(scenario: UpdateScenario): Promise<FilledFigures> {
  const runs = Math.max(Number.isFinite(roundsArg) && roundsArg >= 1 ? roundsArg : 5, 5);
  const update = await timeMs(() => scenario.update(), runs, true);
  const processed = await timeMs(() => scenario.process(), runs, true);
  return {
    updateMs: update.wall,
    processMs: processed.wall,
    cpu: { updateMs: update.cpu, processMs: processed.cpu },
    ciphertexts: scenario.ciphertexts,
  };
}

/** What each figure measures (printed under the table). */
const LEGEND = [
  'What each figure measures (same operations on both sides; each timed call repeats the',
  'operation from the same state, which both libraries leave unchanged):',
  '  add commit      create one Commit adding N-1 KeyPackages: validate each KeyPackage (its',
  '                  signature and its LeafNode signature), UpdatePath, and the Welcome (one',
  '                  HPKE encryption per new member, ratchet_tree in the GroupInfo)',
  '  Welcome         size of that Welcome as an MLSMessage, in bytes',
  '  join            member 1 joins from the Welcome: decrypt it, verify the GroupInfo signature',
  '                  and the whole tree (tree hash, parent hashes, every leaf signature)',
  '  update commit   member 1 creates an empty Commit with an UpdatePath in the freshly built',
  '                  group, whose parents are blank: one HPKE encryption per other member',
  '  process update  member 2 processes that Commit (PublicMessage): signature, membership tag,',
  '                  UpdatePath checks, one HPKE decryption, new epoch, confirmation tag',
  '  ... (every member committed once)  the same two operations in a group whose parents are',
  '                  all set, so the UpdatePath encrypts to ~log2 N nodes ("path ciphertexts").',
  '                  Built once per N, untimed, the same tree for both libraries: N-2 members',
  '                  from real signed KeyPackages, then the public effect of a Commit by each',
  '                  even leaf from the highest to 0 (fresh path keys, parent hashes, the leaf',
  '                  re-signed as a commit leaf; the HPKE encryptions nobody needs are skipped):',
  '                  a parent-hash-valid tree, every parent set by its leftmost leaf. Member 0',
  "                  (Sigil) then commits adding two of each library's KeyPackages at leaves",
  '                  N-2 and N-1 (no UpdatePath: ts-mls 1.6.4 rejects the valid tree a path',
  '                  would leave, see bench/mls/filled.ts), which join from the Welcome (ts-mls',
  '                  from the encoded Sigil Welcome) verifying the whole tree; joiner N-2',
  '                  creates the update Commit and joiner N-1 (its sibling: the longest path',
  '                  to derive) processes it.',
  '  100 B msgs/s    one 100-byte application message encrypted (signed PrivateMessage) by one',
  '                  member and decrypted (verified) by the other, per second',
  'Sigil runs every operation on one thread, synchronously. ts-mls awaits WebCrypto, which',
  "Node runs on libuv's thread pool, and starts a Welcome's or an UpdatePath's encryptions",
  'together (Promise.all): with idle cores its wall time can gain from that, so on a shared',
  'machine compare the CPU-time table too (work done, whatever the cores).',
];

const ms = (v: number | undefined) =>
  v === undefined ? '-' : v < 10 ? v.toFixed(2) : v.toFixed(0);
const ratio = (sigil: number, peer: number | undefined) =>
  peer === undefined ? '-' : `${(peer / sigil).toFixed(1)}x`;
const pad = (s: string, w: number) => s.padStart(w);
const FILLED = 'every member committed once';
/** Width of the figure column. */
const LABEL = 50;

const wallStart = performance.now();
const sigil = sigilSubject();
const tsMls = await tsMlsSubject();
const tsImpl = sigilOnly
  ? undefined
  : await ts.getCiphersuiteImpl(
      ts.getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'),
    );
const results: {
  n: number;
  sigil: GroupFigures;
  tsMls?: GroupFigures;
  /** The filled scenario (even N >= 4 only: two sibling joiners). */
  filled?: { buildMs: number; sigil: FilledFigures; tsMls?: FilledFigures };
}[] = [];
/** ts-mls runs at N >= 10,000 only when its N = 1000 wall time shows it fits the budget. */
let tsMlsSkipFrom = sigilOnly ? 0 : 10_000;
for (const n of sizes) {
  const s = await groupFigures(sigil, n);
  let t: GroupFigures | undefined;
  if (n < tsMlsSkipFrom) {
    t = await groupFigures(tsMls, n);
    // Past N = 1000, skip ts-mls when ten times this size's wall time exceeds the budget.
    if (n === 1000 && t.totalMs * 10 <= TS_MLS_BUDGET_MS) tsMlsSkipFrom = Number.POSITIVE_INFINITY;
  }
  let filled: (typeof results)[number]['filled'];
  if (n >= 4 && n % 2 === 0) {
    const group = filledGroup(n);
    const fs = await filledFigures(group.sigil());
    const ft =
      t !== undefined && tsImpl !== undefined
        ? await filledFigures(await group.tsMls(tsImpl))
        : undefined;
    filled = { buildMs: group.buildMs, sigil: fs, ...(ft !== undefined ? { tsMls: ft } : {}) };
  } else if (!asJson) {
    process.stderr.write(`N = ${n}: no "${FILLED}" rows (they need an even N >= 4)\n`);
  }
  results.push({
    n,
    sigil: s,
    ...(t !== undefined ? { tsMls: t } : {}),
    ...(filled !== undefined ? { filled } : {}),
  });
  if (!asJson) process.stderr.write(`N = ${n} done\n`);
}

/** Messages per second (wall, median of rounds) and mean CPU microseconds per message. */
async function messageFigures(
  roundTrip: () => Promise<void>,
): Promise<{ opsPerSecond: number; cpuUsPerOp: number }> {
  let count = 0;
  const cpuStart = cpuMs();
  const measured = await measureAsync(
    async () => {
      count += 1;
      await roundTrip();
    },
    { roundMs },
  );
  return { opsPerSecond: measured.opsPerSecond, cpuUsPerOp: ((cpuMs() - cpuStart) * 1000) / count };
}

const sigilPair = await sigil.pair();
const sigilMsgs = await messageFigures(() => sigilPair.roundTrip());
const tsPair = sigilOnly ? undefined : await tsMls.pair();
const tsMsgs = tsPair === undefined ? undefined : await messageFigures(() => tsPair.roundTrip());

if (asJson) {
  console.log(
    JSON.stringify(
      {
        groups: results,
        messagesPerSecond: { sigil: sigilMsgs.opsPerSecond, tsMls: tsMsgs?.opsPerSecond },
        messageCpuUs: { sigil: sigilMsgs.cpuUsPerOp, tsMls: tsMsgs?.cpuUsPerOp },
      },
      null,
      2,
    ),
  );
} else {
  console.log('MLS suite 1, Sigil (node backend) vs ts-mls 1.6.4; medians; ratio = ts-mls / Sigil');
  console.log(
    `${'N'.padStart(6)} | ${'figure'.padEnd(LABEL)} | ${pad('Sigil', 10)} | ${pad('ts-mls', 10)} | ${pad('ratio', 8)}`,
  );
  for (const { n, sigil: s, tsMls: t, filled: f } of results) {
    const rows: [string, number, number | undefined, 'ms' | 'bytes' | 'count'][] = [
      ['add commit (ms)', s.commitMs, t?.commitMs, 'ms'],
      ['Welcome (bytes)', s.welcomeBytes, t?.welcomeBytes, 'bytes'],
      ['join (ms)', s.joinMs, t?.joinMs, 'ms'],
      ['update commit (fresh group) (ms)', s.updateMs, t?.updateMs, 'ms'],
      ['process update (fresh group) (ms)', s.processMs, t?.processMs, 'ms'],
    ];
    if (f !== undefined) {
      rows.push(
        [`update commit (${FILLED}) (ms)`, f.sigil.updateMs, f.tsMls?.updateMs, 'ms'],
        [`process update (${FILLED}) (ms)`, f.sigil.processMs, f.tsMls?.processMs, 'ms'],
        [`  path ciphertexts (${FILLED})`, f.sigil.ciphertexts, f.tsMls?.ciphertexts, 'count'],
      );
    }
    for (const [label, sv, tv, unit] of rows) {
      const fmt =
        unit === 'ms' ? ms : (v: number | undefined) => (v === undefined ? '-' : String(v));
      console.log(
        `${String(n).padStart(6)} | ${label.padEnd(LABEL)} | ${pad(fmt(sv), 10)} | ${pad(fmt(tv), 10)} | ${pad(unit === 'count' ? '' : ratio(sv, tv), 8)}`,
      );
    }
  }
  console.log(
    `${'2'.padStart(6)} | ${'100 B msgs/s'.padEnd(LABEL)} | ${pad(formatRate(sigilMsgs.opsPerSecond), 10)} | ${pad(tsMsgs === undefined ? '-' : formatRate(tsMsgs.opsPerSecond), 10)} | ${pad(tsMsgs === undefined ? '-' : `${(sigilMsgs.opsPerSecond / tsMsgs.opsPerSecond).toFixed(1)}x`, 8)}`,
  );
  console.log('');
  console.log('CPU time per operation (ms; all threads of the process), ratio = ts-mls / Sigil');
  for (const { n, sigil: s, tsMls: t, filled: f } of results) {
    const rows: [string, number, number | undefined][] = [
      ['add commit', s.cpu.commitMs, t?.cpu.commitMs],
      ['join', s.cpu.joinMs, t?.cpu.joinMs],
      ['update commit (fresh group)', s.cpu.updateMs, t?.cpu.updateMs],
      ['process update (fresh group)', s.cpu.processMs, t?.cpu.processMs],
    ];
    if (f !== undefined) {
      rows.push(
        [`update commit (${FILLED})`, f.sigil.cpu.updateMs, f.tsMls?.cpu.updateMs],
        [`process update (${FILLED})`, f.sigil.cpu.processMs, f.tsMls?.cpu.processMs],
      );
    }
    for (const [label, sv, tv] of rows) {
      console.log(
        `${String(n).padStart(6)} | ${label.padEnd(LABEL)} | ${pad(ms(sv), 10)} | ${pad(ms(tv), 10)} | ${pad(ratio(sv, tv), 8)}`,
      );
    }
  }
  console.log(
    `${'2'.padStart(6)} | ${'100 B msg (us)'.padEnd(LABEL)} | ${pad(sigilMsgs.cpuUsPerOp.toFixed(0), 10)} | ${pad(tsMsgs === undefined ? '-' : tsMsgs.cpuUsPerOp.toFixed(0), 10)} | ${pad(ratio(sigilMsgs.cpuUsPerOp, tsMsgs?.cpuUsPerOp), 8)}`,
  );
  console.log('');
  for (const line of LEGEND) console.log(line);
  console.log('');
  console.log('Targets (issue 6):');
  const at1000 = results.find((r) => r.n === 1000);
  if (at1000?.tsMls !== undefined) {
    const t = at1000.tsMls;
    const s = at1000.sigil;
    const figures: [string, number, number][] = [
      ['add commit', t.commitMs / s.commitMs, t.cpu.commitMs / s.cpu.commitMs],
      ['join', t.joinMs / s.joinMs, t.cpu.joinMs / s.cpu.joinMs],
      ['update commit (fresh group)', t.updateMs / s.updateMs, t.cpu.updateMs / s.cpu.updateMs],
      [
        'process update (fresh group)',
        t.processMs / s.processMs,
        t.cpu.processMs / s.cpu.processMs,
      ],
    ];
    const ft = at1000.filled?.tsMls;
    const fs = at1000.filled?.sigil;
    if (ft !== undefined && fs !== undefined) {
      figures.push(
        [`update commit (${FILLED})`, ft.updateMs / fs.updateMs, ft.cpu.updateMs / fs.cpu.updateMs],
        [
          `process update (${FILLED})`,
          ft.processMs / fs.processMs,
          ft.cpu.processMs / fs.cpu.processMs,
        ],
      );
    }
    if (tsMsgs !== undefined) {
      figures.push([
        'messages',
        sigilMsgs.opsPerSecond / tsMsgs.opsPerSecond,
        tsMsgs.cpuUsPerOp / sigilMsgs.cpuUsPerOp,
      ]);
    }
    for (const [label, r, cpuRatio] of figures) {
      console.log(
        `  N = 1000 ${label}: ${r.toFixed(1)}x ts-mls (target >= 10x) ${r >= 10 ? 'MET' : 'NOT MET'}; CPU time ${cpuRatio.toFixed(1)}x`,
      );
    }
  }
  const at10k = results.find((r) => r.n === 10_000);
  if (at10k !== undefined) {
    const scenarios: [string, { updateMs: number; processMs: number }][] = [
      ['fresh group', at10k.sigil],
    ];
    if (at10k.filled !== undefined) scenarios.push([FILLED, at10k.filled.sigil]);
    for (const [scenario, { updateMs, processMs }] of scenarios) {
      console.log(
        `  N = 10,000 update commit created (${scenario}): ${ms(updateMs)} ms (target < 200) ${updateMs < 200 ? 'MET' : 'NOT MET'}`,
      );
      console.log(
        `  N = 10,000 update commit processed (${scenario}): ${ms(processMs)} ms (target < 50) ${processMs < 50 ? 'MET' : 'NOT MET'}`,
      );
    }
  }
  const builds = results.flatMap((r) =>
    r.filled === undefined ? [] : [`N = ${r.n}: ${(r.filled.buildMs / 1000).toFixed(1)} s`],
  );
  if (builds.length > 0) console.log(`Filled tree built (untimed setup) in ${builds.join(', ')}`);
  console.log(`Wall time of the run: ${((performance.now() - wallStart) / 1000).toFixed(0)} s`);
  if (sigilOnly) {
    console.log('  ts-mls not run (--sigil-only)');
  } else if (sizes.some((n) => n >= tsMlsSkipFrom)) {
    console.log(`  ts-mls skipped from N = ${tsMlsSkipFrom} (over the ~20 s budget)`);
  }
}
