/**
 * Exactly once for the user: a received message is committed with its ratchet state in one
 * transaction and only then acknowledged. A simulated crash (a test hook throws, the client is
 * abandoned without acknowledging, a new client starts on the same store) at each point:
 * - between decryption and the commit: nothing was written, the relay redelivers, the message
 *   is processed once;
 * - between the commit and the acknowledgement: the redelivery is recognised and dropped.
 * Both on a memory store and on the node:sqlite profile (database reopened from its file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCryptoProvider } from '@sigil/crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { SigilClient, UnsafeTestHooks } from '../src/index.ts';
import { openProfile } from '../src/node/index.ts';
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
  withTimeout,
} from './harness.ts';

const crypto = getCryptoProvider();
let relay: TestRelay | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await relay?.close();
  relay = undefined;
});

/** Hooks that throw once, at message number `at` (1-based), at `point`. */
function crashAt(point: keyof UnsafeTestHooks, at: number) {
  let seen = 0;
  let resolve: () => void = () => {};
  const crashed = new Promise<void>((r) => {
    resolve = r;
  });
  const hooks: UnsafeTestHooks = {
    [point]: () => {
      seen++;
      if (seen === at) {
        resolve();
        throw new Error('simulated crash');
      }
    },
  };
  return { hooks, crashed };
}

/** A client that never reconnects (so after a crash it stays "dead" until the test restarts). */
const NO_RECONNECT = { reconnectBaseMs: 600_000, reconnectMaxMs: 600_000 };

async function mailboxSize(accountId: string): Promise<number> {
  const store = relay?.app.context.store;
  return (await store?.fetchMessages(accountId, 1, 0n, 100))?.length ?? -1;
}

describe.each(['afterDecrypt', 'afterCommit'] as const)('a crash %s', (point) => {
  it('on a memory store: every message of a burst is stored exactly once', async () => {
    relay = await startRelay();
    const alice = await newAccount(relay, 'alice');
    cleanups.push(() => alice.client.close());
    const crash = crashAt(point, 4);
    const bobParts = parts(crypto, { hooks: crash.hooks, options: NO_RECONNECT });
    const bob = await newAccount(relay, 'bob', bobParts);
    const bobId = bob.client.whoami().accountId;
    const firstInbox = collect(bob.client, 'message');
    const contact = await alice.client.findContact('bob');
    const burst = Array.from({ length: 10 }, (_, i) => `burst message ${i}`);
    for (const text of burst) await alice.client.send(contact, text);
    await withTimeout(crash.crashed, 'the crash');
    await bob.client.close(); // the process "dies": nothing after the crash point ran

    expect(firstInbox.length).toBe(point === 'afterDecrypt' ? 3 : 4);
    expect(await mailboxSize(bobId)).toBeGreaterThanOrEqual(7);
    const restarted = clientOf({ ...bobParts, hooks: {} });
    cleanups.push(() => restarted.close());
    const secondInbox = collect(restarted, 'message');
    await restarted.open();
    await until(async () => (await texts(restarted)).length === 10, 'all 10 stored');
    await until(async () => (await mailboxSize(bobId)) === 0, 'the mailbox drained');
    expect(await texts(restarted)).toEqual(burst);
    // The message in flight at the crash is shown exactly once in total.
    expect([...firstInbox, ...secondInbox].map((m) => m.id).sort()).toEqual(
      (await restarted.messages()).map((m) => m.id).sort(),
    );
  });

  it('on the node:sqlite profile, reopened from its file', async () => {
    relay = await startRelay();
    const alice = await newAccount(relay, 'alice');
    cleanups.push(() => alice.client.close());
    const dir = mkdtempSync(join(tmpdir(), 'sigil-profile-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const crash = crashAt(point, 2);
    const bob: SigilClient = openProfile({
      dir,
      create: true,
      options: NO_RECONNECT,
      unsafeTestHooks: crash.hooks,
    });
    await bob.createAccount({ relayUrl: relay.url, username: 'bob' });
    await connected(bob);
    const contact = await alice.client.findContact('bob');
    const burst = ['one', 'two', 'three', 'four', 'five'];
    for (const text of burst) await alice.client.send(contact, text);
    await withTimeout(crash.crashed, 'the crash');
    await bob.close();

    const restarted = openProfile({ dir, options: NO_RECONNECT });
    cleanups.push(() => restarted.close());
    await restarted.open();
    const bobId = restarted.whoami().accountId;
    await until(async () => (await texts(restarted)).length === 5, 'all 5 stored');
    await until(async () => (await mailboxSize(bobId)) === 0, 'the mailbox drained');
    expect(await texts(restarted)).toEqual(burst);
    // The sessions survived too: a reply decrypts at Alice.
    await restarted.send(alice.client.whoami().accountId, 'back at you');
    await until(
      async () => (await texts(alice.client)).includes('back at you'),
      'alice gets the reply',
    );
  });
});

describe('redelivery without a crash', () => {
  it('receivePending over HTTP drops envelopes the WebSocket already stored', async () => {
    relay = await startRelay();
    const alice = await newAccount(relay, 'alice');
    const crash = crashAt('afterCommit', 1);
    const bobParts = parts(crypto, { hooks: crash.hooks, options: NO_RECONNECT });
    const bob = await newAccount(relay, 'bob', bobParts);
    cleanups.push(() => alice.client.close());
    await alice.client.send(await alice.client.findContact('bob'), 'stored but not acked');
    await withTimeout(crash.crashed, 'the crash');
    await bob.client.close();
    const restarted = clientOf({ ...bobParts, hooks: {} });
    cleanups.push(() => restarted.close());
    const inbox = collect(restarted, 'message');
    await restarted.open({ connect: false });
    expect(await restarted.receivePending()).toBe(1);
    expect(await restarted.receivePending()).toBe(0);
    expect(inbox).toEqual([]);
    expect(await texts(restarted)).toEqual(['stored but not acked']);
  });
});
