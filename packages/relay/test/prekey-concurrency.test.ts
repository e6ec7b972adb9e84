/**
 * One-time prekeys: many concurrent fetches never hand out the same key twice, both through
 * the HTTP API of one relay and from several threads with their own connections to one file.
 */
import { Worker } from 'node:worker_threads';
import { decode } from '@sigil/wire';
import { PreKeyBundle } from '@sigil/wire/formats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registeredAccount, startTestRelay, type TestRelay, uploadKeys } from './harness.ts';

const KEYS = 100;

describe('one-time prekeys under concurrency', () => {
  let relay: TestRelay;
  beforeEach(async () => {
    relay = await startTestRelay({
      prekeyFetchLimit: { burst: 1000, perMinute: 1000 },
      signupLimit: { burst: 1000, perMinute: 1000 },
    });
  });
  afterEach(() => relay.close());

  it('150 concurrent HTTP fetches hand out each of 100 keys exactly once', async () => {
    const bob = await registeredAccount(relay);
    const device = bob.account.devices[0];
    if (device === undefined) throw new Error('no device');
    await uploadKeys(relay, bob.tokens[0] ?? '', device, { oneTime: KEYS, kem: KEYS });
    const requesters = await Promise.all(Array.from({ length: 5 }, () => registeredAccount(relay)));
    const responses = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        relay.request({
          method: 'GET',
          url: `/v1/keys/${bob.account.accountId}/1`,
          token: requesters[i % requesters.length]?.tokens[0],
        }),
      ),
    );
    const oneTime: number[] = [];
    const kem: number[] = [];
    for (const res of responses) {
      expect(res.statusCode, res.body).toBe(200);
      const bundle = decode(
        PreKeyBundle,
        new Uint8Array(Buffer.from((res.json() as { bundle: string }).bundle, 'base64url')),
      );
      if (bundle.oneTimePreKey !== undefined) oneTime.push(bundle.oneTimePreKey.id);
      kem.push(bundle.kemPreKey.tbs.id);
    }
    expect(oneTime).toHaveLength(KEYS);
    expect(new Set(oneTime).size).toBe(KEYS);
    const oneTimeKem = kem.filter((id) => id !== 1000);
    expect(new Set(oneTimeKem).size).toBe(KEYS);
    expect(kem.filter((id) => id === 1000)).toHaveLength(50);
  });

  it('4 threads with their own connections to one file never share a key', async () => {
    const bob = await registeredAccount(relay);
    const device = bob.account.devices[0];
    if (device === undefined) throw new Error('no device');
    await uploadKeys(relay, bob.tokens[0] ?? '', device, { oneTime: KEYS, kem: KEYS });
    const results = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<{ oneTime: string[]; kem: string[] }>((resolve, reject) => {
            const worker = new Worker(new URL('./prekey-worker.ts', import.meta.url), {
              workerData: { dbPath: relay.dbPath, accountId: bob.account.accountId, fetches: 40 },
            });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    const oneTime = results.flatMap((r) => r.oneTime);
    expect(oneTime).toHaveLength(KEYS);
    expect(new Set(oneTime).size).toBe(KEYS);
    const kem = results.flatMap((r) => r.kem);
    expect(kem).toHaveLength(160);
    // 100 distinct one-time KEM keys, then 60 times the one last-resort key.
    const counts = new Map<string, number>();
    for (const k of kem) counts.set(k, (counts.get(k) ?? 0) + 1);
    expect([...counts.values()].sort((a, b) => b - a)[0]).toBe(60);
    expect(counts.size).toBe(KEYS + 1);
  });
});
