/**
 * The listeners of one relay instance, by device: what every notifier delivers events to. The
 * broker notifiers (Redis, PostgreSQL) use the first/last hooks to subscribe to a device's
 * channel only while this instance holds a socket of it.
 *
 * @module
 */
import type { DeviceEvent, MailboxListener } from '../notifier.ts';

/** The key of a device: `accountId/deviceId` (account ids are base64url, without `/`). */
export function deviceKey(accountId: string, deviceId: number): string {
  return `${accountId}/${deviceId}`;
}

/** Hooks called when a device gets its first listener or loses its last. */
export interface ListenerHooks {
  onFirst?(key: string): void;
  onLast?(key: string): void;
}

/** Listeners by device key. */
export class ListenerRegistry {
  readonly #byKey = new Map<string, Set<MailboxListener>>();
  readonly #hooks: ListenerHooks;

  constructor(hooks: ListenerHooks = {}) {
    this.#hooks = hooks;
  }

  /** Adds `listener` for the device; `unsubscribe` removes it (idempotent). */
  add(accountId: string, deviceId: number, listener: MailboxListener): { unsubscribe(): void } {
    const key = deviceKey(accountId, deviceId);
    let set = this.#byKey.get(key);
    const first = set === undefined;
    if (set === undefined) {
      set = new Set();
      this.#byKey.set(key, set);
    }
    set.add(listener);
    if (first) this.#hooks.onFirst?.(key);
    let removed = false;
    return {
      unsubscribe: () => {
        if (removed) return;
        removed = true;
        const current = this.#byKey.get(key);
        if (current === undefined || !current.delete(listener)) return;
        if (current.size === 0) {
          this.#byKey.delete(key);
          this.#hooks.onLast?.(key);
        }
      },
    };
  }

  /** Delivers `event` to the listeners of one device. */
  deliver(accountId: string, deviceId: number, event: DeviceEvent): void {
    this.deliverKey(deviceKey(accountId, deviceId), event);
  }

  /** Delivers `event` to the listeners of the device with this key. */
  deliverKey(key: string, event: DeviceEvent): void {
    const set = this.#byKey.get(key);
    if (set === undefined) return;
    for (const listener of [...set]) listener(event);
  }

  /** Delivers `event` to the listeners of every device of the account. */
  deliverToAccount(accountId: string, event: DeviceEvent): void {
    const prefix = `${accountId}/`;
    for (const key of [...this.#byKey.keys()]) {
      if (key.startsWith(prefix)) this.deliverKey(key, event);
    }
  }

  /** Delivers `event` to every listener (a `resync` after a lost connection to the broker). */
  deliverAll(event: DeviceEvent): void {
    for (const key of [...this.#byKey.keys()]) this.deliverKey(key, event);
  }

  /** Whether the device has a listener here. */
  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  /** The keys of every device with a listener. */
  keys(): string[] {
    return [...this.#byKey.keys()];
  }

  /** Forgets every listener (no hooks are called). */
  clear(): void {
    this.#byKey.clear();
  }
}
