/** The key directory: uploads, counts, bundle fetches; each rejection with its code. */

import { verifyPreKeyBundle } from '@sigil/protocol/public';
import { decode } from '@sigil/wire';
import { PreKeyBundle } from '@sigil/wire/formats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  b64,
  crypto,
  kemPreKey,
  kemPreKeys,
  makeAccount,
  oneTimePreKeys,
  signedPreKey,
} from '../fixtures.ts';
import {
  expectError,
  registeredAccount,
  startTestRelay,
  type TestRelay,
  uploadKeys,
} from '../harness.ts';

function bundleOf(text: string) {
  return decode(PreKeyBundle, new Uint8Array(Buffer.from(text, 'base64url')));
}

describe('key directory', () => {
  let relay: TestRelay;
  beforeEach(async () => {
    relay = await startTestRelay();
  });
  afterEach(() => relay.close());

  it('PUT /v1/keys stores a full key set and returns the counts', async () => {
    const { account, tokens } = await registeredAccount(relay);
    const device = account.devices[0];
    if (device === undefined) throw new Error('no device');
    const res = await relay.request({
      method: 'PUT',
      url: '/v1/keys',
      token: tokens[0],
      body: {
        certificate: b64(device.certificate),
        signedPreKey: b64(signedPreKey(device, 9)),
        oneTimePreKeys: oneTimePreKeys(1, 100).map(b64),
        kemPreKeys: kemPreKeys(device, 1, 100).map(b64),
        lastResortKemPreKey: b64(kemPreKey(device, 500, 'last-resort')),
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      oneTimePreKeys: 100,
      kemPreKeys: 100,
      signedPreKeyId: 9,
      lastResortKemPreKeyId: 500,
      hasCertificate: true,
    });
  });

  it('GET /v1/keys/count reports what is left', async () => {
    const { account, tokens } = await registeredAccount(relay);
    const device = account.devices[0];
    if (device === undefined) throw new Error('no device');
    const empty = await relay.request({ method: 'GET', url: '/v1/keys/count', token: tokens[0] });
    expect(empty.json()).toEqual({
      oneTimePreKeys: 0,
      kemPreKeys: 0,
      signedPreKeyId: null,
      lastResortKemPreKeyId: null,
      hasCertificate: false,
    });
    await uploadKeys(relay, tokens[0] ?? '', device, { oneTime: 4, kem: 2 });
    const res = await relay.request({ method: 'GET', url: '/v1/keys/count', token: tokens[0] });
    expect(res.json()).toMatchObject({ oneTimePreKeys: 4, kemPreKeys: 2 });
  });

  it('a bundle verifies, hands out each one-time key once, then falls back to last resort', async () => {
    const bob = await registeredAccount(relay);
    const alice = await registeredAccount(relay);
    const device = bob.account.devices[0];
    if (device === undefined) throw new Error('no device');
    await uploadKeys(relay, bob.tokens[0] ?? '', device, { oneTime: 2, kem: 1 });
    const seen: number[] = [];
    const kemIds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await relay.request({
        method: 'GET',
        url: `/v1/keys/${bob.account.accountId}/1`,
        token: alice.tokens[0],
      });
      expect(res.statusCode, res.body).toBe(200);
      const bundle = bundleOf((res.json() as { bundle: string }).bundle);
      verifyPreKeyBundle(crypto, bundle, bob.account.accountKey.publicKey);
      if (bundle.oneTimePreKey !== undefined) seen.push(bundle.oneTimePreKey.id);
      kemIds.push(bundle.kemPreKey.tbs.id);
    }
    expect(seen).toEqual([1, 2]);
    expect(kemIds).toEqual([1, 1000, 1000]);
  });

  it('GET /v1/keys/:accountId returns every ready device and names the missing ones', async () => {
    const bob = await registeredAccount(relay, [1, 2, 3]);
    const alice = await registeredAccount(relay);
    const [one, two] = bob.account.devices;
    if (one === undefined || two === undefined) throw new Error('no device');
    await uploadKeys(relay, bob.tokens[0] ?? '', one);
    await uploadKeys(relay, bob.tokens[1] ?? '', two);
    const res = await relay.request({
      method: 'GET',
      url: `/v1/keys/${bob.account.accountId}`,
      token: alice.tokens[0],
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      bundles: { deviceId: number; bundle: string }[];
      missingDeviceIds: number[];
    };
    expect(body.bundles.map((b) => b.deviceId)).toEqual([1, 2]);
    expect(body.missingDeviceIds).toEqual([3]);
    for (const { bundle } of body.bundles) {
      verifyPreKeyBundle(crypto, bundleOf(bundle), bob.account.accountKey.publicKey);
    }
  });

  it('a device without keys is 404 PREKEY_NOT_FOUND; an unknown device 404 NOT_FOUND', async () => {
    const bob = await registeredAccount(relay);
    const alice = await registeredAccount(relay);
    const none = await relay.request({
      method: 'GET',
      url: `/v1/keys/${bob.account.accountId}/1`,
      token: alice.tokens[0],
    });
    expectError(none, 404, 'PREKEY_NOT_FOUND');
    const unknown = await relay.request({
      method: 'GET',
      url: `/v1/keys/${bob.account.accountId}/2`,
      token: alice.tokens[0],
    });
    expectError(unknown, 404, 'NOT_FOUND');
    const noAccount = await relay.request({
      method: 'GET',
      url: `/v1/keys/${makeAccount().accountId}`,
      token: alice.tokens[0],
    });
    expectError(noAccount, 404, 'NOT_FOUND');
  });

  it('prekey fetches are rate limited per (requester, target): 429 RATE_LIMITED', async () => {
    await relay.close();
    relay = await startTestRelay({ prekeyFetchLimit: { burst: 2, perMinute: 1 } });
    const bob = await registeredAccount(relay);
    const carol = await registeredAccount(relay);
    const alice = await registeredAccount(relay);
    const fetch = (target: string) =>
      relay.request({ method: 'GET', url: `/v1/keys/${target}`, token: alice.tokens[0] });
    expect((await fetch(bob.account.accountId)).statusCode).toBe(200);
    expect((await fetch(bob.account.accountId)).statusCode).toBe(200);
    expectError(await fetch(bob.account.accountId), 429, 'RATE_LIMITED');
    // Another target has its own bucket.
    expect((await fetch(carol.account.accountId)).statusCode).toBe(200);
    relay.clock.advance(60_000);
    expect((await fetch(bob.account.accountId)).statusCode).toBe(200);
  });

  it('a signed prekey signed by another key is 400 SIGNATURE_INVALID and stores nothing', async () => {
    const { account, tokens } = await registeredAccount(relay, [1, 2]);
    const [one, two] = account.devices;
    if (one === undefined || two === undefined) throw new Error('no device');
    const before = relay.dump();
    const res = await relay.request({
      method: 'PUT',
      url: '/v1/keys',
      token: tokens[0],
      body: { signedPreKey: b64(signedPreKey(one, 1, two.signing)) },
    });
    expectError(res, 400, 'SIGNATURE_INVALID');
    expect(relay.dump()).toBe(before);
  });

  it('a KEM prekey of the wrong kind is 400 REQUEST_INVALID', async () => {
    const { account, tokens } = await registeredAccount(relay);
    const device = account.devices[0];
    if (device === undefined) throw new Error('no device');
    const res = await relay.request({
      method: 'PUT',
      url: '/v1/keys',
      token: tokens[0],
      body: { lastResortKemPreKey: b64(kemPreKey(device, 1, 'one-time')) },
    });
    expectError(res, 400, 'REQUEST_INVALID');
  });

  it('repeated key ids in one upload are 400 REQUEST_INVALID', async () => {
    const { tokens } = await registeredAccount(relay);
    const keys = oneTimePreKeys(5, 1).map(b64);
    const res = await relay.request({
      method: 'PUT',
      url: '/v1/keys',
      token: tokens[0],
      body: { oneTimePreKeys: [...keys, ...keys] },
    });
    expectError(res, 400, 'REQUEST_INVALID');
  });

  it('more than 100 keys in one batch is 400 REQUEST_INVALID', async () => {
    const { tokens } = await registeredAccount(relay);
    const res = await relay.request({
      method: 'PUT',
      url: '/v1/keys',
      token: tokens[0],
      body: { oneTimePreKeys: oneTimePreKeys(1, 101).map(b64) },
    });
    expectError(res, 400, 'REQUEST_INVALID');
  });

  it('storing more one-time keys than the limit is 409 CONFLICT and stores nothing', async () => {
    await relay.close();
    relay = await startTestRelay({ maxStoredOneTimePreKeys: 150 });
    const { tokens } = await registeredAccount(relay);
    const put = (start: number) =>
      relay.request({
        method: 'PUT',
        url: '/v1/keys',
        token: tokens[0],
        body: { oneTimePreKeys: oneTimePreKeys(start, 100).map(b64) },
      });
    expect((await put(1)).statusCode).toBe(200);
    const before = relay.dump();
    expectError(await put(101), 409, 'CONFLICT');
    expect(relay.dump()).toBe(before);
  });

  it('an empty upload is 400 REQUEST_INVALID', async () => {
    const { tokens } = await registeredAccount(relay);
    const res = await relay.request({ method: 'PUT', url: '/v1/keys', token: tokens[0], body: {} });
    expectError(res, 400, 'REQUEST_INVALID');
  });
});
