/**
 * Wake-ups between relay instances through Redis pub/sub (ioredis).
 *
 * Channels: `<prefix>:d:<accountId>/<deviceId>` per device, subscribed by an instance only
 * while it holds a socket of that device, so a wake-up reaches just the instance that needs
 * it; `<prefix>:control`, subscribed by every instance, for account-wide events (account
 * deleted) and `wake-all`. Messages are broker.ts's JSON. Publishing happens after the commit
 * (the route notifies once the store resolved). Mailboxes are the truth: Redis only wakes.
 *
 * Two connections: a subscriber, and a command connection for publishing (and for the shared
 * rate limits, rate-limit/redis.ts). Neither queues commands while Redis is unreachable: a
 * failed publish is kept and repaired (broker.ts); after a reconnect, the subscriber subscribes
 * again to every channel of this instance and then wakes every local socket (`resync`), so
 * nothing published during the outage is missed for longer than the outage.
 *
 * @example
 * ```ts
 * const notifier = new RedisNotifier({ url: 'redis://127.0.0.1:6379', prefix: 'sigil',
 *   instanceId, logger });
 * ```
 * @module
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { type BrokerMessage, BrokerNotifier } from './broker.ts';

/** How a {@link RedisNotifier} connects. */
export interface RedisNotifierOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://`. */
  readonly url: string;
  /** Channel and key prefix (config `channelPrefix`). */
  readonly prefix: string;
  readonly instanceId: string;
  readonly logger: Logger;
}

/** Channels subscribed per SUBSCRIBE command when resubscribing. */
const SUBSCRIBE_CHUNK = 1000;

/** Reconnect delay: 50 ms doubling to at most 1 s, forever. */
const retryStrategy = (times: number): number => Math.min(50 * 2 ** Math.min(times, 5), 1000);

/** Options shared by both connections. */
function connectionOptions(instanceId: string): RedisOptions {
  return {
    // Fail fast while disconnected: the caller repairs (notifier) or falls back (rate limits).
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
    connectTimeout: 2000,
    retryStrategy,
    connectionName: `sigil-relay-${instanceId}`,
  };
}

/** A notifier over Redis pub/sub. */
export class RedisNotifier extends BrokerNotifier {
  /** The command connection (publishing; shared rate limits use it too). */
  readonly commands: Redis;
  readonly #subscriber: Redis;
  readonly #deviceChannelPrefix: string;
  readonly #controlChannel: string;
  /** Whether the outage of each connection was already logged. */
  readonly #down = { commands: false, subscriber: false };

  constructor(options: RedisNotifierOptions) {
    super(options.instanceId, options.logger);
    this.#deviceChannelPrefix = `${options.prefix}:d:`;
    this.#controlChannel = `${options.prefix}:control`;
    const base = connectionOptions(options.instanceId);
    this.commands = new Redis(options.url, {
      ...base,
      enableAutoPipelining: true,
      // A Redis that accepts connections but does not answer must not stall requests.
      commandTimeout: 1000,
    });
    this.#subscriber = new Redis(options.url, base);
    this.#watch(this.commands, 'commands');
    this.#watch(this.#subscriber, 'subscriber');
    this.commands.on('ready', () => this.publisherRestored());
    this.#subscriber.on('ready', () => {
      this.#resubscribe().catch((err: unknown) => {
        this.logger.warn({ err }, 'redis notifier: resubscribe failed; retrying on reconnect');
      });
    });
    this.#subscriber.on('message', (_channel: string, message: string) => this.received(message));
  }

  /** Resolves when both connections are ready, or after `ms` (then they keep trying). */
  async ready(ms = 2000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (this.commands.status === 'ready' && this.#subscriber.status === 'ready') return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  protected deviceSubscribed(key: string): void {
    if (this.#subscriber.status !== 'ready') return; // the ready handler subscribes it
    this.#subscriber.subscribe(this.#deviceChannelPrefix + key).then(
      // Anything published before the subscription took effect is in the mailbox.
      () => this.listeners.deliverKey(key, { type: 'resync' }),
      () => {}, // connection lost: the ready handler resubscribes and resyncs
    );
  }

  protected deviceUnsubscribed(key: string): void {
    if (this.#subscriber.status !== 'ready') return;
    this.#subscriber.unsubscribe(this.#deviceChannelPrefix + key).catch(() => {});
  }

  protected canPublish(): boolean {
    return this.commands.status === 'ready';
  }

  protected async send(messages: readonly BrokerMessage[]): Promise<void> {
    // Auto-pipelining writes these in one go.
    await Promise.all(
      messages.map((message) =>
        this.commands.publish(
          message.k === undefined ? this.#controlChannel : this.#deviceChannelPrefix + message.k,
          JSON.stringify(message),
        ),
      ),
    );
  }

  protected async disconnect(): Promise<void> {
    await Promise.allSettled(
      [this.commands, this.#subscriber].map(async (client) => {
        if (client.status === 'ready') await client.quit();
        else client.disconnect();
      }),
    );
  }

  /** Subscribes to the control channel and every local device's channel, then resyncs. */
  async #resubscribe(): Promise<void> {
    await this.#subscriber.subscribe(this.#controlChannel);
    const keys = this.listeners.keys();
    for (let i = 0; i < keys.length; i += SUBSCRIBE_CHUNK) {
      const channels = keys.slice(i, i + SUBSCRIBE_CHUNK).map((k) => this.#deviceChannelPrefix + k);
      await this.#subscriber.subscribe(...channels);
    }
    this.subscriptionRestored();
  }

  /** Logs the first error of an outage as a warning and its recovery as info. */
  #watch(client: Redis, name: 'commands' | 'subscriber'): void {
    client.on('error', (err: Error) => {
      if (this.#down[name]) return;
      this.#down[name] = true;
      this.logger.warn({ err, connection: name }, 'redis unreachable; reconnecting');
    });
    client.on('ready', () => {
      if (!this.#down[name]) return;
      this.#down[name] = false;
      this.logger.info({ connection: name }, 'redis reachable again');
    });
  }
}
