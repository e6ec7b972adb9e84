/**
 * Access control, each rule as its own test: no token, an expired token, another device's
 * token on a mailbox read or ack, uploading keys for another device, replacing a device list
 * without the account key or with an older version, fetching a deleted account.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { b64, deviceList, makeAccount, signedPreKey } from './fixtures.ts';
import {
  expectError,
  registeredAccount,
  startTestRelay,
  type TestRelay,
  uploadKeys,
} from './harness.ts';

const SOME_ACCOUNT = 'A'.repeat(43);

describe('access control', () => {
  let relay: TestRelay;
  beforeEach(async () => {
    relay = await startTestRelay();
  });
  afterEach(() => relay.close());

  it.each([
    ['GET', `/v1/accounts/${SOME_ACCOUNT}/devices`, undefined],
    ['GET', '/v1/usernames/alice', undefined],
    ['DELETE', `/v1/accounts/${SOME_ACCOUNT}`, undefined],
    ['PUT', '/v1/keys', { oneTimePreKeys: [] }],
    ['GET', '/v1/keys/count', undefined],
    ['GET', `/v1/keys/${SOME_ACCOUNT}`, undefined],
    ['GET', `/v1/keys/${SOME_ACCOUNT}/1`, undefined],
    ['POST', '/v1/messages', { recipientAccountId: SOME_ACCOUNT, messages: [] }],
    ['GET', '/v1/messages', undefined],
    ['POST', '/v1/messages/ack', { ids: ['1'] }],
    ['GET', '/v1/ws', undefined],
  ] as const)('%s %s without a token is 401 UNAUTHENTICATED', async (method, url, body) => {
    const res = await relay.request({ method, url, body });
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('a malformed authorization header is 401 UNAUTHENTICATED', async () => {
    const res = await relay.request({
      method: 'GET',
      url: '/v1/keys/count',
      headers: { authorization: 'Basic abc' },
    });
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('an unknown token is 401 UNAUTHENTICATED', async () => {
    const res = await relay.request({
      method: 'GET',
      url: '/v1/keys/count',
      token: 'A'.repeat(43),
    });
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('an expired token is 401 UNAUTHENTICATED', async () => {
    const { tokens } = await registeredAccount(relay);
    const ok = await relay.request({ method: 'GET', url: '/v1/keys/count', token: tokens[0] });
    expect(ok.statusCode).toBe(200);
    relay.clock.advance(relay.config.tokenTtlMs);
    const res = await relay.request({ method: 'GET', url: '/v1/keys/count', token: tokens[0] });
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it("another device's token reads only its own mailbox", async () => {
    const bob = await registeredAccount(relay, [1, 2]);
    const alice = await registeredAccount(relay);
    await relay.request({
      method: 'POST',
      url: '/v1/messages',
      token: alice.tokens[0],
      body: {
        recipientAccountId: bob.account.accountId,
        messages: [
          { deviceId: 1, ciphertext: 'AQ' },
          { deviceId: 2, ciphertext: 'Ag' },
        ],
      },
    });
    // Alice's token (another account) and bob's device 2 never see device 1's message.
    const aliceRead = await relay.request({
      method: 'GET',
      url: '/v1/messages',
      token: alice.tokens[0],
    });
    expect(aliceRead.json()).toEqual({ messages: [], more: false });
    const twoRead = await relay.request({
      method: 'GET',
      url: '/v1/messages',
      token: bob.tokens[1],
    });
    expect(
      (twoRead.json() as { messages: { ciphertext: string }[] }).messages.map((m) => m.ciphertext),
    ).toEqual(['Ag']);
  });

  it("another device's token cannot acknowledge (delete) a message", async () => {
    const bob = await registeredAccount(relay, [1, 2]);
    const alice = await registeredAccount(relay);
    await relay.request({
      method: 'POST',
      url: '/v1/messages',
      token: alice.tokens[0],
      body: {
        recipientAccountId: bob.account.accountId,
        messages: [
          { deviceId: 1, ciphertext: 'AQ' },
          { deviceId: 2, ciphertext: 'Ag' },
        ],
      },
    });
    const read = await relay.request({ method: 'GET', url: '/v1/messages', token: bob.tokens[0] });
    const id = (read.json() as { messages: { id: string }[] }).messages[0]?.id ?? '';
    const before = relay.dump();
    for (const token of [bob.tokens[1], alice.tokens[0]]) {
      const ack = await relay.request({
        method: 'POST',
        url: '/v1/messages/ack',
        token,
        body: { ids: [id] },
      });
      expect(ack.json()).toEqual({ acked: 0 });
    }
    expect(relay.dump()).toBe(before);
  });

  it("uploading another device's certificate is 403 FORBIDDEN", async () => {
    const { account, tokens } = await registeredAccount(relay, [1, 2]);
    const two = account.devices[1];
    if (two === undefined) throw new Error('no device');
    const before = relay.dump();
    const res = await relay.request({
      method: 'PUT',
      url: '/v1/keys',
      token: tokens[0],
      body: { certificate: b64(two.certificate) },
    });
    expectError(res, 403, 'FORBIDDEN');
    expect(relay.dump()).toBe(before);
  });

  it("uploading prekeys signed by another device's key is 400 SIGNATURE_INVALID", async () => {
    const { account, tokens } = await registeredAccount(relay, [1, 2]);
    const two = account.devices[1];
    if (two === undefined) throw new Error('no device');
    const before = relay.dump();
    const res = await relay.request({
      method: 'PUT',
      url: '/v1/keys',
      token: tokens[0],
      body: { signedPreKey: b64(signedPreKey(two, 1)) },
    });
    expectError(res, 400, 'SIGNATURE_INVALID');
    expect(relay.dump()).toBe(before);
  });

  it('naming another device in a key upload is 400 REQUEST_INVALID (no such field)', async () => {
    const { account, tokens } = await registeredAccount(relay, [1, 2]);
    const two = account.devices[1];
    if (two === undefined) throw new Error('no device');
    const res = await relay.request({
      method: 'PUT',
      url: '/v1/keys',
      token: tokens[0],
      body: { deviceId: 2, signedPreKey: b64(signedPreKey(two, 1)) },
    });
    expectError(res, 400, 'REQUEST_INVALID');
  });

  it('replacing a device list signed without the account key is 400 SIGNATURE_INVALID', async () => {
    const { account } = await registeredAccount(relay, [1]);
    const mallory = makeAccount();
    const before = relay.dump();
    const res = await relay.request({
      method: 'PUT',
      url: `/v1/accounts/${account.accountId}/devices`,
      body: { deviceList: b64(deviceList(account, 2n, account.devices, mallory.accountKey)) },
    });
    expectError(res, 400, 'SIGNATURE_INVALID');
    expect(relay.dump()).toBe(before);
  });

  it("replacing a device list with another account's list is 403 IDENTITY_MISMATCH", async () => {
    const { account } = await registeredAccount(relay, [1]);
    const mallory = makeAccount();
    const before = relay.dump();
    const res = await relay.request({
      method: 'PUT',
      url: `/v1/accounts/${account.accountId}/devices`,
      body: { deviceList: b64(deviceList(mallory, 2n)) },
    });
    expectError(res, 403, 'IDENTITY_MISMATCH');
    expect(relay.dump()).toBe(before);
  });

  it('replacing a device list with an older or equal version is 409 DEVICE_LIST_STALE', async () => {
    const account = makeAccount([1]);
    const { register } = await import('./harness.ts');
    await register(relay, account, { version: 5n });
    const before = relay.dump();
    for (const version of [4n, 5n]) {
      const res = await relay.request({
        method: 'PUT',
        url: `/v1/accounts/${account.accountId}/devices`,
        body: { deviceList: b64(deviceList(account, version)) },
      });
      expectError(res, 409, 'DEVICE_LIST_STALE');
    }
    expect(relay.dump()).toBe(before);
  });

  it('deleting another account is 403 FORBIDDEN', async () => {
    const bob = await registeredAccount(relay);
    const alice = await registeredAccount(relay);
    const before = relay.dump();
    const res = await relay.request({
      method: 'DELETE',
      url: `/v1/accounts/${bob.account.accountId}`,
      token: alice.tokens[0],
    });
    expectError(res, 403, 'FORBIDDEN');
    expect(relay.dump()).toBe(before);
  });

  it('fetching a deleted account is 404 NOT_FOUND and its tokens are dead', async () => {
    const bob = await registeredAccount(relay);
    const alice = await registeredAccount(relay);
    const device = bob.account.devices[0];
    if (device === undefined) throw new Error('no device');
    await uploadKeys(relay, bob.tokens[0] ?? '', device);
    const del = await relay.request({
      method: 'DELETE',
      url: `/v1/accounts/${bob.account.accountId}`,
      token: bob.tokens[0],
    });
    expect(del.statusCode).toBe(204);
    const id = bob.account.accountId;
    for (const url of [`/v1/accounts/${id}/devices`, `/v1/keys/${id}`, `/v1/keys/${id}/1`]) {
      expectError(
        await relay.request({ method: 'GET', url, token: alice.tokens[0] }),
        404,
        'NOT_FOUND',
      );
    }
    const send = await relay.request({
      method: 'POST',
      url: '/v1/messages',
      token: alice.tokens[0],
      body: { recipientAccountId: id, messages: [{ deviceId: 1, ciphertext: 'AQ' }] },
    });
    expectError(send, 404, 'NOT_FOUND');
    const own = await relay.request({ method: 'GET', url: '/v1/messages', token: bob.tokens[0] });
    expectError(own, 401, 'UNAUTHENTICATED');
  });
});
