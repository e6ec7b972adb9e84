/** Token buckets: burst, refill, per-key isolation, sweep. */
import { SigilError } from '@sigil/errors';
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/rate-limit.ts';

describe('RateLimiter', () => {
  it('allows the burst, refuses the next, refills over time, keys are separate', () => {
    let now = 0;
    const limiter = new RateLimiter('things', { burst: 3, perMinute: 60 }, { now: () => now });
    for (let i = 0; i < 3; i++) limiter.take('a');
    let error: unknown;
    try {
      limiter.take('a');
    } catch (err) {
      error = err;
    }
    expect(SigilError.is(error, 'RATE_LIMITED')).toBe(true);
    expect((error as SigilError).details?.retryAfterMs).toBe(1000);
    limiter.take('b');
    now += 1000;
    limiter.take('a');
    expect(() => limiter.take('a')).toThrow(SigilError);
  });

  it('sweep forgets only full buckets', () => {
    let now = 0;
    const limiter = new RateLimiter('things', { burst: 1, perMinute: 60 }, { now: () => now });
    limiter.take('a');
    limiter.sweep();
    expect(() => limiter.take('a')).toThrow(SigilError);
    now += 60_000;
    limiter.sweep();
    limiter.take('a');
  });
});
