/**
 * Scale-out benchmark (issue 8): messages per second and p50/p99 latency of send (HTTP POST) ->
 * stored -> delivered (WebSocket push) -> acknowledged, through
 *
 * - one relay instance on SQLite (the baseline, fsync per commit),
 * - one instance on PostgreSQL (wake-ups by LISTEN/NOTIFY),
 * - two instances on PostgreSQL + Redis, recipients split over both and every other send
 *   through the other instance (as a load balancer spreads them), so half the deliveries cross
 *   instances through Redis,
 *
 * in one run, with the ratio of each to the SQLite instance. Then the inputs of the capacity
 * model in docs/deploy.md: memory per open WebSocket of an instance (RSS growth of the relay
 * process with `--connections` idle sockets), the store alone (enqueue, fetch, fetch+ack per
 * second with 32 concurrent callers: the database's ceiling) and storage per queued message
 * (PostgreSQL table and index size, SQLite file growth).
 *
 * Every relay is a child process on loopback (`packages/relay/src/main.ts`); configurations
 * alternate round by round (`--rounds`, default 3) and each figure is the round with the median
 * rate. Bounded: `--messages N` per round (default 1000, after 200 warm-up), `--max-seconds S`
 * per round (default 15), `--connections N` (default 500), `--stored N` (default 5000).
 * PostgreSQL and Redis: `--database URL` (default postgres://postgres@127.0.0.1:5432/test) and
 * `--redis URL` (default redis://127.0.0.1:6379); each run uses a fresh schema and channel
 * prefix and drops the schema afterwards. Without them only the SQLite row is measured.
 *
 * Usage: node bench/relay/scaleout.ts [--messages 1000] [--rounds 3] [--window 32] [--json]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import WebSocket from 'ws';
import { PostgresRelayStore } from '../../packages/relay/src/storage/postgres/index.ts';
import type { RelayStore } from '../../packages/relay/src/storage/relay-store.ts';
import { SqliteRelayStore } from '../../packages/relay/src/storage/sqlite/index.ts';
import { makeAccount } from '../../packages/relay/test/fixtures.ts';
import { post, registerAndLogin } from '../../packages/relay/test/http-login.ts';

function argNumber(flag: string, fallback: number): number {
  const index = process.argv.indexOf(flag);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
function argString(flag: string, fallback: string): string {
  const index = process.argv.indexOf(flag);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const MESSAGES = argNumber('--messages', 1000);
const ROUNDS = argNumber('--rounds', 3);
const WINDOW = argNumber('--window', 32);
const DEVICES = argNumber('--devices', 10);
const MAX_MS = argNumber('--max-seconds', 15) * 1000;
const CONNECTIONS = argNumber('--connections', 500);
const STORED = argNumber('--stored', 5000);
const DATABASE = argString('--database', 'postgres://postgres@127.0.0.1:5432/test');
const REDIS = argString('--redis', 'redis://127.0.0.1:6379');
const WARMUP = Math.min(200, MESSAGES);
const PAYLOAD = 256;
const ORIGIN = 'http://sigil.bench';
const asJson = process.argv.includes('--json');
const root = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(root, 'packages/relay/src/main.ts');

interface Instance {
  readonly child: ChildProcess;
  readonly url: string;
}

interface Result {
  readonly name: string;
  readonly instances: number;
  readonly messages: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

function startRelay(args: readonly string[]): Promise<Instance> {
  const child = spawn(
    process.execPath,
    [
      MAIN,
      ...['--port', '0', '--origin', ORIGIN, '--log-level', 'warn'],
      ...['--send-limit', '100000000/100000000', '--signup-limit', '1000000/1000000'],
      ...['--challenge-limit', '1000000/1000000'],
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /relay listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
  });
}

async function stop(instances: readonly Instance[]): Promise<void> {
  await Promise.all(
    instances.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve(0);
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Registers a one-device account at `url`; returns its id and token. */
async function login(url: string): Promise<{ accountId: string; token: string }> {
  const account = makeAccount();
  return { accountId: account.accountId, token: await registerAndLogin(url, account, ORIGIN) };
}

function openSocket(url: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/ws`, {
      headers: { authorization: `Bearer ${token}` },
    });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** A configuration under load: recipients connected, one sender; `round()` measures. */
interface Subject {
  readonly name: string;
  readonly instances: Instance[];
  round(): Promise<Result>;
  close(): Promise<void>;
}

async function subject(name: string, instances: Instance[]): Promise<Subject> {
  const urls = instances.map((i) => i.url);
  const sender = await login(urls[0] as string);
  // Recipients: the first half on the first instance, the rest on the next ones.
  const recipients = await Promise.all(
    Array.from({ length: DEVICES }, async (_, i) => {
      const url = urls[Math.floor((i * urls.length) / DEVICES)] as string;
      return { ...(await login(url)), url };
    }),
  );
  const pending = new Map<number, () => void>();
  const started = new Map<number, number>();
  let latencies: number[] = [];
  const sockets = await Promise.all(
    recipients.map(async (r) => {
      const socket = await openSocket(r.url, r.token);
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as {
          type: string;
          message?: { id: string; ciphertext: string };
        };
        const message = frame.message;
        if (frame.type !== 'message' || message === undefined) return;
        socket.send(JSON.stringify({ type: 'ack', id: message.id }));
        const text = Buffer.from(message.ciphertext, 'base64url').subarray(0, 12).toString();
        const seq = Number(text.trim());
        const start = started.get(seq);
        if (start !== undefined) latencies[seq] = performance.now() - start;
        pending.get(seq)?.();
        pending.delete(seq);
      });
      return socket;
    }),
  );
  let nextSeq = 0;
  const filler = 'x'.repeat(PAYLOAD - 12);

  return {
    name,
    instances,
    async round() {
      latencies = [];
      const base = nextSeq;
      const total = WARMUP + MESSAGES;
      let next = 0;
      let measureStart = performance.now();
      const deadline = performance.now() + MAX_MS;
      const lane = async (): Promise<void> => {
        while (next < total && performance.now() < deadline) {
          const i = next++;
          const seq = base + i;
          if (i === WARMUP) measureStart = performance.now();
          const delivered = new Promise<void>((resolve) => pending.set(seq, resolve));
          started.set(seq, performance.now());
          const recipient = recipients[i % DEVICES];
          // Sends alternate over the instances: with two, half cross to the other one.
          const via = urls[Math.floor(i / DEVICES) % urls.length] as string;
          const ciphertext = Buffer.from(String(seq).padStart(12) + filler).toString('base64url');
          const res = await post(
            `${via}/v1/messages`,
            {
              recipientAccountId: recipient?.accountId,
              messages: [{ deviceId: 1, ciphertext }],
            },
            sender.token,
          );
          if (res.status !== 200) throw new Error(`send: ${res.status} ${await res.text()}`);
          await res.arrayBuffer();
          await delivered;
          started.delete(seq);
        }
      };
      await Promise.all(Array.from({ length: WINDOW }, () => lane()));
      const elapsed = (performance.now() - measureStart) / 1000;
      nextSeq = base + total;
      const measured = latencies.slice(base + WARMUP).filter((x) => x !== undefined);
      const sorted = [...measured].sort((x, y) => x - y);
      return {
        name,
        instances: instances.length,
        messages: measured.length,
        perSecond: measured.length / elapsed,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
      };
    },
    async close() {
      for (const socket of sockets) socket.close();
      await stop(instances);
    },
  };
}

async function reachable(what: 'postgres' | 'redis'): Promise<boolean> {
  try {
    if (what === 'postgres') {
      const client = new pg.Client({ connectionString: DATABASE, connectionTimeoutMillis: 1000 });
      await client.connect();
      await client.end();
    } else {
      const redis = new Redis(REDIS, {
        lazyConnect: true,
        connectTimeout: 1000,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      redis.on('error', () => {});
      await redis.connect();
      await redis.ping();
      redis.disconnect();
    }
    return true;
  } catch {
    return false;
  }
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** KiB of relay RSS per idle open WebSocket (each a logged-in device). */
async function memoryPerConnection(instance: Instance): Promise<number> {
  const rss = (): number => {
    const status = readFileSync(`/proc/${instance.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  };
  const devices = await Promise.all(Array.from({ length: 20 }, () => login(instance.url)));
  const warm = await Promise.all(devices.map((d) => openSocket(instance.url, d.token)));
  for (const socket of warm) socket.close();
  const logins: { token: string }[] = [];
  for (let i = 0; i < CONNECTIONS; i += 50) {
    logins.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, CONNECTIONS - i) }, () => login(instance.url)),
      )),
    );
  }
  await new Promise((r) => setTimeout(r, 500));
  const before = rss();
  const sockets: WebSocket[] = [];
  for (let i = 0; i < logins.length; i += 50) {
    sockets.push(
      ...(await Promise.all(logins.slice(i, i + 50).map((l) => openSocket(instance.url, l.token)))),
    );
  }
  await new Promise((r) => setTimeout(r, 1000));
  const after = rss();
  for (const socket of sockets) socket.close();
  return (after - before) / sockets.length;
}

/**
 * Operations per second of the store alone (no HTTP), 32 concurrent callers over 10 mailboxes:
 * the database's ceiling for the relay's three hot operations on this machine.
 */
async function storeThroughput(store: RelayStore): Promise<Record<string, number>> {
  const ids: string[] = [];
  for (let i = 0; i < 10; i++) {
    const accountId = randomBytes(32).toString('base64url');
    ids.push(accountId);
    await store.createAccount({
      accountId,
      accountKey: new Uint8Array(32),
      deviceList: new Uint8Array(100),
      listVersion: 1n,
      username: undefined,
      devices: [
        { deviceId: 1, signingKey: new Uint8Array(32), certificateTbs: new Uint8Array(40) },
      ],
      createdAt: Date.now(),
    });
  }
  const rates: Record<string, number> = {};
  for (const op of ['enqueue', 'fetch', 'fetch+ack'] as const) {
    let done = 0;
    const seconds = 1.5;
    const end = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (performance.now() < end) {
          const to = ids[done % ids.length] as string;
          if (op === 'enqueue') {
            await store.enqueue({
              senderAccountId: to,
              senderDeviceId: 1,
              recipientAccountId: to,
              excludeDeviceId: undefined,
              messages: [{ deviceId: 1, ciphertext: new Uint8Array(PAYLOAD) }],
              receivedAt: Date.now(),
            });
          } else {
            const [message] = await store.fetchMessages(to, 1, 0n, 1);
            if (op === 'fetch+ack' && message !== undefined) {
              await store.ackMessages(to, 1, [message.id]);
            }
          }
          done++;
        }
      }),
    );
    rates[op] = done / seconds;
  }
  return rates;
}

/** Bytes on disk per queued 256-byte message, stored through the store API. */
async function storagePerMessage(store: RelayStore, size: () => Promise<number>): Promise<number> {
  const accountId = randomBytes(32).toString('base64url');
  await store.createAccount({
    accountId,
    accountKey: new Uint8Array(32),
    deviceList: new Uint8Array(100),
    listVersion: 1n,
    username: undefined,
    devices: [{ deviceId: 1, signingKey: new Uint8Array(32), certificateTbs: new Uint8Array(40) }],
    createdAt: Date.now(),
  });
  const before = await size();
  for (let i = 0; i < STORED; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, STORED - i) }, () =>
        store.enqueue({
          senderAccountId: accountId,
          senderDeviceId: 1,
          recipientAccountId: accountId,
          excludeDeviceId: undefined,
          messages: [{ deviceId: 1, ciphertext: new Uint8Array(randomBytes(PAYLOAD)) }],
          receivedAt: Date.now(),
        }),
      ),
    );
  }
  return ((await size()) - before) / STORED;
}

const schema = `sigil_bench_${randomBytes(6).toString('hex')}`;
const prefix = schema;
const dataDir = mkdtempSync(join(tmpdir(), 'sigil-scaleout-bench-'));
const withPostgres = await reachable('postgres');
const withRedis = withPostgres && (await reachable('redis'));
if (!withPostgres) console.error(`PostgreSQL not reachable at ${DATABASE}: SQLite only`);
else if (!withRedis) console.error(`Redis not reachable at ${REDIS}: no two-instance row`);

const subjects: Subject[] = [];
const extras: Record<string, number> = {};
try {
  subjects.push(await subject('SQLite', [await startRelay(['--data-dir', dataDir])]));
  const pgArgs = ['--database', DATABASE, '--database-schema', schema, '--channel-prefix', prefix];
  if (withPostgres) {
    subjects.push(await subject('PostgreSQL', [await startRelay(pgArgs)]));
  }
  if (withRedis) {
    const redisArgs = [...pgArgs, '--redis', REDIS];
    const a = await startRelay(redisArgs);
    const b = await startRelay(redisArgs);
    subjects.push(await subject('PostgreSQL + Redis', [a, b]));
  }
  const rounds = new Map<Subject, Result[]>(subjects.map((s) => [s, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of subjects) rounds.get(s)?.push(await s.round());
  }
  const results = subjects.map((s) => {
    const sorted = [...(rounds.get(s) ?? [])].sort((x, y) => x.perSecond - y.perSecond);
    return sorted[sorted.length >> 1] as Result;
  });

  // Capacity inputs: memory per connection (on the last subject's first instance), storage.
  const last = subjects.at(-1);
  if (last?.instances[0] !== undefined) {
    extras.kibPerConnection = await memoryPerConnection(last.instances[0]);
  }
  for (const s of subjects) await s.close();
  subjects.length = 0;
  const throughput: Record<string, Record<string, number>> = {};
  const sqliteOps = SqliteRelayStore.open(join(dataDir, 'ops.db'));
  throughput.SQLite = await storeThroughput(sqliteOps);
  await sqliteOps.close();
  if (withPostgres) {
    const opsSchema = `${schema}_ops`;
    const store = await PostgresRelayStore.open({ url: DATABASE, schema: opsSchema });
    throughput.PostgreSQL = await storeThroughput(store);
    await store.close();
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${opsSchema}" CASCADE`));
  }
  const sqlite = SqliteRelayStore.open(join(dataDir, 'storage.db'));
  extras.sqliteBytesPerMessage = await storagePerMessage(sqlite, async () => {
    const file = join(dataDir, 'storage.db');
    const wal = `${file}-wal`;
    const walSize = (() => {
      try {
        return statSync(wal).size;
      } catch {
        return 0;
      }
    })();
    return statSync(file).size + walSize;
  });
  await sqlite.close();
  if (withPostgres) {
    const store = await PostgresRelayStore.open({ url: DATABASE, schema, poolSize: 4 });
    extras.postgresBytesPerMessage = await storagePerMessage(store, () =>
      admin(async (c) => {
        await c.query(`VACUUM "${schema}".messages`);
        const r = await c.query(`SELECT pg_total_relation_size('"${schema}".messages') AS n`);
        return Number(r.rows[0]?.n);
      }),
    );
    await store.close();
  }

  const baseline = results[0]?.perSecond ?? Number.NaN;
  if (asJson) {
    console.log(JSON.stringify({ results, extras, throughput }, null, 2));
  } else {
    console.log(
      `relay scale-out: HTTP send -> stored -> WebSocket push -> ack, ${PAYLOAD}-byte messages, ${DEVICES} recipients, window ${WINDOW}, median of ${ROUNDS} alternating rounds of ${MESSAGES}, Node ${process.version}`,
    );
    console.log('configuration             instances   msg/s   p50 ms   p99 ms   ratio to SQLite');
    for (const r of results) {
      console.log(
        `${r.name.padEnd(25)} ${String(r.instances).padStart(9)} ${r.perSecond.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(8)} ${r.p99.toFixed(2).padStart(8)} ${(r.perSecond / baseline).toFixed(2).padStart(17)}`,
      );
    }
    console.log(
      'PostgreSQL + Redis: recipients split over both instances; sends alternate, so half cross through Redis.',
    );
    for (const [engine, rates] of Object.entries(throughput)) {
      console.log(
        `store alone, ${engine} (32 callers): ${Object.entries(rates)
          .map(([op, rate]) => `${op} ${rate.toFixed(0)}/s`)
          .join(', ')}`,
      );
    }
    if (extras.kibPerConnection !== undefined) {
      console.log(
        `memory per idle WebSocket: ${extras.kibPerConnection.toFixed(1)} KiB RSS (${CONNECTIONS} connections, ${last?.name})`,
      );
    }
    console.log(
      `storage per queued ${PAYLOAD}-byte message: SQLite ${extras.sqliteBytesPerMessage?.toFixed(0)} B` +
        (extras.postgresBytesPerMessage === undefined
          ? ''
          : `, PostgreSQL ${extras.postgresBytesPerMessage.toFixed(0)} B (table + indexes)`),
    );
  }
} finally {
  for (const s of subjects) await s.close().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
  if (withPostgres) {
    await admin((c) => c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => {});
  }
}
