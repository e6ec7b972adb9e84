/**
 * A small typed event emitter (EventTarget-like, without DOM events): `on` returns an
 * unsubscribe function, `once` resolves a promise. A listener that throws does not disturb the
 * client or the other listeners; its error is reported as an `error` event (an `error` listener
 * that throws is ignored).
 *
 * @example
 * ```ts
 * const off = client.on('message', (m) => console.log(m.body));
 * const next = await client.once('message');
 * off();
 * ```
 * @module
 */
import type { ClientEvents } from './types.ts';

/** A listener of event `K`. */
export type Listener<K extends keyof ClientEvents> = (event: ClientEvents[K]) => void;

/** The emitter behind `SigilClient.on/off/once`. */
export class Emitter {
  readonly #listeners = new Map<keyof ClientEvents, Set<(event: never) => void>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof ClientEvents>(type: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(type);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener as (event: never) => void);
    return () => this.off(type, listener);
  }

  /** Removes a listener. */
  off<K extends keyof ClientEvents>(type: K, listener: Listener<K>): void {
    this.#listeners.get(type)?.delete(listener as (event: never) => void);
  }

  /** The next event of `type` that satisfies `filter` (default: any). */
  once<K extends keyof ClientEvents>(
    type: K,
    filter: (event: ClientEvents[K]) => boolean = () => true,
  ): Promise<ClientEvents[K]> {
    return new Promise((resolve) => {
      const off = this.on(type, (event) => {
        if (!filter(event)) return;
        off();
        resolve(event);
      });
    });
  }

  /** Calls every listener of `type` with `event`. */
  emit<K extends keyof ClientEvents>(type: K, event: ClientEvents[K]): void {
    const set = this.#listeners.get(type);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<K>)(event);
      } catch (error) {
        if (type !== 'error') {
          this.emit('error', { code: 'INTERNAL', error, during: 'listener' });
        }
      }
    }
  }
}
