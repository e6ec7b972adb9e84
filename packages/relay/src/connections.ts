/**
 * The open WebSocket connections of this relay instance, by device, so that deleting an account
 * or removing a device from its list disconnects it, and a device that reconnects replaces its
 * older connection (one live connection per device; the old one is closed).
 *
 * With several instances, closing a device or an account is also published through the
 * notifier, so the instance that holds the socket closes it; a device's newer connection on
 * another instance closes the older one here through the same channel (mailbox-socket.ts).
 *
 * @module
 */
import type { Notifier } from './notifier.ts';

/** Close codes the relay uses (4000-4999 are for applications, RFC 6455 §7.4.2). */
export const CLOSE_CODES = {
  /** The relay is shutting down. */
  goingAway: 1001,
  /** The same device opened a newer connection. */
  replaced: 4001,
  /** The device left its account's list. */
  deviceRemoved: 4002,
  /** The account was deleted. */
  accountDeleted: 4003,
} as const;

/** Something the registry can close. */
export interface Closable {
  close(code: number, reason: string): void;
}

/** Connections by account and device. */
export class ConnectionRegistry {
  readonly #byDevice = new Map<string, Closable>();
  readonly #notifier: Notifier | undefined;

  /** @param notifier Reaches the sockets on other instances (closeDevice, closeAccount). */
  constructor(notifier?: Notifier) {
    this.#notifier = notifier;
  }

  /** Registers `connection` for the device, closing the one it replaces. */
  add(accountId: string, deviceId: number, connection: Closable): void {
    const key = `${accountId}/${deviceId}`;
    const old = this.#byDevice.get(key);
    this.#byDevice.set(key, connection);
    if (old !== undefined && old !== connection) old.close(CLOSE_CODES.replaced, 'replaced');
  }

  /** Forgets `connection` (if it is still the device's current one). */
  remove(accountId: string, deviceId: number, connection: Closable): void {
    const key = `${accountId}/${deviceId}`;
    if (this.#byDevice.get(key) === connection) this.#byDevice.delete(key);
  }

  /** Closes the connection of one device, here and on every other instance. */
  closeDevice(accountId: string, deviceId: number, code: number, reason: string): void {
    const key = `${accountId}/${deviceId}`;
    const connection = this.#byDevice.get(key);
    this.#byDevice.delete(key);
    connection?.close(code, reason);
    this.#notifier?.publish(accountId, deviceId, { type: 'close', code, reason });
  }

  /** Closes every connection of an account, here and on every other instance. */
  closeAccount(accountId: string, code: number, reason: string): void {
    const prefix = `${accountId}/`;
    for (const [key, connection] of [...this.#byDevice]) {
      if (!key.startsWith(prefix)) continue;
      this.#byDevice.delete(key);
      connection.close(code, reason);
    }
    this.#notifier?.publishToAccount(accountId, { type: 'close', code, reason });
  }

  /** Closes every connection of this instance (shutdown). */
  closeAll(code: number, reason: string): void {
    const all = [...this.#byDevice.values()];
    this.#byDevice.clear();
    for (const connection of all) connection.close(code, reason);
  }

  /** How many devices are connected. */
  get size(): number {
    return this.#byDevice.size;
  }
}
