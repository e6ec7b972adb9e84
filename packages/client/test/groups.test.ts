/**
 * Groups through an in-process relay (groups-api.md, SDK): KeyPackages kept on the relay and
 * used once; a group created with a contact and the creator's second device; messages both
 * ways with `groupId`; adding and removing people; leaving with every device of the account
 * (another member commits the leave, also when another commit won the leave's epoch); a
 * Welcome whose leaf does not match its account's device list is refused; a device removed
 * from an account leaves its groups (by this account, or by a member who notices), a new one
 * joins them; a send or a message across an epoch change; crashes around group messages.
 * (Hardening: groups-hardening.test.ts.)
 */
import { getCryptoProvider } from '@sigil/crypto';
import {
  createCommit,
  createKeyPackage,
  DEFAULT_CAPABILITIES,
  decodeMlsMessage,
  encodeMlsMessage,
  type GroupState,
  getCipherSuite,
} from '@sigil/mls';
import { describe, expect, it } from 'vitest';
import { loadGroup } from '../src/groups/group-record.ts';
import type { MemoryStore } from '../src/index.ts';
import type { Runtime } from '../src/runtime.ts';
import { Sealer } from '../src/sealer.ts';
import { devicesOf, groupTestbed, textsOf } from './group-testbed.ts';
import {
  clientOf,
  collect,
  connected,
  newAccount,
  parts,
  type TestRelay,
  until,
} from './harness.ts';

const bed = groupTestbed();
const { account, secondDevice } = bed;

const crypto = getCryptoProvider();

describe('groups', () => {
  it('create with a contact and own devices, messages both ways, add, remove, leave', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const laptop = await secondDevice(alice.client, 'alice');
    const bob = await account('bob');
    const carol = await account('carol');
    const bobGroups = collect(bob.client, 'group');
    const bobInbox = collect(bob.client, 'message');

    const group = await alice.client.createGroup('Team', ['bob']);
    expect(group.name).toBe('Team');
    expect(group.epoch).toBe(1n);
    expect(devicesOf(group)).toEqual({ alice: [1, 2], bob: [1] });
    await until(async () => (await bob.client.getGroup(group.id)) !== undefined, 'bob joins');
    await until(async () => (await laptop.getGroup(group.id)) !== undefined, 'laptop joins');
    // The name is not in the Welcome's GroupContext: it comes in the group metadata message
    // alice sends right after the commit (a 'changed' event).
    await until(async () => (await bob.client.getGroup(group.id))?.name === 'Team', 'bob: name');
    await until(async () => (await laptop.getGroup(group.id))?.name === 'Team', 'laptop: name');
    expect(bobGroups).toEqual([
      { groupId: group.id, kind: 'joined' },
      { groupId: group.id, kind: 'changed' },
    ]);

    const sent = await alice.client.sendToGroup(group.id, 'hello team');
    expect(sent).toMatchObject({ groupId: group.id, contactId: `group:${group.id}` });
    await until(() => bobInbox.length === 1, 'bob receives');
    expect(bobInbox[0]).toMatchObject({
      groupId: group.id,
      direction: 'in',
      body: { type: 'text', text: 'hello team' },
      sender: { accountId: alice.client.whoami().accountId, deviceId: 1 },
    });
    await bob.client.sendToGroup(group.id, 'hi alice');
    await until(async () => (await textsOf(alice.client, group.id)).length === 2, 'alice gets');
    await until(async () => (await textsOf(laptop, group.id)).length === 2, 'laptop gets both');
    expect(await textsOf(laptop, group.id)).toEqual(['hello team', 'hi alice']);
    const laptopHistory = await laptop.groupHistory(group.id);
    expect(laptopHistory[0]?.direction).toBe('out');

    // Add carol (by bob), then remove her (by the laptop).
    await bob.client.findContact('carol');
    // Bob knows alice's username once he looks her up (the Welcome pinned her by account id).
    await bob.client.findContact('alice');
    const added = await bob.client.addToGroup(group.id, ['carol']);
    expect(devicesOf(added)).toEqual({ alice: [1, 2], bob: [1], carol: [1] });
    await until(async () => (await carol.client.getGroup(group.id)) !== undefined, 'carol joins');
    await until(
      async () => (await alice.client.getGroup(group.id))?.epoch === 2n,
      'alice sees epoch 2',
    );
    await bob.client.sendToGroup(group.id, 'welcome carol');
    await until(async () => (await textsOf(carol.client, group.id)).length === 1, 'carol gets');
    await until(async () => (await laptop.getGroup(group.id))?.epoch === 2n, 'laptop epoch 2');
    await laptop.findContact('carol');
    await laptop.findContact('bob');
    const carolGroups = collect(carol.client, 'group');
    const removed = await laptop.removeFromGroup(group.id, ['carol']);
    expect(Object.keys(devicesOf(removed)).sort()).toEqual(['alice', 'bob']);
    await until(() => carolGroups.some((e) => e.kind === 'removed'), 'carol is removed');
    expect(await carol.client.getGroup(group.id)).toBeUndefined();
    await until(async () => (await bob.client.getGroup(group.id))?.epoch === 3n, 'bob epoch 3');
    await alice.client.sendToGroup(group.id, 'carol cannot read this');
    await until(async () => (await textsOf(bob.client, group.id)).length === 4, 'bob gets it');
    expect(await textsOf(carol.client, group.id)).toEqual(['welcome carol']);

    // Bob leaves: one of alice's devices commits his removal.
    await bob.client.leaveGroup(group.id);
    expect(await bob.client.getGroup(group.id)).toBeUndefined();
    await until(
      async () => Object.keys(devicesOf(await alice.client.getGroup(group.id))).length === 1,
      'alice commits the leave',
    );
    await until(
      async () => Object.keys(devicesOf(await laptop.getGroup(group.id))).length === 1,
      'the laptop sees it',
    );
    await alice.client.sendToGroup(group.id, 'after bob left');
    await until(async () => (await textsOf(laptop, group.id)).includes('after bob left'), 'laptop');
    expect(await textsOf(bob.client, group.id)).not.toContain('after bob left');
    expect([...alice.errors, ...bob.errors, ...carol.errors]).toEqual([]);
  });

  it('KeyPackages: uploaded at creation, each one-time one used once, the last resort kept, refilled', async () => {
    const relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    const bobId = bob.client.whoami().accountId;
    const relayStore = relay.app.context.store;
    const secrets = () => bob.parts.store.transaction((tx) => tx.listKeyPackageSecrets());
    expect(await relayStore.countKeyPackages(bobId, 1)).toEqual({ count: 20, hasLastResort: true });
    const before = await secrets();
    expect(before.length).toBe(21);
    expect(before.filter((r) => r.lastResort).length).toBe(1);

    // The KeyPackage check a Welcome starts must be over before the rest are claimed below (the
    // claims do not yield to the relay's I/O: a check in flight would see a count among them).
    const count = relayStore.countKeyPackages.bind(relayStore);
    let checks = 0;
    relayStore.countKeyPackages = async (...args) => {
      const result = await count(...args);
      if (args[0] === bobId) checks++;
      return result;
    };
    const g1 = await alice.client.createGroup('one', ['bob']);
    await until(async () => (await bob.client.listGroups()).length === 1, 'bob joins one');
    await until(async () => checks > 0, 'bob checks his KeyPackages after the Welcome');
    relayStore.countKeyPackages = count;
    expect(await relayStore.countKeyPackages(bobId, 1)).toEqual({ count: 19, hasLastResort: true });
    // The used one-time KeyPackage's secret is gone; the others and the last resort remain.
    const after = await secrets();
    expect(after.length).toBe(20);
    expect(after.filter((r) => r.lastResort)).toEqual(before.filter((r) => r.lastResort));

    // Others claim the rest; the next group gets the last-resort KeyPackage, which stays, and
    // bob refills.
    for (let i = 0; i < 19; i++) await relayStore.claimKeyPackages(bobId);
    expect(await relayStore.countKeyPackages(bobId, 1)).toEqual({ count: 0, hasLastResort: true });
    const g2 = await alice.client.createGroup('two', ['bob']);
    await until(async () => (await bob.client.listGroups()).length === 2, 'bob joins two');
    expect((await bob.client.listGroups()).map((g) => g.name).sort()).toEqual(['one', 'two']);
    expect((await secrets()).filter((r) => r.lastResort).length).toBe(1);
    await until(
      async () => (await relayStore.countKeyPackages(bobId, 1))?.count === 20,
      'bob refills his KeyPackages',
    );
    expect(g1.id).not.toBe(g2.id);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('a device removed from the account leaves its groups', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const laptop = await secondDevice(alice.client, 'alice');
    const bob = await account('bob');
    const group = await alice.client.createGroup('Devices', ['bob']);
    expect(devicesOf(group)).toEqual({ alice: [1, 2], bob: [1] });
    await until(async () => (await bob.client.getGroup(group.id))?.epoch === 1n, 'bob joins');
    await until(async () => (await laptop.getGroup(group.id))?.epoch === 1n, 'laptop joins');
    await bob.client.findContact('alice');

    await alice.client.removeDevice(2);
    const after = await alice.client.getGroup(group.id);
    expect(after?.epoch).toBe(2n);
    expect(devicesOf(after)).toEqual({ alice: [1], bob: [1] });
    await until(async () => (await bob.client.getGroup(group.id))?.epoch === 2n, 'bob follows');
    expect(devicesOf(await bob.client.getGroup(group.id))).toEqual({ alice: [1], bob: [1] });
    await alice.client.sendToGroup(group.id, 'without the laptop');
    await until(async () => (await textsOf(bob.client, group.id)).length === 1, 'bob gets it');
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it("a Welcome with a leaf that is not its account's device is refused", async () => {
    const relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    const carol = await account('carol');
    const group = await alice.client.createGroup('Forged', ['bob']);
    await until(async () => (await bob.client.getGroup(group.id))?.epoch === 1n, 'bob joins');
    const bobGroups = collect(bob.client, 'group');
    const aliceId = alice.client.whoami().accountId;
    const bobId = bob.client.whoami().accountId;
    const carolId = carol.client.whoami().accountId;

    // A member (alice's keys, outside the SDK) commits an add of carol and of a leaf that
    // claims to be bob's device 7 with a key of its own.
    const sealer = new Sealer(crypto, alice.parts.storageKey, (n) => crypto.random.bytes(n));
    const state = (await alice.parts.store.transaction((tx) =>
      loadGroup({ sealer, crypto } as unknown as Runtime, tx, group.id),
    )) as GroupState;
    const suite = getCipherSuite(crypto, 1);
    const now = BigInt(Math.floor(Date.now() / 1000));
    const forged = createKeyPackage({
      suite,
      identity: new TextEncoder().encode(`${bobId}/7`),
      lifetime: { notBefore: now - 60n, notAfter: now + 3600n },
      capabilities: { ...DEFAULT_CAPABILITIES, extensions: [0xf5a1] },
    });
    const relayStore = (relay as TestRelay).app.context.store;
    const claimed = await relayStore.claimKeyPackages(carolId);
    const carolKp = decodeMlsMessage(claimed?.keyPackages[0]?.bytes as Uint8Array);
    if (carolKp.wireFormat !== 'mls_key_package') throw new Error('not a KeyPackage');
    const commit = createCommit(state, {
      proposals: [
        { proposalType: 'add', keyPackage: carolKp.keyPackage },
        { proposalType: 'add', keyPackage: forged.keyPackage },
      ],
    });
    const result = await relayStore.commitGroup({
      groupId: state.groupContext.groupId,
      sender: { accountId: aliceId, deviceId: 1 },
      kind: 'member',
      epoch: 1n,
      commit: encodeMlsMessage(commit.commit),
      welcome: encodeMlsMessage(commit.welcome as NonNullable<typeof commit.welcome>),
      add: [{ accountId: carolId, deviceId: 1 }],
      remove: [],
      receivedAt: Date.now(),
    });
    expect(result.status).toBe('committed');

    // Carol refuses to join; bob, already a member, reports the impostor leaf.
    await carol.client.receivePending();
    expect(await carol.client.getGroup(group.id)).toBeUndefined();
    expect(carol.errors.map((e) => [e.code, e.during])).toEqual([['IDENTITY_MISMATCH', 'group']]);
    await bob.client.receivePending();
    await until(() => bob.errors.length > 0, 'bob reports the leaf');
    expect(bob.errors.map((e) => [e.code, e.during])).toEqual([['IDENTITY_MISMATCH', 'group']]);
    // Bob refused the commit before it changed anything, and no longer follows the group until
    // he rejoins it (a user action; here refused: the commit left the relay no GroupInfo).
    expect(bobGroups).toEqual([
      { groupId: group.id, kind: 'error', code: 'IDENTITY_MISMATCH' },
      { groupId: group.id, kind: 'removed' },
    ]);
    expect(await bob.client.getGroup(group.id)).toBeUndefined();
    await expect(bob.client.rejoinGroup(group.id)).rejects.toMatchObject({
      code: 'MLS_MISSING_EXTERNAL_PUB',
    });
  });

  it('a leave that loses its epoch to another commit is still committed', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const laptop = await secondDevice(alice.client, 'alice');
    const bob = await account('bob');
    await account('carol');
    const group = await alice.client.createGroup('Race', ['bob']);
    await until(async () => (await bob.client.getGroup(group.id))?.epoch === 1n, 'bob joins');
    await until(async () => (await laptop.getGroup(group.id))?.epoch === 1n, 'laptop joins');

    // Both of alice's devices are offline: bob's leave proposal (epoch 1) waits in their
    // mailboxes while the laptop commits an add on epoch 1 that does not include it.
    await alice.client.disconnect();
    await laptop.disconnect();
    await bob.client.leaveGroup(group.id);
    const added = await laptop.addToGroup(group.id, ['carol']);
    expect(added.epoch).toBe(2n);
    expect(added.members.some((m) => m.username === 'alice' && m.deviceIds.length === 2)).toBe(
      true,
    );
    await connected(alice.client);
    await connected(laptop);
    const bobId = bob.client.whoami().accountId;
    for (const c of [alice.client, laptop]) {
      await until(async () => {
        const g = await c.getGroup(group.id);
        return g?.epoch === 3n && !g.members.some((m) => m.accountId === bobId);
      }, 'bob is removed at epoch 3');
    }
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it("a new device of a member's account is added to its groups once it can be", async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    const group = await alice.client.createGroup('Grows', ['bob']);
    await until(async () => (await bob.client.getGroup(group.id))?.epoch === 1n, 'bob joins');
    // The phone certifies the laptop before the laptop has KeyPackages: the phone retries.
    const laptop = await secondDevice(alice.client, 'alice');
    await until(async () => (await laptop.getGroup(group.id)) !== undefined, 'laptop is added');
    expect(devicesOf(await alice.client.getGroup(group.id))).toEqual({ alice: [1, 2], bob: [1] });
    await bob.client.sendToGroup(group.id, 'hello laptop');
    await until(async () => (await textsOf(laptop, group.id)).length === 1, 'laptop receives');
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it("a message of the epoch before this member's own commit still decrypts", async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    await account('carol');
    const group = await alice.client.createGroup('Past', ['bob']);
    await until(async () => (await bob.client.getGroup(group.id))?.epoch === 1n, 'bob joins');
    // Bob's message (epoch 1) waits in alice's mailbox while her own commit moves to epoch 2:
    // the MLS layer keeps the past epoch's keys for it.
    await alice.client.disconnect();
    await bob.client.sendToGroup(group.id, 'sent in epoch 1');
    expect((await alice.client.addToGroup(group.id, ['carol'])).epoch).toBe(2n);
    await connected(alice.client);
    await until(async () => (await textsOf(alice.client, group.id)).length === 1, 'alice reads it');
    expect(await textsOf(alice.client, group.id)).toEqual(['sent in epoch 1']);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it.each(['afterDecrypt', 'afterCommit'] as const)(
    'a crash %s: every group message is stored exactly once',
    async (point) => {
      const relay = await bed.start();
      const alice = await account('alice');
      // Bob's client "dies" at the third message (the Welcome is the first envelope after it).
      let seen = 0;
      let crashed: () => void = () => {};
      const crash = new Promise<void>((resolve) => {
        crashed = resolve;
      });
      const at = point === 'afterDecrypt' ? 3 : 4;
      const bobParts = parts(crypto, {
        hooks: {
          [point]: () => {
            if (++seen === at) {
              crashed();
              throw new Error('simulated crash');
            }
          },
        },
        options: { reconnectBaseMs: 600_000, reconnectMaxMs: 600_000 },
      });
      const bob = await newAccount(relay, 'bob', bobParts);
      const group = await alice.client.createGroup('Crash', ['bob']);
      const burst = Array.from({ length: 5 }, (_, i) => `group burst ${i}`);
      for (const text of burst) await alice.client.sendToGroup(group.id, text);
      await crash;
      await bob.client.close();
      const again = clientOf({ ...bobParts, hooks: {} });
      bed.defer(() => again.close());
      await again.open();
      await until(async () => (await textsOf(again, group.id)).length === 5, 'all five');
      expect(await textsOf(again, group.id)).toEqual(burst);
      expect((await again.getGroup(group.id))?.epoch).toBe(1n);
    },
  );

  it('a send that loses its epoch catches up and is encrypted again', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    await account('carol');
    const group = await alice.client.createGroup('Resend', ['bob']);
    await until(async () => (await bob.client.getGroup(group.id))?.epoch === 1n, 'bob joins');
    // Bob is offline while alice's commit moves the group to epoch 2: his send (epoch 1) is
    // refused, he processes the commit and sends again in epoch 2.
    await bob.client.disconnect();
    await alice.client.addToGroup(group.id, ['carol']);
    const sent = await bob.client.sendToGroup(group.id, 'after catching up');
    expect(sent.groupId).toBe(group.id);
    expect((await bob.client.getGroup(group.id))?.epoch).toBe(2n);
    await until(async () => (await textsOf(alice.client, group.id)).length === 1, 'alice reads');
    expect(await textsOf(alice.client, group.id)).toEqual(['after catching up']);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it("a contact's device dropped from its list is removed by the member who notices", async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    const bobLaptop = await secondDevice(bob.client, 'bob');
    // Bob's phone as it was before the group: it will drop the laptop without being in a group,
    // so only alice is left to notice, when she next fetches bob's device list.
    const phoneBefore = (bob.parts.store as MemoryStore).unsafeSnapshot();
    const group = await alice.client.createGroup('Notice', ['bob']);
    expect(devicesOf(group)).toEqual({ alice: [1], bob: [1, 2] });
    await until(async () => (await bob.client.getGroup(group.id))?.epoch === 1n, 'bob joins');
    await until(async () => (await bobLaptop.getGroup(group.id))?.epoch === 1n, 'laptop joins');
    await bob.client.close();
    const phone = clientOf({ ...bob.parts, store: phoneBefore });
    bed.defer(() => phone.close());
    await phone.open({ connect: false });
    expect(await phone.listGroups()).toEqual([]);
    await phone.removeDevice(2);
    await alice.client.findContact('bob');
    await until(async () => {
      const g = await alice.client.getGroup(group.id);
      return (
        g?.epoch === 2n && JSON.stringify(devicesOf(g)) === JSON.stringify({ alice: [1], bob: [1] })
      );
    }, 'alice removes the laptop');
    expect(alice.errors).toEqual([]);
  });

  it('leaving takes every device of the account', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    const bobLaptop = await secondDevice(bob.client, 'bob');
    const laptopGroups = collect(bobLaptop, 'group');
    const group = await alice.client.createGroup('Everyone', ['bob']);
    await until(async () => (await bobLaptop.getGroup(group.id))?.epoch === 1n, 'laptop joins');
    await until(async () => (await bob.client.getGroup(group.id))?.epoch === 1n, 'bob joins');
    await bob.client.leaveGroup(group.id);
    await until(async () => {
      const g = await alice.client.getGroup(group.id);
      return g?.epoch === 2n && JSON.stringify(devicesOf(g)) === JSON.stringify({ alice: [1] });
    }, 'alice commits both removals');
    await until(() => laptopGroups.some((e) => e.kind === 'removed'), 'the laptop is removed');
    expect(await bobLaptop.getGroup(group.id)).toBeUndefined();
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });
});
