/**
 * Per-runtime coordination of group work (internal; groups-api.md, SDK): one lock under which a
 * group state is read, changed and written (an own commit holds it from creation until the
 * relay's answer is stored, so a received message never sees a state with a commit in flight),
 * the way to catch up on the mailbox after losing an epoch (the client's `receivePending`),
 * and follow-up work started by received messages (tracked, so `close` can wait for it).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { Runtime } from '../runtime.ts';

/** What the client gives the group layer. */
export interface GroupHooks {
  /** Fetches and processes every queued envelope (the winning commit of an epoch is there). */
  readonly catchUp: () => Promise<unknown>;
}

/** The group layer's state for one runtime. */
export class GroupsContext {
  readonly hooks: GroupHooks;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #tasks = new Set<Promise<void>>();
  #stopped = false;
  readonly #wakers = new Set<() => void>();
  readonly #single = new Map<string, Promise<unknown>>();

  constructor(hooks: GroupHooks) {
    this.hooks = hooks;
  }

  /** Runs `fn` alone among the group operations of this runtime. */
  locked<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(fn, fn);
    this.#queue = next.catch(() => {});
    return next;
  }

  /** Runs `fn` unless work under the same key runs: then its promise is shared. */
  single<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const running = this.#single.get(key);
    if (running !== undefined) return running as Promise<T>;
    const started = fn().finally(() => this.#single.delete(key));
    this.#single.set(key, started);
    return started;
  }

  /** Whether the runtime is closing (background work should end). */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Starts background work; a failure becomes an `error` event (`during: 'group'`). */
  run(rt: Runtime, work: () => Promise<unknown>): void {
    if (this.#stopped) return;
    const task = work().then(
      () => {},
      (error: unknown) => {
        if (this.#stopped && SigilError.is(error, 'STORAGE_FAILURE')) return;
        rt.emitter.emit('error', {
          code: SigilError.is(error) ? error.code : 'INTERNAL',
          error,
          during: 'group',
        });
      },
    );
    this.#tasks.add(task);
    void task.finally(() => this.#tasks.delete(task));
  }

  /** Waits `ms`; resolves false at once when stopped (then the work should end). */
  sleep(ms: number): Promise<boolean> {
    if (this.#stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(wake);
        resolve(!this.#stopped);
      };
      const timer = setTimeout(wake, ms);
      (timer as { unref?: () => void }).unref?.();
      this.#wakers.add(wake);
    });
  }

  /** Stops accepting work and waits for what runs. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const wake of [...this.#wakers]) wake();
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
  }
}

const contexts = new WeakMap<Runtime, GroupsContext>();

/** Attaches the group layer to a runtime (once, when the client starts). */
export function attachGroups(rt: Runtime, hooks: GroupHooks): GroupsContext {
  const context = new GroupsContext(hooks);
  contexts.set(rt, context);
  return context;
}

/** The group layer of a runtime (one without hooks catches up on nothing). */
export function groupsOf(rt: Runtime): GroupsContext {
  let context = contexts.get(rt);
  if (context === undefined) {
    context = new GroupsContext({ catchUp: async () => {} });
    contexts.set(rt, context);
  }
  return context;
}
