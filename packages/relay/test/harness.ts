/**
 * An in-process relay for tests: a fresh temp directory with its own SQLite file, a manual
 * clock, a silent logger, and helpers to register accounts, log devices in and dump every table
 * (to prove a rejected request changed nothing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { LABEL_RELAY_AUTH, signWithLabel } from '@sigil/protocol/public';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildApp, type RelayApp } from '../src/app.ts';
import { relayAuthContent } from '../src/auth/relay-auth.ts';
import { loadConfig, type RelayConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { InProcessNotifier, type Notifier } from '../src/notifier.ts';
import { SqliteRelayStore } from '../src/storage/sqlite/index.ts';
import {
  b64,
  crypto,
  deviceList,
  kemPreKey,
  kemPreKeys,
  makeAccount,
  oneTimePreKeys,
  signedPreKey,
  type TestAccount,
  type TestDevice,
} from './fixtures.ts';

/** A clock tests move by hand. */
export class ManualClock {
  #now = 1_750_000_000_000;
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** An in-process relay on a temp directory. */
export interface TestRelay {
  readonly app: RelayApp;
  readonly clock: ManualClock;
  readonly config: RelayConfig;
  readonly dir: string;
  readonly dbPath: string;
  /** `http://127.0.0.1:<port>` when started with `listen: true`. */
  readonly url: string;
  /** JSON request helper. */
  request(options: {
    method: 'GET' | 'POST' | 'PUT' | 'DELETE';
    url: string;
    token?: string;
    body?: unknown;
    payload?: string;
    headers?: Record<string, string>;
  }): Promise<LightMyRequestResponse>;
  /** Every row of every table, as text (for before/after comparisons). */
  dump(): string;
  close(): Promise<void>;
}

/** Starts an in-process relay. */
export async function startTestRelay(
  overrides: Partial<RelayConfig> = {},
  options: {
    listen?: boolean;
    /** Share a notifier (and a database file) with another relay: two instances, one host. */
    notifier?: Notifier;
    dbPath?: string;
  } = {},
): Promise<TestRelay> {
  const dir = mkdtempSync(join(tmpdir(), 'sigil-relay-test-'));
  const dbPath = options.dbPath ?? join(dir, 'relay.db');
  const config = loadConfig([], {}, { dataDir: dir, logLevel: 'silent', ...overrides });
  const clock = new ManualClock();
  const app = await buildApp({
    store: SqliteRelayStore.open(dbPath),
    clock,
    config,
    logger: createLogger('silent'),
    crypto,
    notifier: options.notifier ?? new InProcessNotifier(),
  });
  let url = '';
  if (options.listen === true) {
    url = await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  }
  let closed = false;
  return {
    app,
    clock,
    config,
    dir,
    dbPath,
    url,
    request: ({ method, url, token, body, payload, headers }) =>
      app.fastify.inject({
        method,
        url,
        headers: {
          ...(body !== undefined || payload !== undefined
            ? { 'content-type': 'application/json' }
            : {}),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
          ...headers,
        },
        ...(payload !== undefined
          ? { payload }
          : body !== undefined
            ? { payload: JSON.stringify(body) }
            : {}),
      }),
    dump: () => dumpDatabase(dbPath),
    close: async () => {
      if (closed) return;
      closed = true;
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every row of every table of the database at `path`, as stable text. */
export function dumpDatabase(path: string): string {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => String(row.name));
    const out: Record<string, unknown[]> = {};
    for (const table of tables) {
      out[table] = db
        .prepare(`SELECT * FROM "${table}" ORDER BY 1, 2`)
        .all()
        .map((row) =>
          Object.fromEntries(
            Object.entries(row).map(([k, v]) => [k, v instanceof Uint8Array ? b64(v) : v]),
          ),
        );
    }
    return JSON.stringify(out);
  } finally {
    db.close();
  }
}

/** Registers `account` with its devices at list version 1 (or `version`). */
export async function register(
  relay: TestRelay,
  account: TestAccount,
  options: { username?: string; version?: bigint } = {},
): Promise<void> {
  const res = await relay.request({
    method: 'POST',
    url: '/v1/accounts',
    body: {
      accountKey: b64(account.accountKey.publicKey),
      deviceList: b64(deviceList(account, options.version ?? 1n)),
      ...(options.username === undefined ? {} : { username: options.username }),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
}

/** Authenticates `device` of `account` and returns its bearer token. */
export async function login(
  relay: TestRelay,
  account: TestAccount,
  device: TestDevice,
): Promise<string> {
  const challenge = await relay.request({
    method: 'POST',
    url: '/v1/auth/challenge',
    body: { accountId: account.accountId, deviceId: device.deviceId },
  });
  expect(challenge.statusCode, challenge.body).toBe(200);
  const { challengeId, nonce } = challenge.json() as { challengeId: string; nonce: string };
  const signature = signChallenge(relay, account, device, challengeId, nonce);
  const res = await relay.request({
    method: 'POST',
    url: '/v1/auth/token',
    body: { challengeId, signature },
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { token: string }).token;
}

/** The base64url signature answering a challenge. */
export function signChallenge(
  relay: TestRelay,
  account: TestAccount,
  device: TestDevice,
  challengeId: string,
  nonce: string,
  origin = relay.app.context.origin(),
): string {
  const content = relayAuthContent({
    origin,
    challengeId,
    nonce: new Uint8Array(Buffer.from(nonce, 'base64url')),
    accountId: account.accountId,
    deviceId: device.deviceId,
  });
  return b64(signWithLabel(crypto, device.signing.secretKey, LABEL_RELAY_AUTH, content));
}

/** Uploads a full key set for `device` (certificate, signed, one-time, KEM, last resort). */
export async function uploadKeys(
  relay: TestRelay,
  token: string,
  device: TestDevice,
  counts: { oneTime?: number; kem?: number } = {},
): Promise<void> {
  const res = await relay.request({
    method: 'PUT',
    url: '/v1/keys',
    token,
    body: {
      certificate: b64(device.certificate),
      signedPreKey: b64(signedPreKey(device, 1)),
      oneTimePreKeys: oneTimePreKeys(1, counts.oneTime ?? 3).map(b64),
      kemPreKeys: kemPreKeys(device, 1, counts.kem ?? 3).map(b64),
      lastResortKemPreKey: b64(kemPreKey(device, 1000, 'last-resort')),
    },
  });
  expect(res.statusCode, res.body).toBe(200);
}

/** A registered account whose devices are logged in. */
export async function registeredAccount(
  relay: TestRelay,
  deviceIds: readonly number[] = [1],
  options: { username?: string } = {},
): Promise<{ account: TestAccount; tokens: string[] }> {
  const account = makeAccount(deviceIds);
  await register(relay, account, options);
  const tokens: string[] = [];
  for (const device of account.devices) tokens.push(await login(relay, account, device));
  return { account, tokens };
}

/** Expects a JSON error response with `status` and `code`. */
export function expectError(res: LightMyRequestResponse, status: number, code: string): void {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as { error?: { code?: string; message?: string } };
  expect(body.error?.code, res.body).toBe(code);
  expect(typeof body.error?.message).toBe('string');
}
