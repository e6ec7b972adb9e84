/**
 * The IndexedDB store beyond the shared contract suite (store.test.ts): a transaction reads its
 * own staged writes, queries merge stored and staged rows in order, nothing reaches the
 * database before the commit, two "tabs" on one profile are serialized by Web Locks, a commit
 * that overlapped another writer fails and writes nothing, and deleting the profile closes open
 * stores; and a client on a browser profile messages through a real relay and restarts on it.
 * Runs on fake-indexeddb (the real-browser test covers real IndexedDB).
 */
import { getCryptoProvider } from '@sigil/crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteBrowserProfile, IndexedDbStore, openBrowserProfile } from '../src/browser/index.ts';
import type { ClientStore, NewMessageRow } from '../src/index.ts';
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

const bytes = (...values: number[]) => new Uint8Array(values);

function setup(locks: LockManager | null = null) {
  const indexedDB = new IDBFactory();
  const options = { profile: 'p', indexedDB, keyRange: IDBKeyRange, locks };
  return { indexedDB, open: () => new IndexedDbStore(options) };
}

const message = (contactId: string, messageId: string, sender = 'alice'): NewMessageRow => ({
  contactId,
  direction: 'in',
  senderAccountId: sender,
  senderDeviceId: 1,
  messageId,
  sentAt: 1,
  receivedAt: 2,
  content: bytes(1),
});

const ids = (store: ClientStore, contactId?: string) =>
  store.transaction(async (tx) =>
    (await tx.listMessages({ contactId, limit: 100 })).map((m) => [
      m.seq,
      m.contactId,
      m.messageId,
    ]),
  );

describe('IndexedDbStore', () => {
  it('a transaction sees its own writes and deletes, merged with stored rows in order', async () => {
    const { open } = setup();
    const store = open();
    await store.transaction(async (tx) => {
      await tx.putMessage(message('c1', 'a'));
      await tx.putMessage(message('c2', 'b'));
      await tx.putMessage(message('c1', 'c'));
      await tx.putSession('acct', 1, bytes(1));
      await tx.putSession('acct', 3, bytes(3));
    });
    const seen = await store.transaction(async (tx) => {
      await tx.putSession('acct', 2, bytes(2));
      await tx.deleteSession('acct', 3);
      await tx.putSession('acct', 1, bytes(9));
      const duplicate = await tx.putMessage(message('c9', 'a'));
      const fresh = await tx.putMessage(message('c1', 'd'));
      const again = await tx.putMessage(message('c1', 'd'));
      await tx.moveMessages('c2', 'c1');
      return {
        duplicate,
        fresh,
        again,
        sessions: await tx.listSessions('acct'),
        session1: await tx.getSession('acct', 1),
        session3: await tx.getSession('acct', 3),
        c1: (await tx.listMessages({ contactId: 'c1', limit: 10 })).map((m) => m.messageId),
        firstTwoAfter1: (await tx.listMessages({ after: 1, limit: 2 })).map((m) => m.seq),
        c2: await tx.listMessages({ contactId: 'c2', limit: 10 }),
      };
    });
    expect(seen).toEqual({
      duplicate: undefined,
      fresh: 4,
      again: undefined,
      sessions: [1, 2],
      session1: bytes(9),
      session3: undefined,
      c1: ['a', 'b', 'c', 'd'],
      firstTwoAfter1: [2, 3],
      c2: [],
    });
    expect(await ids(store)).toEqual([
      [1, 'c1', 'a'],
      [2, 'c1', 'b'],
      [3, 'c1', 'c'],
      [4, 'c1', 'd'],
    ]);
    await store.close();
  });

  it('nothing reaches the database before the commit; a rejection leaves no seq used', async () => {
    const { open } = setup();
    const store = open();
    const other = open(); // a second connection (another tab) reading meanwhile
    let midway: unknown;
    await store.transaction(async (tx) => {
      await tx.putAccount(bytes(1));
      midway = await other.transaction((o) => o.getAccount());
    });
    expect(midway).toBeUndefined();
    expect(await other.transaction((o) => o.getAccount())).toEqual(bytes(1));
    await expect(
      store.transaction(async (tx) => {
        await tx.putMessage(message('c', 'x'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.transaction((tx) => tx.putMessage(message('c', 'y')))).toBe(1);
    await Promise.all([store.close(), other.close()]);
  });

  it('values are copied in and out; a view stores only its own bytes', async () => {
    const { open } = setup();
    const store = open();
    const big = bytes(1, 2, 3, 4, 5, 6);
    const view = big.subarray(2, 4);
    await store.transaction(async (tx) => {
      await tx.putGroup({ groupId: 'g', data: view, updatedAt: 1 });
      view.fill(0); // after staging: the staged copy keeps 3, 4
      const row = await tx.getGroup('g');
      row?.data.fill(7); // a copy handed out
      expect((await tx.getGroup('g'))?.data).toEqual(bytes(3, 4));
    });
    const stored = await store.transaction((tx) => tx.getGroup('g'));
    expect(stored?.data).toEqual(bytes(3, 4));
    expect(stored?.data.buffer.byteLength).toBe(2);
    await store.close();
  });

  it('the transaction object cannot be used after its transaction ended', async () => {
    const { open } = setup();
    const store = open();
    let leaked: Parameters<Parameters<ClientStore['transaction']>[0]>[0] | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked?.putAccount(bytes(1))).rejects.toMatchObject({
      code: 'STORAGE_FAILURE',
    });
    expect(await store.transaction((tx) => tx.getAccount())).toBeUndefined();
    await store.close();
  });

  it('two stores on one profile (two tabs) are serialized by Web Locks', async () => {
    const { open } = setup(navigator.locks);
    const [a, b] = [open(), open()];
    await a.transaction((tx) => tx.putOutbox(outbox()));
    const order: string[] = [];
    const slow = a.transaction(async (tx) => {
      order.push('a start');
      const id = await tx.putOutbox(outbox());
      await new Promise((resolve) => setTimeout(resolve, 30));
      order.push('a end');
      return id;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fast = b.transaction(async (tx) => {
      order.push('b start');
      return tx.putOutbox(outbox());
    });
    expect(await Promise.all([slow, fast])).toEqual([2, 3]);
    expect(order).toEqual(['a start', 'a end', 'b start']);
    await Promise.all([a.close(), b.close()]);
  });

  it('without locks, a commit that overlapped another writer fails and writes nothing', async () => {
    const { open } = setup(null);
    const [a, b] = [open(), open()];
    await a.transaction((tx) => tx.putAccount(bytes(1)));
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const overlapped = a.transaction(async (tx) => {
      await tx.getAccount();
      await gate; // b commits meanwhile
      await tx.putAccount(bytes(2));
      return tx.putOutbox(outbox());
    });
    await b.transaction((tx) => tx.putAccount(bytes(3)));
    release();
    await expect(overlapped).rejects.toMatchObject({ code: 'STORAGE_FAILURE' });
    expect(
      await a.transaction(async (tx) => [await tx.getAccount(), await tx.listOutbox(10)]),
    ).toEqual([bytes(3), []]);
    await Promise.all([a.close(), b.close()]);
  });

  it('close is idempotent; deleting the profile closes open stores and removes the data', async () => {
    const { indexedDB, open } = setup();
    const store = open();
    await store.transaction((tx) => tx.putAccount(bytes(1)));
    await deleteBrowserProfile('p', { indexedDB });
    expect(await indexedDB.databases()).toEqual([]);
    await expect(store.transaction((tx) => tx.getAccount())).rejects.toMatchObject({
      code: 'STORAGE_FAILURE',
    });
    await store.close();
    await store.close();
    const fresh = open();
    expect(await fresh.transaction((tx) => tx.getAccount())).toBeUndefined();
    await fresh.close();
  });

  it('rejects bad profile names and a database written by a newer client', async () => {
    const indexedDB = new IDBFactory();
    expect(() => new IndexedDbStore({ profile: '', indexedDB, keyRange: IDBKeyRange })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    const newer = indexedDB.open('sigil-client:future', 99);
    await new Promise((resolve) => {
      newer.onsuccess = () => resolve(newer.result.close());
    });
    await expect(
      IndexedDbStore.open({ profile: 'future', indexedDB, keyRange: IDBKeyRange }),
    ).rejects.toMatchObject({ code: 'STORAGE_FAILURE', message: expect.stringMatching(/newer/) });
  });
});

describe('a client on a browser profile', () => {
  let relay: TestRelay | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await relay?.close();
    relay = undefined;
  });

  it('exchanges messages through the relay and keeps them across a restart', async () => {
    relay = await startRelay();
    const crypto = getCryptoProvider();
    const indexedDB = new IDBFactory();
    const options = { indexedDB, keyRange: IDBKeyRange };
    const profile = await openBrowserProfile('alice', options);
    const alice = await newAccount(
      relay,
      'alice',
      parts(crypto, { store: profile.store, storageKey: profile.storageKey }),
    );
    const bob = await newAccount(relay, 'bob', parts(crypto));
    cleanups.push(
      () => alice.client.close(),
      () => bob.client.close(),
    );
    const aliceInbox = collect(alice.client, 'message');
    const bobContact = await alice.client.findContact('bob');
    await alice.client.send(bobContact, 'hello from a browser');
    const aliceId = alice.client.whoami().accountId;
    await until(async () => (await texts(bob.client, aliceId)).length === 1, 'bob receives');
    await bob.client.send(aliceId, 'hello back');
    await until(() => aliceInbox.length === 1, 'alice receives');
    await alice.client.close();
    await profile.store.close();

    // Restart: the same profile, reopened, holds the account, sessions and history.
    const again = await openBrowserProfile('alice', options);
    expect(again.storageKey).toEqual(profile.storageKey);
    const restarted = clientOf(parts(crypto, { store: again.store, storageKey: again.storageKey }));
    cleanups.push(async () => {
      await restarted.close();
      await again.store.close();
    });
    await restarted.open({ connect: false });
    await connected(restarted);
    expect(restarted.whoami().accountId).toBe(aliceId);
    expect(await texts(restarted, bobContact.id)).toEqual(['hello from a browser', 'hello back']);
    await restarted.send(bobContact, 'still here');
    await until(async () => (await texts(bob.client, aliceId)).length === 3, 'bob receives more');
    expect(await texts(bob.client, aliceId)).toEqual([
      'hello from a browser',
      'hello back',
      'still here',
    ]);
  });
});

function outbox() {
  return {
    kind: 'resend' as const,
    accountId: 'a',
    deviceId: 1,
    hash: new Uint8Array(32),
    createdAt: 1,
    attempts: 0,
  };
}
