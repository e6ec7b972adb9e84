/**
 * Wake-ups: when a message is stored for a device, the relay instance holding that device's
 * socket must push it. {@link Notifier} is the seam: {@link InProcessNotifier} serves one relay
 * process (or several apps in one process); `notifier/redis.ts` (Redis pub/sub) and
 * `notifier/postgres.ts` (PostgreSQL LISTEN/NOTIFY) serve several instances on one database.
 *
 * Mailboxes are the truth; a notification only wakes. It carries no content, only which
 * device it concerns and what happened: new mail, a newer connection of the device elsewhere
 * (the newer connection wins), or an order to close (device removed, account deleted). A lost
 * notification is repaired by a `resync`, which a notifier delivers to every listener whenever
 * its subscription is (re)established, so a listener then reads its mailbox again.
 *
 * @module
 */
import { ListenerRegistry } from './notifier/listeners.ts';

/**
 * Which connection of a device is newer: ordered by `connectedAt`, then `instanceId`, then
 * `connectionId`. Instances' clocks may differ by a little; within that margin the order is
 * still total, so exactly one of two connections wins.
 */
export interface ConnectionStamp {
  readonly instanceId: string;
  /** Increases with every connection an instance accepts. */
  readonly connectionId: number;
  /** Milliseconds since the epoch, by the accepting instance's clock. */
  readonly connectedAt: number;
}

/** What a notification tells the holder of a device's socket. */
export type DeviceEvent =
  /** New messages were stored for the device. */
  | { readonly type: 'mail' }
  /** The subscription was (re)established: notifications may have been missed. */
  | { readonly type: 'resync' }
  /** The device connected (somewhere); the older of two connections closes. */
  | { readonly type: 'connected'; readonly stamp: ConnectionStamp }
  /** Close the device's socket with this WebSocket close code (device removed, account deleted). */
  | { readonly type: 'close'; readonly code: number; readonly reason: string };

/** A listener for one device's events. */
export type MailboxListener = (event: DeviceEvent) => void;

/** Tells the holders of a device's sockets, on this and every other instance, what happened. */
export interface Notifier {
  /** Registers `listener` for the device (accountId, deviceId); returns the unsubscribe. */
  subscribe(accountId: string, deviceId: number, listener: MailboxListener): () => void;
  /** Signals that the mailbox of (accountId, deviceId) has new messages (after the commit). */
  notify(accountId: string, deviceId: number): void;
  /** Delivers `event` to the listeners of the device on every instance. */
  publish(accountId: string, deviceId: number, event: DeviceEvent): void;
  /** Delivers `event` to the listeners of every device of the account on every instance. */
  publishToAccount(accountId: string, event: DeviceEvent): void;
  /** Releases resources (connections to a broker). */
  close(): Promise<void>;
}

/** Orders two connection stamps: negative if `a` is older than `b`. */
export function compareStamps(a: ConnectionStamp, b: ConnectionStamp): number {
  if (a.connectedAt !== b.connectedAt) return a.connectedAt - b.connectedAt;
  if (a.instanceId !== b.instanceId) return a.instanceId < b.instanceId ? -1 : 1;
  return a.connectionId - b.connectionId;
}

/** A notifier for a single relay process: events go straight to the listeners. */
export class InProcessNotifier implements Notifier {
  readonly #listeners = new ListenerRegistry();

  subscribe(accountId: string, deviceId: number, listener: MailboxListener): () => void {
    return this.#listeners.add(accountId, deviceId, listener).unsubscribe;
  }

  notify(accountId: string, deviceId: number): void {
    this.#listeners.deliver(accountId, deviceId, { type: 'mail' });
  }

  publish(accountId: string, deviceId: number, event: DeviceEvent): void {
    this.#listeners.deliver(accountId, deviceId, event);
  }

  publishToAccount(accountId: string, event: DeviceEvent): void {
    this.#listeners.deliverToAccount(accountId, event);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
