/**
 * Faults under load, two relay instances (separate processes) on one PostgreSQL schema:
 *
 * - `kill -9` of instance A in the middle of a burst: its devices reconnect to B, its senders
 *   are routed to B; every send that was acknowledged (200) is shown to its recipient, once.
 * - Redis killed and restarted in the middle of a burst (a private redis-server child on a
 *   free port, never the machine's service): sends keep succeeding (mailboxes are in
 *   PostgreSQL, rate limits fall back to each instance), and delivery resumes when Redis is
 *   back: every acknowledged send is shown, once.
 *
 * User-level exactly-once: the relay delivers at least once; the test device drops duplicates
 * by payload (as a client does by message), and the test checks that each acknowledged payload
 * is shown and nothing that was not sent is.
 *
 * Needs PostgreSQL, Redis and the redis-server binary (test/services.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { dropSchema, POSTGRES_URL, REDIS_URL, servicesAvailable, uniqueName } from '../services.ts';
import { type BurstResult, burst, spreadDevices } from './burst.ts';
import { type Cluster, type Device, missing, startCluster, waitFor } from './cluster.ts';
import { RedisServer } from './redis-server.ts';

const available = await servicesAvailable('postgres', 'redis', 'redis-server');

const DEVICES = 20;
const PER_DEVICE = 30;
const DELIVERY_MS = 30_000;

/** Every acknowledged payload shown; nothing shown that was not sent; each shown once. */
async function expectDelivered(devices: readonly Device[], result: BurstResult): Promise<void> {
  await waitFor(
    () => missing(result.acknowledged).length === 0,
    DELIVERY_MS,
    () => `acknowledged but not delivered: ${missing(result.acknowledged).slice(0, 10).join(', ')}`,
  );
  let acknowledged = 0;
  for (const device of devices) {
    const sent = result.attempted.get(device) ?? new Set();
    const stray = [...device.shown].filter((text) => !sent.has(text));
    expect(stray, device.accountId).toEqual([]);
    // The user's view: each payload once, however often the relay pushed it.
    expect(new Set(device.shown).size).toBe(device.shown.size);
    acknowledged += result.acknowledged.get(device)?.length ?? 0;
  }
  expect(acknowledged).toBe(DEVICES * PER_DEVICE);
}

describe.skipIf(!available)('faults during a burst, two instances', () => {
  const cleanup: (() => Promise<void>)[] = [];
  const devices: Device[] = [];
  afterEach(async () => {
    for (const device of devices.splice(0)) device.close();
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function cluster(redis: string): Promise<Cluster> {
    const started = await startCluster({
      database: POSTGRES_URL,
      redis,
      count: 2,
      names: uniqueName,
      dropSchema,
    });
    cleanup.push(() => started.stop());
    return started;
  }

  it('kill -9 of one instance: its devices move to the other, nothing acknowledged is lost', async () => {
    const { instances } = await cluster(REDIS_URL);
    const [a, b] = instances as [Cluster['instances'][0], Cluster['instances'][0]];
    const group = await spreadDevices(instances, DEVICES);
    devices.push(...group);
    let killed = false;
    const result = await burst({
      devices: group,
      perDevice: PER_DEVICE,
      urls: [a.url, b.url],
      isUp: (url) => !(killed && url === a.url),
      faultAfter: Math.floor((DEVICES * PER_DEVICE) / 3),
      fault: async () => {
        killed = true;
        await a.kill('SIGKILL');
        // Its devices notice the dead socket and reconnect through the load balancer (to B).
        await Promise.all(group.filter((d) => d.url === a.url).map((d) => d.connect(b.url)));
      },
    });
    expect(a.process.signalCode).toBe('SIGKILL');
    expect(group.every((d) => d.url === b.url)).toBe(true);
    await expectDelivered(group, result);
    // Failures happened only around the kill (no answer from A), never a relay error.
    expect(result.failures.filter((f) => !f.endsWith(': 0'))).toEqual([]);
  });

  it('Redis killed and restarted: sends keep succeeding and delivery resumes', async () => {
    const redis = await RedisServer.start();
    cleanup.push(() => redis.stop());
    const { instances } = await cluster(redis.url);
    const group = await spreadDevices(instances, DEVICES);
    devices.push(...group);
    // A pair outside the burst: nothing but Redis can wake the receiver's instance.
    const [lonelySender, lonelyReceiver] = await spreadDevices(instances, 2);
    if (lonelySender === undefined || lonelyReceiver === undefined) throw new Error('no pair');
    devices.push(lonelySender, lonelyReceiver);
    expect(lonelySender.url).not.toBe(lonelyReceiver.url);
    let heldBack = false;
    const progress = { succeeded: 0 };
    let sentDuringOutage = 0;
    const result = await burst({
      devices: group,
      perDevice: PER_DEVICE,
      urls: instances.map((i) => i.url),
      isUp: () => true,
      progress,
      faultAfter: Math.floor((DEVICES * PER_DEVICE) / 3),
      fault: async () => {
        await redis.kill('SIGKILL');
        const before = progress.succeeded;
        const status = await lonelySender.send(lonelySender.url, lonelyReceiver, 'during outage');
        await new Promise((r) => setTimeout(r, 500));
        sentDuringOutage = progress.succeeded - before;
        heldBack = status === 200 && !lonelyReceiver.shown.has('during outage');
        await redis.restart();
      },
    });
    // Redis is only for wake-ups and limits: sends never failed, also while it was down.
    expect(result.failures).toEqual([]);
    expect(sentDuringOutage).toBeGreaterThan(0);
    // Stored, not woken while Redis was down; woken by the resync once it was back.
    expect(heldBack).toBe(true);
    await waitFor(
      () => lonelyReceiver.shown.has('during outage'),
      10_000,
      () => 'the send made during the outage was not delivered after it',
    );
    await expectDelivered(group, result);
  });
});
