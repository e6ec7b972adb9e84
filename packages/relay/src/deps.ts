/**
 * What `buildApp` is given instead of reaching for globals: storage, time, configuration,
 * logging, the crypto provider and the wake-up channel between relay instances.
 *
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import type { Logger } from 'pino';
import type { RelayConfig } from './config.ts';
import type { Notifier } from './notifier.ts';
import type { LimiterFactory } from './rate-limit.ts';
import type { RelayStore } from './storage/relay-store.ts';

/** A clock: milliseconds since the Unix epoch. Tests pass a controllable one. */
export interface Clock {
  now(): number;
}

/** The system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** The dependencies of {@link buildApp}. */
export interface RelayDeps {
  /** Where every row lives. The app closes it when it closes. */
  readonly store: RelayStore;
  readonly clock: Clock;
  readonly config: RelayConfig;
  /** A pino logger; see logger.ts for the redaction the relay expects. */
  readonly logger: Logger;
  /** Verifies signatures (device lists, prekeys, authentication) and hashes tokens. */
  readonly crypto: CryptoProvider;
  /** Wakes the sockets of a device when a message for it is stored, on every instance. */
  readonly notifier: Notifier;
  /** Makes the rate limiters (default: in memory, per instance; rate-limit/redis.ts: shared). */
  readonly limiters?: LimiterFactory;
  /** This instance's id among several on one database (default: random). */
  readonly instanceId?: string;
}
