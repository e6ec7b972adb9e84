/**
 * Test harness: a real relay in-process (buildApp + listen on 127.0.0.1:0, SQLite in a temp
 * directory, every log line captured at trace level), and clients on memory stores.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CryptoProvider, getCryptoProvider } from '@sigil/crypto';
import {
  buildApp,
  createLogger,
  InProcessNotifier,
  loadConfig,
  type RelayApp,
  type RelayConfig,
  SqliteRelayStore,
  systemClock,
} from '@sigil/relay';
import {
  type ClientEvents,
  type ClientOptions,
  type ClientStore,
  type Clock,
  MemoryStore,
  SigilClient,
  type UnsafeTestHooks,
} from '../src/index.ts';

/** A relay listening on loopback. */
export interface TestRelay {
  readonly app: RelayApp;
  readonly url: string;
  readonly dir: string;
  /** Every log line the relay wrote. */
  readonly logs: string[];
  /** The bytes of every file of the relay's data directory (database, WAL). */
  files(): Buffer[];
  close(): Promise<void>;
}

/** Starts a relay (SQLite in a temp dir, trace logs captured). */
export async function startRelay(overrides: Partial<RelayConfig> = {}): Promise<TestRelay> {
  const dir = mkdtempSync(join(tmpdir(), 'sigil-client-relay-'));
  const logs: string[] = [];
  const config = loadConfig([], {}, { dataDir: dir, logLevel: 'trace', ...overrides });
  const app = await buildApp({
    store: SqliteRelayStore.open(join(dir, 'relay.db')),
    clock: systemClock,
    config,
    logger: createLogger('trace', { write: (line: string) => void logs.push(line) }),
    crypto: getCryptoProvider(),
    notifier: new InProcessNotifier(),
  });
  const url = await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  let closed = false;
  return {
    app,
    url,
    dir,
    logs,
    files: () => readdirSync(dir).map((name) => readFileSync(join(dir, name))),
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a test client is made of (kept so a test can "restart" on the same store). */
export interface ClientParts {
  readonly crypto: CryptoProvider;
  readonly store: ClientStore;
  readonly storageKey: Uint8Array;
  readonly clock?: Clock;
  readonly options?: ClientOptions;
  readonly hooks?: UnsafeTestHooks;
}

/** Fast reconnects for tests. */
export const TEST_OPTIONS: ClientOptions = { reconnectBaseMs: 20, reconnectMaxMs: 200 };

/** New client parts on a memory store. */
export function parts(
  crypto: CryptoProvider = getCryptoProvider(),
  extra: Partial<ClientParts> = {},
): ClientParts {
  return {
    crypto,
    store: new MemoryStore(),
    storageKey: crypto.random.bytes(32),
    options: TEST_OPTIONS,
    ...extra,
  };
}

/** A client on `p`. */
export function clientOf(p: ClientParts): SigilClient {
  return new SigilClient({
    crypto: p.crypto,
    store: p.store,
    storageKey: p.storageKey,
    options: p.options ?? TEST_OPTIONS,
    ...(p.clock === undefined ? {} : { clock: p.clock }),
    ...(p.hooks === undefined ? {} : { unsafeTestHooks: p.hooks }),
  });
}

/** A client with a new account (`username`), connected and synced. */
export async function newAccount(
  relay: TestRelay,
  username: string | undefined,
  p: ClientParts = parts(),
): Promise<{ client: SigilClient; parts: ClientParts; errors: ClientEvents['error'][] }> {
  const client = clientOf(p);
  const errors = collect(client, 'error');
  await client.createAccount({
    relayUrl: relay.url,
    ...(username === undefined ? {} : { username }),
  });
  await connected(client);
  return { client, parts: p, errors };
}

/** Connects `client` and waits until the queued messages were processed. */
export async function connected(client: SigilClient): Promise<void> {
  const synced = client.once('connection', (e) => e.state === 'synced');
  client.connect();
  await withTimeout(synced, 'synced');
}

/** Rejects after `ms` with a message naming what was awaited. */
export function withTimeout<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Collects every event of a type. */
export function collect<K extends keyof ClientEvents>(
  client: SigilClient,
  type: K,
): ClientEvents[K][] {
  const out: ClientEvents[K][] = [];
  client.on(type, (event) => void out.push(event));
  return out;
}

/** Waits until `check` holds (polling), or fails naming `what`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The texts of a client's stored messages, in storage order. */
export async function texts(client: SigilClient, contact?: string): Promise<string[]> {
  const messages = await client.messages(contact === undefined ? {} : { contact });
  return messages.map((m) =>
    m.body.type === 'text' ? m.body.text : `<${m.body.data.length} bytes>`,
  );
}

/** A manual clock. */
export class ManualClock implements Clock {
  #now = Date.now();
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** Records the kinds of outbox work a store is given (wraps its transactions). */
export function spyOutbox(store: ClientStore): string[] {
  const kinds: string[] = [];
  const transaction = store.transaction.bind(store);
  store.transaction = (fn) =>
    transaction((tx) =>
      fn(
        new Proxy(tx, {
          get(target, key, receiver) {
            const value = Reflect.get(target, key, receiver) as unknown;
            if (key !== 'putOutbox' || typeof value !== 'function') {
              return typeof value === 'function' ? value.bind(target) : value;
            }
            return (row: { kind: string }) => {
              kinds.push(row.kind);
              return (value as (r: unknown) => Promise<number>).call(target, row);
            };
          },
        }),
      ),
    );
  return kinds;
}
