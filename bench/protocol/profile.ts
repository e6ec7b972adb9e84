/**
 * `node protocol/profile.ts` (from bench/): where Sigil's time goes in the protocol benchmark.
 * Not part of `bench:protocol`; about a minute.
 *
 * 0. The node:crypto calls behind the `node` backend, with and without the thrown exceptions
 *    that Node 24's key-type checks cost (see what-if-provider.ts).
 * 1. Primitive costs in µs per call, as the protocol calls them (fresh keys where a first
 *    contact or a new ratchet key has them, so the `node` backend's key caches do not hide
 *    imports), on `node`, `portable`, and the `node` what-if backend of what-if-provider.ts
 *    (AEAD through a KeyObject, key imports without stack traces).
 * 2. The scenarios again (compare.ts: one process per subject, interleaved rounds): Sigil node,
 *    the two what-if variants, portable and libsignal, so the gain of each proposed fix shows
 *    as a ratio to libsignal.
 * 3. An estimate per scenario operation: how many of each primitive one operation performs
 *    (primitives.ts, read off the code paths of session-cipher.ts, pqxdh.ts and
 *    double-ratchet.ts) times its cost, beside the measured time per operation.
 *
 * Options: `--rounds N` (default 5), `--round-ms N` (default 250), `--skip-scenarios`.
 *
 * @module
 */
import {
  createCipheriv,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { measure } from '../harness.ts';
import { comparePrimitive, compareScenario, SubjectProcess } from './compare.ts';
import { AAD_LENGTH, COUNTS, PRIMITIVES } from './primitives.ts';
import { SCENARIOS } from './scenario.ts';

function argValue(flag: string, fallback: number): number {
  const index = process.argv.indexOf(flag);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const rounds = argValue('--rounds', 5);
const roundMs = argValue('--round-ms', 250);

console.log(`Sigil protocol profile, Node ${process.version}`);

// 0. What the node backend pays inside node:crypto. On Node 24.21 `isKeyObject(x)` and
// `isCryptoKey(x)` answer "no" by throwing and catching (lib/internal/crypto/keys.js), so every
// call that hands node:crypto a raw key or an options object pays for thrown exceptions with
// captured stack traces.
const withoutStackTraces = <T>(f: () => T): T => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return f();
  } finally {
    Error.stackTraceLimit = limit;
  }
};
const sample = generateKeyPairSync('x25519');
const rawPublic = sample.publicKey.export({ format: 'raw-public' } as never) as Buffer;
const rawSecret = sample.privateKey.export({ format: 'raw-private' } as never) as Buffer;
const pemPublic = sample.publicKey.export({ format: 'pem', type: 'spki' }) as string;
const publicOptions = { key: rawPublic, format: 'raw-public', asymmetricKeyType: 'x25519' };
const secretOptions = { key: rawSecret, format: 'raw-private', asymmetricKeyType: 'x25519' };
const aesKey = new Uint8Array(32).fill(1);
const aesNonce = new Uint8Array(12);
const aesData = new Uint8Array(160);
const aesAad = new Uint8Array(AAD_LENGTH);
const sealWith = (key: Uint8Array | KeyObject) => {
  const cipher = createCipheriv('aes-256-gcm', key, aesNonce, { authTagLength: 16 });
  cipher.setAAD(aesAad);
  cipher.update(aesData);
  cipher.final();
  return cipher.getAuthTag();
};
const nodeCalls: [string, () => unknown][] = [
  ['AES-256-GCM seal 160 B, key as Uint8Array (2 throws)', () => sealWith(aesKey)],
  ['AES-256-GCM seal 160 B, key via createSecretKey', () => sealWith(createSecretKey(aesKey))],
  [
    'X25519 public key import, raw options object (4 throws)',
    () => createPublicKey(publicOptions as never),
  ],
  [
    '  same, with Error.stackTraceLimit = 0',
    () => withoutStackTraces(() => createPublicKey(publicOptions as never)),
  ],
  ['  same key from a PEM string (no throw)', () => createPublicKey(pemPublic)],
  [
    'X25519 secret key import, raw options object (4 throws)',
    () => createPrivateKey(secretOptions as never),
  ],
  [
    '  same, with Error.stackTraceLimit = 0',
    () => withoutStackTraces(() => createPrivateKey(secretOptions as never)),
  ],
  ['X25519 generateKeyPairSync (no import)', () => generateKeyPairSync('x25519')],
  [
    'X25519 diffieHellman on imported KeyObjects',
    () => diffieHellman({ privateKey: sample.privateKey, publicKey: sample.publicKey }),
  ],
];
console.log(
  '\n0. node:crypto calls behind the node backend, µs per call (median of 3 rounds of 150 ms)',
);
const callWidth = Math.max(...nodeCalls.map(([name]) => name.length));
for (const [name, call] of nodeCalls) {
  const m = measure(call, { rounds: 3, roundMs: 150 });
  console.log(`${name.padEnd(callWidth)}  ${(1e6 / m.opsPerSecond).toFixed(1).padStart(8)}`);
}
const backends = [
  new SubjectProcess('sigil-node'),
  new SubjectProcess('sigil-portable'),
  new SubjectProcess('sigil-node-aead-import-fix'),
];
console.log(
  '\n1. Primitive cost, µs per call (median of 3 rounds of 150 ms, backends interleaved, each in ' +
    'its own process)',
);
const costs: Record<string, Record<string, number>> = {};
const width = Math.max(...Object.values(PRIMITIVES).map((p) => p.name.length));
console.log(`${'primitive'.padEnd(width)}${backends.map((b) => b.name.padStart(24)).join('')}`);
for (const [id, primitive] of Object.entries(PRIMITIVES)) {
  const { rates } = await comparePrimitive(backends, id, { rounds: 3, roundMs: 150 });
  const cells = backends.map((backend) => {
    const rate = rates[backend.name];
    const micros = rate === undefined ? Number.NaN : 1e6 / rate;
    const byPrimitive = costs[backend.name] ?? {};
    byPrimitive[id] = micros;
    costs[backend.name] = byPrimitive;
    return micros.toFixed(1).padStart(24);
  });
  console.log(`${primitive.name.padEnd(width)}${cells.join('')}`);
}

const measured: Record<string, Record<string, number>> = {};
if (!process.argv.includes('--skip-scenarios')) {
  console.log(
    `\n2. Scenarios with the proposed backend fixes (median of ${rounds} interleaved rounds of ` +
      `${roundMs} ms, each subject in its own process; rate, µs per operation, ratio to libsignal)`,
  );
  const subjects = [
    backends[0] as SubjectProcess,
    new SubjectProcess('sigil-node-aead-fix'),
    backends[2] as SubjectProcess,
    backends[1] as SubjectProcess,
    new SubjectProcess('libsignal'),
  ];
  const nameWidth = Math.max(...subjects.map((s) => s.name.length));
  for (const scenario of SCENARIOS) {
    const { rates } = await compareScenario(subjects, scenario, { rounds, roundMs });
    measured[scenario] = rates;
    const peer = rates.libsignal;
    console.log(`\n${scenario}`);
    for (const { name } of subjects) {
      const rate = rates[name];
      if (rate === undefined) continue;
      const ratio = peer === undefined ? '' : `  ${(rate / peer).toFixed(2)}x libsignal`;
      console.log(
        `  ${name.padEnd(nameWidth)}  ${Math.round(rate).toLocaleString('en-US').padStart(7)}/s` +
          `  ${(1e6 / rate).toFixed(0).padStart(6)} µs${ratio}`,
      );
    }
  }
  for (const subject of subjects) subject.close();
} else {
  for (const backend of backends) backend.close();
}

console.log(
  '\n3. Estimated primitive time per scenario operation, µs (count x cost of section 1), and ' +
    'the measured time per operation (section 2)',
);
for (const scenario of SCENARIOS) {
  console.log(`\n${scenario}`);
  const totals: number[] = backends.map(() => 0);
  for (const [id, count] of Object.entries(COUNTS[scenario])) {
    const cells = backends.map((backend, i) => {
      const value = (costs[backend.name]?.[id] ?? 0) * (count ?? 0);
      totals[i] = (totals[i] ?? 0) + value;
      return value.toFixed(0).padStart(24);
    });
    const label = `  ${Number((count ?? 0).toFixed(3))} x ${PRIMITIVES[id]?.name ?? id}`;
    console.log(`${label.padEnd(width + 10)}${cells.join('')}`);
  }
  const total = totals.map((t) => t.toFixed(0).padStart(24)).join('');
  console.log(`${'  primitives, total'.padEnd(width + 10)}${total}`);
  const rates = measured[scenario];
  if (rates !== undefined) {
    const cells = backends.map((backend) => {
      const rate = rates[backend.name];
      return (rate === undefined ? 'n/a' : (1e6 / rate).toFixed(0)).padStart(24);
    });
    console.log(`${'  measured per operation'.padEnd(width + 10)}${cells.join('')}`);
  }
}
