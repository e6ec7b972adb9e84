/**
 * Graceful shutdown: `close()` closes sockets with 1001, lets an in-flight request finish,
 * closes the database, and refuses new connections.
 */
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../src/connections.ts';
import { registeredAccount, startTestRelay } from './harness.ts';
import { TestSocket } from './ws-client.ts';

describe('graceful shutdown', () => {
  it('closes sockets with going-away, finishes in-flight work, closes the store', async () => {
    const relay = await startTestRelay({}, { listen: true });
    const bob = await registeredAccount(relay);
    const alice = await registeredAccount(relay);
    const socket = await TestSocket.connect(relay.url, bob.tokens[0] ?? '');
    await socket.until(() => socket.queueEmpty);
    const inFlight = fetch(`${relay.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.tokens[0]}` },
      body: JSON.stringify({
        recipientAccountId: bob.account.accountId,
        messages: [{ deviceId: 1, ciphertext: 'AQ' }],
      }),
    });
    const response = await inFlight;
    const closing = relay.close();
    await socket.until(() => socket.closeCode !== undefined);
    await closing;
    expect(response.status).toBe(200);
    expect(socket.closeCode).toBe(CLOSE_CODES.goingAway);
    await expect(relay.app.context.store.ping()).rejects.toThrow();
    await expect(fetch(`${relay.url}/healthz`)).rejects.toThrow();
  });
});
