/**
 * The storage suite's MLS delivery-service part (KeyPackages, groups, group fan-out), run on
 * every engine by store-suite.ts inside its `describe`, with its fresh database per test.
 * Concurrency tests use stores on separate connections (`another()`).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type {
  DeviceRecord,
  GroupCommit,
  GroupMember,
  NewAccount,
  RelayStore,
  StoredKeyPackage,
} from '../../src/storage/relay-store.ts';

/** What the group suite needs from the enclosing storage suite. */
export interface GroupSuiteContext {
  /** The test's store (read at call time: it is replaced before each test). */
  store(): RelayStore;
  /** Another store on the same database (its own connection), closed after the test. */
  another(): Promise<RelayStore>;
  /** A new (not yet created) account with these devices. */
  newAccount(deviceIds: readonly number[]): NewAccount;
  device(deviceId: number): DeviceRecord;
}

const bytes = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const kp = (label: string): StoredKeyPackage => ({
  ref: new Uint8Array(Buffer.from(label.padEnd(32, '.'))),
  bytes: new Uint8Array(Buffer.from(`kp:${label}`)),
});
const kps = (prefix: string, count: number): StoredKeyPackage[] =>
  Array.from({ length: count }, (_, i) => kp(`${prefix}${String(i).padStart(3, '0')}`));
const text = (b: Uint8Array): string => Buffer.from(b).toString();
const groupId = (): Uint8Array => bytes(32);
const m = (account: NewAccount, deviceId: number): GroupMember => ({
  accountId: account.accountId,
  deviceId,
});
const blob = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));

/** Registers the KeyPackage and group tests. */
export function describeGroupStore(ctx: GroupSuiteContext): void {
  async function created(deviceIds: readonly number[]): Promise<NewAccount> {
    const account = ctx.newAccount(deviceIds);
    expect(await ctx.store().createAccount(account)).toBe('created');
    return account;
  }

  /** Mail of one device: [text of ciphertext, group id hex or '-'] per message. */
  async function mail(member: GroupMember): Promise<string[]> {
    const rows = await ctx.store().fetchMessages(member.accountId, member.deviceId, 0n, 1000);
    return rows.map(
      (r) =>
        `${text(r.ciphertext)}@${r.groupId === undefined ? '-' : Buffer.from(r.groupId).toString('hex').slice(0, 8)}`,
    );
  }
  const tag = (id: Uint8Array): string => Buffer.from(id).toString('hex').slice(0, 8);

  const commitOf = (
    id: Uint8Array,
    sender: GroupMember,
    epoch: bigint,
    extra: Partial<GroupCommit> = {},
  ): GroupCommit => ({
    groupId: id,
    sender,
    kind: 'member',
    epoch,
    commit: blob(`commit-${epoch}`),
    add: [],
    remove: [],
    receivedAt: 1_750_000_000_000,
    ...extra,
  });

  describe('MLS KeyPackages', () => {
    it('put stores one-time KeyPackages once per ref, replaces the last resort, counts', async () => {
      const store = ctx.store();
      const account = await created([1, 2]);
      const id = account.accountId;
      expect(await store.putKeyPackages('nobody', 1, { keyPackages: kps('a', 1) }, 100)).toEqual({
        status: 'not-found',
      });
      expect(await store.countKeyPackages(id, 9)).toBeUndefined();
      expect(await store.countKeyPackages(id, 1)).toEqual({ count: 0, hasLastResort: false });
      const first = await store.putKeyPackages(
        id,
        1,
        { keyPackages: [...kps('a', 3), kp('a000')], lastResort: kp('last1') },
        100,
      );
      expect(first).toEqual({ status: 'stored', count: 3, hasLastResort: true });
      // Re-uploading a stored ref keeps one copy.
      expect(await store.putKeyPackages(id, 1, { keyPackages: kps('a', 4) }, 100)).toEqual({
        status: 'stored',
        count: 4,
        hasLastResort: true,
      });
      await store.putKeyPackages(id, 1, { keyPackages: [], lastResort: kp('last2') }, 100);
      expect(await store.countKeyPackages(id, 2)).toEqual({ count: 0, hasLastResort: false });
      const claimed = await store.claimKeyPackages(id);
      expect(claimed?.missingDeviceIds).toEqual([2]);
      expect(claimed?.keyPackages.map((k) => [k.deviceId, text(k.bytes), k.lastResort])).toEqual([
        [1, 'kp:a000', false],
      ]);
      for (let i = 0; i < 3; i++) await store.claimKeyPackages(id);
      const last = await store.claimKeyPackages(id);
      expect(last?.keyPackages.map((k) => [text(k.bytes), k.lastResort])).toEqual([
        ['kp:last2', true],
      ]);
      // The last-resort KeyPackage is handed out again, never deleted.
      expect(await store.countKeyPackages(id, 1)).toEqual({ count: 0, hasLastResort: true });
      expect(await store.claimKeyPackages('nobody')).toBeUndefined();
    });

    it('an upload over the limit is too-many and stores nothing of itself', async () => {
      const store = ctx.store();
      const { accountId } = await created([1]);
      await store.putKeyPackages(accountId, 1, { keyPackages: kps('a', 8) }, 10);
      expect(
        await store.putKeyPackages(
          accountId,
          1,
          { keyPackages: kps('b', 3), lastResort: kp('last') },
          10,
        ),
      ).toEqual({ status: 'too-many' });
      expect(await store.countKeyPackages(accountId, 1)).toEqual({
        count: 8,
        hasLastResort: false,
      });
      // Refs already stored do not count twice against the limit.
      expect(
        await store.putKeyPackages(
          accountId,
          1,
          { keyPackages: [...kps('a', 8), ...kps('b', 2)] },
          10,
        ),
      ).toMatchObject({ status: 'stored', count: 10 });
    });

    it('claims hand KeyPackages out oldest first, one per device', async () => {
      const store = ctx.store();
      const { accountId } = await created([1, 2]);
      await store.putKeyPackages(accountId, 1, { keyPackages: [kp('z'), kp('y')] }, 100);
      await store.putKeyPackages(
        accountId,
        2,
        { keyPackages: [kp('x')], lastResort: kp('l2') },
        100,
      );
      const order = [];
      for (let i = 0; i < 3; i++) {
        const claim = await store.claimKeyPackages(accountId);
        order.push(claim?.keyPackages.map((k) => `${k.deviceId}:${text(k.bytes)}`).join(','));
        if (i === 2) expect(claim?.missingDeviceIds).toEqual([1]);
      }
      expect(order).toEqual(['1:kp:z,2:kp:x', '1:kp:y,2:kp:l2', '2:kp:l2']);
    });

    it('50 concurrent claims over 3 connections hand out each of 10 KeyPackages once', async () => {
      const { accountId } = await created([1]);
      await ctx
        .store()
        .putKeyPackages(accountId, 1, { keyPackages: kps('k', 10), lastResort: kp('last') }, 100);
      const stores = [ctx.store(), await ctx.another(), await ctx.another()];
      const claims = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stores[i % stores.length]?.claimKeyPackages(accountId),
        ),
      );
      const handedOut = claims.map((c) => {
        const [one] = c?.keyPackages ?? [];
        if (one === undefined) throw new Error('no KeyPackage');
        return `${text(one.bytes)}/${one.lastResort}`;
      });
      const oneTime = handedOut.filter((h) => h.endsWith('/false'));
      expect(oneTime).toHaveLength(10);
      expect(new Set(oneTime).size).toBe(10);
      expect(handedOut.filter((h) => h === 'kp:last/true')).toHaveLength(40);
      expect(await ctx.store().countKeyPackages(accountId, 1)).toEqual({
        count: 0,
        hasLastResort: true,
      });
    });
  });

  describe('groups', () => {
    it('create: created once, the creator its only member at epoch 0', async () => {
      const store = ctx.store();
      const alice = await created([1]);
      const id = groupId();
      expect(await store.getGroup(id)).toBeUndefined();
      expect(await store.createGroup(id, m(alice, 1), 5)).toBe('created');
      expect(await store.createGroup(id, m(alice, 1), 6)).toBe('exists');
      expect(await store.createGroup(groupId(), m(alice, 2), 5)).toBe('device-not-found');
      expect(await store.getGroup(id)).toEqual({
        groupId: id,
        epoch: 0n,
        members: [m(alice, 1)],
        groupInfo: undefined,
      });
    });

    it('a commit fans out to the members before it, Welcomes the added, updates the group', async () => {
      const store = ctx.store();
      const alice = await created([1, 2]);
      const bob = await created([1, 2]);
      const carol = await created([1]);
      const id = groupId();
      await store.createGroup(id, m(alice, 1), 0);
      const add = await store.commitGroup(
        commitOf(id, m(alice, 1), 0n, {
          add: [m(alice, 2), m(bob, 1), m(bob, 2)],
          welcome: blob('welcome-1'),
          groupInfo: blob('info-1'),
        }),
      );
      expect(add).toEqual({
        status: 'committed',
        epoch: 1n,
        delivered: expect.arrayContaining([m(alice, 2), m(bob, 1), m(bob, 2)]),
      });
      expect(await mail(m(alice, 1))).toEqual([]);
      expect(await mail(m(bob, 1))).toEqual([`welcome-1@${tag(id)}`]);
      // Bob's device 1 removes Bob's device 2 and adds Carol.
      const remove = await store.commitGroup(
        commitOf(id, m(bob, 1), 1n, {
          add: [m(carol, 1)],
          remove: [m(bob, 2)],
          welcome: blob('welcome-2'),
        }),
      );
      expect(remove.status).toBe('committed');
      expect(await mail(m(alice, 1))).toEqual([`commit-1@${tag(id)}`]);
      expect(await mail(m(bob, 1))).toEqual([`welcome-1@${tag(id)}`]);
      // The removed device gets the commit that removes it.
      expect(await mail(m(bob, 2))).toEqual([`welcome-1@${tag(id)}`, `commit-1@${tag(id)}`]);
      expect(await mail(m(carol, 1))).toEqual([`welcome-2@${tag(id)}`]);
      const group = await store.getGroup(id);
      expect(group?.epoch).toBe(2n);
      expect(group?.groupInfo).toBeUndefined();
      expect(new Set(group?.members.map((x) => `${x.accountId}/${x.deviceId}`))).toEqual(
        new Set(
          [m(alice, 1), m(alice, 2), m(bob, 1), m(carol, 1)].map(
            (x) => `${x.accountId}/${x.deviceId}`,
          ),
        ),
      );
      // ... and nothing after it.
      const sent = await store.sendGroupMessage({
        groupId: id,
        sender: m(alice, 1),
        epoch: 2n,
        message: blob('hello'),
        receivedAt: 1,
      });
      expect(sent.status === 'stored' && sent.ids.length).toBe(3);
      expect(await mail(m(bob, 2))).toHaveLength(2);
      expect(await mail(m(carol, 1))).toEqual([`welcome-2@${tag(id)}`, `hello@${tag(id)}`]);
    });

    it('refused commits change nothing: not-found, not-member, stale epoch, unknown device', async () => {
      const store = ctx.store();
      const alice = await created([1]);
      const mallory = await created([1]);
      const id = groupId();
      await store.createGroup(id, m(alice, 1), 0);
      await store.commitGroup(commitOf(id, m(alice, 1), 0n, { groupInfo: blob('info') }));
      const before = await store.getGroup(id);
      expect(await store.commitGroup(commitOf(groupId(), m(alice, 1), 1n))).toEqual({
        status: 'not-found',
      });
      expect(await store.commitGroup(commitOf(id, m(mallory, 1), 1n))).toEqual({
        status: 'not-member',
      });
      expect(await store.commitGroup(commitOf(id, m(alice, 1), 0n))).toEqual({
        status: 'epoch-mismatch',
        currentEpoch: 1n,
      });
      const ghost = { accountId: mallory.accountId, deviceId: 9 };
      expect(
        await store.commitGroup(
          commitOf(id, m(alice, 1), 1n, { add: [m(mallory, 1), ghost], welcome: blob('w') }),
        ),
      ).toEqual({ status: 'device-not-found', missing: [ghost] });
      expect(await store.getGroup(id)).toEqual(before);
      expect(await mail(m(mallory, 1))).toEqual([]);
      expect(await store.countQueued()).toBe(0);
    });

    it('messages: current epoch only, to every member but the sender, members only', async () => {
      const store = ctx.store();
      const alice = await created([1, 2]);
      const bob = await created([1]);
      const id = groupId();
      await store.createGroup(id, m(alice, 1), 0);
      await store.commitGroup(
        commitOf(id, m(alice, 1), 0n, { add: [m(alice, 2), m(bob, 1)], welcome: blob('w') }),
      );
      const message = (sender: GroupMember, epoch: bigint) =>
        store.sendGroupMessage({ groupId: id, sender, epoch, message: blob('m'), receivedAt: 1 });
      expect(await message(m(alice, 1), 0n)).toEqual({
        status: 'epoch-mismatch',
        currentEpoch: 1n,
      });
      expect(await message({ accountId: bob.accountId, deviceId: 2 }, 1n)).toEqual({
        status: 'not-member',
      });
      expect(
        await store.sendGroupMessage({
          groupId: groupId(),
          sender: m(alice, 1),
          epoch: 1n,
          message: blob('m'),
          receivedAt: 1,
        }),
      ).toEqual({ status: 'not-found' });
      const sent = await message(m(bob, 1), 1n);
      expect(sent.status).toBe('stored');
      if (sent.status !== 'stored') return;
      expect(sent.ids).toHaveLength(2);
      expect(sent.delivered).toEqual(expect.arrayContaining([m(alice, 1), m(alice, 2)]));
      expect(await mail(m(bob, 1))).toEqual([`w@${tag(id)}`]);
    });

    it('leave fans out the proposal, then the device gets nothing more', async () => {
      const store = ctx.store();
      const alice = await created([1]);
      const bob = await created([1]);
      const id = groupId();
      await store.createGroup(id, m(alice, 1), 0);
      await store.commitGroup(
        commitOf(id, m(alice, 1), 0n, { add: [m(bob, 1)], welcome: blob('w') }),
      );
      const leave = (epoch?: bigint) =>
        store.leaveGroup({
          groupId: id,
          sender: m(bob, 1),
          proposal: epoch === undefined ? undefined : { epoch, message: blob('bye') },
          receivedAt: 1,
        });
      expect(await leave(0n)).toEqual({ status: 'epoch-mismatch', currentEpoch: 1n });
      expect(await leave(1n)).toEqual({ status: 'left', delivered: [m(alice, 1)] });
      expect(await mail(m(alice, 1))).toEqual([`bye@${tag(id)}`]);
      expect(await leave()).toEqual({ status: 'not-member' });
      await store.sendGroupMessage({
        groupId: id,
        sender: m(alice, 1),
        epoch: 1n,
        message: blob('after'),
        receivedAt: 1,
      });
      expect(await mail(m(bob, 1))).toEqual([`w@${tag(id)}`]);
      expect((await store.getGroup(id))?.members).toEqual([m(alice, 1)]);
    });

    it('an external commit needs a member device of the account and makes the sender a member', async () => {
      const store = ctx.store();
      const alice = await created([1, 2]);
      const bob = await created([1]);
      const id = groupId();
      await store.createGroup(id, m(alice, 1), 0);
      expect(await store.commitGroup(commitOf(id, m(bob, 1), 0n, { kind: 'external' }))).toEqual({
        status: 'not-member',
      });
      const joined = await store.commitGroup(
        commitOf(id, m(alice, 2), 0n, { kind: 'external', groupInfo: blob('gi') }),
      );
      expect(joined).toEqual({ status: 'committed', epoch: 1n, delivered: [m(alice, 1)] });
      const group = await store.getGroup(id);
      expect(group?.members).toHaveLength(2);
      expect(group?.groupInfo && text(group.groupInfo)).toBe('gi');
      expect(await mail(m(alice, 1))).toEqual([`commit-0@${tag(id)}`]);
    });

    it('two commits for one epoch racing on two connections: exactly one wins, every time', async () => {
      const alice = await created([1, 2]);
      const id = groupId();
      await ctx.store().createGroup(id, m(alice, 1), 0);
      await ctx
        .store()
        .commitGroup(commitOf(id, m(alice, 1), 0n, { add: [m(alice, 2)], welcome: blob('w') }));
      const other = await ctx.another();
      for (let epoch = 1n; epoch <= 10n; epoch++) {
        const results = await Promise.all([
          ctx.store().commitGroup(commitOf(id, m(alice, 1), epoch)),
          other.commitGroup(commitOf(id, m(alice, 2), epoch)),
        ]);
        const won = results.filter((r) => r.status === 'committed');
        expect(won).toEqual([
          { status: 'committed', epoch: epoch + 1n, delivered: expect.any(Array) },
        ]);
        expect(results.filter((r) => r.status === 'epoch-mismatch')).toEqual([
          { status: 'epoch-mismatch', currentEpoch: epoch + 1n },
        ]);
      }
      expect((await ctx.store().getGroup(id))?.epoch).toBe(11n);
      // Each device got exactly the winning commits of the other: 10 in all.
      const a1 = await mail(m(alice, 1));
      const a2 = await mail(m(alice, 2));
      expect(a1.length + a2.length - 1).toBe(10);
    });

    it('a device leaving its account leaves its groups and loses its KeyPackages', async () => {
      const store = ctx.store();
      const alice = await created([1, 2]);
      const id = groupId();
      await store.createGroup(id, m(alice, 1), 0);
      await store.commitGroup(
        commitOf(id, m(alice, 1), 0n, { add: [m(alice, 2)], welcome: blob('w') }),
      );
      await store.putKeyPackages(
        alice.accountId,
        2,
        { keyPackages: kps('x', 2), lastResort: kp('l') },
        100,
      );
      const keep = alice.devices[0] as DeviceRecord;
      const result = await store.replaceDeviceList(alice.accountId, 1n, bytes(10), 2n, [keep]);
      expect(result).toEqual({ status: 'replaced', removedDeviceIds: [2] });
      expect((await store.getGroup(id))?.members).toEqual([m(alice, 1)]);
      expect(await store.countKeyPackages(alice.accountId, 2)).toBeUndefined();
      // Re-added under the same id with a new certificate: none of the old rows come back.
      await store.replaceDeviceList(alice.accountId, 2n, bytes(10), 3n, [keep, ctx.device(2)]);
      expect(await store.countKeyPackages(alice.accountId, 2)).toEqual({
        count: 0,
        hasLastResort: false,
      });
      expect((await store.getGroup(id))?.members).toEqual([m(alice, 1)]);
      expect(await store.deleteAccount(alice.accountId)).toBe(true);
      expect((await store.getGroup(id))?.members).toEqual([]);
    });
  });
}
