/**
 * Several relay instances as separate processes (`process.execPath src/main.ts --database ...
 * --redis ...`, as an operator runs them) on one PostgreSQL schema and one Redis prefix, and
 * test devices that talk to them over real HTTP and WebSockets on loopback.
 *
 * Every instance gets the same `--origin` (the public origin behind a load balancer), so a
 * device that logs in at one instance can use its token at any other.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { makeAccount, type TestAccount } from '../fixtures.ts';
import { post, registerAndLogin } from '../http-login.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** The public origin every instance of a test cluster signs into authentications. */
export const ORIGIN = 'http://sigil.test';

/** How to start an instance. */
export interface InstanceOptions {
  readonly database: string;
  readonly schema: string;
  readonly redis?: string;
  readonly prefix: string;
  readonly instanceId: string;
  /** More flags (limits). */
  readonly args?: readonly string[];
}

/** A relay child process. */
export interface Instance {
  readonly id: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** What it wrote to stdout and stderr (for failure messages). */
  output(): string;
  /** Sends `signal` and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts an instance; resolves once it prints its URL. */
export function startInstance(options: InstanceOptions): Promise<Instance> {
  const child = spawn(
    process.execPath,
    [
      MAIN,
      ...['--port', '0', '--host', '127.0.0.1', '--origin', ORIGIN, '--log-level', 'warn'],
      ...['--database', options.database, '--database-schema', options.schema],
      ...(options.redis === undefined ? [] : ['--redis', options.redis]),
      ...['--channel-prefix', options.prefix, '--instance-id', options.instanceId],
      ...['--send-limit', '1000000/1000000', '--signup-limit', '100000/100000'],
      ...['--challenge-limit', '100000/100000'],
      ...(options.args ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay did not start: ${out}`)), 30_000);
    const onData = (): void => {
      const match = /relay listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({
        id: options.instanceId,
        url: match[1],
        process: child,
        output: () => out,
        kill: async (signal = 'SIGTERM') => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((r) => child.once('exit', r));
          child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relay exited with ${code}: ${out}`));
    });
  });
}

/** A message as the test device received it. */
export interface Received {
  /** The relay's message id. */
  readonly id: string;
  /** The payload (unique per send attempt chosen by the sender). */
  readonly text: string;
}

/**
 * A test device (an account with one device): registers and logs in through an instance, keeps
 * one WebSocket open to an instance, acknowledges every message it receives, and removes
 * duplicates by payload before "showing" a message to its user (as a real client does).
 */
export class Device {
  readonly account: TestAccount;
  readonly token: string;
  /** Every message frame, duplicates included. */
  readonly frames: Received[] = [];
  /** Payloads shown to the user: each once. */
  readonly shown = new Set<string>();
  /** Relay ids acknowledged, and ids pushed again after their acknowledgement. */
  readonly acked = new Set<string>();
  readonly afterAck: string[] = [];
  socket: WebSocket | undefined;
  /** The instance the socket is connected to. */
  url = '';
  closeCode: number | undefined;

  private constructor(account: TestAccount, token: string) {
    this.account = account;
    this.token = token;
  }

  /** Another client of the same device (same token): a second connection of it. */
  twin(): Device {
    return new Device(this.account, this.token);
  }

  get accountId(): string {
    return this.account.accountId;
  }

  /** Registers a new account at `url` and logs its device in. */
  static async register(url: string): Promise<Device> {
    const account = makeAccount();
    return new Device(account, await registerAndLogin(url, account, ORIGIN));
  }

  /** Opens the socket at `url` (closing a previous one of this object first). */
  async connect(url: string): Promise<void> {
    this.socket?.removeAllListeners();
    this.socket?.terminate();
    this.closeCode = undefined;
    this.url = url;
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    this.socket = socket;
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as {
        type: string;
        message?: { id: string; ciphertext: string };
      };
      if (frame.type !== 'message' || frame.message === undefined) return;
      const { id, ciphertext } = frame.message;
      const text = Buffer.from(ciphertext, 'base64url').toString();
      if (this.acked.has(id)) this.afterAck.push(id);
      this.frames.push({ id, text });
      this.shown.add(text);
      this.acked.add(id);
      socket.send(JSON.stringify({ type: 'ack', id }));
    });
    socket.on('close', (code) => {
      this.closeCode = code;
    });
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
      socket.once('error', reject);
    });
  }

  /** Sends `text` to `to` through `url`; resolves with the HTTP status (0: no answer). */
  async send(url: string, to: Device, text: string): Promise<number> {
    try {
      const res = await post(
        `${url}/v1/messages`,
        {
          recipientAccountId: to.accountId,
          messages: [{ deviceId: 1, ciphertext: Buffer.from(text).toString('base64url') }],
        },
        this.token,
      );
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }

  /** Closes the socket. */
  close(): void {
    this.socket?.removeAllListeners();
    this.socket?.on('error', () => {});
    this.socket?.close();
  }
}

/** Resolves when `predicate` holds, polling every 20 ms; rejects with `describe()` after `ms`. */
export async function waitFor(
  predicate: () => boolean,
  ms: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Which acknowledged payloads a set of devices has not shown (by recipient). */
export function missing(acknowledged: Map<Device, string[]>): string[] {
  const out: string[] = [];
  for (const [device, texts] of acknowledged) {
    for (const text of texts) if (!device.shown.has(text)) out.push(text);
  }
  return out;
}

/** Instances on one fresh schema and channel prefix. */
export interface Cluster {
  readonly schema: string;
  readonly prefix: string;
  readonly instances: Instance[];
  /** Kills every instance still running (SIGKILL) and drops the schema. */
  stop(): Promise<void>;
}

/**
 * Starts `count` instances on a fresh schema of `database` and a fresh prefix, one after the
 * other (the first migrates). `schema` and `prefix` come from `names()`.
 */
export async function startCluster(options: {
  readonly database: string;
  readonly redis?: string;
  readonly count: number;
  readonly names: () => string;
  readonly dropSchema: (schema: string) => Promise<void>;
  readonly args?: readonly string[];
}): Promise<Cluster> {
  const schema = options.names();
  const prefix = options.names();
  const instances: Instance[] = [];
  const stop = async (): Promise<void> => {
    for (const instance of instances) await instance.kill('SIGKILL');
    await options.dropSchema(schema);
  };
  try {
    for (let i = 0; i < options.count; i++) {
      instances.push(
        await startInstance({
          database: options.database,
          schema,
          ...(options.redis === undefined ? {} : { redis: options.redis }),
          prefix,
          instanceId: `${prefix}-${String.fromCharCode(97 + i)}`,
          ...(options.args === undefined ? {} : { args: options.args }),
        }),
      );
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { schema, prefix, instances, stop };
}
