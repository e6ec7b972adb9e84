/**
 * Delivery state of sent messages, for the conversation screen: "Sent" once the relay accepted
 * the message, then "Delivered" and "Read" from the recipient's receipts (`receipt` events).
 * Receipts are not stored by the SDK, so the states are kept here, per account, in
 * localStorage (message ids only, no content), trimmed to the latest entries.
 *
 * @module
 */
import type { SigilClient } from '@sigil/client';

/** A sent message's state, in order of progress. */
export type DeliveryState = 'sent' | 'delivered' | 'read';

const RANK: Record<DeliveryState, number> = { sent: 0, delivered: 1, read: 2 };
/** Entries kept (oldest dropped first). */
const MAX_ENTRIES = 2000;

/** Receipt states of one account's sent messages, plus which received ones it reported read. */
export class DeliveryTracker {
  readonly #key: string;
  readonly #states: Map<string, DeliveryState>;
  readonly #listeners = new Set<() => void>();

  constructor(profile: string) {
    this.#key = `sigil.delivery.${profile}`;
    let entries: [string, DeliveryState][] = [];
    try {
      const parsed: unknown = JSON.parse(localStorage.getItem(this.#key) ?? '[]');
      if (Array.isArray(parsed)) entries = parsed as [string, DeliveryState][];
    } catch {
      entries = [];
    }
    this.#states = new Map(entries);
  }

  /** The state of message `id`, or `undefined` when no receipt arrived. */
  get(id: string): DeliveryState | undefined {
    return this.#states.get(id);
  }

  /** Records a state (never moves backwards). */
  set(ids: readonly string[], state: DeliveryState): void {
    let changed = false;
    for (const id of ids) {
      const previous = this.#states.get(id);
      if (previous !== undefined && RANK[previous] >= RANK[state]) continue;
      this.#states.delete(id);
      this.#states.set(id, state);
      changed = true;
    }
    if (!changed) return;
    while (this.#states.size > MAX_ENTRIES) {
      const oldest = this.#states.keys().next().value;
      if (oldest === undefined) break;
      this.#states.delete(oldest);
    }
    try {
      localStorage.setItem(this.#key, JSON.stringify([...this.#states]));
    } catch {
      // Storage full: the states stay in memory for this page.
    }
    for (const listener of this.#listeners) listener();
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Follows `client`: receipts update states, and each received one-to-one message is answered
   * with a "delivered" receipt. Returns the function that stops it.
   */
  follow(client: SigilClient): () => void {
    const offReceipt = client.on('receipt', (receipt) =>
      this.set(receipt.messageIds, receipt.type),
    );
    const offMessage = client.on('message', (message) => {
      if (message.direction !== 'in' || message.groupId !== undefined) return;
      if (this.get(`in:${message.id}`) !== undefined) return;
      this.set([`in:${message.id}`], 'delivered');
      client.sendReceipt(message.contactId, [message.id], 'delivered').catch(() => {});
    });
    return () => {
      offReceipt();
      offMessage();
    };
  }

  /** Sends "read" receipts for received messages not reported read yet. */
  markRead(client: SigilClient, contactId: string, ids: readonly string[]): void {
    const unread = ids.filter((id) => this.get(`in:${id}`) !== 'read');
    if (unread.length === 0) return;
    this.set(
      unread.map((id) => `in:${id}`),
      'read',
    );
    client.sendReceipt(contactId, unread, 'read').catch(() => {});
  }
}
