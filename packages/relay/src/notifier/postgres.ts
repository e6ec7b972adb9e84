/**
 * Wake-ups between relay instances through PostgreSQL LISTEN/NOTIFY, for deployments on
 * PostgreSQL without Redis.
 *
 * One channel, `<prefix>_relay`, that every instance listens on; each notification is one
 * broker.ts JSON message and an instance delivers only to devices it holds sockets of. So every
 * instance reads every wake-up (N instances: N times the traffic): fine for a few instances;
 * Redis (notifier/redis.ts) routes per device and is the choice beyond that. Wake-ups of one
 * turn of the event loop go out in one statement (`pg_notify` over an array).
 *
 * One dedicated connection (not from the store's pool: a listening session must stay open).
 * When it is lost it is re-opened with a backoff; after `LISTEN` succeeds again every local
 * socket is woken (`resync`) and what could not be published is published (broker.ts).
 *
 * @example
 * ```ts
 * const notifier = new PostgresNotifier({ url, prefix: 'sigil', instanceId, logger });
 * ```
 * @module
 */
import pg from 'pg';
import type { Logger } from 'pino';
import { type BrokerMessage, BrokerNotifier } from './broker.ts';

/** How a {@link PostgresNotifier} connects. */
export interface PostgresNotifierOptions {
  /** `postgres://user@host:5432/db`. */
  readonly url: string;
  /** Channel prefix (config `channelPrefix`, `[a-z0-9_]`). */
  readonly prefix: string;
  readonly instanceId: string;
  readonly logger: Logger;
}

const PREFIX = /^[a-z_][a-z0-9_]{0,31}$/;

/** A notifier over PostgreSQL LISTEN/NOTIFY. */
export class PostgresNotifier extends BrokerNotifier {
  readonly #url: string;
  readonly #channel: string;
  #client: pg.Client | undefined;
  #ready = false;
  #closed = false;
  #generation = 0;
  #attempts = 0;
  #timer: NodeJS.Timeout | undefined;
  #down = false;
  /** The last notification query, so the next one waits for it. */
  #sending: Promise<void> = Promise.resolve();

  /** @throws Error if `prefix` is not `[a-z0-9_]` (config.ts checks it first). */
  constructor(options: PostgresNotifierOptions) {
    super(options.instanceId, options.logger);
    if (!PREFIX.test(options.prefix)) throw new Error('invalid channel prefix');
    this.#url = options.url;
    this.#channel = `${options.prefix}_relay`;
    this.#connect();
  }

  /** Resolves when the listening connection is up, or after `ms` (then it keeps trying). */
  async ready(ms = 2000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.#ready && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.#ready;
  }

  protected deviceSubscribed(): void {
    // One channel for everything: nothing to subscribe per device.
  }

  protected deviceUnsubscribed(): void {}

  protected canPublish(): boolean {
    return this.#ready;
  }

  protected send(messages: readonly BrokerMessage[]): Promise<void> {
    const client = this.#client;
    if (client === undefined || !this.#ready) return Promise.reject(new Error('not connected'));
    // One query at a time on the connection (the driver does not queue behind a running one).
    const sent = this.#sending.then(() =>
      client.query({
        name: 'sigil_notify',
        text: 'SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p',
        values: [this.#channel, messages.map((m) => JSON.stringify(m))],
      }),
    );
    this.#sending = sent.then(
      () => {},
      () => {},
    );
    return sent.then(() => {});
  }

  protected async disconnect(): Promise<void> {
    this.#closed = true;
    this.#ready = false;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  /** Opens the listening connection; on any failure, retries with a backoff. */
  #connect(): void {
    if (this.#closed) return;
    const generation = ++this.#generation;
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: `sigil-relay-notify-${this.instanceId}`,
      connectionTimeoutMillis: 2000,
      keepAlive: true,
    });
    this.#client = client;
    this.#ready = false;
    this.#sending = Promise.resolve();
    let failed = false;
    const fail = (err?: unknown): void => {
      if (failed) return;
      failed = true;
      client.end().catch(() => {});
      if (generation !== this.#generation || this.#closed) return;
      this.#ready = false;
      if (!this.#down) {
        this.#down = true;
        this.logger.warn({ err }, 'postgres notifier: connection lost; reconnecting');
      }
      const delay = Math.min(50 * 2 ** Math.min(this.#attempts++, 5), 1000);
      this.#timer = setTimeout(() => this.#connect(), delay);
    };
    client.on('error', fail);
    client.on('end', () => fail());
    client.on('notification', (notification) => {
      if (notification.channel === this.#channel && notification.payload !== undefined) {
        this.received(notification.payload);
      }
    });
    client
      .connect()
      .then(() => client.query(`LISTEN "${this.#channel}"`))
      .then(() => {
        if (failed || generation !== this.#generation || this.#closed) return;
        this.#ready = true;
        this.#attempts = 0;
        if (this.#down) {
          this.#down = false;
          this.logger.info('postgres notifier: connection restored');
        }
        this.subscriptionRestored();
        this.publisherRestored();
      }, fail);
  }
}
