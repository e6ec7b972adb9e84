/**
 * The broker notifiers between instances, each with two (or three) notifier instances in this
 * process standing for relay instances: Redis pub/sub (notifier/redis.ts) and PostgreSQL
 * LISTEN/NOTIFY (notifier/postgres.ts). A wake-up reaches the other instance once and not its
 * sender twice; device, account and connection events arrive intact; prefixes isolate
 * deployments; after the broker comes back, listeners get a `resync` and what could not be
 * published is published.
 *
 * Needs Redis, PostgreSQL and the redis-server binary (test/services.ts).
 */

import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { PostgresNotifier } from '../../src/notifier/postgres.ts';
import { RedisNotifier } from '../../src/notifier/redis.ts';
import type { DeviceEvent, Notifier } from '../../src/notifier.ts';
import {
  POSTGRES_URL,
  REDIS_URL,
  servicesAvailable,
  terminateSessions,
  uniqueName,
} from '../services.ts';
import { RedisServer } from './redis-server.ts';

const available = await servicesAvailable('postgres', 'redis', 'redis-server');
const logger = createLogger('silent');

/** Records the events of one device's listener. */
class Recorder {
  readonly events: DeviceEvent[] = [];
  readonly listener = (event: DeviceEvent): void => {
    this.events.push(event);
  };

  count(type: DeviceEvent['type']): number {
    return this.events.filter((e) => e.type === type).length;
  }

  async until(predicate: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out; events: ${JSON.stringify(this.events)}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));

interface Broker {
  readonly name: string;
  make(instanceId: string, prefix: string): Promise<Notifier>;
}

const brokers: Broker[] = [
  {
    name: 'Redis',
    async make(instanceId, prefix) {
      const notifier = new RedisNotifier({ url: REDIS_URL, prefix, instanceId, logger });
      expect(await notifier.ready()).toBe(true);
      return notifier;
    },
  },
  {
    name: 'PostgreSQL',
    async make(instanceId, prefix) {
      const notifier = new PostgresNotifier({ url: POSTGRES_URL, prefix, instanceId, logger });
      expect(await notifier.ready()).toBe(true);
      return notifier;
    },
  },
];

describe.skipIf(!available)('notifiers between instances', () => {
  const open: Notifier[] = [];
  afterEach(async () => {
    for (const notifier of open.splice(0)) await notifier.close();
  });

  describe.each(brokers)('$name', (broker) => {
    async function pair(prefix = uniqueName()): Promise<[Notifier, Notifier]> {
      const a = await broker.make('instance-a', prefix);
      const b = await broker.make('instance-b', prefix);
      open.push(a, b);
      return [a, b];
    }

    /** Subscribes and waits until the subscription is live (a wake from `a` reaches it). */
    async function live(a: Notifier, b: Notifier, account: string, device: number) {
      const recorder = new Recorder();
      b.subscribe(account, device, recorder.listener);
      await recorder.until(() => {
        a.notify(account, device);
        return recorder.count('mail') > 0;
      });
      await settle();
      recorder.events.length = 0;
      return recorder;
    }

    it('a wake-up reaches the instance holding the device, once; the sender hears it locally', async () => {
      const [a, b] = await pair();
      const onB = await live(a, b, 'acct', 1);
      const onA = new Recorder();
      a.subscribe('acct', 1, onA.listener);
      const other = new Recorder();
      b.subscribe('acct', 2, other.listener);
      // Three wakes in one turn are coalesced into one message.
      a.notify('acct', 1);
      a.notify('acct', 1);
      a.notify('acct', 1);
      expect(onA.count('mail')).toBe(3); // local delivery is immediate
      await onB.until(() => onB.count('mail') === 1);
      await settle();
      expect(onB.count('mail')).toBe(1);
      expect(onA.count('mail')).toBe(3); // no echo of its own message
      expect(other.count('mail')).toBe(0);
    });

    it('device, account and connection events arrive intact', async () => {
      const [a, b] = await pair();
      const one = await live(a, b, 'acct', 1);
      const two = new Recorder();
      b.subscribe('acct', 2, two.listener);
      const stamp = { instanceId: 'instance-a', connectionId: 7, connectedAt: 1_750_000_000_123 };
      a.publish('acct', 1, { type: 'connected', stamp });
      await one.until(() => one.count('connected') === 1);
      expect(one.events).toContainEqual({ type: 'connected', stamp });
      a.publish('acct', 1, { type: 'close', code: 4002, reason: 'removed' });
      await one.until(() => one.count('close') === 1);
      a.publishToAccount('acct', { type: 'close', code: 4003, reason: 'account deleted' });
      await two.until(() => two.count('close') === 1);
      await one.until(() => one.count('close') === 2);
      expect(two.events).toContainEqual({ type: 'close', code: 4003, reason: 'account deleted' });
    });

    it('another prefix is another deployment: nothing crosses', async () => {
      const [a, b] = await pair();
      const c = await broker.make('instance-c', uniqueName());
      open.push(c);
      const onB = await live(a, b, 'acct', 1);
      const onC = new Recorder();
      c.subscribe('acct', 1, onC.listener);
      await settle();
      onC.events.length = 0;
      a.notify('acct', 1);
      await onB.until(() => onB.count('mail') === 1);
      await settle();
      expect(onC.count('mail')).toBe(0);
    });
  });

  it('Redis killed and restarted: listeners resync, and wake-ups flow again', async () => {
    const server = await RedisServer.start();
    try {
      const prefix = uniqueName();
      const make = async (id: string) => {
        const n = new RedisNotifier({ url: server.url, prefix, instanceId: id, logger });
        open.push(n);
        expect(await n.ready()).toBe(true);
        return n;
      };
      const a = await make('a');
      const b = await make('b');
      const onB = new Recorder();
      b.subscribe('acct', 1, onB.listener);
      await onB.until(() => onB.count('resync') === 1); // the subscription took effect
      await server.kill();
      a.notify('acct', 1); // cannot be published now: kept, and published when Redis is back
      await settle(300);
      expect(onB.count('mail')).toBe(0);
      await server.restart();
      // B resubscribes and resyncs its sockets: the wake-up lost during the outage is covered
      // (the kept one also arrives if A's connection is back before B's subscription is).
      await onB.until(() => onB.count('resync') >= 2, 10_000);
      const before = onB.count('mail');
      await onB.until(() => {
        a.notify('acct', 1);
        return onB.count('mail') > before;
      }, 10_000);
    } finally {
      await server.stop();
    }
  });

  it('PostgreSQL session of the listener terminated: it reconnects and resyncs', async () => {
    const prefix = uniqueName();
    const a = new PostgresNotifier({ url: POSTGRES_URL, prefix, instanceId: uniqueName(), logger });
    const b = new PostgresNotifier({ url: POSTGRES_URL, prefix, instanceId: uniqueName(), logger });
    open.push(a, b);
    expect(await a.ready()).toBe(true);
    expect(await b.ready()).toBe(true);
    const onB = new Recorder();
    b.subscribe('acct', 1, onB.listener);
    expect(await terminateSessions(`sigil-relay-notify-${b.instanceId}`)).toBe(1);
    await onB.until(() => onB.count('resync') === 1, 10_000);
    a.notify('acct', 1);
    await onB.until(() => onB.count('mail') === 1);
  });
});
