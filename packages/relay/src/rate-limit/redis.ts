/**
 * Rate limits shared by every relay instance: the same token buckets as rate-limit.ts, kept in
 * Redis and updated by one Lua script per request (atomic: two instances cannot both take the
 * last token). A bucket is a hash `<prefix>:rl:<limit id>:<key>` with the tokens left and when
 * they were counted; it expires once it would be full again, so Redis holds only active keys.
 *
 * Time comes from the relay's clock (passed to the script), so every instance and the tests
 * agree with the in-memory limiter; a bucket never runs backwards when instances' clocks
 * differ a little (an earlier `now` refills nothing).
 *
 * When Redis is unreachable or slow (1 s command timeout), requests are limited by an in-memory
 * bucket of this instance instead: availability is kept, and the limit is per instance until
 * Redis answers again.
 *
 * @example
 * ```ts
 * const limiters = redisLimiters(notifier.commands, 'sigil', logger);
 * const send = limiters('send', 'sends', { burst: 300, perMinute: 6000 }, clock);
 * await send.take(`${accountId}/${deviceId}`);
 * ```
 * @module
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RateLimit } from '../config.ts';
import type { Clock } from '../deps.ts';
import { type Limiter, type LimiterFactory, RateLimiter, rateLimited } from '../rate-limit.ts';

/** KEYS[1] bucket; ARGV burst, perMinute, now (ms). Returns { allowed 0|1, retryAfterMs }. */
export const TAKE_TOKEN_LUA = `
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2]) / 60000
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 't', 'u')
local tokens = tonumber(state[1])
local updated = tonumber(state[2])
if tokens == nil or updated == nil then
  tokens = burst
  updated = now
end
if now > updated then
  tokens = math.min(burst, tokens + (now - updated) * rate)
  updated = now
end
local allowed = 0
local retry = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
elseif rate > 0 then
  retry = math.ceil((1 - tokens) / rate)
else
  retry = 60000
end
local ttl = 86400000
if rate > 0 then
  ttl = math.ceil((burst - tokens) / rate) + 1000
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'u', tostring(updated))
redis.call('PEXPIRE', KEYS[1], ttl)
return { allowed, retry }
`;

const TAKE_TOKEN_SHA = createHash('sha1').update(TAKE_TOKEN_LUA).digest('hex');

/** One limit whose buckets live in Redis. */
export class RedisRateLimiter implements Limiter {
  readonly #redis: Redis;
  readonly #keyPrefix: string;
  readonly #name: string;
  readonly #limit: RateLimit;
  readonly #clock: Clock;
  readonly #fallback: RateLimiter;
  readonly #logger: Logger;
  #degraded = false;

  /**
   * @param redis A connection that fails fast while disconnected (notifier/redis.ts `commands`).
   * @param keyPrefix Prefix of the bucket keys, e.g. `sigil:rl:send:`.
   */
  constructor(
    redis: Redis,
    keyPrefix: string,
    name: string,
    limit: RateLimit,
    clock: Clock,
    logger: Logger,
  ) {
    this.#redis = redis;
    this.#keyPrefix = keyPrefix;
    this.#name = name;
    this.#limit = limit;
    this.#clock = clock;
    this.#logger = logger;
    this.#fallback = new RateLimiter(name, limit, clock);
  }

  async take(key: string): Promise<void> {
    let reply: unknown;
    try {
      if (this.#redis.status !== 'ready') throw new Error('redis not ready');
      reply = await this.#eval(key);
    } catch (err) {
      if (!this.#degraded) {
        this.#degraded = true;
        this.#logger.warn({ err }, `rate limit (${this.#name}) falls back to this instance`);
      }
      this.#fallback.take(key);
      return;
    }
    if (this.#degraded) {
      this.#degraded = false;
      this.#logger.info(`rate limit (${this.#name}) shared through redis again`);
    }
    const [allowed, retryAfterMs] = Array.isArray(reply) ? reply : [];
    if (Number(allowed) !== 1) throw rateLimited(this.#name, Number(retryAfterMs) || 1000);
  }

  sweep(): void {
    this.#fallback.sweep();
  }

  async #eval(key: string): Promise<unknown> {
    const args = [
      this.#keyPrefix + key,
      String(this.#limit.burst),
      String(this.#limit.perMinute),
      String(this.#clock.now()),
    ];
    try {
      return await this.#redis.evalsha(TAKE_TOKEN_SHA, 1, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return await this.#redis.eval(TAKE_TOKEN_LUA, 1, ...args);
    }
  }
}

/** Limiters whose buckets live in Redis under `<prefix>:rl:<id>:`. */
export function redisLimiters(redis: Redis, prefix: string, logger: Logger): LimiterFactory {
  return (id, name, limit, clock) =>
    new RedisRateLimiter(redis, `${prefix}:rl:${id}:`, name, limit, clock, logger);
}
