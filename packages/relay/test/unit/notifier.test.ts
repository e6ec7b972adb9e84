/**
 * Notifier semantics without external services: stamp order, broker message parsing, and two
 * relay apps in one process on one SQLite file sharing an in-process notifier (two instances on
 * one host): a send at one wakes the socket at the other, the newer connection of a device
 * wins, deleting the account at one closes its socket at the other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/connections.ts';
import { parseMessage } from '../../src/notifier/broker.ts';
import { compareStamps, InProcessNotifier } from '../../src/notifier.ts';
import { registeredAccount, startTestRelay, type TestRelay } from '../harness.ts';
import { TestSocket } from '../ws-client.ts';

describe('connection stamps', () => {
  it('order by time, then instance, then connection', () => {
    const stamp = (connectedAt: number, instanceId: string, connectionId: number) => ({
      connectedAt,
      instanceId,
      connectionId,
    });
    expect(compareStamps(stamp(1, 'b', 9), stamp(2, 'a', 1))).toBeLessThan(0);
    expect(compareStamps(stamp(2, 'a', 9), stamp(2, 'b', 1))).toBeLessThan(0);
    expect(compareStamps(stamp(2, 'a', 1), stamp(2, 'a', 2))).toBeLessThan(0);
    expect(compareStamps(stamp(2, 'a', 2), stamp(2, 'a', 2))).toBe(0);
    expect(compareStamps(stamp(3, 'a', 1), stamp(2, 'z', 9))).toBeGreaterThan(0);
  });
});

describe('broker messages', () => {
  it('accepts the four shapes and rejects anything else', () => {
    const stamp = { instanceId: 'i', connectionId: 1, connectedAt: 2 };
    expect(parseMessage('{"o":"i","k":"a/1","e":{"type":"mail"}}')).toEqual({
      o: 'i',
      k: 'a/1',
      e: { type: 'mail' },
    });
    expect(
      parseMessage(JSON.stringify({ o: 'i', k: 'a/1', e: { type: 'connected', stamp } })),
    ).toEqual({ o: 'i', k: 'a/1', e: { type: 'connected', stamp } });
    expect(parseMessage('{"o":"i","a":"a","e":{"type":"close","code":4003,"reason":"x"}}')).toEqual(
      { o: 'i', a: 'a', e: { type: 'close', code: 4003, reason: 'x' } },
    );
    expect(parseMessage('{"o":"i","w":1}')).toEqual({ o: 'i', w: 1 });
    for (const bad of [
      'not json',
      'null',
      '{"k":"a/1","e":{"type":"mail"}}',
      '{"o":"i","e":{"type":"mail"}}',
      '{"o":"i","k":"a/1","e":{"type":"other"}}',
      '{"o":"i","k":"a/1","e":{"type":"close","code":"4003","reason":"x"}}',
      '{"o":"i","k":"a/1","e":{"type":"connected","stamp":{"instanceId":"i"}}}',
    ]) {
      expect(parseMessage(bad), bad).toBeUndefined();
    }
  });
});

describe('two relay apps on one host (shared SQLite file and in-process notifier)', () => {
  const relays: TestRelay[] = [];
  const sockets: TestSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) await socket.close();
    for (const relay of relays.splice(0)) await relay.close();
  });

  async function pair(): Promise<[TestRelay, TestRelay]> {
    const notifier = new InProcessNotifier();
    const first = await startTestRelay({}, { listen: true, notifier });
    relays.push(first);
    const second = await startTestRelay({}, { listen: true, notifier, dbPath: first.dbPath });
    relays.push(second);
    return [first, second];
  }

  async function connect(relay: TestRelay, token: string): Promise<TestSocket> {
    const socket = await TestSocket.connect(relay.url, token);
    sockets.push(socket);
    await socket.until(() => socket.queueEmpty);
    return socket;
  }

  it('a send at one wakes the socket at the other; the newer connection wins', async () => {
    const [one, two] = await pair();
    const bob = await registeredAccount(one);
    const alice = await registeredAccount(one);
    const older = await connect(one, bob.tokens[0] ?? '');
    const res = await two.request({
      method: 'POST',
      url: '/v1/messages',
      token: alice.tokens[0],
      body: {
        recipientAccountId: bob.account.accountId,
        messages: [{ deviceId: 1, ciphertext: Buffer.from('hi').toString('base64url') }],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    await older.until(() => older.messages.length === 1);
    older.ack(older.messages.map((m) => m.id));
    // Later by the clock (each app has its own manual clock, both starting at the same time).
    two.clock.advance(1000);
    const newer = await connect(two, bob.tokens[0] ?? '');
    await older.until(() => older.closeCode !== undefined);
    expect(older.closeCode).toBe(CLOSE_CODES.replaced);
    expect(newer.closeCode).toBeUndefined();
    expect(one.app.context.connections.size).toBe(0);
    expect(two.app.context.connections.size).toBe(1);
  });

  it('deleting the account at one closes its socket at the other', async () => {
    const [one, two] = await pair();
    const bob = await registeredAccount(one);
    const socket = await connect(two, bob.tokens[0] ?? '');
    const res = await one.request({
      method: 'DELETE',
      url: `/v1/accounts/${bob.account.accountId}`,
      token: bob.tokens[0],
    });
    expect(res.statusCode).toBe(204);
    await socket.until(() => socket.closeCode !== undefined);
    expect(socket.closeCode).toBe(CLOSE_CODES.accountDeleted);
  });
});
