/**
 * Logs carry no ciphertext, keys, tokens or usernames: a full session's log lines are
 * captured and searched for each secret; request lines hold route, method, status, latency.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { InProcessNotifier } from '../../src/notifier.ts';
import { SqliteRelayStore } from '../../src/storage/sqlite/index.ts';
import { b64, crypto, deviceList, makeAccount, signedPreKey } from '../fixtures.ts';

describe('logging', () => {
  it('request logs hold route patterns and no secrets', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const app = await buildApp({
      store: SqliteRelayStore.open(':memory:'),
      clock: { now: () => Date.now() },
      config: loadConfig([], {}, { logLevel: 'info' }),
      logger: createLogger('info', sink),
      crypto,
      notifier: new InProcessNotifier(),
    });
    const account = makeAccount();
    const device = account.devices[0];
    if (device === undefined) throw new Error('no device');
    const inject = (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, token?: string) =>
      app.fastify.inject({
        method,
        url,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
    const accountKey = b64(account.accountKey.publicKey);
    await inject('POST', '/v1/accounts', {
      accountKey,
      deviceList: b64(deviceList(account, 1n)),
      username: 'secretname',
    });
    const { challengeId, nonce } = (
      await inject('POST', '/v1/auth/challenge', { accountId: account.accountId, deviceId: 1 })
    ).json() as { challengeId: string; nonce: string };
    const { relayAuthContent } = await import('../../src/auth/relay-auth.ts');
    const { LABEL_RELAY_AUTH, signWithLabel } = await import('@sigil/protocol/public');
    const signature = b64(
      signWithLabel(
        crypto,
        device.signing.secretKey,
        LABEL_RELAY_AUTH,
        relayAuthContent({
          origin: app.context.origin(),
          challengeId,
          nonce: new Uint8Array(Buffer.from(nonce, 'base64url')),
          accountId: account.accountId,
          deviceId: 1,
        }),
      ),
    );
    const { token } = (
      await inject('POST', '/v1/auth/token', { challengeId, signature })
    ).json() as {
      token: string;
    };
    const spk = b64(signedPreKey(device, 1));
    await inject('PUT', '/v1/keys', { signedPreKey: spk }, token);
    const ciphertext = b64(crypto.random.bytes(48));
    await inject(
      'POST',
      '/v1/messages',
      {
        recipientAccountId: account.accountId,
        messages: [{ deviceId: 2, ciphertext }],
      },
      token,
    );
    await inject('GET', '/v1/usernames/secretname', undefined, token);
    await inject('GET', `/v1/ws?token=${token}`);
    await app.close();

    const text = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(7);
    for (const secret of [token, 'secretname', ciphertext, accountKey, spk, signature, nonce]) {
      expect(text).not.toContain(secret);
    }
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(requests.map((r) => r.route)).toContain('/v1/usernames/:username');
    for (const r of requests) {
      expect(Object.keys(r).sort()).toEqual(
        ['level', 'time', 'service', 'reqId', 'route', 'method', 'status', 'ms', 'msg'].sort(),
      );
    }
  });
});
