/**
 * Wake-ups: when a message is stored for a device, the relay instance holding that device's
 * socket must push it. {@link Notifier} is the seam: {@link InProcessNotifier} serves one relay
 * process; a Redis pub/sub implementation can serve several instances on one database later.
 * A notification carries no content, only which mailbox changed.
 *
 * @module
 */

/** A listener for one mailbox. */
export type MailboxListener = () => void;

/** Tells the holders of a mailbox's sockets that it has new messages. */
export interface Notifier {
  /** Registers `listener` for the mailbox of (accountId, deviceId); returns the unsubscribe. */
  subscribe(accountId: string, deviceId: number, listener: MailboxListener): () => void;
  /** Signals that the mailbox of (accountId, deviceId) has new messages. */
  notify(accountId: string, deviceId: number): void;
  /** Releases resources (connections to a broker). */
  close(): Promise<void>;
}

/** A notifier for a single relay process. */
export class InProcessNotifier implements Notifier {
  readonly #listeners = new Map<string, Set<MailboxListener>>();

  subscribe(accountId: string, deviceId: number, listener: MailboxListener): () => void {
    const key = `${accountId}/${deviceId}`;
    let set = this.#listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.#listeners.get(key);
      current?.delete(listener);
      if (current?.size === 0) this.#listeners.delete(key);
    };
  }

  notify(accountId: string, deviceId: number): void {
    const set = this.#listeners.get(`${accountId}/${deviceId}`);
    if (set === undefined) return;
    for (const listener of [...set]) listener();
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
