/**
 * The MLS KeyPackage directory (groups contract, "Relay HTTP API" 1-3): uploads checked with
 * `@sigil/mls/public` and bound to the uploading device, the per-device limit, last-resort
 * replacement, counts, claims that hand each one-time KeyPackage out once, and the claim rate
 * limit; each rejection with its code, and a rejected upload stores nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestAccount, TestDevice } from '../fixtures.ts';
import { b64 } from '../fixtures.ts';
import { expectError, registeredAccount, startTestRelay, type TestRelay } from '../harness.ts';
import { deviceKeyPackage, LIFETIME } from '../mls-fixtures.ts';

const URL = '/v1/mls/key-packages';

describe('MLS KeyPackages', () => {
  let relay: TestRelay;
  let alice: TestAccount;
  let device: TestDevice;
  let token: string;
  beforeEach(async () => {
    relay = await startTestRelay();
    const registered = await registeredAccount(relay, [1, 2]);
    alice = registered.account;
    device = alice.devices[0] as TestDevice;
    token = registered.tokens[0] as string;
  });
  afterEach(() => relay.close());

  const kps = (count: number, d = device) =>
    Array.from({ length: count }, () => deviceKeyPackage(alice, d).bytes);
  const upload = (body: unknown, t = token) =>
    relay.request({ method: 'PUT', url: URL, token: t, body });
  const claim = (accountId: string, t = token) =>
    relay.request({ method: 'POST', url: `${URL}/claim`, token: t, body: { accountId } });

  it('PUT stores valid KeyPackages of the device; GET count reports them', async () => {
    const res = await upload({
      keyPackages: kps(3).map(b64),
      lastResort: b64(kps(1)[0] as Uint8Array),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ count: 3, hasLastResort: true });
    const again = await upload({ keyPackages: kps(2).map(b64) });
    expect(again.json()).toEqual({ count: 5, hasLastResort: true });
    const count = await relay.request({ method: 'GET', url: `${URL}/count`, token });
    expect(count.statusCode).toBe(200);
    expect(count.json()).toEqual({ count: 5, hasLastResort: true });
    const other = await relay.request({
      method: 'GET',
      url: `${URL}/count`,
      token: (await registeredAccount(relay)).tokens[0],
    });
    expect(other.json()).toEqual({ count: 0, hasLastResort: false });
  });

  it('refuses KeyPackages that are not valid KeyPackages of the uploading device', async () => {
    const before = relay.dump();
    const other = alice.devices[1] as TestDevice;
    const tampered = Uint8Array.from(kps(1)[0] as Uint8Array);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    const cases: [string, Uint8Array, string][] = [
      [
        'another device identity',
        deviceKeyPackage(alice, device, { identity: `${alice.accountId}/2` }).bytes,
        'identity',
      ],
      [
        'another device signing key',
        deviceKeyPackage(alice, other, { identity: `${alice.accountId}/1` }).bytes,
        'signatureKey',
      ],
      [
        'a fresh signing key',
        deviceKeyPackage(alice, device, { fresh: true }).bytes,
        'signatureKey',
      ],
      ['a broken signature', tampered, 'MLS_INVALID_KEY_PACKAGE_SIGNATURE'],
      [
        'an expired lifetime',
        deviceKeyPackage(alice, device, {
          lifetime: { notBefore: 1n, notAfter: LIFETIME.notBefore },
        }).bytes,
        'MLS_INVALID_LIFETIME',
      ],
      ['bytes that are not MLS', new Uint8Array([1, 2, 3, 4, 5, 6]), 'UNSUPPORTED_VERSION'],
    ];
    for (const [what, bytes, reason] of cases) {
      const res = await upload({ keyPackages: [b64(kps(1)[0] as Uint8Array), b64(bytes)] });
      expectError(res, 400, 'KEY_PACKAGE_INVALID');
      const { details } = (res.json() as { error: { details: Record<string, string> } }).error;
      expect(details, what).toEqual({ field: 'keyPackages[1]', reason });
      const last = await upload({ keyPackages: [], lastResort: b64(bytes) });
      expectError(last, 400, 'KEY_PACKAGE_INVALID');
    }
    expect(relay.dump()).toBe(before);
  });

  it('keeps at most 100 one-time KeyPackages per device', async () => {
    const first = await upload({ keyPackages: kps(60).map(b64) });
    expect(first.json()).toEqual({ count: 60, hasLastResort: false });
    const before = relay.dump();
    const over = await upload({
      keyPackages: kps(41).map(b64),
      lastResort: b64(kps(1)[0] as Uint8Array),
    });
    expectError(over, 409, 'KEY_PACKAGE_LIMIT');
    expect(relay.dump()).toBe(before);
    expectError(await upload({ keyPackages: kps(101).map(b64) }), 400, 'REQUEST_INVALID');
    expect((await upload({ keyPackages: kps(40).map(b64) })).json()).toEqual({
      count: 100,
      hasLastResort: false,
    });
  });

  it('claim: one per device, each one-time KeyPackage once, then the newest last resort', async () => {
    const uploaded = kps(2);
    const lastResorts = kps(2);
    await upload({ keyPackages: uploaded.map(b64), lastResort: b64(lastResorts[0] as Uint8Array) });
    await upload({ keyPackages: [], lastResort: b64(lastResorts[1] as Uint8Array) });
    const { tokens } = await registeredAccount(relay);
    const got: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await claim(alice.accountId, tokens[0]);
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json() as {
        keyPackages: { deviceId: number; keyPackage: string }[];
        missingDeviceIds: number[];
      };
      expect(body.missingDeviceIds).toEqual([2]);
      expect(body.keyPackages.map((k) => k.deviceId)).toEqual([1]);
      got.push(body.keyPackages[0]?.keyPackage as string);
    }
    expect(got).toEqual([
      ...uploaded.map(b64),
      b64(lastResorts[1] as Uint8Array),
      b64(lastResorts[1] as Uint8Array),
    ]);
    const count = await relay.request({ method: 'GET', url: `${URL}/count`, token });
    expect(count.json()).toEqual({ count: 0, hasLastResort: true });
  });

  it('20 concurrent claims hand each of 5 KeyPackages out exactly once', async () => {
    const uploaded = kps(5).map(b64);
    const lastResort = b64(kps(1)[0] as Uint8Array);
    await upload({ keyPackages: uploaded, lastResort });
    const { tokens } = await registeredAccount(relay);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => claim(alice.accountId, tokens[0])),
    );
    const got = results.map(
      (r) => (r.json() as { keyPackages: { keyPackage: string }[] }).keyPackages[0]?.keyPackage,
    );
    expect(new Set(got.filter((k) => k !== lastResort))).toEqual(new Set(uploaded));
    expect(got.filter((k) => k !== lastResort)).toHaveLength(5);
    expect(got.filter((k) => k === lastResort)).toHaveLength(15);
  });

  it('claim of an unknown account is 404 NOT_FOUND; tokens are required', async () => {
    expectError(await claim('A'.repeat(43)), 404, 'NOT_FOUND');
    expectError(await claim('not an account id'), 400, 'REQUEST_INVALID');
    expectError(
      await relay.request({ method: 'PUT', url: URL, body: { keyPackages: [] } }),
      401,
      'UNAUTHENTICATED',
    );
    expectError(
      await relay.request({ method: 'GET', url: `${URL}/count` }),
      401,
      'UNAUTHENTICATED',
    );
    expectError(
      await relay.request({
        method: 'POST',
        url: `${URL}/claim`,
        body: { accountId: alice.accountId },
      }),
      401,
      'UNAUTHENTICATED',
    );
  });
});

describe('MLS KeyPackage claim rate limit', () => {
  let relay: TestRelay;
  beforeEach(async () => {
    relay = await startTestRelay({ prekeyFetchLimit: { burst: 2, perMinute: 1 } });
  });
  afterEach(() => relay.close());

  it('claims are limited per (requesting device, target account) like prekey fetches', async () => {
    const { account: target } = await registeredAccount(relay);
    const { tokens } = await registeredAccount(relay);
    const claim = () =>
      relay.request({
        method: 'POST',
        url: `${URL}/claim`,
        token: tokens[0],
        body: { accountId: target.accountId },
      });
    expect((await claim()).statusCode).toBe(200);
    expect((await claim()).statusCode).toBe(200);
    const limited = await claim();
    expectError(limited, 429, 'RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
    // Prekey bundle fetches have their own budget.
    const keys = await relay.request({
      method: 'GET',
      url: `/v1/keys/${target.accountId}`,
      token: tokens[0],
    });
    expect(keys.statusCode).toBe(200);
  });
});
