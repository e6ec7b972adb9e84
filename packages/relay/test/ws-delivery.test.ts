/**
 * WebSocket delivery over real sockets on loopback: two devices and a burst of sends, every
 * message delivered once acknowledged; a disconnect mid-burst and a reconnect lose nothing;
 * the socket closes on replacement and account deletion; no socket without a token.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../src/connections.ts';
import { registeredAccount, startTestRelay, type TestRelay } from './harness.ts';
import { TestSocket } from './ws-client.ts';

const BURST = 300;

describe('WebSocket delivery on loopback', () => {
  let relay: TestRelay;
  const sockets: TestSocket[] = [];
  beforeEach(async () => {
    relay = await startTestRelay(
      { sendLimit: { burst: 100_000, perMinute: 100_000 } },
      { listen: true },
    );
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) await socket.close();
    await relay.close();
  });

  async function connect(token: string, via: 'header' | 'query' = 'header') {
    const socket = await TestSocket.connect(relay.url, token, via);
    sockets.push(socket);
    return socket;
  }

  /** Sends `count` messages, one ciphertext per device, over real HTTP. */
  async function burst(
    token: string,
    recipientAccountId: string,
    deviceIds: readonly number[],
    from: number,
    count: number,
  ): Promise<void> {
    for (let i = from; i < from + count; i++) {
      const res = await fetch(`${relay.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          recipientAccountId,
          messages: deviceIds.map((deviceId) => ({
            deviceId,
            ciphertext: Buffer.from(`m${i}d${deviceId}`).toString('base64url'),
          })),
        }),
      });
      expect(res.status).toBe(200);
    }
  }

  const texts = (socket: TestSocket) =>
    socket.messages.map((m) => Buffer.from(m.ciphertext, 'base64url').toString());

  it('two devices receive a burst in order; acknowledged messages are deleted', async () => {
    const bob = await registeredAccount(relay, [1, 2]);
    const alice = await registeredAccount(relay);
    const one = await connect(bob.tokens[0] ?? '');
    const two = await connect(bob.tokens[1] ?? '', 'query');
    await one.until(() => one.queueEmpty);
    await two.until(() => two.queueEmpty);
    await burst(alice.tokens[0] ?? '', bob.account.accountId, [1, 2], 0, BURST);
    for (const [socket, device] of [
      [one, 1],
      [two, 2],
    ] as const) {
      await socket.until(() => socket.messages.length >= BURST);
      expect(texts(socket)).toEqual(Array.from({ length: BURST }, (_, i) => `m${i}d${device}`));
      expect(new Set(socket.messages.map((m) => m.id)).size).toBe(BURST);
      socket.ack(socket.messages.map((m) => m.id));
    }
    const store = relay.app.context.store;
    for (let i = 0; i < 50 && (await store.countQueued()) > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await store.countQueued()).toBe(0);
    expect(relay.app.context.metrics.acks).toBe(2 * BURST);
  });

  it('a disconnect mid-burst and a reconnect lose nothing; unacked messages come again', async () => {
    const bob = await registeredAccount(relay);
    const alice = await registeredAccount(relay);
    const first = await connect(bob.tokens[0] ?? '');
    const sending = burst(alice.tokens[0] ?? '', bob.account.accountId, [1], 0, BURST);
    await first.until(() => first.messages.length >= 50);
    // Acknowledge the first 20 only, then drop the connection while sends continue.
    const acked = first.messages.slice(0, 20).map((m) => m.id);
    first.ack(acked);
    await new Promise((r) => setTimeout(r, 50));
    await first.close();
    await sending;
    const second = await connect(bob.tokens[0] ?? '');
    await second.until(() => second.queueEmpty && second.messages.length >= BURST - 20);
    const ackedSet = new Set(acked);
    const received = new Set([...acked, ...second.messages.map((m) => m.id)]);
    expect(received.size).toBe(BURST);
    expect(second.messages.some((m) => ackedSet.has(m.id))).toBe(false);
    expect(texts(second)).toEqual(Array.from({ length: BURST - 20 }, (_, i) => `m${i + 20}d1`));
  });

  it('without a token the upgrade is refused with 401', async () => {
    await expect(TestSocket.connect(relay.url, 'A'.repeat(43))).rejects.toThrow(/401/);
  });

  it('a bad frame gets an error frame and the socket stays open', async () => {
    const bob = await registeredAccount(relay);
    const socket = await connect(bob.tokens[0] ?? '');
    socket.sendRaw('{"type":"ack","id":"x"}');
    socket.sendRaw('not json');
    await socket.until(() => socket.errors.length >= 2);
    expect(socket.errors).toEqual([
      expect.objectContaining({ code: 'REQUEST_INVALID' }),
      expect.objectContaining({ code: 'REQUEST_INVALID' }),
    ]);
    expect(socket.closeCode).toBeUndefined();
  });

  it('a second connection of the same device replaces the first', async () => {
    const bob = await registeredAccount(relay);
    const first = await connect(bob.tokens[0] ?? '');
    await connect(bob.tokens[0] ?? '');
    await first.until(() => first.closeCode !== undefined);
    expect(first.closeCode).toBe(CLOSE_CODES.replaced);
  });

  it('deleting the account closes its sockets', async () => {
    const bob = await registeredAccount(relay, [1, 2]);
    const one = await connect(bob.tokens[0] ?? '');
    const two = await connect(bob.tokens[1] ?? '');
    const res = await relay.request({
      method: 'DELETE',
      url: `/v1/accounts/${bob.account.accountId}`,
      token: bob.tokens[1],
    });
    expect(res.statusCode).toBe(204);
    await one.until(() => one.closeCode !== undefined);
    await two.until(() => two.closeCode !== undefined);
    expect(one.closeCode).toBe(CLOSE_CODES.accountDeleted);
    expect(relay.app.context.connections.size).toBe(0);
  });
});
