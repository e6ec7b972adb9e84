/** Mailboxes over HTTP: send, poll, ack, retention; each rejection with its code. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { b64, crypto, makeAccount } from '../fixtures.ts';
import { expectError, registeredAccount, startTestRelay, type TestRelay } from '../harness.ts';

interface Polled {
  messages: {
    id: string;
    sender: { accountId: string; deviceId: number };
    ciphertext: string;
    receivedAt: number;
  }[];
  more: boolean;
}

describe('mailboxes over HTTP', () => {
  let relay: TestRelay;
  beforeEach(async () => {
    relay = await startTestRelay();
  });
  afterEach(() => relay.close());

  const send = (token: string | undefined, recipientAccountId: string, messages: unknown) =>
    relay.request({
      method: 'POST',
      url: '/v1/messages',
      token,
      body: { recipientAccountId, messages },
    });
  const poll = async (token: string | undefined, query = '') => {
    const res = await relay.request({ method: 'GET', url: `/v1/messages${query}`, token });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Polled;
  };

  it('a send to every device is stored per device, polled in order, deleted on ack', async () => {
    const bob = await registeredAccount(relay, [1, 2]);
    const alice = await registeredAccount(relay);
    for (let i = 0; i < 3; i++) {
      const res = await send(alice.tokens[0], bob.account.accountId, [
        { deviceId: 1, ciphertext: b64(new Uint8Array([1, i])) },
        { deviceId: 2, ciphertext: b64(new Uint8Array([2, i])) },
      ]);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ accepted: 2, receivedAt: relay.clock.now() });
    }
    const one = await poll(bob.tokens[0]);
    expect(one.more).toBe(false);
    expect(one.messages.map((m) => m.ciphertext)).toEqual(
      [0, 1, 2].map((i) => b64(new Uint8Array([1, i]))),
    );
    expect(one.messages[0]?.sender).toEqual({ accountId: alice.account.accountId, deviceId: 1 });
    const ids = one.messages.map((m) => BigInt(m.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
    const ack = await relay.request({
      method: 'POST',
      url: '/v1/messages/ack',
      token: bob.tokens[0],
      body: { ids: one.messages.slice(0, 2).map((m) => m.id) },
    });
    expect(ack.json()).toEqual({ acked: 2 });
    expect((await poll(bob.tokens[0])).messages.map((m) => m.id)).toEqual([one.messages[2]?.id]);
    // Device 2's mailbox is its own.
    expect((await poll(bob.tokens[1])).messages).toHaveLength(3);
  });

  it('poll pages with after and limit', async () => {
    const bob = await registeredAccount(relay);
    const alice = await registeredAccount(relay);
    for (let i = 0; i < 5; i++) {
      await send(alice.tokens[0], bob.account.accountId, [
        { deviceId: 1, ciphertext: b64(new Uint8Array([i])) },
      ]);
    }
    const first = await poll(bob.tokens[0], '?limit=2');
    expect(first.messages).toHaveLength(2);
    expect(first.more).toBe(true);
    const rest = await poll(bob.tokens[0], `?after=${first.messages[1]?.id}&limit=10`);
    expect(rest.messages).toHaveLength(3);
    expect(rest.more).toBe(false);
  });

  it('a send missing a device or naming an extra one is 409 DEVICE_SET_MISMATCH with the ids', async () => {
    const bob = await registeredAccount(relay, [1, 2, 3]);
    const alice = await registeredAccount(relay);
    const before = relay.dump();
    const res = await send(alice.tokens[0], bob.account.accountId, [
      { deviceId: 1, ciphertext: 'AQ' },
      { deviceId: 4, ciphertext: 'AQ' },
    ]);
    expectError(res, 409, 'DEVICE_SET_MISMATCH');
    expect((res.json() as { error: { details: unknown } }).error.details).toEqual({
      missingDeviceIds: ['2', '3'],
      extraDeviceIds: ['4'],
    });
    expect(relay.dump()).toBe(before);
  });

  it('a send to its own account leaves out the sending device', async () => {
    const alice = await registeredAccount(relay, [1, 2]);
    const ok = await send(alice.tokens[0], alice.account.accountId, [
      { deviceId: 2, ciphertext: 'AQ' },
    ]);
    expect(ok.statusCode, ok.body).toBe(200);
    const self = await send(alice.tokens[0], alice.account.accountId, [
      { deviceId: 1, ciphertext: 'AQ' },
      { deviceId: 2, ciphertext: 'AQ' },
    ]);
    expectError(self, 409, 'DEVICE_SET_MISMATCH');
  });

  it('a repeated device id is 400 REQUEST_INVALID', async () => {
    const bob = await registeredAccount(relay, [1]);
    const alice = await registeredAccount(relay);
    const res = await send(alice.tokens[0], bob.account.accountId, [
      { deviceId: 1, ciphertext: 'AQ' },
      { deviceId: 1, ciphertext: 'AQ' },
    ]);
    expectError(res, 400, 'REQUEST_INVALID');
  });

  it('a send to an unknown account is 404 NOT_FOUND', async () => {
    const alice = await registeredAccount(relay);
    const res = await send(alice.tokens[0], makeAccount().accountId, [
      { deviceId: 1, ciphertext: 'AQ' },
    ]);
    expectError(res, 404, 'NOT_FOUND');
  });

  it('an envelope over the limit is 413 PAYLOAD_TOO_LARGE; one at the limit is accepted', async () => {
    await relay.close();
    relay = await startTestRelay({ maxEnvelopeBytes: 1024 });
    const bob = await registeredAccount(relay);
    const alice = await registeredAccount(relay);
    const at = await send(alice.tokens[0], bob.account.accountId, [
      { deviceId: 1, ciphertext: b64(crypto.random.bytes(1024)) },
    ]);
    expect(at.statusCode, at.body).toBe(200);
    const before = relay.dump();
    const over = await send(alice.tokens[0], bob.account.accountId, [
      { deviceId: 1, ciphertext: b64(crypto.random.bytes(1025)) },
    ]);
    expectError(over, 413, 'PAYLOAD_TOO_LARGE');
    expect(relay.dump()).toBe(before);
  });

  it('sends are rate limited per device: 429 RATE_LIMITED', async () => {
    await relay.close();
    relay = await startTestRelay({ sendLimit: { burst: 2, perMinute: 1 } });
    const bob = await registeredAccount(relay);
    const alice = await registeredAccount(relay);
    const message = [{ deviceId: 1, ciphertext: 'AQ' }];
    expect((await send(alice.tokens[0], bob.account.accountId, message)).statusCode).toBe(200);
    expect((await send(alice.tokens[0], bob.account.accountId, message)).statusCode).toBe(200);
    expectError(await send(alice.tokens[0], bob.account.accountId, message), 429, 'RATE_LIMITED');
  });

  it('messages older than the retention limit are purged', async () => {
    await relay.close();
    relay = await startTestRelay({ retentionMs: 10_000 });
    const bob = await registeredAccount(relay);
    const alice = await registeredAccount(relay);
    const first = await send(alice.tokens[0], bob.account.accountId, [
      { deviceId: 1, ciphertext: 'AQ' },
    ]);
    expect(first.statusCode).toBe(200);
    relay.clock.advance(9_999);
    const second = await send(alice.tokens[0], bob.account.accountId, [
      { deviceId: 1, ciphertext: 'Ag' },
    ]);
    expect(second.statusCode).toBe(200);
    relay.clock.advance(2);
    await relay.app.purge();
    expect((await poll(bob.tokens[0])).messages.map((m) => m.ciphertext)).toEqual(['Ag']);
  });

  it('an ack of an unknown id acknowledges nothing', async () => {
    const bob = await registeredAccount(relay);
    const res = await relay.request({
      method: 'POST',
      url: '/v1/messages/ack',
      token: bob.tokens[0],
      body: { ids: ['12345'] },
    });
    expect(res.json()).toEqual({ acked: 0 });
  });
});
