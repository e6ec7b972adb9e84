/**
 * One device's WebSocket delivery: at-least-once, in order.
 *
 * On connect every queued message is pushed oldest first, then `{ type: 'queue-empty' }`; new
 * messages are pushed as the notifier reports them. The client answers each message with
 * `{ type: 'ack', id }` (or `{ type: 'ack', ids: [...] }`); only then is it deleted. Unacknowledged
 * messages stay queued and are pushed again on the next connection. Anything else the client
 * sends gets `{ type: 'error', error: { code, message } }`.
 *
 * Server frames: `{ type: 'message', message }` (routes/messages: `messageJson`),
 * `{ type: 'queue-empty' }`, `{ type: 'error', error }`.
 *
 * Several instances: the socket listens to its device's notifier events. `mail` and `resync`
 * read the mailbox again. Each connection has a stamp (notifier.ts `ConnectionStamp`) that it
 * announces when it opens and after every `resync`; a connection that hears of a newer one of
 * its device closes (4001 replaced), and one that hears of an older one announces itself again
 * so the older one learns of it even if it missed the first announcement. `close` closes.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { WebSocket } from 'ws';
import { CLOSE_CODES } from '../../connections.ts';
import type { RelayContext } from '../../context.ts';
import { errorBody, toSigilError } from '../../errors.ts';
import { type ConnectionStamp, compareStamps, type DeviceEvent } from '../../notifier.ts';
import { MAX_ACK, messageJson } from '../messages/index.ts';

/** Messages fetched from the store per page. */
const PAGE = 100;
const ID = /^[1-9][0-9]{0,17}$/;

/** Connections accepted by this process (the `connectionId` of stamps). */
let connectionCount = 0;

/** The delivery state of one open socket. */
export class MailboxSocket {
  readonly #ctx: RelayContext;
  readonly #socket: WebSocket;
  readonly #accountId: string;
  readonly #deviceId: number;
  /** The highest id pushed on this connection; the next page starts after it. */
  #lastSent = 0n;
  #pumping = false;
  #again = false;
  #closed = false;
  #drainedOnce = false;
  #unsubscribe: () => void = () => {};
  readonly #stamp: ConnectionStamp;

  constructor(ctx: RelayContext, socket: WebSocket, accountId: string, deviceId: number) {
    this.#ctx = ctx;
    this.#socket = socket;
    this.#accountId = accountId;
    this.#deviceId = deviceId;
    this.#stamp = {
      instanceId: ctx.instanceId,
      connectionId: ++connectionCount,
      connectedAt: ctx.clock.now(),
    };
  }

  /** Starts delivery: registers the connection, subscribes, announces it, pushes the queue. */
  start(): void {
    const { connections, notifier, metrics } = this.#ctx;
    metrics.connections++;
    connections.add(this.#accountId, this.#deviceId, this);
    this.#unsubscribe = notifier.subscribe(this.#accountId, this.#deviceId, (event) =>
      this.#onEvent(event),
    );
    this.#socket.on('message', (data, isBinary) => this.#onFrame(data, isBinary));
    this.#socket.on('close', () => this.#onClose());
    this.#socket.on('error', () => this.#onClose());
    this.#announce();
    this.#pump();
  }

  /** Handles a notifier event for this device. */
  #onEvent(event: DeviceEvent): void {
    if (this.#closed) return;
    switch (event.type) {
      case 'mail':
        this.#pump();
        return;
      case 'resync':
        this.#announce();
        this.#pump();
        return;
      case 'connected': {
        const order = compareStamps(event.stamp, this.#stamp);
        if (order > 0) this.close(CLOSE_CODES.replaced, 'replaced');
        else if (order < 0) this.#announce();
        return;
      }
      case 'close':
        this.close(event.code, event.reason);
        return;
    }
  }

  /** Tells the other connections of this device (anywhere) that this one exists. */
  #announce(): void {
    this.#ctx.notifier.publish(this.#accountId, this.#deviceId, {
      type: 'connected',
      stamp: this.#stamp,
    });
  }

  /** Closes the socket (the registry calls this on replace, removal, deletion, shutdown). */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#onClose();
    this.#socket.close(code, reason);
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ctx.metrics.connections--;
    this.#unsubscribe();
    this.#ctx.connections.remove(this.#accountId, this.#deviceId, this);
  }

  /** Pushes everything after `#lastSent`; a wake-up during a pump runs it again. */
  #pump(): void {
    if (this.#closed) return;
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    this.#drain()
      .catch((err: unknown) => {
        this.#ctx.logger.error({ err }, 'mailbox delivery failed');
        this.close(1011, 'internal error');
      })
      .finally(() => {
        this.#pumping = false;
        if (this.#again && !this.#closed) this.#pump();
      });
  }

  async #drain(): Promise<void> {
    do {
      this.#again = false;
      for (;;) {
        const page = await this.#ctx.store.fetchMessages(
          this.#accountId,
          this.#deviceId,
          this.#lastSent,
          PAGE,
        );
        if (this.#closed) return;
        let flushed: Promise<void> = Promise.resolve();
        for (const message of page) {
          this.#lastSent = message.id;
          const frame = JSON.stringify({ type: 'message', message: messageJson(message) });
          flushed = new Promise<void>((resolve) => this.#socket.send(frame, () => resolve()));
        }
        this.#ctx.metrics.deliveries += page.length;
        if (page.length < PAGE) break;
        // Let the socket flush a full page before reading the next one (bounded buffering).
        await flushed;
      }
    } while (this.#again && !this.#closed);
    if (!this.#drainedOnce && !this.#closed) {
      this.#drainedOnce = true;
      this.#socket.send('{"type":"queue-empty"}');
    }
  }

  #onFrame(data: unknown, isBinary: boolean): void {
    this.#handleFrame(data, isBinary).catch((err: unknown) => {
      const error = toSigilError(err);
      this.#ctx.metrics.reject(error.code);
      if (error.category === 'Storage' || error.category === 'Internal') {
        this.#ctx.logger.error({ err: error.cause ?? error }, 'socket frame failed');
      }
      if (!this.#closed) this.#socket.send(JSON.stringify({ type: 'error', ...errorBody(error) }));
    });
  }

  async #handleFrame(data: unknown, isBinary: boolean): Promise<void> {
    if (isBinary || !(data instanceof Buffer)) {
      throw new SigilError('REQUEST_INVALID', 'frames are JSON text');
    }
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString('utf8'));
    } catch {
      throw new SigilError('REQUEST_INVALID', 'frame is not valid JSON');
    }
    const ids = parseAck(frame);
    const acked = await this.#ctx.store.ackMessages(this.#accountId, this.#deviceId, ids);
    this.#ctx.metrics.acks += acked;
  }
}

/** The ids of an ack frame. @throws SigilError `REQUEST_INVALID` for any other frame. */
function parseAck(frame: unknown): bigint[] {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    throw new SigilError('REQUEST_INVALID', 'frame is not an object');
  }
  const { type, id, ids, ...rest } = frame as Record<string, unknown>;
  if (type !== 'ack' || Object.keys(rest).length > 0) {
    throw new SigilError('REQUEST_INVALID', 'unknown frame');
  }
  const list = id !== undefined && ids === undefined ? [id] : ids;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.length > MAX_ACK ||
    !list.every((x) => typeof x === 'string' && ID.test(x))
  ) {
    throw new SigilError('REQUEST_INVALID', 'ack needs id or ids: decimal message ids');
  }
  return list.map((x) => BigInt(x as string));
}
