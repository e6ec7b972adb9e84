/**
 * Group hardening through an in-process relay (brief H8): a late message is attributed by the
 * credential of its epoch, not the leaf's current owner; an own commit survives a crash after
 * the relay accepted it (and a failed post is settled on the next operation, won or lost); a
 * device that lost its state rejoins by external commit (`resynced`) and reads and writes
 * again; members refuse an external commit by an account that is not in the group (the commit
 * changes nothing, the device stops following: `error` + `removed`); key refresh on request,
 * after `GROUP_REKEY_AFTER_MESSAGES` sends and after `GROUP_REKEY_INTERVAL_MS` without a commit.
 */
import { getCryptoProvider } from '@sigil/crypto';
import {
  createGroupInfo,
  DEFAULT_CAPABILITIES,
  encodeMlsMessage,
  type GroupState,
  getCipherSuite,
  joinByExternalCommit,
} from '@sigil/mls';
import { createDeviceKeys } from '@sigil/protocol';
import { describe, expect, it } from 'vitest';
import { loadEntry } from '../src/groups/group-record.ts';
import { type GroupSummary, type MemoryStore, SigilClient } from '../src/index.ts';
import { GROUP_REKEY_AFTER_MESSAGES, GROUP_REKEY_INTERVAL_MS } from '../src/limits.ts';
import { allAt, devicesOf, epochOf, groupTestbed, storeRuntime, textsOf } from './group-testbed.ts';
import {
  type ClientParts,
  clientOf,
  collect,
  connected,
  ManualClock,
  parts,
  TEST_OPTIONS,
  until,
} from './harness.ts';

const bed = groupTestbed();
const { account } = bed;

const crypto = getCryptoProvider();

/** A client on `p` (a restart on the same store), opened and synced. */
async function reopen(p: ClientParts, transport?: FailingTransport): Promise<SigilClient> {
  const client =
    transport === undefined
      ? clientOf(p)
      : new SigilClient({
          crypto: p.crypto,
          store: p.store,
          storageKey: p.storageKey,
          options: p.options ?? TEST_OPTIONS,
          transport: transport.transport,
        });
  bed.defer(() => client.close());
  await client.open({ connect: false });
  await connected(client);
  return client;
}

/** A transport that fails (no answer) the requests `failing` matches, before they leave. */
interface FailingTransport {
  readonly transport: { fetch: typeof fetch; WebSocket: never };
  failing: ((url: string) => boolean) | undefined;
}
function failingTransport(): FailingTransport {
  const t: FailingTransport = {
    transport: {
      fetch: async (input, init) => {
        if (t.failing?.(String(input)) === true) throw new TypeError('fetch failed');
        return fetch(input, init);
      },
      WebSocket: globalThis.WebSocket as never,
    },
    failing: undefined,
  };
  return t;
}

/** The stored entry of a group in a client's store (read with its storage key). */
async function entryOf(p: ClientParts, groupId: string) {
  return p.store.transaction((tx) => loadEntry(storeRuntime(p), tx, groupId));
}

/** Sends `text` from `from` and waits until every client in `to` stored it. */
async function talk(from: SigilClient, to: SigilClient[], groupId: string, text: string) {
  await from.sendToGroup(groupId, text);
  for (const c of to) {
    await until(async () => (await textsOf(c, groupId)).includes(text), `"${text}" arrives`);
  }
}

describe('group hardening', () => {
  it('a late message is attributed to its sender, not to the leaf its place has now', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    const carol = await account('carol');
    await account('dave');
    const group = await alice.client.createGroup('Late', ['bob', 'carol']);
    await allAt([bob.client, carol.client], group.id, 1n);
    // Carol's message (epoch 1) waits in alice's mailbox while alice removes carol and adds
    // dave, who takes carol's old leaf.
    await alice.client.disconnect();
    await carol.client.sendToGroup(group.id, 'from carol in epoch 1');
    await alice.client.removeFromGroup(group.id, ['carol']);
    const after = await alice.client.addToGroup(group.id, ['dave']);
    expect(after.epoch).toBe(3n);
    await alice.client.receivePending();
    const [late] = await alice.client.groupHistory(group.id);
    expect(late?.body).toEqual({ type: 'text', text: 'from carol in epoch 1' });
    expect(late?.sender).toEqual({ accountId: carol.client.whoami().accountId, deviceId: 1 });
    expect(alice.errors).toEqual([]);
  });

  it('an own commit survives a crash after the relay took it: settled on restart', async () => {
    const _relay = await bed.start();
    let crash = false;
    const aliceParts = parts(crypto, {
      hooks: {
        afterGroupCommitPosted: () => {
          if (crash) throw new Error('simulated crash');
        },
      },
    });
    const alice = await account('alice', aliceParts);
    const bob = await account('bob');
    const carol = await account('carol');
    const group = await alice.client.createGroup('Crash', ['bob']);
    await allAt([bob.client], group.id, 1n);
    crash = true;
    await expect(alice.client.addToGroup(group.id, ['carol'])).rejects.toThrow('simulated crash');
    // The relay took the commit; the device stored it as pending before posting.
    expect((await entryOf(aliceParts, group.id))?.pending?.epoch).toBe(1n);
    await allAt([bob.client, carol.client], group.id, 2n);
    await alice.client.close();

    const restarted = await reopen({ ...aliceParts, hooks: {} });
    const events = collect(restarted, 'group');
    await allAt([restarted], group.id, 2n);
    expect((await entryOf(aliceParts, group.id))?.pending).toBeUndefined();
    // Settled from the relay's GroupInfo (it is the one the commit carried): no resync.
    expect(events.filter((e) => e.kind === 'resynced')).toEqual([]);
    await talk(restarted, [bob.client, carol.client], group.id, 'alice after the crash');
    await talk(carol.client, [restarted, bob.client], group.id, 'carol to all');
    await talk(bob.client, [restarted, carol.client], group.id, 'bob to all');
    const byAccount = (g: GroupSummary | undefined) =>
      Object.fromEntries((g?.members ?? []).map((m) => [m.accountId, m.deviceIds]));
    expect(byAccount(await restarted.getGroup(group.id))).toEqual(
      byAccount(await carol.client.getGroup(group.id)),
    );
    expect([...bob.errors, ...carol.errors]).toEqual([]);
  });

  it('a commit whose post failed is posted again, or given up when another won', async () => {
    const _relay = await bed.start();
    const aliceParts = parts(crypto);
    const alice = await account('alice', aliceParts);
    const bob = await account('bob');
    const carol = await account('carol');
    const dave = await account('dave');
    const group = await alice.client.createGroup('Flaky', ['bob']);
    await allAt([bob.client], group.id, 1n);
    await alice.client.close();
    const transport = failingTransport();
    const flaky = await reopen(aliceParts, transport);

    // 1. The post never left: the relay is still at the epoch, the same bytes go again.
    transport.failing = (url) => url.endsWith('/commit');
    await expect(flaky.addToGroup(group.id, ['carol'])).rejects.toMatchObject({
      code: 'RELAY_UNREACHABLE',
    });
    const stored = await entryOf(aliceParts, group.id);
    expect(stored?.pending?.epoch).toBe(1n);
    transport.failing = undefined;
    await flaky.sendToGroup(group.id, 'after the retry');
    expect(await epochOf(flaky, group.id)).toBe(2n);
    await allAt([bob.client, carol.client], group.id, 2n);
    await until(async () => (await textsOf(carol.client, group.id)).length === 1, 'carol reads');

    // 2. The post never left and bob committed meanwhile: ours lost, bob's is processed.
    await flaky.disconnect();
    transport.failing = (url) => url.endsWith('/commit');
    await expect(flaky.refreshGroupKeys(group.id)).rejects.toMatchObject({
      code: 'RELAY_UNREACHABLE',
    });
    transport.failing = undefined;
    await bob.client.findContact('dave');
    expect((await bob.client.addToGroup(group.id, ['dave'])).epoch).toBe(3n);
    await flaky.sendToGroup(group.id, 'after losing');
    expect((await entryOf(aliceParts, group.id))?.pending).toBeUndefined();
    expect(await epochOf(flaky, group.id)).toBe(3n);
    for (const c of [bob.client, carol.client, dave.client]) {
      await until(async () => (await textsOf(c, group.id)).includes('after losing'), 'delivery');
    }
    expect([...bob.errors, ...carol.errors, ...dave.errors]).toEqual([]);
  });

  it('a device that lost its group state rejoins by external commit and reads again', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    await account('carol');
    await account('dave');
    const group = await alice.client.createGroup('Heal', ['bob']);
    await allAt([bob.client], group.id, 1n);
    // Bob's device is restored from a backup of epoch 1 after the group moved on twice.
    const backup = (bob.parts.store as MemoryStore).unsafeSnapshot();
    await alice.client.addToGroup(group.id, ['carol']);
    await alice.client.addToGroup(group.id, ['dave']);
    await allAt([bob.client], group.id, 3n);
    await bob.client.close();
    const restored = await reopen({ ...bob.parts, store: backup });
    const events = collect(restored, 'group');
    expect(await epochOf(restored, group.id)).toBe(1n);

    // Alice's message of epoch 3 cannot be read with epoch 1's keys: bob rejoins.
    await alice.client.sendToGroup(group.id, 'epoch 3, lost for bob');
    await until(() => events.some((e) => e.kind === 'resynced'), 'bob resyncs');
    expect(await epochOf(restored, group.id)).toBe(4n);
    await allAt([alice.client], group.id, 4n);
    // The external commit removed bob's old leaf: one leaf per device.
    expect(devicesOf(await alice.client.getGroup(group.id))).toMatchObject({
      alice: [1],
      bob: [1],
      carol: [1],
      dave: [1],
    });
    await talk(alice.client, [restored], group.id, 'bob reads again');
    await talk(restored, [alice.client], group.id, 'bob writes again');
    expect(alice.errors).toEqual([]);
  });

  it('a device behind the relay with nothing in its mailbox rejoins when it sends', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    await account('carol');
    const group = await alice.client.createGroup('Behind', ['bob']);
    await allAt([bob.client], group.id, 1n);
    const backup = (bob.parts.store as MemoryStore).unsafeSnapshot();
    await alice.client.addToGroup(group.id, ['carol']);
    await allAt([bob.client], group.id, 2n);
    await bob.client.close();
    const restored = await reopen({ ...bob.parts, store: backup });
    const events = collect(restored, 'group');
    // Refused at epoch 1 (the relay is at 2), the mailbox brings nothing: bob rejoins, then sends.
    const sent = await restored.sendToGroup(group.id, 'sent after rejoining');
    expect(sent.groupId).toBe(group.id);
    expect(events.map((e) => e.kind)).toContain('resynced');
    expect(await epochOf(restored, group.id)).toBe(3n);
    await until(
      async () => (await textsOf(alice.client, group.id)).includes('sent after rejoining'),
      'alice reads it',
    );
    expect(alice.errors).toEqual([]);
  });

  it('members refuse an external commit by an account that is not in the group', async () => {
    const relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    const mallory = await account('mallory');
    const group = await alice.client.createGroup('Closed', ['bob']);
    await allAt([bob.client], group.id, 1n);
    const bobGroups = collect(bob.client, 'group');
    await bob.client.disconnect();

    // Mallory (a real device of hers: device 2, on her signed list) joins from a GroupInfo she
    // obtained; a relay that let her in delivers her external commit to the members.
    const aliceState = (await entryOf(alice.parts, group.id))?.state as GroupState;
    const malloryId = mallory.client.whoami().accountId;
    const device2 = createDeviceKeys({ crypto });
    await mallory.client.addDevice({
      deviceId: 2,
      identityKey: device2.identityKeyPair.publicKey,
      signingKey: device2.signingKeyPair.publicKey,
    });
    const join = joinByExternalCommit({
      suite: getCipherSuite(crypto, 1),
      groupInfo: createGroupInfo(aliceState),
      identity: new TextEncoder().encode(`${malloryId}/2`),
      signatureKeyPair: device2.signingKeyPair,
      capabilities: { ...DEFAULT_CAPABILITIES, extensions: [0xf5a1] },
    });
    const relayStore = relay.app.context.store;
    const result = await relayStore.commitGroup({
      groupId: aliceState.groupContext.groupId,
      sender: { accountId: alice.client.whoami().accountId, deviceId: 1 },
      kind: 'member',
      epoch: 1n,
      commit: encodeMlsMessage(join.commit),
      add: [],
      remove: [],
      receivedAt: Date.now(),
    });
    expect(result.status).toBe('committed');
    await bob.client.receivePending();
    await until(() => bobGroups.some((e) => e.kind === 'removed'), 'bob stops following');
    expect(bobGroups).toEqual([
      { groupId: group.id, kind: 'error', code: 'IDENTITY_MISMATCH' },
      { groupId: group.id, kind: 'removed' },
    ]);
    expect(bob.errors.map((e) => [e.code, e.during])).toEqual([['IDENTITY_MISMATCH', 'group']]);
    expect(await bob.client.getGroup(group.id)).toBeUndefined();
  });

  it('refreshGroupKeys commits a new leaf key that every member follows', async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    const group = await alice.client.createGroup('Rekey', ['bob']);
    await allAt([bob.client], group.id, 1n);
    const before = (await entryOf(alice.parts, group.id))?.state as GroupState;
    const refreshed = await alice.client.refreshGroupKeys(group.id);
    expect(refreshed.epoch).toBe(2n);
    const after = (await entryOf(alice.parts, group.id))?.state as GroupState;
    const leafKey = (s: GroupState) => s.tree.leafNode(s.ownLeafIndex)?.encryptionKey;
    expect(leafKey(after)).not.toEqual(leafKey(before));
    expect(after.epochSecrets.encryptionSecret).not.toEqual(before.epochSecrets.encryptionSecret);
    await allAt([bob.client], group.id, 2n);
    await talk(bob.client, [alice.client], group.id, 'after the refresh');
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it(`keys are refreshed after ${GROUP_REKEY_AFTER_MESSAGES} sent messages`, async () => {
    const _relay = await bed.start();
    const alice = await account('alice');
    const bob = await account('bob');
    const group = await alice.client.createGroup('Chatty', ['bob']);
    await allAt([bob.client], group.id, 1n);
    for (let i = 1; i < GROUP_REKEY_AFTER_MESSAGES; i++) {
      await alice.client.sendToGroup(group.id, `m${i}`);
    }
    expect((await entryOf(alice.parts, group.id))?.sentSinceCommit).toBe(
      GROUP_REKEY_AFTER_MESSAGES - 1,
    );
    expect(await epochOf(alice.client, group.id)).toBe(1n);
    await alice.client.sendToGroup(group.id, 'the last one');
    await allAt([alice.client, bob.client], group.id, 2n);
    expect((await entryOf(alice.parts, group.id))?.sentSinceCommit).toBe(0);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('keys are refreshed by the background loop after the interval without a commit', async () => {
    const _relay = await bed.start();
    const clock = new ManualClock();
    const aliceParts = parts(crypto, { clock });
    const alice = await account('alice', aliceParts);
    const bob = await account('bob');
    const group = await alice.client.createGroup('Idle', ['bob']);
    await allAt([bob.client], group.id, 1n);
    clock.advance(GROUP_REKEY_INTERVAL_MS);
    await alice.client.close();
    expect(await epochOf(bob.client, group.id)).toBe(1n);
    const late = await reopen(aliceParts);
    await allAt([late, bob.client], group.id, 2n);
    expect((await entryOf(aliceParts, group.id))?.lastCommitAt).toBe(clock.now());
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });
});
