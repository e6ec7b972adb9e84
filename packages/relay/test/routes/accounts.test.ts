/** Accounts, device lists, usernames and deletion: success and each rejection with its code. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { b64, deviceList, makeAccount, makeDevice } from '../fixtures.ts';
import {
  expectError,
  login,
  register,
  registeredAccount,
  startTestRelay,
  type TestRelay,
} from '../harness.ts';

describe('accounts and device lists', () => {
  let relay: TestRelay;
  beforeEach(async () => {
    relay = await startTestRelay();
  });
  afterEach(() => relay.close());

  it('POST /v1/accounts registers and returns the account id (base64url SHA-256 of the key)', async () => {
    const account = makeAccount([1, 2]);
    const res = await relay.request({
      method: 'POST',
      url: '/v1/accounts',
      body: {
        accountKey: b64(account.accountKey.publicKey),
        deviceList: b64(deviceList(account, 1n)),
        username: 'alice',
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ accountId: account.accountId, listVersion: '1' });
  });

  it('registering the same account twice is 409 CONFLICT', async () => {
    const account = makeAccount();
    await register(relay, account);
    const res = await relay.request({
      method: 'POST',
      url: '/v1/accounts',
      body: {
        accountKey: b64(account.accountKey.publicKey),
        deviceList: b64(deviceList(account, 2n)),
      },
    });
    expectError(res, 409, 'CONFLICT');
  });

  it('a taken username is 409 USERNAME_TAKEN and stores nothing', async () => {
    await register(relay, makeAccount(), { username: 'alice' });
    const before = relay.dump();
    const bob = makeAccount();
    const res = await relay.request({
      method: 'POST',
      url: '/v1/accounts',
      body: {
        accountKey: b64(bob.accountKey.publicKey),
        deviceList: b64(deviceList(bob, 1n)),
        username: 'alice',
      },
    });
    expectError(res, 409, 'USERNAME_TAKEN');
    expect(relay.dump()).toBe(before);
  });

  it('a device list signed by another key than accountKey is 403 IDENTITY_MISMATCH', async () => {
    const account = makeAccount();
    const other = makeAccount();
    const res = await relay.request({
      method: 'POST',
      url: '/v1/accounts',
      body: {
        accountKey: b64(other.accountKey.publicKey),
        deviceList: b64(deviceList(account, 1n)),
      },
    });
    expectError(res, 403, 'IDENTITY_MISMATCH');
  });

  it('a device list with version 0 is 409 DEVICE_LIST_STALE', async () => {
    const account = makeAccount();
    const res = await relay.request({
      method: 'POST',
      url: '/v1/accounts',
      body: {
        accountKey: b64(account.accountKey.publicKey),
        deviceList: b64(deviceList(account, 0n)),
      },
    });
    expectError(res, 409, 'DEVICE_LIST_STALE');
  });

  it('an empty device list is 400 REQUEST_INVALID', async () => {
    const account = makeAccount([]);
    const res = await relay.request({
      method: 'POST',
      url: '/v1/accounts',
      body: {
        accountKey: b64(account.accountKey.publicKey),
        deviceList: b64(deviceList(account, 1n)),
      },
    });
    expectError(res, 400, 'REQUEST_INVALID');
  });

  it('a list with more devices than allowed is 400 REQUEST_INVALID', async () => {
    const account = makeAccount(Array.from({ length: 17 }, (_, i) => i + 1));
    const res = await relay.request({
      method: 'POST',
      url: '/v1/accounts',
      body: {
        accountKey: b64(account.accountKey.publicKey),
        deviceList: b64(deviceList(account, 1n)),
      },
    });
    expectError(res, 400, 'REQUEST_INVALID');
  });

  it('sign-ups are rate limited per address: 429 RATE_LIMITED', async () => {
    await relay.close();
    relay = await startTestRelay({ signupLimit: { burst: 1, perMinute: 1 } });
    await register(relay, makeAccount());
    const account = makeAccount();
    const res = await relay.request({
      method: 'POST',
      url: '/v1/accounts',
      body: {
        accountKey: b64(account.accountKey.publicKey),
        deviceList: b64(deviceList(account, 1n)),
      },
    });
    expectError(res, 429, 'RATE_LIMITED');
  });

  it('GET devices returns the signed list exactly as registered', async () => {
    const { account, tokens } = await registeredAccount(relay, [1, 5]);
    const res = await relay.request({
      method: 'GET',
      url: `/v1/accounts/${account.accountId}/devices`,
      token: tokens[0],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { listVersion: string; deviceList: string };
    expect(body.listVersion).toBe('1');
    expect(body.deviceList).toBe(b64(deviceList(account, 1n)));
  });

  it('GET devices of an unknown account is 404 NOT_FOUND', async () => {
    const { tokens } = await registeredAccount(relay);
    const res = await relay.request({
      method: 'GET',
      url: `/v1/accounts/${makeAccount().accountId}/devices`,
      token: tokens[0],
    });
    expectError(res, 404, 'NOT_FOUND');
  });

  it('PUT devices with a higher version replaces the list and drops removed devices', async () => {
    const { account, tokens } = await registeredAccount(relay, [1, 2]);
    const [one] = account.devices;
    if (one === undefined) throw new Error('no device');
    const three = makeDevice(account.accountKey, 3);
    const res = await relay.request({
      method: 'PUT',
      url: `/v1/accounts/${account.accountId}/devices`,
      body: { deviceList: b64(deviceList(account, 2n, [one, three])) },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      accountId: account.accountId,
      listVersion: '2',
      removedDeviceIds: [2],
    });
    // Device 2's token died with it; device 1's still works; device 3 can log in.
    const two = await relay.request({ method: 'GET', url: '/v1/keys/count', token: tokens[1] });
    expectError(two, 401, 'UNAUTHENTICATED');
    const kept = await relay.request({ method: 'GET', url: '/v1/keys/count', token: tokens[0] });
    expect(kept.statusCode).toBe(200);
    await login(relay, account, three);
  });

  it('a device re-listed with new keys under the same id loses its old keys, mailbox and tokens', async () => {
    const { account, tokens } = await registeredAccount(relay, [1, 2]);
    const alice = await registeredAccount(relay);
    const [one, two] = account.devices;
    if (one === undefined || two === undefined) throw new Error('no device');
    const { uploadKeys } = await import('../harness.ts');
    await uploadKeys(relay, tokens[1] ?? '', two);
    await relay.request({
      method: 'POST',
      url: '/v1/messages',
      token: alice.tokens[0],
      body: {
        recipientAccountId: account.accountId,
        messages: [
          { deviceId: 1, ciphertext: 'AQ' },
          { deviceId: 2, ciphertext: 'Ag' },
        ],
      },
    });
    const newTwo = makeDevice(account.accountKey, 2);
    const res = await relay.request({
      method: 'PUT',
      url: `/v1/accounts/${account.accountId}/devices`,
      body: { deviceList: b64(deviceList(account, 2n, [one, newTwo])) },
    });
    expect(res.json()).toMatchObject({ removedDeviceIds: [2] });
    expectError(
      await relay.request({ method: 'GET', url: '/v1/keys/count', token: tokens[1] }),
      401,
      'UNAUTHENTICATED',
    );
    const token = await login(relay, account, newTwo);
    const count = await relay.request({ method: 'GET', url: '/v1/keys/count', token });
    expect(count.json()).toMatchObject({ oneTimePreKeys: 0, hasCertificate: false });
    const mailbox = await relay.request({ method: 'GET', url: '/v1/messages', token });
    expect(mailbox.json()).toEqual({ messages: [], more: false });
    const kept = await relay.request({ method: 'GET', url: '/v1/messages', token: tokens[0] });
    expect((kept.json() as { messages: unknown[] }).messages).toHaveLength(1);
  });

  it('PUT devices of an unknown account is 404 NOT_FOUND', async () => {
    const account = makeAccount();
    const res = await relay.request({
      method: 'PUT',
      url: `/v1/accounts/${account.accountId}/devices`,
      body: { deviceList: b64(deviceList(account, 2n)) },
    });
    expectError(res, 404, 'NOT_FOUND');
  });

  it('GET /v1/usernames/:name returns the account id', async () => {
    const { account, tokens } = await registeredAccount(relay, [1], { username: 'carol.k' });
    const res = await relay.request({
      method: 'GET',
      url: '/v1/usernames/carol.k',
      token: tokens[0],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ accountId: account.accountId });
  });

  it('GET /v1/usernames/:name of an unknown name is 404 NOT_FOUND', async () => {
    const { tokens } = await registeredAccount(relay);
    const res = await relay.request({
      method: 'GET',
      url: '/v1/usernames/nobody',
      token: tokens[0],
    });
    expectError(res, 404, 'NOT_FOUND');
  });

  it('DELETE /v1/accounts/:id erases every row of the account', async () => {
    const before = relay.dump();
    const { account, tokens } = await registeredAccount(relay, [1, 2], { username: 'dave' });
    const other = await registeredAccount(relay);
    const afterOther = relay.dump();
    expect(afterOther).not.toBe(before);
    const res = await relay.request({
      method: 'DELETE',
      url: `/v1/accounts/${account.accountId}`,
      token: tokens[0],
    });
    expect(res.statusCode, res.body).toBe(204);
    const dump = relay.dump();
    expect(dump).not.toContain(account.accountId);
    expect(dump).not.toContain(b64(account.accountKey.publicKey));
    expect(dump).toContain(other.account.accountId);
    const lookup = await relay.request({
      method: 'GET',
      url: '/v1/usernames/dave',
      token: other.tokens[0],
    });
    expectError(lookup, 404, 'NOT_FOUND');
  });
});
