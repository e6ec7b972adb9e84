/**
 * Bad input, each as its own test: the response is a 4xx with a code, never a 500, and the
 * database is unchanged (a dump of every table before and after is identical).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, deviceList, kemPreKey, makeAccount, signedPreKey } from './fixtures.ts';
import { expectError, registeredAccount, startTestRelay, type TestRelay } from './harness.ts';

describe('bad input changes nothing', () => {
  let relay: TestRelay;
  let token: string;
  let bobId: string;
  let bob: Awaited<ReturnType<typeof registeredAccount>>;

  beforeAll(async () => {
    relay = await startTestRelay({ bodyLimitBytes: 64 * 1024 });
    bob = await registeredAccount(relay, [1, 2]);
    bobId = bob.account.accountId;
    token = bob.tokens[0] ?? '';
  });
  afterAll(() => relay.close());

  /** Sends the request and checks status, code and an unchanged database. */
  async function rejects(
    request: Parameters<TestRelay['request']>[0],
    status: number,
    code: string,
  ): Promise<void> {
    const before = relay.dump();
    const res = await relay.request(request);
    expectError(res, status, code);
    expect(relay.dump()).toBe(before);
  }

  it('malformed JSON is 400 REQUEST_INVALID', async () => {
    await rejects(
      { method: 'POST', url: '/v1/messages', token, payload: '{"recipientAccountId": ' },
      400,
      'REQUEST_INVALID',
    );
  });

  it('an empty JSON body is 400 REQUEST_INVALID', async () => {
    await rejects({ method: 'POST', url: '/v1/accounts', payload: '' }, 400, 'REQUEST_INVALID');
  });

  it('a JSON array instead of an object is 400 REQUEST_INVALID', async () => {
    await rejects({ method: 'POST', url: '/v1/accounts', body: [1, 2] }, 400, 'REQUEST_INVALID');
  });

  it('a wrong type (deviceId as a string) is 400 REQUEST_INVALID, not coerced', async () => {
    await rejects(
      { method: 'POST', url: '/v1/auth/challenge', body: { accountId: bobId, deviceId: '1' } },
      400,
      'REQUEST_INVALID',
    );
  });

  it('a wrong type (messages as an object) is 400 REQUEST_INVALID', async () => {
    await rejects(
      {
        method: 'POST',
        url: '/v1/messages',
        token,
        body: { recipientAccountId: bobId, messages: {} },
      },
      400,
      'REQUEST_INVALID',
    );
  });

  it('an oversized body is 413 PAYLOAD_TOO_LARGE', async () => {
    await rejects(
      {
        method: 'POST',
        url: '/v1/messages',
        token,
        body: {
          recipientAccountId: bobId,
          messages: [{ deviceId: 1, ciphertext: 'A'.repeat(70 * 1024) }],
        },
      },
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it('invalid base64url characters are 400 REQUEST_INVALID', async () => {
    await rejects(
      {
        method: 'POST',
        url: '/v1/messages',
        token,
        body: {
          recipientAccountId: bobId,
          messages: [
            { deviceId: 1, ciphertext: 'AQ==' },
            { deviceId: 2, ciphertext: 'AQ' },
          ],
        },
      },
      400,
      'REQUEST_INVALID',
    );
  });

  it('non-canonical base64url (non-zero trailing bits) is 400 REQUEST_INVALID', async () => {
    await rejects(
      {
        method: 'POST',
        url: '/v1/messages',
        token,
        body: {
          recipientAccountId: bobId,
          messages: [
            { deviceId: 1, ciphertext: 'AR' },
            { deviceId: 2, ciphertext: 'AQ' },
          ],
        },
      },
      400,
      'REQUEST_INVALID',
    );
  });

  it('a base64url account key of the wrong length is 400 REQUEST_INVALID', async () => {
    const account = makeAccount();
    await rejects(
      {
        method: 'POST',
        url: '/v1/accounts',
        body: { accountKey: b64(new Uint8Array(31)), deviceList: b64(deviceList(account, 1n)) },
      },
      400,
      'REQUEST_INVALID',
    );
  });

  it('an invalid device list signature is 400 SIGNATURE_INVALID', async () => {
    const account = makeAccount();
    const bytes = deviceList(account, 1n);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    await rejects(
      {
        method: 'POST',
        url: '/v1/accounts',
        body: { accountKey: b64(account.accountKey.publicKey), deviceList: b64(bytes) },
      },
      400,
      'SIGNATURE_INVALID',
    );
  });

  it('an invalid KEM prekey signature is 400 SIGNATURE_INVALID', async () => {
    const device = bob.account.devices[0];
    if (device === undefined) throw new Error('no device');
    const bytes = kemPreKey(device, 7, 'last-resort');
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0x40;
    await rejects(
      { method: 'PUT', url: '/v1/keys', token, body: { lastResortKemPreKey: b64(bytes) } },
      400,
      'SIGNATURE_INVALID',
    );
  });

  it('a truncated signed prekey is 400 CODEC_TRUNCATED', async () => {
    const device = bob.account.devices[0];
    if (device === undefined) throw new Error('no device');
    const bytes = signedPreKey(device, 1).subarray(0, 20);
    await rejects(
      { method: 'PUT', url: '/v1/keys', token, body: { signedPreKey: b64(bytes) } },
      400,
      'CODEC_TRUNCATED',
    );
  });

  it('a device list with trailing bytes is 400 CODEC_TRAILING_BYTES', async () => {
    const account = makeAccount();
    const bytes = new Uint8Array([...deviceList(account, 1n), 0]);
    await rejects(
      {
        method: 'POST',
        url: '/v1/accounts',
        body: { accountKey: b64(account.accountKey.publicKey), deviceList: b64(bytes) },
      },
      400,
      'CODEC_TRAILING_BYTES',
    );
  });

  it('an unknown field is 400 REQUEST_INVALID, not silently dropped', async () => {
    await rejects(
      {
        method: 'POST',
        url: '/v1/auth/challenge',
        body: { accountId: bobId, deviceId: 1, admin: true },
      },
      400,
      'REQUEST_INVALID',
    );
  });

  it('an unknown field in a nested message is 400 REQUEST_INVALID', async () => {
    await rejects(
      {
        method: 'POST',
        url: '/v1/messages',
        token,
        body: {
          recipientAccountId: bobId,
          messages: [
            { deviceId: 1, ciphertext: 'AQ', priority: 1 },
            { deviceId: 2, ciphertext: 'AQ' },
          ],
        },
      },
      400,
      'REQUEST_INVALID',
    );
  });

  it('a device id of 0 in a body is 400 REQUEST_INVALID', async () => {
    await rejects(
      { method: 'POST', url: '/v1/auth/challenge', body: { accountId: bobId, deviceId: 0 } },
      400,
      'REQUEST_INVALID',
    );
  });

  it('a device id of 2^31 in a body is 400 REQUEST_INVALID', async () => {
    await rejects(
      {
        method: 'POST',
        url: '/v1/messages',
        token,
        body: { recipientAccountId: bobId, messages: [{ deviceId: 2 ** 31, ciphertext: 'AQ' }] },
      },
      400,
      'REQUEST_INVALID',
    );
  });

  it('a device id of 2^31 in a path is 400 REQUEST_INVALID', async () => {
    await rejects(
      { method: 'GET', url: `/v1/keys/${bobId}/2147483648`, token },
      400,
      'REQUEST_INVALID',
    );
  });

  it('a malformed account id in a path is 400 REQUEST_INVALID', async () => {
    await rejects({ method: 'GET', url: '/v1/keys/not-an-id', token }, 400, 'REQUEST_INVALID');
  });

  it('a malformed username is 400 REQUEST_INVALID', async () => {
    await rejects({ method: 'GET', url: '/v1/usernames/Al%20ice', token }, 400, 'REQUEST_INVALID');
  });

  it('a malformed message id in an ack is 400 REQUEST_INVALID', async () => {
    await rejects(
      { method: 'POST', url: '/v1/messages/ack', token, body: { ids: ['-1'] } },
      400,
      'REQUEST_INVALID',
    );
  });

  it('an unsupported content type is 400 REQUEST_INVALID', async () => {
    await rejects(
      {
        method: 'POST',
        url: '/v1/accounts',
        payload: 'x',
        headers: { 'content-type': 'application/xml' },
      },
      400,
      'REQUEST_INVALID',
    );
  });
});
