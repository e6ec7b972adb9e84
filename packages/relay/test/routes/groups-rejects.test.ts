/**
 * Group routes (groups contract, "Relay HTTP API" 4-9): every malformed, misdirected or
 * unauthorised request gets its exact code, and leaves the database as it was. The MLS
 * messages are real ones made with `@sigil/mls`.
 */
import {
  createCommit,
  createGroup,
  encryptApplication,
  type GroupState,
  type MlsMessage,
} from '@sigil/mls';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { b64, crypto, type TestAccount, type TestDevice } from '../fixtures.ts';
import { expectError, registeredAccount, startTestRelay, type TestRelay } from '../harness.ts';
import { deviceKeyPackage, externalCommitOf, groupInfoOf, mls, suite } from '../mls-fixtures.ts';

interface Device {
  readonly account: TestAccount;
  readonly device: TestDevice;
  readonly token: string;
  readonly name: string;
}

const text = (s: string) => new TextEncoder().encode(s);

describe('groups: refused requests change nothing', () => {
  let relay: TestRelay;
  let alice: Device;
  let bob: Device;
  let carol: Device;
  let groupState: GroupState;
  let groupId: string;

  beforeEach(async () => {
    relay = await startTestRelay();
    const make = async (name: string, ids: number[]): Promise<Device[]> => {
      const { account, tokens } = await registeredAccount(relay, ids);
      return account.devices.map((device, i) => ({
        account,
        device,
        token: tokens[i] as string,
        name: `${name}${device.deviceId}`,
      }));
    };
    [alice] = (await make('alice', [1])) as [Device];
    [bob] = (await make('bob', [1])) as [Device];
    [carol] = (await make('carol', [1])) as [Device];
    const own = deviceKeyPackage(alice.account, alice.device);
    groupState = createGroup({
      suite,
      groupId: crypto.random.bytes(32),
      keyPackage: own.keyPackage,
      privateKeys: own.privateKeys,
    });
    groupId = b64(groupState.groupContext.groupId);
    const res = await relay.request({
      method: 'POST',
      url: '/v1/groups',
      token: alice.token,
      body: { groupId },
    });
    expect(res.statusCode).toBe(201);
  });
  afterEach(() => relay.close());

  const call = (url: string, x: Device, body?: unknown) =>
    relay.request({ method: body === undefined ? 'GET' : 'POST', url, token: x.token, body });

  it('each bad request gets its code and leaves the database as it was', async () => {
    const bobKp = deviceKeyPackage(bob.account, bob.device).keyPackage;
    const add = createCommit(groupState, {
      proposals: [{ proposalType: 'add', keyPackage: bobKp }],
    });
    const plain = createCommit(groupState);
    const app = encryptApplication(groupState, text('x'));
    const other = createGroup({
      suite,
      keyPackage: deviceKeyPackage(alice.account, alice.device).keyPackage,
      privateKeys: deviceKeyPackage(alice.account, alice.device).privateKeys,
    });
    const otherCommit = createCommit(other);
    const unknownGroup = b64(crypto.random.bytes(32));
    const bobMember = { accountId: bob.account.accountId, deviceId: 1 };
    const commitUrl = `/v1/groups/${groupId}/commit`;
    const before = relay.dump();
    const cases: [string, Promise<LightMyRequestResponse>, number, string][] = [
      ['duplicate group', call('/v1/groups', bob, { groupId }), 409, 'GROUP_EXISTS'],
      [
        'short group id',
        call('/v1/groups', bob, { groupId: b64(new Uint8Array(15)) }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'long group id',
        call('/v1/groups', bob, { groupId: b64(new Uint8Array(65)) }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'non-canonical group id',
        call('/v1/groups', bob, { groupId: `${groupId.slice(0, 42)}B` }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'unknown group commit',
        call(`/v1/groups/${unknownGroup}/commit`, alice, { epoch: '0', commit: mls(plain.commit) }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'unknown group message',
        call(`/v1/groups/${unknownGroup}/messages`, alice, { message: mls(app.message) }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'unknown group info',
        call(`/v1/groups/${unknownGroup}/info`, alice),
        404,
        'GROUP_NOT_FOUND',
      ],
      [
        'unknown group leave',
        call(`/v1/groups/${unknownGroup}/leave`, alice, {}),
        404,
        'GROUP_NOT_FOUND',
      ],
      ['bad group id in path', call('/v1/groups/short/info', alice), 400, 'REQUEST_INVALID'],
      [
        'commit of another group',
        call(commitUrl, alice, { epoch: '0', commit: mls(otherCommit.commit) }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'application message as commit',
        call(commitUrl, alice, { epoch: '0', commit: mls(app.message) }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'commit as message',
        call(`/v1/groups/${groupId}/messages`, alice, { message: mls(plain.commit) }),
        400,
        'REQUEST_INVALID',
      ],
      [
        "epoch field not the commit's",
        call(commitUrl, alice, { epoch: '1', commit: mls(plain.commit) }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'epoch out of range',
        call(commitUrl, alice, { epoch: '18446744073709551616', commit: mls(plain.commit) }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'not an MLS message',
        call(commitUrl, alice, { epoch: '0', commit: b64(text('not mls at all')) }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'add without welcome',
        call(commitUrl, alice, { epoch: '0', commit: mls(add.commit), add: [bobMember] }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'welcome without add',
        call(commitUrl, alice, {
          epoch: '0',
          commit: mls(add.commit),
          welcome: mls(add.welcome as MlsMessage),
        }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'welcome that is not one',
        call(commitUrl, alice, {
          epoch: '0',
          commit: mls(add.commit),
          welcome: mls(add.commit),
          add: [bobMember],
        }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'device twice',
        call(commitUrl, alice, {
          epoch: '0',
          commit: mls(add.commit),
          welcome: mls(add.welcome as MlsMessage),
          add: [bobMember],
          remove: [bobMember],
        }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'GroupInfo of the old epoch',
        call(commitUrl, alice, {
          epoch: '0',
          commit: mls(plain.commit),
          groupInfo: mls(groupInfoOf(groupState)),
        }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'GroupInfo of another group',
        call(commitUrl, alice, {
          epoch: '0',
          commit: mls(plain.commit),
          groupInfo: mls(groupInfoOf(other, 1n)),
        }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'unknown device to add',
        call(commitUrl, alice, {
          epoch: '0',
          commit: mls(add.commit),
          welcome: mls(add.welcome as MlsMessage),
          add: [{ accountId: bob.account.accountId, deviceId: 9 }],
        }),
        404,
        'NOT_FOUND',
      ],
      [
        'unknown field',
        call(commitUrl, alice, { epoch: '0', commit: mls(plain.commit), extra: 1 }),
        400,
        'REQUEST_INVALID',
      ],
      [
        'non-member commit',
        call(commitUrl, carol, { epoch: '0', commit: mls(plain.commit) }),
        403,
        'NOT_GROUP_MEMBER',
      ],
      [
        'non-member message',
        call(`/v1/groups/${groupId}/messages`, carol, { message: mls(app.message) }),
        403,
        'NOT_GROUP_MEMBER',
      ],
      ['non-member info', call(`/v1/groups/${groupId}/info`, carol), 403, 'NOT_GROUP_MEMBER'],
      ['non-member leave', call(`/v1/groups/${groupId}/leave`, carol, {}), 403, 'NOT_GROUP_MEMBER'],
      [
        'too large',
        call(`/v1/groups/${groupId}/messages`, alice, { message: 'A'.repeat(400_000) }),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
    ];
    for (const [what, pending, status, code] of cases) {
      const res = await pending;
      expect([
        what,
        res.statusCode,
        (res.json() as { error?: { code?: string } }).error?.code,
      ]).toEqual([what, status, code]);
    }
    expectError(
      await relay.request({
        method: 'POST',
        url: commitUrl,
        body: { epoch: '0', commit: mls(plain.commit) },
      }),
      401,
      'UNAUTHENTICATED',
    );
    expect(relay.dump()).toBe(before);
  });

  it('the group-not-found and not-member checks come after a well-formed request', async () => {
    const unknown = createGroup({
      suite,
      keyPackage: deviceKeyPackage(alice.account, alice.device).keyPackage,
      privateKeys: deviceKeyPackage(alice.account, alice.device).privateKeys,
    });
    const id = b64(unknown.groupContext.groupId);
    const commit = createCommit(unknown);
    expectError(
      await call(`/v1/groups/${id}/commit`, alice, { epoch: '0', commit: mls(commit.commit) }),
      404,
      'GROUP_NOT_FOUND',
    );
    expectError(
      await call(`/v1/groups/${id}/messages`, alice, {
        message: mls(encryptApplication(unknown, text('x')).message),
      }),
      404,
      'GROUP_NOT_FOUND',
    );
    expectError(
      await call(`/v1/groups/${id}/external-join`, bob, {
        epoch: '0',
        commit: mls(externalCommitOf(unknown, bob.device.signing.secretKey)),
      }),
      404,
      'GROUP_NOT_FOUND',
    );
  });
});
