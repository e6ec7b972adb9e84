/**
 * The work an open client does on its own (internal): prekey maintenance (after logins, on a
 * timer, after first messages used one-time keys), the outbox (resend requests and resends),
 * device-list refreshes for senders not on a held list, and pruning of old envelope hashes.
 * Each kind runs one at a time; failures become `error` events; `stop` waits for what runs.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import * as account from './account.ts';
import * as contacts from './contacts.ts';
import { maintainKeyPackages } from './groups/key-packages.ts';
import { ENVELOPE_DEDUPE_RETENTION_MS } from './limits.ts';
import { processOutbox } from './outbox.ts';
import { maintainPreKeys } from './prekeys.ts';
import type { Processed } from './receive.ts';
import type { Runtime } from './runtime.ts';
import type { ClientErrorEvent } from './types.ts';

/** Background work of one open runtime. */
export class Background {
  readonly #rt: Runtime;
  readonly #running = new Set<Promise<void>>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #outbox: Promise<void> | undefined;
  #outboxAgain = false;
  #preKeys: Promise<void> | undefined;
  #keyPackages: Promise<void> | undefined;
  #stopped = false;

  constructor(rt: Runtime) {
    this.#rt = rt;
  }

  /** Starts the timer and runs the outbox once. */
  start(): void {
    const interval = this.#rt.options.preKeyCheckIntervalMs;
    if (interval > 0) {
      this.#timer = setInterval(() => {
        void this.preKeys();
        void this.keyPackages();
        this.#prune();
      }, interval);
      (this.#timer as { unref?: () => void }).unref?.();
    }
    this.kickOutbox();
  }

  /** Stops the timer and waits for everything running. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.allSettled([...this.#running]);
  }

  /** Reports a background failure as an `error` event. */
  report(error: unknown, during: ClientErrorEvent['during']): void {
    const code = SigilError.is(error) ? error.code : 'INTERNAL';
    this.#rt.emitter.emit('error', { code, error, during });
  }

  /**
   * A committed envelope: emits its events now (so a crash after the commit and before the
   * acknowledgement has shown the message and drops its redelivery), runs the test hook, and
   * returns the follow-ups to run after the acknowledgement.
   */
  processed(processed: Processed): () => void {
    processed.emit();
    this.#rt.hooks.afterCommit?.();
    return () => {
      if (processed.outbox) this.kickOutbox();
      if (processed.usedPreKeys) void this.preKeys();
      if (processed.usedKeyPackage === true) void this.keyPackages();
      if (processed.staleList !== undefined) this.#refreshList(processed.staleList);
    };
  }

  /** Prekey maintenance, one run at a time; rejects with the run's failure. */
  preKeyRun(): Promise<void> {
    this.#preKeys ??= this.#track(
      maintainPreKeys(this.#rt).finally(() => {
        this.#preKeys = undefined;
      }),
    );
    return this.#preKeys;
  }

  /** Prekey maintenance whose failure becomes an `error` event. */
  preKeys(): Promise<void> {
    return this.preKeyRun().catch((error: unknown) => this.report(error, 'prekeys'));
  }

  /**
   * MLS KeyPackage maintenance (groups/key-packages.ts), one run at a time; a failure becomes
   * an `error` event (`during: 'group'`).
   */
  keyPackages(): Promise<void> {
    this.#keyPackages ??= this.#track(
      maintainKeyPackages(this.#rt)
        .catch((error: unknown) => this.report(error, 'group'))
        .finally(() => {
          this.#keyPackages = undefined;
        }),
    );
    return this.#keyPackages;
  }

  /** Runs the outbox; a kick during a run runs it again afterwards. */
  kickOutbox(): void {
    if (this.#stopped) return;
    if (this.#outbox !== undefined) {
      this.#outboxAgain = true;
      return;
    }
    this.#outbox = this.#track(
      (async () => {
        do {
          this.#outboxAgain = false;
          await processOutbox(this.#rt).catch((error: unknown) => this.report(error, 'outbox'));
        } while (this.#outboxAgain && !this.#stopped);
      })().finally(() => {
        this.#outbox = undefined;
      }),
    );
  }

  /** Runs the outbox now and waits until it is idle. */
  async flushOutbox(): Promise<void> {
    this.kickOutbox();
    while (this.#outbox !== undefined) await this.#outbox;
  }

  #refreshList(accountId: string): void {
    const rt = this.#rt;
    const work =
      accountId === rt.state.accountId
        ? account.refreshOwnList(rt)
        : contacts.contactForAccount(rt, accountId, undefined).then(() => {});
    void this.#track(work.catch((error: unknown) => this.report(error, 'device-list')));
  }

  #prune(): void {
    const before = this.#rt.clock.now() - ENVELOPE_DEDUPE_RETENTION_MS;
    void this.#track(
      this.#rt.store
        .transaction((tx) => tx.pruneEnvelopes(before))
        .catch((error: unknown) => this.report(error, 'receive')),
    );
  }

  #track(work: Promise<void>): Promise<void> {
    this.#running.add(work);
    const forget = () => this.#running.delete(work);
    work.then(forget, forget);
    return work;
  }
}
