/**
 * The repair logic shared by the Redis and PostgreSQL notifiers (notifier/broker.ts), on a fake
 * broker that can be taken down: wake-ups coalesce per turn, an instance ignores its own
 * messages, what could not be published is published when the broker is back (mail and close
 * orders; connection announcements are not kept, sockets re-announce on resync), and past
 * MAX_PENDING lost wake-ups one `wake-all` resyncs every socket of every instance.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { type BrokerMessage, BrokerNotifier, MAX_PENDING } from '../../src/notifier/broker.ts';
import type { DeviceEvent } from '../../src/notifier.ts';

/** Instances joined by a fake broker. */
class Bus {
  up = true;
  /** Make the next send fail although the broker looks up (a timeout, a dropped reply). */
  failNext = false;
  readonly members: FakeNotifier[] = [];
  readonly published: BrokerMessage[] = [];
}

class FakeNotifier extends BrokerNotifier {
  readonly #bus: Bus;

  constructor(id: string, bus: Bus) {
    super(id, createLogger('silent'));
    this.#bus = bus;
    bus.members.push(this);
  }

  /** The broker came back (both directions). */
  restore(): void {
    this.subscriptionRestored();
    this.publisherRestored();
  }

  protected deviceSubscribed(): void {}
  protected deviceUnsubscribed(): void {}
  protected canPublish(): boolean {
    return this.#bus.up;
  }
  protected async send(messages: readonly BrokerMessage[]): Promise<void> {
    if (!this.#bus.up || this.#bus.failNext) {
      this.#bus.failNext = false;
      throw new Error('broker down');
    }
    for (const message of messages) {
      this.#bus.published.push(message);
      for (const member of this.#bus.members) member.received(JSON.stringify(message));
    }
  }
  protected async disconnect(): Promise<void> {}
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const settle = async () => {
  for (let i = 0; i < 5; i++) await turn();
};

function record(notifier: FakeNotifier, account: string, device: number): DeviceEvent[] {
  const events: DeviceEvent[] = [];
  notifier.subscribe(account, device, (event) => events.push(event));
  return events;
}

describe('broker notifier repair', () => {
  it('coalesces wake-ups per turn and ignores its own messages', async () => {
    const bus = new Bus();
    const a = new FakeNotifier('a', bus);
    const b = new FakeNotifier('b', bus);
    const onA = record(a, 'acct', 1);
    const onB = record(b, 'acct', 1);
    for (let i = 0; i < 5; i++) a.notify('acct', 1);
    await settle();
    expect(bus.published).toHaveLength(1);
    expect(onA.filter((e) => e.type === 'mail')).toHaveLength(5); // local, immediate, no echo
    expect(onB).toEqual([{ type: 'mail' }]);
  });

  it('keeps mail and close orders while the broker is down and publishes them when it is back', async () => {
    const bus = new Bus();
    const a = new FakeNotifier('a', bus);
    const b = new FakeNotifier('b', bus);
    const one = record(b, 'acct', 1);
    const two = record(b, 'acct', 2);
    bus.up = false;
    a.notify('acct', 1);
    a.notify('acct', 1);
    a.publish('acct', 2, { type: 'close', code: 4002, reason: 'removed' });
    a.publish('acct', 2, {
      type: 'connected',
      stamp: { instanceId: 'a', connectionId: 1, connectedAt: 1 },
    });
    await settle();
    expect(one).toEqual([]);
    expect(two).toEqual([]);
    bus.up = true;
    a.restore();
    b.restore();
    await settle();
    expect(one).toEqual([{ type: 'resync' }, { type: 'mail' }]);
    expect(two).toEqual([{ type: 'resync' }, { type: 'close', code: 4002, reason: 'removed' }]);
  });

  it('a failed publish is kept and sent with the next flush once the broker answers', async () => {
    const bus = new Bus();
    const a = new FakeNotifier('a', bus);
    const b = new FakeNotifier('b', bus);
    const onB = record(b, 'acct', 1);
    bus.failNext = true;
    a.notify('acct', 1);
    await settle();
    expect(onB).toEqual([]);
    a.restore();
    await settle();
    expect(onB).toEqual([{ type: 'mail' }]);
  });

  it(`past ${MAX_PENDING} lost wake-ups, one wake-all resyncs every socket everywhere`, async () => {
    const bus = new Bus();
    const a = new FakeNotifier('a', bus);
    const b = new FakeNotifier('b', bus);
    const far = record(b, 'acct', 1);
    bus.up = false;
    for (let i = 0; i <= MAX_PENDING; i++) a.notify(`acct${i}`, 1);
    await settle();
    bus.up = true;
    a.restore();
    await settle();
    expect(bus.published).toEqual([{ o: 'a', w: 1 }]);
    expect(far).toEqual([{ type: 'resync' }]);
  });
});
