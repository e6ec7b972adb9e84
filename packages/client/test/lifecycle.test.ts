/**
 * Client lifecycle: creating an account survives a failure at each network step (open finishes
 * the registration and uploads the prekeys), the WebSocket reconnects after the relay drops it,
 * a device replaced by a newer connection stops, and misuse gets the right codes.
 */
import { getCryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultTransport, type Transport } from '../src/deps.ts';
import { SigilClient } from '../src/index.ts';
import {
  clientOf,
  collect,
  connected,
  newAccount,
  parts,
  startRelay,
  type TestRelay,
  texts,
  until,
} from './harness.ts';

const crypto = getCryptoProvider();
let relay: TestRelay | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await relay?.close();
  relay = undefined;
});

async function codeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (err: unknown) => (SigilError.is(err) ? err.code : err),
  );
}

/** A transport whose fetch fails (network error) for requests matching `failing`. */
function flaky(failing: (method: string, url: string) => boolean): Transport {
  const base = defaultTransport();
  return {
    WebSocket: base.WebSocket,
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      if (failing(init?.method ?? 'GET', String(input))) throw new TypeError('fetch failed');
      return base.fetch(input, init);
    }) as typeof fetch,
  };
}

describe('account creation interrupted', () => {
  it.each([
    ['the registration', 'POST', '/v1/accounts'],
    ['the prekey upload', 'PUT', '/v1/keys'],
  ])('a failure of %s is finished by open()', async (_what, method, path) => {
    relay = await startRelay();
    const p = parts(crypto);
    const first = new SigilClient({
      ...p,
      transport: flaky((m, url) => m === method && new URL(url).pathname === path),
    });
    expect(await codeOf(first.createAccount({ relayUrl: relay.url, username: 'carol' }))).toBe(
      'RELAY_UNREACHABLE',
    );
    await first.close();
    const again = clientOf(p);
    cleanups.push(() => again.close());
    const info = await again.open({ connect: false });
    expect(info).toMatchObject({ username: 'carol', deviceId: 1, devices: [1] });
    expect(await relay.app.context.store.countKeys(info.accountId, 1)).toMatchObject({
      oneTimePreKeys: 100,
      kemPreKeys: 100,
      hasCertificate: true,
    });
    // And it works: a message arrives.
    const alice = await newAccount(relay, 'alice');
    cleanups.push(() => alice.client.close());
    await connected(again);
    await alice.client.send('carol', 'you exist');
    await until(async () => (await texts(again)).length === 1, 'carol receives');
  });
});

describe('connection', () => {
  it('reconnects after the relay drops the socket, and receives what came meanwhile', async () => {
    relay = await startRelay();
    const alice = await newAccount(relay, 'alice');
    const bob = await newAccount(relay, 'bob');
    cleanups.push(
      () => alice.client.close(),
      () => bob.client.close(),
    );
    const states = collect(bob.client, 'connection');
    const bobId = bob.client.whoami().accountId;
    relay.app.context.connections.closeDevice(bobId, 1, 1011, 'test drop');
    await alice.client.send('bob', 'sent while bob reconnects');
    await until(async () => (await texts(bob.client)).length === 1, 'bob receives');
    const sequence = states.map((s) => s.state);
    expect(sequence).toContain('offline');
    expect(sequence.slice(sequence.indexOf('offline'))).toEqual(
      expect.arrayContaining(['connecting', 'open', 'synced']),
    );
    const offline = states.find((s) => s.state === 'offline');
    expect(offline?.retryInMs).toBeLessThanOrEqual(200);
  });

  it('a second connection of the same device replaces the first, which stops', async () => {
    relay = await startRelay();
    const bob = await newAccount(relay, 'bob');
    const states = collect(bob.client, 'connection');
    const twin = clientOf(bob.parts);
    cleanups.push(
      () => bob.client.close(),
      () => twin.close(),
    );
    await twin.open({ connect: false });
    await connected(twin);
    await until(() => states.some((s) => s.state === 'closed'), 'the first one stops');
    expect(states.at(-1)).toEqual({ state: 'closed', reason: 'replaced' });
  });
});

describe('tokens', () => {
  it('an expired token is renewed by logging in again', async () => {
    relay = await startRelay({ tokenTtlMs: 400 });
    const alice = await newAccount(relay, 'alice');
    const bob = await newAccount(relay, 'bob');
    cleanups.push(
      () => alice.client.close(),
      () => bob.client.close(),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Concurrent calls share one new login.
    await Promise.all([alice.client.send('bob', 'after expiry'), alice.client.findContact('bob')]);
    await until(async () => (await texts(bob.client)).length === 1, 'bob receives');
    expect(alice.errors).toEqual([]);
  });
});

describe('misuse', () => {
  it('reports what to do', async () => {
    relay = await startRelay();
    const p = parts(crypto);
    const client = clientOf(p);
    expect(await codeOf(client.open())).toBe('NO_LOCAL_ACCOUNT');
    expect(await codeOf(client.send('bob', 'x'))).toBe('CLIENT_NOT_OPEN');
    expect(await codeOf(client.createAccount({ relayUrl: relay.url, username: 'No Caps' }))).toBe(
      'INVALID_ARGUMENT',
    );
    expect(await codeOf(client.createAccount({ relayUrl: 'ftp://x', username: 'bob' }))).toBe(
      'INVALID_ARGUMENT',
    );
    await client.createAccount({ relayUrl: relay.url, username: 'bob' });
    cleanups.push(() => client.close());
    const other = clientOf(p);
    expect(await codeOf(other.createAccount({ relayUrl: relay.url, username: 'bob2' }))).toBe(
      'ACCOUNT_EXISTS',
    );
    const taken = clientOf(parts(crypto));
    expect(await codeOf(taken.createAccount({ relayUrl: relay.url, username: 'bob' }))).toBe(
      'USERNAME_TAKEN',
    );
    expect(await codeOf(client.findContact('nobody'))).toBe('NOT_FOUND');
    expect(await codeOf(client.findContact('bob'))).toBe('INVALID_ARGUMENT'); // itself
    expect(await codeOf(client.send('nobody', 'x'))).toBe('NOT_FOUND');
    expect(await codeOf(client.send('bob', new Uint8Array(300 * 1024)))).toBe('PAYLOAD_TOO_LARGE');
    expect(await codeOf(client.send('bob', '\ud800'))).toBe('INVALID_ARGUMENT');
    const wrongKey = clientOf({ ...p, storageKey: crypto.random.bytes(32) });
    expect(await codeOf(wrongKey.open())).toBe('STORAGE_KEY_INVALID');
    const unreachable = clientOf(p);
    await relay.close();
    expect(await codeOf(unreachable.open())).toBe('RELAY_UNREACHABLE');
  });
});
