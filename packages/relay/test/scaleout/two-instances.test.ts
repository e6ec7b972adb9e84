/**
 * Two relay instances (separate processes) on one PostgreSQL schema and one Redis: a device on
 * A messages a device on B and the reverse; 20 devices spread over both exchange a bounded
 * burst and every acknowledged send is shown to its user exactly once; a device connected to
 * both keeps only its newer connection; deleting an account at A closes its socket at B; rate
 * limits are shared; a dropped PostgreSQL connection fails requests with 503 UNAVAILABLE and
 * they succeed once it is back.
 *
 * Needs PostgreSQL and Redis (test/services.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/connections.ts';
import {
  dropSchema,
  POSTGRES_URL,
  REDIS_URL,
  servicesAvailable,
  terminateSessions,
  uniqueName,
  withAdmin,
} from '../services.ts';
import { type Cluster, Device, missing, startCluster, waitFor } from './cluster.ts';

const available = await servicesAvailable('postgres', 'redis');

/** Devices in the burst, messages each sends, and the deadline for delivery. */
const DEVICES = 20;
const PER_DEVICE = 20;
const DELIVERY_MS = 30_000;

describe.skipIf(!available)('two relay instances on PostgreSQL and Redis', () => {
  let cluster: Cluster;
  let a: string;
  let b: string;
  const devices: Device[] = [];

  beforeAll(async () => {
    cluster = await startCluster({
      database: POSTGRES_URL,
      redis: REDIS_URL,
      count: 2,
      names: uniqueName,
      dropSchema,
      args: ['--prekey-fetch-limit', '3/1'],
    });
    a = cluster.instances[0]?.url ?? '';
    b = cluster.instances[1]?.url ?? '';
  }, 60_000);
  afterAll(async () => {
    for (const device of devices) device.close();
    await cluster?.stop();
  });

  async function device(registerAt: string, connectTo?: string): Promise<Device> {
    const d = await Device.register(registerAt);
    devices.push(d);
    if (connectTo !== undefined) await d.connect(connectTo);
    return d;
  }

  it('a device on A messages a device on B, and the reverse', async () => {
    const alice = await device(a, a);
    const bob = await device(b, b);
    expect(await alice.send(a, bob, 'hello bob')).toBe(200);
    await waitFor(
      () => bob.shown.has('hello bob'),
      5000,
      () => 'bob did not get it',
    );
    expect(await bob.send(b, alice, 'hello alice')).toBe(200);
    await waitFor(
      () => alice.shown.has('hello alice'),
      5000,
      () => 'alice did not get it',
    );
    // A send through the "wrong" instance (B for a device on A) is delivered the same way.
    expect(await bob.send(a, alice, 'via A')).toBe(200);
    expect(await alice.send(b, bob, 'via B')).toBe(200);
    await waitFor(
      () => alice.shown.has('via A') && bob.shown.has('via B'),
      5000,
      () => 'cross sends not delivered',
    );
  });

  it(`${DEVICES} devices over both instances exchange ${DEVICES * PER_DEVICE} messages: each acknowledged send shown exactly once`, async () => {
    const group = await Promise.all(
      Array.from({ length: DEVICES }, (_, i) => device(i % 2 === 0 ? a : b, i % 2 === 0 ? a : b)),
    );
    const acknowledged = new Map<Device, string[]>(group.map((d) => [d, []]));
    const failures: string[] = [];
    await Promise.all(
      group.map(async (sender, i) => {
        for (let n = 0; n < PER_DEVICE; n++) {
          const to = group[(i + 1 + ((n * 7) % (DEVICES - 1))) % DEVICES] as Device;
          const text = `burst ${i}->${n}`;
          const status = await sender.send(sender.url, to, text);
          if (status === 200) acknowledged.get(to)?.push(text);
          else failures.push(`${text}: ${status}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    await waitFor(
      () => missing(acknowledged).length === 0,
      DELIVERY_MS,
      () => `undelivered: ${missing(acknowledged).slice(0, 10).join(', ')}`,
    );
    for (const d of group) {
      const expected = [...(acknowledged.get(d) ?? [])].sort();
      // Without faults the relay delivers each message once; the user sees each send once.
      expect([...d.shown].sort(), d.accountId).toEqual(expected);
      expect(d.frames.map((f) => f.text).sort()).toEqual(expected);
      expect(d.afterAck).toEqual([]);
    }
    const total = [...acknowledged.values()].reduce((n, list) => n + list.length, 0);
    expect(total).toBe(DEVICES * PER_DEVICE);
  });

  it('a device connected to both instances keeps only its newer connection', async () => {
    const bob = await device(a, a);
    const alice = await device(b, b);
    // The same device (same token) connects again, at the other instance.
    const again = bob.twin();
    devices.push(again);
    await again.connect(b);
    await waitFor(
      () => bob.closeCode !== undefined,
      5000,
      () => 'the older socket stayed open',
    );
    expect(bob.closeCode).toBe(CLOSE_CODES.replaced);
    expect(again.closeCode).toBeUndefined();
    expect(await alice.send(b, bob, 'to the newer connection')).toBe(200);
    await waitFor(
      () => again.shown.has('to the newer connection'),
      5000,
      () => 'not delivered on the newer connection',
    );
    expect(bob.shown.has('to the newer connection')).toBe(false);
  });

  it('deleting an account at A closes its socket at B', async () => {
    const carol = await device(a, b);
    const res = await fetch(`${a}/v1/accounts/${carol.accountId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${carol.token}` },
    });
    expect(res.status).toBe(204);
    await waitFor(
      () => carol.closeCode !== undefined,
      5000,
      () => 'socket at B stayed open',
    );
    expect(carol.closeCode).toBe(CLOSE_CODES.accountDeleted);
  });

  it('rate limits are shared: the fourth prefetch of 3/min fails at either instance', async () => {
    const requester = await device(a);
    const target = await device(b);
    const fetchKeys = (url: string) =>
      fetch(`${url}/v1/keys/${target.accountId}`, {
        headers: { authorization: `Bearer ${requester.token}` },
      });
    expect((await fetchKeys(a)).status).toBe(200);
    expect((await fetchKeys(b)).status).toBe(200);
    expect((await fetchKeys(a)).status).toBe(200);
    const limited = await fetchKeys(b);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    expect((await fetchKeys(a)).status).toBe(429);
  });

  it('a dropped PostgreSQL connection fails requests with 503 UNAVAILABLE; they succeed after', async () => {
    const alice = await device(a);
    const bob = await device(b, b);
    const instanceA = cluster.instances[0];
    if (instanceA === undefined) throw new Error('no instance');
    const applicationName = `sigil-relay-${instanceA.id}`;
    const failed = await withAdmin(async (admin) => {
      // Hold the mailbox table so A's send is inside the server when its sessions are cut.
      await admin.query('BEGIN');
      await admin.query(`LOCK TABLE "${cluster.schema}".messages IN ACCESS EXCLUSIVE MODE`);
      const pending = fetch(`${a}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
        body: JSON.stringify({
          recipientAccountId: bob.accountId,
          messages: [{ deviceId: 1, ciphertext: Buffer.from('lost').toString('base64url') }],
        }),
      });
      // Wait until the send's transaction (it holds row locks, so it has an xid; A's socket
      // reads have none) waits for this session's lock. (pg_stat_activity.query can still show
      // the previous statement while a prepared one waits for its locks, and the view is a
      // snapshot per transaction: cleared before each look.)
      for (let i = 0; ; i++) {
        await admin.query('SELECT pg_stat_clear_snapshot()');
        const waiting = await admin.query(
          'SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND backend_xid IS NOT NULL AND pg_backend_pid() = ANY(pg_blocking_pids(pid))',
          [applicationName],
        );
        if ((waiting.rowCount ?? 0) > 0) break;
        if (i > 500) throw new Error('the send never reached the locked table');
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await terminateSessions(applicationName)).toBeGreaterThan(0);
      const res = await pending;
      await admin.query('ROLLBACK');
      return res;
    });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('1');
    expect(((await failed.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    // The pool reconnects (a pooled connection found dead is replaced); a client that still
    // meets a 503 retries after Retry-After, as a real one does.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5 && statuses.at(-1) !== 200; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 1000));
      statuses.push(await alice.send(a, bob, 'after the drop'));
    }
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.slice(0, -1).every((s) => s === 503)).toBe(true);
    await waitFor(
      () => bob.shown.has('after the drop'),
      5000,
      () => 'not delivered',
    );
    expect(bob.shown.has('lost')).toBe(false);
    const ready = await fetch(`${a}/readyz`);
    expect(ready.status).toBe(200);
  });
});
