/**
 * Rate limits shared through Redis (rate-limit/redis.ts): two instances (two connections) take
 * from one bucket; refill follows the relay's clock; buckets expire once full; with Redis
 * unreachable each instance limits on its own instead of failing requests.
 *
 * Needs Redis (test/services.ts).
 */
import { SigilError } from '@sigil/errors';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { redisLimiters } from '../../src/rate-limit/redis.ts';
import type { Limiter } from '../../src/rate-limit.ts';
import { REDIS_URL, servicesAvailable, uniqueName } from '../services.ts';

const available = await servicesAvailable('redis');
const logger = createLogger('silent');

async function refused(limiter: Limiter, key: string): Promise<SigilError> {
  try {
    await limiter.take(key);
  } catch (err) {
    if (SigilError.is(err, 'RATE_LIMITED')) return err;
    throw err;
  }
  throw new Error('expected RATE_LIMITED');
}

describe.skipIf(!available)('rate limits shared through Redis', () => {
  const clients: Redis[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  async function connect(url = REDIS_URL, wait = true): Promise<Redis> {
    const client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => 1000,
    });
    client.on('error', () => {});
    clients.push(client);
    if (wait) await new Promise((resolve) => client.once('ready', resolve));
    return client;
  }

  it('two instances take from one bucket; the clock refills it', async () => {
    const prefix = uniqueName();
    let now = 1_750_000_000_000;
    const clock = { now: () => now };
    const limit = { burst: 3, perMinute: 60 };
    const a = redisLimiters(await connect(), prefix, logger)('send', 'sends', limit, clock);
    const b = redisLimiters(await connect(), prefix, logger)('send', 'sends', limit, clock);
    await a.take('dev');
    await b.take('dev');
    await a.take('dev');
    const error = await refused(b, 'dev');
    expect(error.details?.retryAfterMs).toBe(1000);
    await refused(a, 'dev');
    await a.take('other-dev'); // keys are separate
    now += 1000;
    await b.take('dev');
    await refused(a, 'dev');
    // An instance whose clock is behind refills nothing and does not corrupt the bucket.
    const behind = redisLimiters(await connect(), prefix, logger)('send', 'sends', limit, {
      now: () => now - 5000,
    });
    await refused(behind, 'dev');
    now += 3000;
    await a.take('dev');
    await b.take('dev');
    await a.take('dev');
    await refused(b, 'dev');
  });

  it('limits are separate per limit id, and a bucket expires once it would be full', async () => {
    const prefix = uniqueName();
    const redis = await connect();
    const limiters = redisLimiters(redis, prefix, logger);
    const clock = { now: () => 1_750_000_000_000 };
    const send = limiters('send', 'sends', { burst: 1, perMinute: 60 }, clock);
    const fetch = limiters('prekey-fetch', 'prekey fetches', { burst: 1, perMinute: 60 }, clock);
    await send.take('k');
    await fetch.take('k');
    await refused(send, 'k');
    const ttl = await redis.pttl(`${prefix}:rl:send:k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000); // one token at 1/s, plus a second of slack
  });

  it('with Redis unreachable, each instance limits on its own', async () => {
    const dead = await connect('redis://127.0.0.1:1', false);
    const limiter = redisLimiters(dead, uniqueName(), logger)(
      'send',
      'sends',
      { burst: 2, perMinute: 60 },
      { now: () => 0 },
    );
    await limiter.take('dev');
    await limiter.take('dev');
    await refused(limiter, 'dev');
  });
});
