/**
 * @sigil/relay: the untrusted server that stores and forwards only ciphertext: accounts and
 * signed device lists, device authentication, the prekey directory and per-device mailboxes
 * with at-least-once WebSocket delivery, on embedded SQLite (node:sqlite) by default, or as
 * several instances on PostgreSQL and Redis (docs/deploy.md).
 *
 * ```ts
 * import { loadConfig, startRelay } from '@sigil/relay';
 * const relay = await startRelay(loadConfig([], { SIGIL_RELAY_PORT: '0' }));
 * console.log(relay.url);
 * ```
 * `buildApp(deps)` gives the app without listening, for in-process tests.
 * @module
 */
export { buildApp, type RelayApp, randomInstanceId } from './app.ts';
export {
  accountIdOf,
  hashToken,
  RELAY_AUTH_LABEL,
  RelayAuthContent,
  relayAuthContent,
} from './auth/relay-auth.ts';
export { fromBase64url, toBase64url } from './base64url.ts';
export {
  type ConfigEntry,
  DEFAULT_CONFIG,
  describeConfig,
  loadConfig,
  type RateLimit,
  type RelayConfig,
  redactUrl,
} from './config.ts';
export { CLOSE_CODES } from './connections.ts';
export { type Clock, type RelayDeps, systemClock } from './deps.ts';
export { type ErrorBody, httpStatus, STATUS_BY_CATEGORY, STATUS_BY_CODE } from './errors.ts';
export { createLogger, REDACT_PATHS } from './logger.ts';
export { PostgresNotifier, type PostgresNotifierOptions } from './notifier/postgres.ts';
export { RedisNotifier, type RedisNotifierOptions } from './notifier/redis.ts';
export {
  type ConnectionStamp,
  compareStamps,
  type DeviceEvent,
  InProcessNotifier,
  type MailboxListener,
  type Notifier,
} from './notifier.ts';
export { RedisRateLimiter, redisLimiters } from './rate-limit/redis.ts';
export {
  inProcessLimiters,
  type Limiter,
  type LimiterFactory,
  RateLimiter,
} from './rate-limit.ts';
export { DATABASE_FILE, listen, type RunningRelay, startRelay } from './server.ts';
export { PG_MIGRATIONS, type PgOptions, PostgresRelayStore } from './storage/postgres/index.ts';
export type * from './storage/relay-store.ts';
export { MIGRATIONS, SqliteRelayStore } from './storage/sqlite/index.ts';
