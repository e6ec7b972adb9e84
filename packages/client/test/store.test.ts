/**
 * The ClientStore contract, on every implementation (memory, node:sqlite, IndexedDB through
 * fake-indexeddb): transactions are atomic (a rejection leaves nothing) and run one at a time,
 * messages are unique per (sender, message id), and every table keeps and finds what it is given.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { IndexedDbStore } from '../src/browser/index.ts';
import { type ClientStore, type ContactRecord, MemoryStore } from '../src/index.ts';
import { SqliteStore } from '../src/node/index.ts';
import { CLIENT_MIGRATIONS } from '../src/node/sqlite-store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sqlitePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sigil-store-'));
  dirs.push(dir);
  return join(dir, 'client.db');
}

const factories: [string, () => { store: ClientStore; reopen?: () => ClientStore }][] = [
  ['memory', () => ({ store: new MemoryStore() })],
  [
    'sqlite',
    () => {
      const path = sqlitePath();
      return { store: SqliteStore.open(path), reopen: () => SqliteStore.open(path) };
    },
  ],
  [
    'indexeddb',
    () => {
      // fake-indexeddb: a fresh in-memory IndexedDB per test, shared by the store and its reopen.
      const options = { profile: 'test', indexedDB: new IDBFactory(), keyRange: IDBKeyRange };
      return { store: new IndexedDbStore(options), reopen: () => new IndexedDbStore(options) };
    },
  ],
];

const bytes = (...values: number[]) => new Uint8Array(values);

const contact = (id: string, extra: Partial<ContactRecord> = {}): ContactRecord => ({
  id,
  accountId: id,
  accountKey: new Uint8Array(32).fill(7),
  username: undefined,
  verified: false,
  deviceList: undefined,
  listVersion: 0n,
  pending: undefined,
  addedAt: 1,
  ...extra,
});

describe.each(factories)('%s store', (_name, make) => {
  it('a rejected transaction changes nothing; a resolved one persists', async () => {
    const { store, reopen } = make();
    await store.transaction(async (tx) => {
      await tx.putAccount(bytes(1));
      await tx.putSession('acct', 1, bytes(2));
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.putAccount(bytes(9));
        await tx.deleteSession('acct', 1);
        await tx.putPreKey('one-time', { id: 5, data: bytes(3), stamp: 1 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const check = async (s: ClientStore) =>
      s.transaction(async (tx) => ({
        account: await tx.getAccount(),
        session: await tx.getSession('acct', 1),
        prekey: await tx.getPreKey('one-time', 5),
      }));
    expect(await check(store)).toEqual({ account: bytes(1), session: bytes(2), prekey: undefined });
    await store.close();
    if (reopen !== undefined) {
      const again = reopen();
      expect(await check(again)).toEqual({
        account: bytes(1),
        session: bytes(2),
        prekey: undefined,
      });
      await again.close();
    }
    await expect(store.transaction(async () => 1)).rejects.toMatchObject({
      code: 'STORAGE_FAILURE',
    });
  });

  it('transactions run one at a time', async () => {
    const { store } = make();
    const order: string[] = [];
    const slow = store.transaction(async (tx) => {
      order.push('a start');
      await tx.putAccount(bytes(1));
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('a end');
    });
    const fast = store.transaction(async (tx) => {
      order.push('b start');
      await tx.getAccount();
      order.push('b end');
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end']);
    await store.close();
  });

  it('messages are unique per sender and message id, listed in order, movable', async () => {
    const { store } = make();
    const row = (contactId: string, messageId: string, sender = 'alice') => ({
      contactId,
      direction: 'in' as const,
      senderAccountId: sender,
      senderDeviceId: 1,
      messageId,
      sentAt: 1,
      receivedAt: 2,
      content: bytes(1, 2),
    });
    const seqs = await store.transaction(async (tx) => [
      await tx.putMessage(row('c1', 'aa')),
      await tx.putMessage(row('c1', 'aa')),
      await tx.putMessage(row('c2', 'aa', 'bob')),
      await tx.putMessage(row('c1', 'bb')),
    ]);
    expect(seqs[1]).toBeUndefined();
    expect(seqs.filter((s) => s !== undefined)).toHaveLength(3);
    const c1 = await store.transaction((tx) => tx.listMessages({ contactId: 'c1', limit: 10 }));
    expect(c1.map((m) => m.messageId)).toEqual(['aa', 'bb']);
    const after = await store.transaction((tx) => tx.listMessages({ after: seqs[0], limit: 1 }));
    expect(after.map((m) => [m.contactId, m.messageId])).toEqual([['c2', 'aa']]);
    await store.transaction((tx) => tx.moveMessages('c2', 'c1'));
    expect(
      (await store.transaction((tx) => tx.listMessages({ contactId: 'c1', limit: 10 }))).length,
    ).toBe(3);
    await store.close();
  });

  it('contacts are found by id, account id and username', async () => {
    const { store } = make();
    await store.transaction(async (tx) => {
      await tx.putContact(contact('a1', { username: 'alice', listVersion: 3n }));
      await tx.putContact(contact('b1'));
      await tx.putContact(contact('a1', { accountId: 'a2', username: 'alice', listVersion: 4n }));
    });
    const found = await store.transaction(async (tx) => ({
      byId: await tx.getContact('a1'),
      byOldAccount: await tx.getContactByAccountId('a1'),
      byAccount: await tx.getContactByAccountId('a2'),
      byUsername: await tx.getContactByUsername('alice'),
      all: await tx.listContacts(),
    }));
    expect(found.byId).toMatchObject({ accountId: 'a2', listVersion: 4n });
    expect(found.byId?.accountKey).toEqual(new Uint8Array(32).fill(7));
    expect(found.byOldAccount).toBeUndefined();
    expect(found.byAccount?.id).toBe('a1');
    expect(found.byUsername?.id).toBe('a1');
    expect(found.all.map((c) => c.id).sort()).toEqual(['a1', 'b1']);
    await store.transaction((tx) => tx.deleteContact('b1'));
    expect(await store.transaction((tx) => tx.getContact('b1'))).toBeUndefined();
    await store.close();
  });

  it('prekeys, last-resort uses, sessions, envelopes, the resend buffer and the outbox', async () => {
    const { store } = make();
    const hash = new Uint8Array(32).fill(1);
    await store.transaction(async (tx) => {
      await tx.putPreKey('signed', { id: 2, data: bytes(2), stamp: 20 });
      await tx.putPreKey('signed', { id: 1, data: bytes(1), stamp: 10 });
      await tx.putPreKey('kem', { id: 1, data: bytes(3), stamp: 10 });
      await tx.putLastResortUse(7, hash);
      await tx.putSession('acct', 2, bytes(4));
      await tx.putSession('acct', 1, bytes(5));
      await tx.putSession('other', 1, bytes(6));
      await tx.putEnvelope(hash, 100);
      await tx.putEnvelope(new Uint8Array(32), 50);
    });
    const state = await store.transaction(async (tx) => ({
      signed: (await tx.listPreKeys('signed')).map((r) => [r.id, r.stamp]),
      kem: await tx.getPreKey('kem', 1),
      lastResortKem: await tx.getPreKey('last-resort', 1),
      used: await tx.hasLastResortUse(7, hash),
      unused: await tx.hasLastResortUse(8, hash),
      sessions: await tx.listSessions('acct'),
    }));
    expect(state).toEqual({
      signed: [
        [1, 10],
        [2, 20],
      ],
      kem: { id: 1, data: bytes(3), stamp: 10 },
      lastResortKem: undefined,
      used: true,
      unused: false,
      sessions: [1, 2],
    });
    await store.transaction(async (tx) => {
      await tx.deleteLastResortUses(7);
      await tx.pruneEnvelopes(60);
    });
    expect(
      await store.transaction(async (tx) => [
        await tx.hasLastResortUse(7, hash),
        await tx.hasEnvelope(hash),
        await tx.hasEnvelope(new Uint8Array(32)),
      ]),
    ).toEqual([false, true, false]);

    // The resend buffer keeps the newest `keep` per account and nothing older than `before`.
    await store.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) {
        const h = new Uint8Array(32).fill(i);
        await tx.putSent({
          accountId: 'acct',
          deviceId: 1,
          hash: h,
          content: bytes(i),
          sentAt: i * 10,
          resends: 0,
        });
      }
      await tx.pruneSent('acct', 3, 15);
    });
    const kept = await store.transaction(async (tx) => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++) {
        if (await tx.getSent('acct', 1, new Uint8Array(32).fill(i))) out.push(i);
      }
      return out;
    });
    expect(kept).toEqual([2, 3, 4]);

    const ids = await store.transaction(async (tx) => [
      await tx.putOutbox({
        kind: 'resend-request',
        accountId: 'a',
        deviceId: 1,
        hash,
        createdAt: 1,
        attempts: 0,
      }),
      await tx.putOutbox({
        kind: 'resend',
        accountId: 'b',
        deviceId: 2,
        hash,
        createdAt: 2,
        attempts: 0,
      }),
    ]);
    await store.transaction(async (tx) => {
      await tx.updateOutbox({
        id: ids[0] as number,
        kind: 'resend-request',
        accountId: 'a',
        deviceId: 1,
        hash,
        createdAt: 1,
        attempts: 3,
      });
      await tx.deleteOutbox(ids[1] as number);
    });
    expect(await store.transaction((tx) => tx.listOutbox(10))).toEqual([
      {
        id: ids[0],
        kind: 'resend-request',
        accountId: 'a',
        deviceId: 1,
        hash,
        createdAt: 1,
        attempts: 3,
      },
    ]);
    await store.close();
  });

  it('KeyPackage secrets and groups: put replaces, get, list in order, delete', async () => {
    const { store, reopen } = make();
    await store.transaction(async (tx) => {
      await tx.putKeyPackageSecret({ ref: 'bb', data: bytes(2), lastResort: false, createdAt: 20 });
      await tx.putKeyPackageSecret({ ref: 'aa', data: bytes(1), lastResort: true, createdAt: 10 });
      await tx.putKeyPackageSecret({ ref: 'cc', data: bytes(3), lastResort: false, createdAt: 30 });
      await tx.putGroup({ groupId: 'g2', data: bytes(5), updatedAt: 1 });
      await tx.putGroup({ groupId: 'g1', data: bytes(4), updatedAt: 2 });
    });
    await store.transaction(async (tx) => {
      await tx.putKeyPackageSecret({ ref: 'cc', data: bytes(9), lastResort: false, createdAt: 30 });
      await tx.deleteKeyPackageSecret('bb');
      await tx.putGroup({ groupId: 'g2', data: bytes(6), updatedAt: 3 });
    });
    // A rejected transaction leaves both tables as they were.
    await expect(
      store.transaction(async (tx) => {
        await tx.deleteGroup('g1');
        await tx.deleteKeyPackageSecret('aa');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const check = async (s: ClientStore) =>
      s.transaction(async (tx) => ({
        kp: await tx.getKeyPackageSecret('cc'),
        gone: await tx.getKeyPackageSecret('bb'),
        kps: (await tx.listKeyPackageSecrets()).map((r) => [r.ref, r.lastResort, r.createdAt]),
        group: await tx.getGroup('g2'),
        missing: await tx.getGroup('g3'),
        groups: (await tx.listGroups()).map((r) => r.groupId),
      }));
    const expected = {
      kp: { ref: 'cc', data: bytes(9), lastResort: false, createdAt: 30 },
      gone: undefined,
      kps: [
        ['aa', true, 10],
        ['cc', false, 30],
      ],
      group: { groupId: 'g2', data: bytes(6), updatedAt: 3 },
      missing: undefined,
      groups: ['g1', 'g2'],
    };
    expect(await check(store)).toEqual(expected);
    // Values handed out are copies.
    const row = await store.transaction((tx) => tx.getGroup('g1'));
    row?.data.fill(0);
    expect((await store.transaction((tx) => tx.getGroup('g1')))?.data).toEqual(bytes(4));
    await store.transaction(async (tx) => {
      await tx.deleteGroup('g1');
      await tx.deleteGroup('absent');
    });
    expect(await store.transaction(async (tx) => (await tx.listGroups()).length)).toBe(1);
    await store.close();
    if (reopen !== undefined) {
      const again = reopen();
      expect((await check(again)).kps).toEqual(expected.kps);
      await again.close();
    }
  });
});

describe('sqlite store migrations', () => {
  it('a file of schema version 1 is migrated and keeps its rows', async () => {
    const path = sqlitePath();
    const db = new DatabaseSync(path);
    db.exec(CLIENT_MIGRATIONS[0] as string);
    db.exec('PRAGMA user_version = 1');
    db.prepare('INSERT INTO account (id, data) VALUES (1, ?)').run(bytes(7));
    db.close();
    const store = SqliteStore.open(path);
    await store.transaction((tx) => tx.putGroup({ groupId: 'g', data: bytes(1), updatedAt: 1 }));
    expect(
      await store.transaction(async (tx) => [await tx.getAccount(), await tx.listGroups()]),
    ).toEqual([bytes(7), [{ groupId: 'g', data: bytes(1), updatedAt: 1 }]]);
    await store.close();
    const check = new DatabaseSync(path);
    expect(check.prepare('PRAGMA user_version').get()).toEqual({
      user_version: CLIENT_MIGRATIONS.length,
    });
    check.close();
  });
});
