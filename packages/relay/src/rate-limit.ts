/**
 * Token buckets keyed by string (a device, a (requester, target) pair, a client address). Each
 * key holds up to `burst` tokens, refilled continuously at `perMinute`; a request takes one.
 * State is in memory per relay instance: limits are per instance until a shared store backs them.
 * Idle full buckets are dropped so memory stays bounded by the active keys.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { RateLimit } from './config.ts';
import type { Clock } from './deps.ts';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** One limit over many keys. */
export class RateLimiter {
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
      throw new SigilError('RATE_LIMITED', `too many ${this.#name}`, {
        details: { retryAfterMs },
      });
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
