/**
 * Token buckets keyed by string (a device, a (requester, target) pair, a client address). Each
 * key holds up to `burst` tokens, refilled continuously at `perMinute`; a request takes one.
 *
 * {@link Limiter} is what routes use; {@link RateLimiter} keeps the buckets in memory, per relay
 * instance (the default); rate-limit/redis.ts keeps them in Redis, shared by every instance.
 * Idle full buckets are dropped so memory stays bounded by the active keys.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { RateLimit } from './config.ts';
import type { Clock } from './deps.ts';

/** One limit over many keys, as routes use it. */
export interface Limiter {
  /**
   * Takes one token for `key`.
   * @throws SigilError `RATE_LIMITED` (details: `retryAfterMs`) if the bucket is empty.
   */
  take(key: string): void | Promise<void>;
  /** Drops state that no longer matters (called by the purge timer). */
  sweep(): void;
}

/**
 * Makes the limiter of one limit. `id` names it in shared storage (`prekey-fetch`), `name` in
 * error messages ("prekey fetches").
 */
export type LimiterFactory = (id: string, name: string, limit: RateLimit, clock: Clock) => Limiter;

/** In-memory limiters, per instance (the default). */
export const inProcessLimiters: LimiterFactory = (_id, name, limit, clock) =>
  new RateLimiter(name, limit, clock);

/** The `RATE_LIMITED` error of a limit. */
export function rateLimited(name: string, retryAfterMs: number): SigilError {
  return new SigilError('RATE_LIMITED', `too many ${name}`, { details: { retryAfterMs } });
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** One limit over many keys, in memory. */
export class RateLimiter implements Limiter {
  readonly #limit: RateLimit;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();
  readonly #name: string;

  /** @param name What is limited, for the error message ("prekey fetches"). */
  constructor(name: string, limit: RateLimit, clock: Clock) {
    this.#name = name;
    this.#limit = limit;
    this.#clock = clock;
  }

  /**
   * Takes one token for `key`.
   * @throws SigilError `RATE_LIMITED` (details: `retryAfterMs`) if the bucket is empty.
   */
  take(key: string): void {
    const now = this.#clock.now();
    const ratePerMs = this.#limit.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.#limit.burst, updatedAt: now };
    bucket.tokens = Math.min(
      this.#limit.burst,
      bucket.tokens + Math.max(0, now - bucket.updatedAt) * ratePerMs,
    );
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      this.#buckets.set(key, bucket);
      const retryAfterMs = ratePerMs > 0 ? Math.ceil((1 - bucket.tokens) / ratePerMs) : 60_000;
      throw rateLimited(this.#name, retryAfterMs);
    }
    bucket.tokens -= 1;
    this.#buckets.set(key, bucket);
  }

  /** Drops buckets that have refilled completely (they behave exactly like absent ones). */
  sweep(): void {
    const now = this.#clock.now();
    const ratePerMs = this.#limit.perMinute / 60_000;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * ratePerMs >= this.#limit.burst) {
        this.#buckets.delete(key);
      }
    }
  }
}
