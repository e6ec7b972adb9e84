/**
 * Relay throughput and latency (issue 4): messages per second and p50/p99 latency of
 * send (HTTP POST) -> stored (SQLite, fsync per send) -> delivered (WebSocket push) ->
 * acknowledged, with 1, 10 and 100 connected devices, beside the same traffic through a bare
 * forwarder (bare-server.ts) in the same run: the ceiling. Prints the ratio relay / bare.
 *
 * Both servers run as child processes on loopback; this process drives the load with a window
 * of concurrent sends spread over the devices. Relay and bare rounds alternate (`--rounds`,
 * default 3) and each figure is the round with the median rate, so load from other processes
 * on a shared machine skews one round rather than one side. Bounded: `--messages N` per round
 * (default 1000) and `--max-seconds S` per round (default 15).
 *
 * Usage: node bench/relay/run.ts [--messages 1000] [--rounds 3] [--window 32] [--json]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { makeAccount } from '../../packages/relay/test/fixtures.ts';
import { post, registerAndLogin } from '../../packages/relay/test/http-login.ts';

function argValue(flag: string, fallback: number): number {
  const index = process.argv.indexOf(flag);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const MESSAGES = argValue('--messages', 1000);
const ROUNDS = argValue('--rounds', 3);
const WINDOW = argValue('--window', 32);
const MAX_MS = argValue('--max-seconds', 15) * 1000;
const WARMUP = Math.min(200, MESSAGES);
const PAYLOAD = 256;
const asJson = process.argv.includes('--json');

interface Target {
  /** Sends one message to device `index`; resolves when the server answered 200. */
  send(index: number, ciphertext: string): Promise<void>;
  /** Opens the socket of device `index`; `onMessage` gets each pushed ciphertext. */
  connect(
    index: number,
    onMessage: (ciphertext: string, ack: () => void) => void,
  ): Promise<WebSocket>;
}

interface Result {
  devices: number;
  messages: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function spawnServer(
  args: string[],
  banner: RegExp,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = banner.exec(out);
      if (match?.[1] !== undefined) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

function openSocket(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function relayTarget(url: string, devices: number): Promise<Target> {
  const sender = makeAccount();
  const senderToken = await registerAndLogin(url, sender);
  const recipients = Array.from({ length: devices }, () => makeAccount());
  const tokens = await Promise.all(recipients.map((r) => registerAndLogin(url, r)));
  return {
    async send(index, ciphertext) {
      const res = await post(
        `${url}/v1/messages`,
        {
          recipientAccountId: recipients[index]?.accountId,
          messages: [{ deviceId: 1, ciphertext }],
        },
        senderToken,
      );
      if (res.status !== 200) throw new Error(`send: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    },
    async connect(index, onMessage) {
      const socket = await openSocket(`${url.replace('http', 'ws')}/v1/ws`, {
        authorization: `Bearer ${tokens[index]}`,
      });
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as {
          type: string;
          message?: { id: string; ciphertext: string };
        };
        const message = frame.message;
        if (frame.type !== 'message' || message === undefined) return;
        onMessage(message.ciphertext, () =>
          socket.send(JSON.stringify({ type: 'ack', id: message.id })),
        );
      });
      return socket;
    },
  };
}

function bareTarget(url: string): Target {
  return {
    async send(index, ciphertext) {
      const res = await post(`${url}/v1/messages`, { to: String(index), ciphertext });
      if (res.status !== 200) throw new Error(`send: ${res.status}`);
      await res.arrayBuffer();
    },
    async connect(index, onMessage) {
      const socket = await openSocket(`${url.replace('http', 'ws')}/v1/ws?device=${index}`, {});
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { message: { id: string; ciphertext: string } };
        onMessage(frame.message.ciphertext, () =>
          socket.send(JSON.stringify({ type: 'ack', id: frame.message.id })),
        );
      });
      return socket;
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** Sends MESSAGES (after WARMUP) with WINDOW in flight; latency = send start -> pushed + acked. */
async function drive(target: Target, devices: number): Promise<Result> {
  const started = new Map<number, number>();
  const latencies: number[] = [];
  const pending = new Map<number, () => void>();
  const sockets = await Promise.all(
    Array.from({ length: devices }, (_, i) =>
      target.connect(i, (ciphertext, ack) => {
        const seq = Number(Buffer.from(ciphertext, 'base64url').subarray(0, 12).toString().trim());
        ack();
        const start = started.get(seq);
        if (start !== undefined) latencies[seq] = performance.now() - start;
        pending.get(seq)?.();
        pending.delete(seq);
      }),
    ),
  );
  const filler = 'x'.repeat(PAYLOAD - 12);
  const total = WARMUP + MESSAGES;
  let next = 0;
  let measuredFrom = 0;
  let measureStart = 0;
  const deadline = performance.now() + MAX_MS;
  const lane = async (): Promise<void> => {
    while (next < total && performance.now() < deadline) {
      const seq = next++;
      if (seq === WARMUP) {
        measuredFrom = seq;
        measureStart = performance.now();
      }
      const delivered = new Promise<void>((resolve) => pending.set(seq, resolve));
      started.set(seq, performance.now());
      const ciphertext = Buffer.from(String(seq).padStart(12) + filler).toString('base64url');
      await target.send(seq % devices, ciphertext);
      await delivered;
    }
  };
  await Promise.all(Array.from({ length: WINDOW }, () => lane()));
  const elapsed = (performance.now() - measureStart) / 1000;
  for (const socket of sockets) socket.close();
  const measured = latencies.slice(measuredFrom).filter((x) => x !== undefined);
  const sorted = [...measured].sort((a, b) => a - b);
  return {
    devices,
    messages: measured.length,
    perSecond: measured.length / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
}

/** The round with the median rate (its latencies come with it). */
function medianRound(rounds: readonly Result[]): Result {
  const sorted = [...rounds].sort((a, b) => a.perSecond - b.perSecond);
  return sorted[sorted.length >> 1] as Result;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const rows: { relay: Result; bare: Result }[] = [];
for (const devices of [1, 10, 100]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'sigil-relay-bench-'));
  const relay = await spawnServer(
    [
      join(root, 'packages/relay/src/main.ts'),
      ...['--port', '0', '--data-dir', dataDir, '--log-level', 'silent'],
      ...['--send-limit', '100000000/100000000', '--signup-limit', '100000/100000'],
    ],
    /relay listening on (http:\/\/\S+)/,
  );
  const bare = await spawnServer(
    [join(root, 'bench/relay/bare-server.ts')],
    /bare listening on (http:\/\/\S+)/,
  );
  try {
    const relayTargetForRun = await relayTarget(relay.url, devices);
    const bareTargetForRun = bareTarget(bare.url);
    const relayRounds: Result[] = [];
    const bareRounds: Result[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      relayRounds.push(await drive(relayTargetForRun, devices));
      bareRounds.push(await drive(bareTargetForRun, devices));
    }
    rows.push({ relay: medianRound(relayRounds), bare: medianRound(bareRounds) });
  } finally {
    relay.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    await Promise.all(
      [relay.child, bare.child].map(
        (c) =>
          new Promise((resolve) => (c.exitCode !== null ? resolve(0) : c.once('exit', resolve))),
      ),
    );
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (asJson) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  console.log(
    `relay (HTTP send -> SQLite fsync -> WebSocket push -> ack) vs bare ws forwarder, ${PAYLOAD}-byte messages, window ${WINDOW}, median of ${ROUNDS} alternating rounds of ${MESSAGES}, Node ${process.version}`,
  );
  console.log('devices   relay msg/s   p50 ms   p99 ms    bare msg/s   p50 ms   p99 ms   ratio');
  for (const { relay, bare } of rows) {
    console.log(
      `${String(relay.devices).padStart(7)} ${relay.perSecond.toFixed(0).padStart(13)} ${relay.p50.toFixed(2).padStart(8)} ${relay.p99.toFixed(2).padStart(8)} ${bare.perSecond.toFixed(0).padStart(13)} ${bare.p50.toFixed(2).padStart(8)} ${bare.p99.toFixed(2).padStart(8)} ${(relay.perSecond / bare.perSecond).toFixed(2).padStart(7)}`,
    );
  }
  console.log('ratio = relay msg/s / bare msg/s (target >= 0.40 with durable storage)');
}
