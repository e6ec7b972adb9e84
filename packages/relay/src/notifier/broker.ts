/**
 * What the Redis and PostgreSQL notifiers share: local delivery first, then one broker message
 * per event to the other instances, coalesced per turn of the event loop (a burst of sends to
 * one device in one turn is one wake-up), and repair after the broker was unreachable.
 *
 * Repair (mailboxes are the truth, notifications only wake):
 * - When this instance's subscription is (re)established, every local listener gets a
 *   `resync` and reads its mailbox: whatever was published while it was away is found there.
 * - Messages that could not be published are kept (mail as a set of devices, bounded) and
 *   published when the broker answers again; past the bound, one `wake-all` message makes every
 *   instance resync all its sockets instead.
 * - A message carries the id of the instance that sent it; an instance ignores its own (its
 *   listeners already had the event locally).
 *
 * Broker message (JSON): `{ o: instanceId, k?: deviceKey, a?: accountId, e?: DeviceEvent,
 * w?: 1 }`: `k` for one device, `a` for every device of an account, `w` to wake every socket.
 *
 * @module
 */
import type { Logger } from 'pino';
import type { DeviceEvent, MailboxListener, Notifier } from '../notifier.ts';
import { deviceKey, ListenerRegistry } from './listeners.ts';

/** One message between instances. */
export interface BrokerMessage {
  /** The sending instance. */
  readonly o: string;
  /** The device (`accountId/deviceId`) the event is for. */
  readonly k?: string;
  /** The account whose every device the event is for. */
  readonly a?: string;
  readonly e?: DeviceEvent;
  /** Wake every socket of every instance (after lost notifications). */
  readonly w?: 1;
}

/** Most undelivered mail wake-ups kept while the broker is unreachable, before `wake-all`. */
export const MAX_PENDING = 10_000;

/** A notifier that reaches the other instances through a broker. */
export abstract class BrokerNotifier implements Notifier {
  /** This instance's id, carried by its messages. */
  readonly instanceId: string;
  protected readonly logger: Logger;
  protected readonly listeners: ListenerRegistry;
  /** Devices with mail to announce in the next flush (coalesced). */
  #mail = new Set<string>();
  /** Other messages for the next flush. */
  #queue: BrokerMessage[] = [];
  /** Mail that could not be published yet. */
  #pendingMail = new Set<string>();
  /** Close orders that could not be published yet. */
  #pendingOther: BrokerMessage[] = [];
  /** More was lost than kept: publish `wake-all` when the broker answers. */
  #overflow = false;
  #scheduled = false;
  #closed = false;

  protected constructor(instanceId: string, logger: Logger) {
    this.instanceId = instanceId;
    this.logger = logger;
    this.listeners = new ListenerRegistry({
      onFirst: (key) => this.deviceSubscribed(key),
      onLast: (key) => this.deviceUnsubscribed(key),
    });
  }

  /** Starts listening to the device's messages (its first local listener arrived). */
  protected abstract deviceSubscribed(key: string): void;
  /** Stops listening to the device's messages (its last local listener left). */
  protected abstract deviceUnsubscribed(key: string): void;
  /** Whether messages can be published now. */
  protected abstract canPublish(): boolean;
  /** Publishes messages to every instance; rejects if the broker did not take them. */
  protected abstract send(messages: readonly BrokerMessage[]): Promise<void>;
  /** Closes the broker connections. */
  protected abstract disconnect(): Promise<void>;

  subscribe(accountId: string, deviceId: number, listener: MailboxListener): () => void {
    return this.listeners.add(accountId, deviceId, listener).unsubscribe;
  }

  notify(accountId: string, deviceId: number): void {
    this.listeners.deliver(accountId, deviceId, { type: 'mail' });
    this.#mail.add(deviceKey(accountId, deviceId));
    this.#schedule();
  }

  publish(accountId: string, deviceId: number, event: DeviceEvent): void {
    if (event.type === 'mail') {
      this.notify(accountId, deviceId);
      return;
    }
    this.listeners.deliver(accountId, deviceId, event);
    this.#queue.push({ o: this.instanceId, k: deviceKey(accountId, deviceId), e: event });
    this.#schedule();
  }

  publishToAccount(accountId: string, event: DeviceEvent): void {
    this.listeners.deliverToAccount(accountId, event);
    this.#queue.push({ o: this.instanceId, a: accountId, e: event });
    this.#schedule();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.listeners.clear();
    await this.disconnect();
  }

  /** Handles a message from the broker (subclasses call this). */
  protected received(raw: string): void {
    const message = parseMessage(raw);
    if (message === undefined || message.o === this.instanceId) return;
    if (message.w === 1) {
      this.listeners.deliverAll({ type: 'resync' });
      return;
    }
    if (message.e === undefined) return;
    if (message.k !== undefined) this.listeners.deliverKey(message.k, message.e);
    else if (message.a !== undefined) this.listeners.deliverToAccount(message.a, message.e);
  }

  /** The subscription is (re)established: every local listener reads its mailbox again. */
  protected subscriptionRestored(): void {
    if (this.#closed) return;
    this.listeners.deliverAll({ type: 'resync' });
  }

  /** Publishing works again: sends what could not be sent. */
  protected publisherRestored(): void {
    if (this.#closed) return;
    if (this.#pendingMail.size > 0 || this.#pendingOther.length > 0 || this.#overflow) {
      this.#schedule();
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#closed) return;
    const mail = this.#mail;
    const queue = this.#queue;
    this.#mail = new Set();
    this.#queue = [];
    if (!this.canPublish()) {
      this.#keep(mail, queue);
      return;
    }
    const messages: BrokerMessage[] = [];
    if (this.#overflow) {
      // Everything lost is covered by one wake-all; the pending sets are subsumed by it.
      messages.push({ o: this.instanceId, w: 1 });
      this.#overflow = false;
      this.#pendingMail.clear();
    }
    for (const key of this.#pendingMail) mail.add(key);
    this.#pendingMail.clear();
    queue.unshift(...this.#pendingOther.splice(0));
    for (const key of mail) messages.push({ o: this.instanceId, k: key, e: { type: 'mail' } });
    messages.push(...queue);
    if (messages.length === 0) return;
    this.send(messages).catch((err: unknown) => {
      this.logger.warn({ err }, 'notifier: publish failed; will repair when the broker is back');
      const lostMail = new Set<string>();
      const lostOther: BrokerMessage[] = [];
      for (const message of messages) {
        if (message.w === 1) this.#overflow = true;
        else if (message.e?.type === 'mail' && message.k !== undefined) lostMail.add(message.k);
        else lostOther.push(message);
      }
      this.#keep(lostMail, lostOther);
    });
  }

  /** Keeps unsent messages for later (bounded). */
  #keep(mail: Set<string>, other: readonly BrokerMessage[]): void {
    if (this.#closed) return;
    for (const key of mail) this.#pendingMail.add(key);
    // `connected` announcements need no keeping: every socket re-announces on `resync`.
    for (const message of other) {
      if (message.e?.type !== 'connected') this.#pendingOther.push(message);
    }
    if (this.#pendingMail.size > MAX_PENDING || this.#pendingOther.length > MAX_PENDING) {
      this.#overflow = true;
      this.#pendingMail.clear();
      // Close orders are kept even then (bounded by the drop of the oldest).
      this.#pendingOther.splice(0, this.#pendingOther.length - MAX_PENDING);
    }
  }
}

/** Parses and checks a broker message; undefined if it is not one. */
export function parseMessage(raw: string): BrokerMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as Record<string, unknown>;
  if (typeof m.o !== 'string') return undefined;
  if (m.w === 1) return { o: m.o, w: 1 };
  const event = parseEvent(m.e);
  if (event === undefined) return undefined;
  if (typeof m.k === 'string') return { o: m.o, k: m.k, e: event };
  if (typeof m.a === 'string') return { o: m.o, a: m.a, e: event };
  return undefined;
}

function parseEvent(value: unknown): DeviceEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const e = value as Record<string, unknown>;
  switch (e.type) {
    case 'mail':
    case 'resync':
      return { type: e.type };
    case 'close':
      return typeof e.code === 'number' && typeof e.reason === 'string'
        ? { type: 'close', code: e.code, reason: e.reason }
        : undefined;
    case 'connected': {
      const s = e.stamp as Record<string, unknown> | null | undefined;
      if (
        typeof s !== 'object' ||
        s === null ||
        typeof s.instanceId !== 'string' ||
        typeof s.connectionId !== 'number' ||
        typeof s.connectedAt !== 'number'
      ) {
        return undefined;
      }
      return {
        type: 'connected',
        stamp: {
          instanceId: s.instanceId,
          connectionId: s.connectionId,
          connectedAt: s.connectedAt,
        },
      };
    }
    default:
      return undefined;
  }
}
