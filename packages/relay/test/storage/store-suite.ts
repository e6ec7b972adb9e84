/**
 * The storage test suite: one behaviour, checked on every engine (sqlite.test.ts,
 * postgres.test.ts). Each test gets a fresh, empty database from the engine; `open()` opens
 * another store (its own connection) on that same database, for concurrency tests.
 */
import { randomBytes } from 'node:crypto';
import { SigilError } from '@sigil/errors';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  DeviceRecord,
  NewAccount,
  NewSend,
  RelayStore,
  StoredKey,
} from '../../src/storage/relay-store.ts';
import { describeGroupStore } from './group-store-suite.ts';

/** One fresh database of an engine. */
export interface TestDatabase {
  /** Opens a store on this database (each call: another connection). */
  open(): Promise<RelayStore>;
  /** Records a schema version above the latest, as a newer relay would. */
  markNewerSchema(): Promise<void>;
  /** Removes the database. */
  destroy(): Promise<void>;
}

/** An engine under test. */
export interface StoreEngine {
  readonly name: string;
  /** A fresh, empty database. */
  create(): Promise<TestDatabase>;
}

const bytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const accountId = (): string => randomBytes(32).toString('base64url');
const device = (deviceId: number): DeviceRecord => ({
  deviceId,
  signingKey: bytes(32),
  certificateTbs: bytes(40),
});
const newAccount = (deviceIds: readonly number[] = [1], username?: string): NewAccount => ({
  accountId: accountId(),
  accountKey: bytes(32),
  deviceList: bytes(100),
  listVersion: 1n,
  username,
  devices: deviceIds.map(device),
  createdAt: 1_750_000_000_000,
});
const keys = (start: number, count: number): StoredKey[] =>
  Array.from({ length: count }, (_, i) => ({ keyId: start + i, bytes: bytes(33) }));
const send = (
  to: NewAccount,
  deviceIds: readonly number[],
  from = 'sender',
  text = 'x',
): NewSend => ({
  senderAccountId: from,
  senderDeviceId: 7,
  recipientAccountId: to.accountId,
  excludeDeviceId: undefined,
  messages: deviceIds.map((deviceId) => ({
    deviceId,
    ciphertext: new Uint8Array(Buffer.from(`${text}:${deviceId}`)),
  })),
  receivedAt: 1_750_000_000_000,
});
const text = (b: Uint8Array): string => Buffer.from(b).toString();

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** Registers the storage suite for `engine`. */
export function describeRelayStore(engine: StoreEngine): void {
  describe(`relay store on ${engine.name}`, () => {
    let db: TestDatabase;
    let store: RelayStore;
    const extra: RelayStore[] = [];
    const another = async (): Promise<RelayStore> => {
      const s = await db.open();
      extra.push(s);
      return s;
    };

    beforeEach(async () => {
      db = await engine.create();
      store = await db.open();
    });
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await store.close();
      await db.destroy();
    });

    /** Creates an account with all keys uploaded for each device. */
    async function accountWithKeys(deviceIds: readonly number[], oneTime = 3, kem = 3) {
      const account = newAccount(deviceIds);
      expect(await store.createAccount(account)).toBe('created');
      for (const id of deviceIds) {
        const result = await store.putKeys(
          account.accountId,
          id,
          {
            certificate: bytes(80),
            signedPreKey: { keyId: 1, bytes: bytes(70) },
            oneTimePreKeys: keys(1, oneTime),
            kemPreKeys: keys(1, kem),
            lastResortKemPreKey: { keyId: 1000, bytes: new Uint8Array(Buffer.from('last-resort')) },
          },
          1000,
        );
        expect(result).toEqual({ status: 'stored' });
      }
      return account;
    }

    describe('accounts and devices', () => {
      it('stores an account with its devices and reads every field back', async () => {
        const account = { ...newAccount([1, 2], 'alice'), listVersion: 2n ** 64n - 1n };
        expect(await store.createAccount(account)).toBe('created');
        const read = await store.getAccount(account.accountId);
        expect(read).toEqual({
          accountId: account.accountId,
          accountKey: account.accountKey,
          deviceList: account.deviceList,
          listVersion: 2n ** 64n - 1n,
          username: 'alice',
          createdAt: account.createdAt,
        });
        expect(read?.accountKey).toBeInstanceOf(Uint8Array);
        expect(await store.getAccountIdByUsername('alice')).toBe(account.accountId);
        expect(await store.getDevice(account.accountId, 2)).toEqual(account.devices[1]);
        const anonymous = newAccount();
        expect(await store.createAccount(anonymous)).toBe('created');
        expect((await store.getAccount(anonymous.accountId))?.username).toBeUndefined();
      });

      it('absent rows read as undefined', async () => {
        const account = newAccount();
        await store.createAccount(account);
        expect(await store.getAccount(accountId())).toBeUndefined();
        expect(await store.getAccountIdByUsername('nobody')).toBeUndefined();
        expect(await store.getDevice(account.accountId, 2)).toBeUndefined();
        expect(await store.getDevice(accountId(), 1)).toBeUndefined();
      });

      it('refuses an existing account id and a taken username, storing nothing', async () => {
        const first = newAccount([1], 'bob');
        expect(await store.createAccount(first)).toBe('created');
        const again = { ...newAccount([1, 2], 'other'), accountId: first.accountId };
        expect(await store.createAccount(again)).toBe('account-exists');
        expect(await store.getDevice(first.accountId, 2)).toBeUndefined();
        expect(await store.getAccountIdByUsername('other')).toBeUndefined();
        const thief = newAccount([1], 'bob');
        expect(await store.createAccount(thief)).toBe('username-taken');
        expect(await store.getAccount(thief.accountId)).toBeUndefined();
        expect(await store.getDevice(thief.accountId, 1)).toBeUndefined();
      });

      it('two connections racing for one username: exactly one account is created', async () => {
        const stores = [store, await another(), await another()];
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            stores[i % stores.length]?.createAccount(newAccount([1], 'contested')),
          ),
        );
        expect(results.filter((r) => r === 'created')).toHaveLength(1);
        expect(results.filter((r) => r === 'username-taken')).toHaveLength(11);
      });

      it('replaceDeviceList: not-found, stale, and removal of left or re-keyed devices', async () => {
        expect(await store.replaceDeviceList(accountId(), 1n, bytes(10), 2n, [device(1)])).toEqual({
          status: 'not-found',
        });
        const account = await accountWithKeys([1, 2, 3]);
        const id = account.accountId;
        for (const d of [1, 2, 3]) {
          await store.createToken({
            tokenHash: bytes(32),
            accountId: id,
            deviceId: d,
            expiresAt: 9e12,
          });
        }
        await store.createChallenge({
          challengeId: 'c2',
          accountId: id,
          deviceId: 2,
          nonce: bytes(32),
          expiresAt: 9e12,
        });
        const stored = await store.enqueue(send(account, [1, 2, 3]));
        expect(stored.status).toBe('stored');
        expect(await store.replaceDeviceList(id, 5n, bytes(10), 6n, [])).toEqual({
          status: 'stale',
          currentVersion: 1n,
        });
        // Device 1 stays, 2 leaves, 3 comes back with another certificate, 4 is new.
        const keep = account.devices[0] as DeviceRecord;
        const rekeyed = device(3);
        const newList = bytes(120);
        const result = await store.replaceDeviceList(id, 1n, newList, 2n, [
          keep,
          rekeyed,
          device(4),
        ]);
        expect(result).toEqual({ status: 'replaced', removedDeviceIds: [2, 3] });
        const read = await store.getAccount(id);
        expect(read?.listVersion).toBe(2n);
        expect(read?.deviceList).toEqual(newList);
        expect(await store.getDevice(id, 2)).toBeUndefined();
        expect(await store.getDevice(id, 3)).toEqual(rekeyed);
        expect(await store.getDevice(id, 4)).toBeDefined();
        expect((await store.countKeys(id, 1))?.oneTimePreKeys).toBe(3);
        expect(await store.countKeys(id, 3)).toEqual({
          oneTimePreKeys: 0,
          kemPreKeys: 0,
          signedPreKeyId: undefined,
          lastResortKemPreKeyId: undefined,
          hasCertificate: false,
        });
        expect(await store.fetchMessages(id, 1, 0n, 10)).toHaveLength(1);
        expect(await store.fetchMessages(id, 2, 0n, 10)).toHaveLength(0);
        expect(await store.fetchMessages(id, 3, 0n, 10)).toHaveLength(0);
        expect(await store.takeChallenge('c2')).toBeUndefined();
        expect(await store.countQueued()).toBe(1);
      });

      it('deleteAccount erases every row of the account and no other', async () => {
        const doomed = await accountWithKeys([1, 2]);
        const other = await accountWithKeys([1]);
        const hash = bytes(32);
        await store.createToken({
          tokenHash: hash,
          accountId: doomed.accountId,
          deviceId: 1,
          expiresAt: 9e12,
        });
        await store.createChallenge({
          challengeId: 'doomed',
          accountId: doomed.accountId,
          deviceId: 1,
          nonce: bytes(32),
          expiresAt: 9e12,
        });
        await store.enqueue(send(doomed, [1, 2]));
        await store.enqueue(send(other, [1]));
        expect(await store.deleteAccount(doomed.accountId)).toBe(true);
        expect(await store.deleteAccount(doomed.accountId)).toBe(false);
        expect(await store.getAccount(doomed.accountId)).toBeUndefined();
        expect(await store.getDevice(doomed.accountId, 1)).toBeUndefined();
        expect(await store.countKeys(doomed.accountId, 1)).toBeUndefined();
        expect(await store.getToken(hash)).toBeUndefined();
        expect(await store.takeChallenge('doomed')).toBeUndefined();
        expect(await store.takeBundles(doomed.accountId)).toBeUndefined();
        expect(await store.fetchMessages(doomed.accountId, 1, 0n, 10)).toEqual([]);
        expect(await store.countQueued()).toBe(1);
        expect((await store.takeBundles(other.accountId))?.bundles).toHaveLength(1);
      });
    });

    describe('authentication rows', () => {
      it('a challenge is taken once', async () => {
        const challenge = {
          challengeId: 'abc',
          accountId: accountId(),
          deviceId: 3,
          nonce: bytes(32),
          expiresAt: 1234,
        };
        await store.createChallenge(challenge);
        expect(await store.takeChallenge('abc')).toEqual(challenge);
        expect(await store.takeChallenge('abc')).toBeUndefined();
        expect(await store.takeChallenge('never')).toBeUndefined();
      });

      it('concurrent takes of one challenge: exactly one gets it', async () => {
        await store.createChallenge({
          challengeId: 'race',
          accountId: accountId(),
          deviceId: 1,
          nonce: bytes(32),
          expiresAt: 1,
        });
        const stores = [store, await another()];
        const taken = await Promise.all(
          Array.from({ length: 10 }, (_, i) => stores[i % 2]?.takeChallenge('race')),
        );
        expect(taken.filter((t) => t !== undefined)).toHaveLength(1);
      });

      it('tokens are found by hash', async () => {
        const token = { tokenHash: bytes(32), accountId: accountId(), deviceId: 2, expiresAt: 99 };
        await store.createToken(token);
        expect(await store.getToken(token.tokenHash)).toEqual(token);
        expect(await store.getToken(bytes(32))).toBeUndefined();
      });
    });

    describe('key directory', () => {
      it('putKeys stores and counts keys; an unknown device is not-found', async () => {
        const account = newAccount([1]);
        await store.createAccount(account);
        const id = account.accountId;
        expect(await store.putKeys(id, 2, { oneTimePreKeys: [], kemPreKeys: [] }, 10)).toEqual({
          status: 'not-found',
        });
        expect(await store.countKeys(id, 2)).toBeUndefined();
        expect(await store.countKeys(id, 1)).toEqual({
          oneTimePreKeys: 0,
          kemPreKeys: 0,
          signedPreKeyId: undefined,
          lastResortKemPreKeyId: undefined,
          hasCertificate: false,
        });
        const upload = {
          certificate: bytes(80),
          signedPreKey: { keyId: 4_000_000_000, bytes: bytes(70) },
          oneTimePreKeys: keys(1, 5),
          kemPreKeys: keys(1, 2),
          lastResortKemPreKey: { keyId: 77, bytes: bytes(50) },
        };
        expect(await store.putKeys(id, 1, upload, 10)).toEqual({ status: 'stored' });
        expect(await store.countKeys(id, 1)).toEqual({
          oneTimePreKeys: 5,
          kemPreKeys: 2,
          signedPreKeyId: 4_000_000_000,
          lastResortKemPreKeyId: 77,
          hasCertificate: true,
        });
        // Same ids replace; new ids add; absent fields stay.
        expect(
          await store.putKeys(id, 1, { oneTimePreKeys: keys(4, 4), kemPreKeys: [] }, 10),
        ).toEqual({ status: 'stored' });
        const counts = await store.countKeys(id, 1);
        expect(counts?.oneTimePreKeys).toBe(7);
        expect(counts?.signedPreKeyId).toBe(4_000_000_000);
      });

      it('an upload over the limit is too-many and stores nothing of itself', async () => {
        const account = newAccount([1]);
        await store.createAccount(account);
        const id = account.accountId;
        await store.putKeys(id, 1, { oneTimePreKeys: keys(1, 4), kemPreKeys: keys(1, 4) }, 5);
        const before = await store.countKeys(id, 1);
        expect(
          await store.putKeys(
            id,
            1,
            {
              certificate: bytes(80),
              signedPreKey: { keyId: 9, bytes: bytes(70) },
              oneTimePreKeys: keys(10, 2),
              kemPreKeys: [],
            },
            5,
          ),
        ).toEqual({ status: 'too-many', kind: 'one-time' });
        expect(
          await store.putKeys(id, 1, { oneTimePreKeys: keys(1, 1), kemPreKeys: keys(20, 2) }, 5),
        ).toEqual({ status: 'too-many', kind: 'kem' });
        expect(await store.countKeys(id, 1)).toEqual(before);
      });

      it('duplicate key ids in one upload: the last one wins', async () => {
        const account = newAccount([1]);
        await store.createAccount(account);
        const last = new Uint8Array(Buffer.from('second'));
        await store.putKeys(
          account.accountId,
          1,
          {
            certificate: bytes(80),
            signedPreKey: { keyId: 1, bytes: bytes(70) },
            oneTimePreKeys: [
              { keyId: 5, bytes: new Uint8Array(Buffer.from('first')) },
              { keyId: 5, bytes: last },
            ],
            kemPreKeys: [],
            lastResortKemPreKey: { keyId: 2, bytes: bytes(50) },
          },
          10,
        );
        expect((await store.countKeys(account.accountId, 1))?.oneTimePreKeys).toBe(1);
        const bundle = (await store.takeBundles(account.accountId, 1))?.bundles[0];
        expect(bundle?.oneTimePreKey).toEqual(last);
      });

      it('takeBundles hands keys out lowest id first, once, then the last-resort key', async () => {
        const account = await accountWithKeys([1, 2], 2, 1);
        const noKeys = newAccount([1, 5]);
        await store.createAccount(noKeys);
        expect(await store.takeBundles(accountId())).toBeUndefined();
        expect(await store.takeBundles(account.accountId, 9)).toBeUndefined();
        expect(await store.takeBundles(noKeys.accountId)).toEqual({
          bundles: [],
          missingDeviceIds: [1, 5],
        });
        const first = await store.takeBundles(account.accountId);
        expect(first?.missingDeviceIds).toEqual([]);
        expect(first?.bundles.map((b) => b.deviceId)).toEqual([1, 2]);
        const one = await store.takeBundles(account.accountId, 1);
        const two = await store.takeBundles(account.accountId, 1);
        expect(one?.bundles[0]?.oneTimePreKey).toBeDefined();
        expect(one?.bundles[0]?.oneTimePreKey).not.toEqual(first?.bundles[0]?.oneTimePreKey);
        expect(two?.bundles[0]?.oneTimePreKey).toBeUndefined();
        expect(text(two?.bundles[0]?.kemPreKey ?? bytes(1))).toBe('last-resort');
        expect(text(one?.bundles[0]?.kemPreKey ?? bytes(1))).toBe('last-resort');
        expect(text(first?.bundles[0]?.kemPreKey ?? bytes(1))).not.toBe('last-resort');
        expect(await store.countKeys(account.accountId, 1)).toMatchObject({
          oneTimePreKeys: 0,
          kemPreKeys: 0,
        });
        expect(await store.countKeys(account.accountId, 2)).toMatchObject({
          oneTimePreKeys: 1,
          kemPreKeys: 0,
        });
      });

      it('150 concurrent takes over 3 connections hand out each of 100 keys exactly once', async () => {
        const account = await accountWithKeys([1], 100, 100);
        const stores = [store, await another(), await another()];
        const bundles = await Promise.all(
          Array.from({ length: 150 }, (_, i) =>
            stores[i % stores.length]?.takeBundles(account.accountId, 1),
          ),
        );
        const oneTime: string[] = [];
        const kem: string[] = [];
        for (const result of bundles) {
          const parts = result?.bundles[0];
          if (parts === undefined) throw new Error('no bundle');
          if (parts.oneTimePreKey !== undefined) oneTime.push(text(parts.oneTimePreKey));
          kem.push(Buffer.from(parts.kemPreKey).toString('hex'));
        }
        expect(oneTime).toHaveLength(100);
        expect(new Set(oneTime).size).toBe(100);
        const lastResort = Buffer.from('last-resort').toString('hex');
        expect(kem.filter((k) => k === lastResort)).toHaveLength(50);
        expect(new Set(kem.filter((k) => k !== lastResort)).size).toBe(100);
      });
    });

    describe('mailboxes', () => {
      it('a send must cover exactly the list: not-found, missing, extra, duplicate', async () => {
        const bob = newAccount([1, 2]);
        await store.createAccount(bob);
        expect(
          await store.enqueue({ ...send(bob, [1, 2]), recipientAccountId: accountId() }),
        ).toEqual({
          status: 'not-found',
        });
        expect(await store.enqueue(send(bob, [1]))).toEqual({
          status: 'device-set-mismatch',
          missingDeviceIds: [2],
          extraDeviceIds: [],
        });
        expect(await store.enqueue(send(bob, [1, 2, 3, 4]))).toEqual({
          status: 'device-set-mismatch',
          missingDeviceIds: [],
          extraDeviceIds: [3, 4],
        });
        expect((await store.enqueue(send(bob, [1, 2, 2]))).status).toBe('device-set-mismatch');
        // The sender's own device is left out of a send to its own account.
        expect((await store.enqueue({ ...send(bob, [2]), excludeDeviceId: 1 })).status).toBe(
          'stored',
        );
        expect(await store.countQueued()).toBe(1);
      });

      it('stores one message per device with increasing ids; fetch pages in order', async () => {
        const bob = newAccount([1, 2]);
        await store.createAccount(bob);
        const ids: bigint[] = [];
        for (let i = 0; i < 5; i++) {
          const result = await store.enqueue(send(bob, [1, 2], 'alice', `m${i}`));
          if (result.status !== 'stored') throw new Error(result.status);
          expect(result.ids).toHaveLength(2);
          ids.push(...result.ids);
        }
        expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
        const all = await store.fetchMessages(bob.accountId, 1, 0n, 100);
        expect(all.map((m) => text(m.ciphertext))).toEqual([
          'm0:1',
          'm1:1',
          'm2:1',
          'm3:1',
          'm4:1',
        ]);
        expect(all[0]).toMatchObject({ senderAccountId: 'alice', senderDeviceId: 7 });
        expect(all[0]?.receivedAt).toBe(1_750_000_000_000);
        expect(all[0]?.ciphertext).toBeInstanceOf(Uint8Array);
        const page = await store.fetchMessages(bob.accountId, 1, all[1]?.id ?? 0n, 2);
        expect(page.map((m) => text(m.ciphertext))).toEqual(['m2:1', 'm3:1']);
        expect(await store.fetchMessages(bob.accountId, 2, 0n, 100)).toHaveLength(5);
        expect(await store.countQueued()).toBe(10);
      });

      it('ciphertext bytes round-trip exactly (256 KiB)', async () => {
        const bob = newAccount([1]);
        await store.createAccount(bob);
        const ciphertext = bytes(256 * 1024);
        await store.enqueue({ ...send(bob, [1]), messages: [{ deviceId: 1, ciphertext }] });
        const [message] = await store.fetchMessages(bob.accountId, 1, 0n, 1);
        expect(Buffer.from(message?.ciphertext ?? []).equals(Buffer.from(ciphertext))).toBe(true);
      });

      it('200 concurrent sends (group commit) each get their own result', async () => {
        const bob = newAccount([1, 2]);
        await store.createAccount(bob);
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            store.enqueue(send(bob, i % 4 === 3 ? [1] : [1, 2], 'alice', `c${i}`)),
          ),
        );
        for (const [i, result] of results.entries()) {
          expect(result.status, `send ${i}`).toBe(i % 4 === 3 ? 'device-set-mismatch' : 'stored');
        }
        const fetched = await store.fetchMessages(bob.accountId, 1, 0n, 1000);
        expect(fetched).toHaveLength(150);
        expect(new Set(fetched.map((m) => m.id)).size).toBe(150);
      });

      it('a reader with a cursor misses nothing while four connections write one mailbox', async () => {
        const bob = newAccount([1]);
        await store.createAccount(bob);
        const writers = [await another(), await another(), await another(), await another()];
        let writing = true;
        const seen: bigint[] = [];
        const reader = (async () => {
          let after = 0n;
          for (;;) {
            const done = !writing;
            const page = await store.fetchMessages(bob.accountId, 1, after, 50);
            for (const m of page) {
              seen.push(m.id);
              after = m.id;
            }
            if (done && page.length === 0) return;
            await new Promise((r) => setImmediate(r));
          }
        })();
        const sent = await Promise.all(
          Array.from({ length: 600 }, (_, i) =>
            writers[i % writers.length]?.enqueue(send(bob, [1], 'alice', `r${i}`)),
          ),
        );
        writing = false;
        await reader;
        expect(sent.every((r) => r?.status === 'stored')).toBe(true);
        expect(seen).toHaveLength(600);
        expect(new Set(seen).size).toBe(600);
      });

      it('ack deletes only messages of its own mailbox and counts them once', async () => {
        const bob = newAccount([1, 2]);
        await store.createAccount(bob);
        const result = await store.enqueue(send(bob, [1, 2]));
        if (result.status !== 'stored') throw new Error(result.status);
        const [forOne, forTwo] = result.ids as [bigint, bigint];
        expect(await store.ackMessages(bob.accountId, 1, [])).toBe(0);
        expect(await store.ackMessages(bob.accountId, 1, [forTwo])).toBe(0);
        expect(await store.ackMessages(accountId(), 1, [forOne])).toBe(0);
        expect(await store.ackMessages(bob.accountId, 1, [forOne, forOne, 999_999n])).toBe(1);
        expect(await store.ackMessages(bob.accountId, 1, [forOne])).toBe(0);
        expect(await store.fetchMessages(bob.accountId, 1, 0n, 10)).toEqual([]);
        expect(await store.fetchMessages(bob.accountId, 2, 0n, 10)).toHaveLength(1);
        // Concurrent acks of different mailboxes (batched) each count their own.
        const more = await Promise.all(
          Array.from({ length: 20 }, () => store.enqueue(send(bob, [1, 2]))),
        );
        const acks = await Promise.all(
          more.map((r, i) =>
            r.status === 'stored' ? store.ackMessages(bob.accountId, (i % 2) + 1, r.ids) : -1,
          ),
        );
        expect(acks).toEqual(Array.from({ length: 20 }, () => 1));
      });

      it('message ids are never reused after the newest is acknowledged', async () => {
        const bob = newAccount([1]);
        await store.createAccount(bob);
        const first = await store.enqueue(send(bob, [1]));
        if (first.status !== 'stored') throw new Error('not stored');
        await store.ackMessages(bob.accountId, 1, first.ids);
        await store.close();
        store = await db.open();
        const second = await store.enqueue(send(bob, [1]));
        if (second.status !== 'stored') throw new Error('not stored');
        expect(second.ids[0]).toBeGreaterThan(first.ids[0] ?? 0n);
      });

      it('purgeExpired removes old messages and expired challenges and tokens only', async () => {
        const bob = newAccount([1]);
        await store.createAccount(bob);
        await store.enqueue({ ...send(bob, [1], 'a', 'old'), receivedAt: 1000 });
        await store.enqueue({ ...send(bob, [1], 'a', 'new'), receivedAt: 5000 });
        for (const [id, at] of [
          ['c-old', 100],
          ['c-new', 900],
        ] as const) {
          await store.createChallenge({
            challengeId: id,
            accountId: bob.accountId,
            deviceId: 1,
            nonce: bytes(32),
            expiresAt: at,
          });
        }
        const oldToken = bytes(32);
        const newToken = bytes(32);
        await store.createToken({
          tokenHash: oldToken,
          accountId: bob.accountId,
          deviceId: 1,
          expiresAt: 500,
        });
        await store.createToken({
          tokenHash: newToken,
          accountId: bob.accountId,
          deviceId: 1,
          expiresAt: 600,
        });
        expect(await store.purgeExpired(500, 2000)).toEqual({
          messages: 1,
          challenges: 1,
          tokens: 1,
        });
        const left = await store.fetchMessages(bob.accountId, 1, 0n, 10);
        expect(left.map((m) => text(m.ciphertext))).toEqual(['new:1']);
        expect(await store.getToken(oldToken)).toBeUndefined();
        expect(await store.getToken(newToken)).toBeDefined();
        expect(await store.takeChallenge('c-new')).toBeDefined();
        expect(await store.purgeExpired(500, 2000)).toEqual({
          messages: 0,
          challenges: 0,
          tokens: 0,
        });
      });
    });

    describeGroupStore({ store: () => store, another, newAccount, device });

    describe('engine', () => {
      it('ping resolves; a closed store fails with STORAGE_FAILURE, not a raw error', async () => {
        await store.ping();
        const closed = await db.open();
        await closed.close();
        for (const call of [
          () => closed.countQueued(),
          () => closed.getAccount('x'),
          () => closed.enqueue(send(newAccount(), [1])),
        ]) {
          const error = await rejection(call());
          expect(SigilError.is(error, 'STORAGE_FAILURE'), String(error)).toBe(true);
        }
      });

      it('refuses a database written by a newer relay with STORAGE_FAILURE', async () => {
        await store.close();
        await db.markNewerSchema();
        const error = await rejection(db.open());
        expect(SigilError.is(error, 'STORAGE_FAILURE'), String(error)).toBe(true);
        store = { close: async () => {} } as RelayStore;
      });
    });
  });
}
