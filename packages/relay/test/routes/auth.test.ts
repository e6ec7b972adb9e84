/** POST /v1/auth/challenge and /v1/auth/token: success and each rejection with its code. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { b64, crypto, makeAccount } from '../fixtures.ts';
import {
  expectError,
  register,
  signChallenge,
  startTestRelay,
  type TestRelay,
} from '../harness.ts';

describe('device authentication', () => {
  let relay: TestRelay;
  beforeEach(async () => {
    relay = await startTestRelay();
  });
  afterEach(() => relay.close());

  async function challenge(accountId: string, deviceId: number) {
    const res = await relay.request({
      method: 'POST',
      url: '/v1/auth/challenge',
      body: { accountId, deviceId },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { challengeId: string; nonce: string; expiresAt: number };
  }

  it('a signed challenge yields a token that authenticates the device', async () => {
    const account = makeAccount([7]);
    await register(relay, account);
    const device = account.devices[0];
    if (device === undefined) throw new Error('no device');
    const { challengeId, nonce, expiresAt } = await challenge(account.accountId, 7);
    expect(expiresAt).toBe(relay.clock.now() + relay.config.challengeTtlMs);
    const signature = signChallenge(relay, account, device, challengeId, nonce);
    const res = await relay.request({
      method: 'POST',
      url: '/v1/auth/token',
      body: { challengeId, signature },
    });
    expect(res.statusCode, res.body).toBe(200);
    const { token, expiresAt: tokenExpiry } = res.json() as { token: string; expiresAt: number };
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokenExpiry).toBe(relay.clock.now() + relay.config.tokenTtlMs);
    const count = await relay.request({ method: 'GET', url: '/v1/keys/count', token });
    expect(count.statusCode, count.body).toBe(200);
    // Only the token's hash is stored.
    expect(relay.dump()).not.toContain(token);
  });

  it('a challenge for an unknown device is 404 NOT_FOUND', async () => {
    const account = makeAccount([1]);
    await register(relay, account);
    const res = await relay.request({
      method: 'POST',
      url: '/v1/auth/challenge',
      body: { accountId: account.accountId, deviceId: 2 },
    });
    expectError(res, 404, 'NOT_FOUND');
  });

  it('a replayed challenge fails with 401 UNAUTHENTICATED', async () => {
    const account = makeAccount([1]);
    await register(relay, account);
    const device = account.devices[0];
    if (device === undefined) throw new Error('no device');
    const { challengeId, nonce } = await challenge(account.accountId, 1);
    const signature = signChallenge(relay, account, device, challengeId, nonce);
    const body = { challengeId, signature };
    const first = await relay.request({ method: 'POST', url: '/v1/auth/token', body });
    expect(first.statusCode).toBe(200);
    const replay = await relay.request({ method: 'POST', url: '/v1/auth/token', body });
    expectError(replay, 401, 'UNAUTHENTICATED');
  });

  it('a wrong signature fails with 401 UNAUTHENTICATED and burns the challenge', async () => {
    const account = makeAccount([1, 2]);
    await register(relay, account);
    const [one, two] = account.devices;
    if (one === undefined || two === undefined) throw new Error('no device');
    const { challengeId, nonce } = await challenge(account.accountId, 1);
    // Device 2's key signing device 1's challenge.
    const forged = signChallenge(
      relay,
      account,
      { ...one, signing: two.signing },
      challengeId,
      nonce,
    );
    const res = await relay.request({
      method: 'POST',
      url: '/v1/auth/token',
      body: { challengeId, signature: forged },
    });
    expectError(res, 401, 'UNAUTHENTICATED');
    const honest = signChallenge(relay, account, one, challengeId, nonce);
    const retry = await relay.request({
      method: 'POST',
      url: '/v1/auth/token',
      body: { challengeId, signature: honest },
    });
    expectError(retry, 401, 'UNAUTHENTICATED');
  });

  it('a signature made for another relay origin fails', async () => {
    const account = makeAccount([1]);
    await register(relay, account);
    const device = account.devices[0];
    if (device === undefined) throw new Error('no device');
    const { challengeId, nonce } = await challenge(account.accountId, 1);
    const signature = signChallenge(relay, account, device, challengeId, nonce, 'https://evil');
    const res = await relay.request({
      method: 'POST',
      url: '/v1/auth/token',
      body: { challengeId, signature },
    });
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('an expired challenge fails with 401 UNAUTHENTICATED', async () => {
    const account = makeAccount([1]);
    await register(relay, account);
    const device = account.devices[0];
    if (device === undefined) throw new Error('no device');
    const { challengeId, nonce } = await challenge(account.accountId, 1);
    relay.clock.advance(relay.config.challengeTtlMs);
    const signature = signChallenge(relay, account, device, challengeId, nonce);
    const res = await relay.request({
      method: 'POST',
      url: '/v1/auth/token',
      body: { challengeId, signature },
    });
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('an unknown challenge id fails with 401 UNAUTHENTICATED', async () => {
    const res = await relay.request({
      method: 'POST',
      url: '/v1/auth/token',
      body: { challengeId: b64(crypto.random.bytes(16)), signature: b64(new Uint8Array(64)) },
    });
    expectError(res, 401, 'UNAUTHENTICATED');
  });

  it('challenges are rate limited per device with 429 RATE_LIMITED and Retry-After', async () => {
    await relay.close();
    relay = await startTestRelay({ challengeLimit: { burst: 2, perMinute: 1 } });
    const account = makeAccount([1]);
    await register(relay, account);
    await challenge(account.accountId, 1);
    await challenge(account.accountId, 1);
    const res = await relay.request({
      method: 'POST',
      url: '/v1/auth/challenge',
      body: { accountId: account.accountId, deviceId: 1 },
    });
    expectError(res, 429, 'RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });
});
