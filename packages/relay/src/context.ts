/**
 * What every route is given: the injected dependencies plus the relay's own shared state
 * (metrics, rate limiters, open connections), built once by `buildApp`.
 *
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import type { Logger } from 'pino';
import type { RelayConfig } from './config.ts';
import type { ConnectionRegistry } from './connections.ts';
import type { Clock } from './deps.ts';
import type { RelayMetrics } from './metrics.ts';
import type { Notifier } from './notifier.ts';
import type { Limiter } from './rate-limit.ts';
import type { RelayStore } from './storage/relay-store.ts';

/** The rate limiters of the relay. */
export interface RelayLimiters {
  /** Per (requesting device, target account). */
  readonly prekeyFetch: Limiter;
  /** MLS KeyPackage claims per (requesting device, target account), at the prekey fetch limit. */
  readonly keyPackageClaim: Limiter;
  /** Per sending device. */
  readonly send: Limiter;
  /** Per client address. */
  readonly signup: Limiter;
  /** Per (account, device). */
  readonly challenge: Limiter;
}

/** The shared state of one relay app. */
export interface RelayContext {
  readonly store: RelayStore;
  readonly clock: Clock;
  readonly config: RelayConfig;
  readonly crypto: CryptoProvider;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly metrics: RelayMetrics;
  readonly limiters: RelayLimiters;
  readonly connections: ConnectionRegistry;
  /** This instance's id (in connection stamps and broker messages). */
  readonly instanceId: string;
  /** The origin signed into authentications: the configured one, else the listening address. */
  origin(): string;
}
