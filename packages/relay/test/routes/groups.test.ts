/**
 * The relay as MLS delivery service (groups contract, "Relay HTTP API" 4-9), driven with real
 * MLS groups made by `@sigil/mls`: creation, commits that add and remove devices, fan-out to
 * exactly the member devices but the sender, Welcomes that the added devices join from, a
 * removed device that gets the removing commit and nothing after, stale and racing commits
 * refused with the current epoch, non-members refused, leave, external join, envelopes over
 * HTTP and WebSocket carrying `groupId`, and a database holding nothing but what was posted.
 */
import { readFileSync } from 'node:fs';
import {
  confirmPendingCommit,
  createCommit,
  createGroup,
  createProposal,
  decodeMlsMessage,
  decryptApplication,
  encryptApplication,
  type GroupState,
  joinFromWelcome,
  type KeyPackage,
  type MlsMessage,
  processCommit,
} from '@sigil/mls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { b64, crypto, type TestAccount, type TestDevice } from '../fixtures.ts';
import { expectError, registeredAccount, startTestRelay, type TestRelay } from '../harness.ts';
import {
  type DeviceKeyPackage,
  deviceKeyPackage,
  externalCommitOf,
  groupInfoOf,
  mls,
  suite,
} from '../mls-fixtures.ts';
import { type PushedMessage, TestSocket } from '../ws-client.ts';

/** A logged-in device with its KeyPackages (by their base64url MLSMessage). */
interface Device {
  readonly account: TestAccount;
  readonly device: TestDevice;
  readonly token: string;
  readonly name: string;
}

const text = (s: string) => new TextEncoder().encode(s);
const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));

describe('groups', () => {
  let relay: TestRelay;
  let alice: Device[];
  let bob: Device[];
  let carol: Device;
  /** Every KeyPackage uploaded, by its base64url MLSMessage. */
  const keyPackages = new Map<string, DeviceKeyPackage>();
  /** Every byte string posted for group traffic (base64url), for the "nothing else" check. */
  const posted = new Set<string>();
  const sockets: TestSocket[] = [];

  async function devices(prefix: string, ids: number[]): Promise<Device[]> {
    const { account, tokens } = await registeredAccount(relay, ids);
    return account.devices.map((device, i) => ({
      account,
      device,
      token: tokens[i] as string,
      name: `${prefix}${device.deviceId}`,
    }));
  }

  beforeEach(async () => {
    relay = await startTestRelay({}, { listen: true });
    alice = await devices('alice', [1, 2, 3]);
    bob = await devices('bob', [1, 2]);
    [carol] = (await devices('carol', [1])) as [Device];
    for (const d of [...alice, ...bob, carol]) {
      const kps = [deviceKeyPackage(d.account, d.device), deviceKeyPackage(d.account, d.device)];
      for (const kp of kps) keyPackages.set(b64(kp.bytes), kp);
      const res = await relay.request({
        method: 'PUT',
        url: '/v1/mls/key-packages',
        token: d.token,
        body: { keyPackages: kps.map((kp) => b64(kp.bytes)) },
      });
      expect(res.statusCode, res.body).toBe(200);
      for (const kp of kps) posted.add(b64(kp.bytes));
    }
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) await socket.close();
    await relay.close();
    keyPackages.clear();
    posted.clear();
  });

  const d = (list: Device[], id: number) => list[id - 1] as Device;
  const who = (x: Device) => ({ accountId: x.account.accountId, deviceId: x.device.deviceId });

  async function post(url: string, x: Device, body: unknown) {
    for (const value of Object.values(body as Record<string, unknown>)) {
      if (typeof value === 'string' && value.length > 50) posted.add(value);
    }
    return relay.request({ method: 'POST', url, token: x.token, body });
  }

  /** The group messages in a device's mailbox (HTTP fetch), acknowledged. */
  async function inbox(x: Device): Promise<PushedMessage[]> {
    const res = await relay.request({ method: 'GET', url: '/v1/messages', token: x.token });
    expect(res.statusCode, res.body).toBe(200);
    const { messages } = res.json() as { messages: PushedMessage[] };
    if (messages.length > 0) {
      const ack = await relay.request({
        method: 'POST',
        url: '/v1/messages/ack',
        token: x.token,
        body: { ids: messages.map((m) => m.id) },
      });
      expect(ack.statusCode).toBe(200);
    }
    return messages;
  }

  /** Claims one KeyPackage of every device of `account` (as MLS values, by device id). */
  async function claim(by: Device, account: TestAccount): Promise<Map<number, KeyPackage>> {
    const res = await post('/v1/mls/key-packages/claim', by, { accountId: account.accountId });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { keyPackages: { deviceId: number; keyPackage: string }[] };
    const out = new Map<number, KeyPackage>();
    for (const { deviceId, keyPackage } of body.keyPackages) {
      const message = decodeMlsMessage(fromB64(keyPackage));
      if (message.wireFormat !== 'mls_key_package') throw new Error('not a KeyPackage');
      out.set(deviceId, message.keyPackage);
    }
    return out;
  }

  /** The uploaded KeyPackage (with its private keys) a Welcome in `message` was made for. */
  function join(x: Device, message: PushedMessage): GroupState {
    const welcome = decodeMlsMessage(fromB64(message.ciphertext));
    if (welcome.wireFormat !== 'mls_welcome') throw new Error('not a Welcome');
    for (const kp of keyPackages.values()) {
      if (!Buffer.from(kp.keyPackage.leafNode.signatureKey).equals(x.device.signing.publicKey)) {
        continue;
      }
      try {
        return joinFromWelcome({
          suite,
          welcome: welcome.welcome,
          keyPackage: kp.keyPackage,
          privateKeys: kp.privateKeys,
        });
      } catch {
        // Another KeyPackage of this device: the Welcome names the one it was made for.
      }
    }
    throw new Error(`no KeyPackage of ${x.name} opens the Welcome`);
  }

  /**
   * Alice's device 1 creates a group and adds her device 2 and both of Bob's devices; each of
   * them joins from the Welcome the relay delivered. Returns the states by device name.
   */
  async function aliceGroup(): Promise<{ groupId: string; states: Map<string, GroupState> }> {
    const creator = d(alice, 1);
    const own = deviceKeyPackage(creator.account, creator.device);
    let state = createGroup({
      suite,
      groupId: crypto.random.bytes(32),
      keyPackage: own.keyPackage,
      privateKeys: own.privateKeys,
    });
    const groupId = b64(state.groupContext.groupId);
    const created = await post('/v1/groups', creator, { groupId });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual({ groupId, epoch: '0' });
    const aliceKps = await claim(creator, creator.account);
    const bobKps = await claim(creator, d(bob, 1).account);
    const adds = [aliceKps.get(2), bobKps.get(1), bobKps.get(2)] as KeyPackage[];
    const commit = createCommit(state, {
      proposals: adds.map((keyPackage) => ({ proposalType: 'add', keyPackage })),
    });
    state = confirmPendingCommit(commit.state);
    const res = await post(`/v1/groups/${groupId}/commit`, creator, {
      epoch: '0',
      commit: mls(commit.commit),
      welcome: mls(commit.welcome as MlsMessage),
      groupInfo: mls(groupInfoOf(state)),
      add: [who(d(alice, 2)), who(d(bob, 1)), who(d(bob, 2))],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ epoch: '1' });
    const states = new Map([['alice1', state]]);
    for (const x of [d(alice, 2), d(bob, 1), d(bob, 2)]) {
      const mail = await inbox(x);
      expect(mail.map((m) => m.groupId)).toEqual([groupId]);
      expect(mail[0]?.sender).toEqual(who(creator));
      states.set(x.name, join(x, mail[0] as PushedMessage));
    }
    expect(await inbox(creator)).toEqual([]);
    return { groupId, states };
  }

  const state = (states: Map<string, GroupState>, name: string) => states.get(name) as GroupState;

  it('create, add by commit with Welcome: the added devices join; members only see traffic', async () => {
    const { groupId, states } = await aliceGroup();
    // Alice's device 1 sends; exactly the other member devices get it, and decrypt it.
    const sent = encryptApplication(state(states, 'alice1'), text('hello group'));
    const res = await post(`/v1/groups/${groupId}/messages`, d(alice, 1), {
      message: mls(sent.message),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { ids: string[] }).ids).toHaveLength(3);
    for (const name of ['alice2', 'bob1', 'bob2']) {
      const x = [...alice, ...bob].find((y) => y.name === name) as Device;
      const [message, ...rest] = await inbox(x);
      expect(rest).toEqual([]);
      expect(message?.groupId).toBe(groupId);
      const got = decryptApplication(
        state(states, name),
        decodeMlsMessage(fromB64(message?.ciphertext ?? '')),
      );
      expect(new TextDecoder().decode(got.data)).toBe('hello group');
    }
    for (const x of [d(alice, 1), d(alice, 3), carol]) expect(await inbox(x)).toEqual([]);
    // GET info: a device whose account has a member device.
    const info = await relay.request({
      method: 'GET',
      url: `/v1/groups/${groupId}/info`,
      token: d(alice, 3).token,
    });
    expect(info.statusCode, info.body).toBe(200);
    expect(info.json()).toEqual({
      epoch: '1',
      groupInfo: mls(groupInfoOf(state(states, 'alice1'))),
    });
    expectError(
      await relay.request({ method: 'GET', url: `/v1/groups/${groupId}/info`, token: carol.token }),
      403,
      'NOT_GROUP_MEMBER',
    );
  });

  it('a removed device gets the removing commit and nothing after; stale commits are refused', async () => {
    const { groupId, states } = await aliceGroup();
    const atEpoch1 = new Map(states);
    const bob2 = state(states, 'bob2');
    const remove = createCommit(state(states, 'bob1'), {
      proposals: [{ proposalType: 'remove', removed: bob2.ownLeafIndex }],
    });
    const res = await post(`/v1/groups/${groupId}/commit`, d(bob, 1), {
      epoch: '1',
      commit: mls(remove.commit),
      remove: [who(d(bob, 2))],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ epoch: '2' });
    const bob1 = confirmPendingCommit(remove.state);
    // Every member before the change but the sender gets the commit, the removed one included.
    for (const x of [d(alice, 1), d(alice, 2), d(bob, 2)]) {
      const mail = await inbox(x);
      expect(mail.map((m) => [m.groupId, m.sender])).toEqual([[groupId, who(d(bob, 1))]]);
      const commit = decodeMlsMessage(fromB64(mail[0]?.ciphertext ?? ''));
      states.set(x.name, processCommit(state(states, x.name), commit).state);
    }
    expect(await inbox(d(bob, 1))).toEqual([]);
    // Nothing after: a message of epoch 2 reaches alice1 and alice2, not bob2.
    const sent = encryptApplication(bob1, text('after'));
    const after = await post(`/v1/groups/${groupId}/messages`, d(bob, 1), {
      message: mls(sent.message),
    });
    expect((after.json() as { ids: string[] }).ids).toHaveLength(2);
    expect(await inbox(d(bob, 2))).toEqual([]);
    for (const x of [d(alice, 1), d(alice, 2)]) {
      const [message] = await inbox(x);
      const got = decryptApplication(
        state(states, x.name),
        decodeMlsMessage(fromB64(message?.ciphertext ?? '')),
      );
      expect(new TextDecoder().decode(got.data)).toBe('after');
    }
    const before = relay.dump();
    // The removed device may no longer act in the group.
    expectError(
      await post(`/v1/groups/${groupId}/commit`, d(bob, 2), {
        epoch: '1',
        commit: mls(createCommit(bob2).commit),
      }),
      403,
      'NOT_GROUP_MEMBER',
    );
    // A member's commit of the old epoch: 409 with the current epoch.
    const stale = await post(`/v1/groups/${groupId}/commit`, d(alice, 2), {
      epoch: '1',
      commit: mls(createCommit(state(atEpoch1, 'alice2')).commit),
    });
    expectError(stale, 409, 'GROUP_EPOCH_MISMATCH');
    expect((stale.json() as { error: { details: unknown } }).error.details).toEqual({
      currentEpoch: '2',
    });
    // So is a message of the old epoch.
    const old = encryptApplication(state(atEpoch1, 'alice1'), text('old'));
    expectError(
      await post(`/v1/groups/${groupId}/messages`, d(alice, 1), { message: mls(old.message) }),
      409,
      'GROUP_EPOCH_MISMATCH',
    );
    expect(relay.dump()).toBe(before);
  });

  it('leave: the self-Remove goes to the others, then the device gets nothing more', async () => {
    const { groupId, states } = await aliceGroup();
    const bob1 = state(states, 'bob1');
    const proposal = createProposal(bob1, { proposalType: 'remove', removed: bob1.ownLeafIndex });
    const staleProposal = createProposal(
      { ...bob1, groupContext: { ...bob1.groupContext, epoch: 0n } },
      { proposalType: 'remove', removed: bob1.ownLeafIndex },
    );
    expectError(
      await post(`/v1/groups/${groupId}/leave`, d(bob, 1), {
        proposal: mls(staleProposal.message),
      }),
      409,
      'GROUP_EPOCH_MISMATCH',
    );
    const res = await post(`/v1/groups/${groupId}/leave`, d(bob, 1), {
      proposal: mls(proposal.message),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({});
    for (const x of [d(alice, 1), d(alice, 2), d(bob, 2)]) {
      const mail = await inbox(x);
      expect(mail.map((m) => [m.groupId, m.ciphertext])).toEqual([
        [groupId, mls(proposal.message)],
      ]);
    }
    // Alice commits the Remove; the device that left gets nothing of it.
    const alice1 = state(states, 'alice1');
    const commit = createCommit(alice1, {
      proposals: [{ proposalType: 'remove', removed: bob1.ownLeafIndex }],
    });
    const committed = await post(`/v1/groups/${groupId}/commit`, d(alice, 1), {
      epoch: '1',
      commit: mls(commit.commit),
    });
    expect(committed.statusCode, committed.body).toBe(200);
    expect(await inbox(d(bob, 1))).toEqual([]);
    expect(await inbox(d(bob, 2))).toHaveLength(1);
    // Leaving without a proposal; a second leave is refused.
    expect((await post(`/v1/groups/${groupId}/leave`, d(bob, 2), {})).statusCode).toBe(200);
    expectError(await post(`/v1/groups/${groupId}/leave`, d(bob, 2), {}), 403, 'NOT_GROUP_MEMBER');
    // Bob's account has no member device left: no GroupInfo for it.
    expectError(
      await relay.request({
        method: 'GET',
        url: `/v1/groups/${groupId}/info`,
        token: d(bob, 1).token,
      }),
      403,
      'NOT_GROUP_MEMBER',
    );
  });

  it('external join: a device of a member account commits itself in from the GroupInfo', async () => {
    const { groupId, states } = await aliceGroup();
    const alice3 = d(alice, 3);
    const info = await relay.request({
      method: 'GET',
      url: `/v1/groups/${groupId}/info`,
      token: alice3.token,
    });
    expect(info.json()).toMatchObject({ epoch: '1' });
    const current = state(states, 'alice1');
    const join = externalCommitOf(current, alice3.device.signing.secretKey);
    // Carol's account has no member device: refused.
    expectError(
      await post(`/v1/groups/${groupId}/external-join`, carol, {
        epoch: '1',
        commit: mls(externalCommitOf(current, carol.device.signing.secretKey)),
      }),
      403,
      'NOT_GROUP_MEMBER',
    );
    // A member's commit is not an external commit.
    expectError(
      await post(`/v1/groups/${groupId}/external-join`, alice3, {
        epoch: '1',
        commit: mls(createCommit(current).commit),
      }),
      400,
      'REQUEST_INVALID',
    );
    expectError(await post(`/v1/groups/${groupId}/leave`, alice3, {}), 403, 'NOT_GROUP_MEMBER');
    const res = await post(`/v1/groups/${groupId}/external-join`, alice3, {
      epoch: '1',
      commit: mls(join),
      groupInfo: mls(groupInfoOf(current, 2n)),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ epoch: '2' });
    for (const x of [d(alice, 1), d(alice, 2), d(bob, 1), d(bob, 2)]) {
      const mail = await inbox(x);
      expect(mail.map((m) => [m.ciphertext, m.sender])).toEqual([[mls(join), who(alice3)]]);
    }
    expect(await inbox(alice3)).toEqual([]);
    const after = await relay.request({
      method: 'GET',
      url: `/v1/groups/${groupId}/info`,
      token: carol.token,
    });
    expectError(after, 403, 'NOT_GROUP_MEMBER');
    const info2 = await relay.request({
      method: 'GET',
      url: `/v1/groups/${groupId}/info`,
      token: alice3.token,
    });
    expect(info2.json()).toEqual({ epoch: '2', groupInfo: mls(groupInfoOf(current, 2n)) });
    // Now a member: it may leave; a stale external join is refused with the epoch.
    const stale = await post(`/v1/groups/${groupId}/external-join`, alice3, {
      epoch: '1',
      commit: mls(join),
    });
    expectError(stale, 409, 'GROUP_EPOCH_MISMATCH');
    expect((await post(`/v1/groups/${groupId}/leave`, alice3, {})).statusCode).toBe(200);
  });

  it('two members committing for one epoch at once: exactly one wins', async () => {
    const { groupId, states } = await aliceGroup();
    const results = await Promise.all(
      (['alice1', 'bob1'] as const).map((name) => {
        const x = name === 'alice1' ? d(alice, 1) : d(bob, 1);
        return post(`/v1/groups/${groupId}/commit`, x, {
          epoch: '1',
          commit: mls(createCommit(state(states, name)).commit),
        });
      }),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const lost = results.find((r) => r.statusCode === 409);
    expect(lost?.json()).toMatchObject({
      error: { code: 'GROUP_EPOCH_MISMATCH', details: { currentEpoch: '2' } },
    });
    // alice2 and bob2 got exactly the winning commit.
    expect(await inbox(d(alice, 2))).toHaveLength(1);
    expect(await inbox(d(bob, 2))).toHaveLength(1);
  });

  it('envelopes pushed over the WebSocket carry groupId', async () => {
    const { groupId, states } = await aliceGroup();
    const socket = await TestSocket.connect(relay.url, d(bob, 1).token);
    sockets.push(socket);
    await socket.until(() => socket.queueEmpty);
    const sent = encryptApplication(state(states, 'alice2'), text('pushed'));
    await post(`/v1/groups/${groupId}/messages`, d(alice, 2), { message: mls(sent.message) });
    await socket.until(() => socket.messages.length === 1);
    const [pushed] = socket.messages;
    expect(pushed?.groupId).toBe(groupId);
    expect(pushed?.sender).toEqual(who(d(alice, 2)));
    const got = decryptApplication(
      state(states, 'bob1'),
      decodeMlsMessage(fromB64(pushed?.ciphertext ?? '')),
    );
    expect(new TextDecoder().decode(got.data)).toBe('pushed');
    // 1:1 envelopes still have no groupId.
    const direct = await relay.request({
      method: 'POST',
      url: '/v1/messages',
      token: carol.token,
      body: {
        recipientAccountId: d(bob, 1).account.accountId,
        messages: [1, 2].map((deviceId) => ({ deviceId, ciphertext: b64(text('1:1')) })),
      },
    });
    expect(direct.statusCode, direct.body).toBe(200);
    await socket.until(() => socket.messages.length === 2);
    expect(socket.messages[1]?.groupId).toBeUndefined();
  });

  it('the relay stores nothing but what was posted: no plaintext, no secret', async () => {
    const { groupId, states } = await aliceGroup();
    const secret = 'attack at dawn, said alice';
    const sent = encryptApplication(state(states, 'alice1'), text(secret));
    await post(`/v1/groups/${groupId}/messages`, d(alice, 1), { message: mls(sent.message) });
    const dump = JSON.parse(relay.dump()) as Record<string, Record<string, unknown>[]>;
    const stored = (table: string, column: string) =>
      (dump[table] ?? []).map((row) => row[column]).filter((v) => v !== null);
    const groupTraffic = (dump.messages ?? []).filter((row) => row.group_id !== null);
    expect(groupTraffic.length).toBeGreaterThan(0);
    for (const value of [
      ...groupTraffic.map((row) => row.ciphertext),
      ...stored('key_packages', 'bytes'),
      ...stored('groups', 'group_info'),
    ]) {
      expect(
        posted.has(value as string),
        `unexpected stored bytes ${String(value).slice(0, 20)}`,
      ).toBe(true);
    }
    expect(new Set(groupTraffic.map((row) => row.group_id))).toEqual(new Set([groupId]));
    expect(Object.keys(dump.groups?.[0] ?? {}).sort()).toEqual([
      'created_at',
      'epoch',
      'group_id',
      'group_info',
    ]);
    // The database files hold no plaintext.
    for (const file of [relay.dbPath, `${relay.dbPath}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(secret)), file).toBe(false);
      expect(bytes.includes(Buffer.from('hello group')), file).toBe(false);
    }
  });
});
