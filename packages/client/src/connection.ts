/**
 * The WebSocket to the relay's mailbox (`GET /v1/ws`), kept open with automatic reconnection.
 *
 * - Before every attempt the device logs in again (`prepare`), so an expired token never blocks
 *   a reconnect. Failed attempts back off exponentially from `baseMs` to `maxMs` with full
 *   jitter (the delay is uniform below the cap), so many clients do not reconnect in step.
 * - Frames are handled strictly in order, one at a time: a `message` is processed (`onEnvelope`
 *   resolves once it is committed to the store and its events ran), then acknowledged. A
 *   processing failure (the store failed, or a test hook simulated a crash) drops the socket
 *   without acknowledging: the relay delivers the message again on the next connection.
 * - `queue-empty` means the queued messages were pushed; once they are processed the state
 *   becomes `synced` and the backoff resets.
 * - The relay's close codes 4001 (a newer connection of this device replaced this one),
 *   4002 (this device was removed from its account) and 4003 (the account was deleted) stop
 *   reconnecting, as does a login the relay refuses (`UNAUTHENTICATED`, `NOT_FOUND`).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { Transport, WebSocketLike } from './deps.ts';
import type { RelayEnvelope } from './relay-api.ts';
import type { ClientErrorEvent, ConnectionEvent } from './types.ts';

/** What the connection asks of the client. */
export interface ConnectionHandlers {
  /** Logs in and returns the socket URL (with a fresh token). */
  prepare(): Promise<string>;
  /**
   * Processes an envelope (committed, events emitted); resolves with what to run after it is
   * acknowledged.
   */
  onEnvelope(envelope: RelayEnvelope): Promise<() => void>;
  onState(event: ConnectionEvent): void;
  onError(event: ClientErrorEvent): void;
}

/** Reconnect timing. */
export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Uniform random in [0, 1). */
  readonly random: () => number;
}

const TERMINAL_CLOSE: Readonly<Record<number, string>> = {
  4001: 'replaced',
  4002: 'device-removed',
  4003: 'account-deleted',
};

/** A self-reconnecting mailbox socket (see the module comment). */
export class Connection {
  readonly #transport: Transport;
  readonly #handlers: ConnectionHandlers;
  readonly #backoff: Backoff;
  #socket: WebSocketLike | undefined;
  #running = false;
  #generation = 0;
  #failed = -1;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(transport: Transport, handlers: ConnectionHandlers, backoff: Backoff) {
    this.#transport = transport;
    this.#handlers = handlers;
    this.#backoff = backoff;
  }

  /** Whether the connection is started (connected or trying to be). */
  get running(): boolean {
    return this.#running;
  }

  /** Starts connecting (no-op if started). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#attempt = 0;
    void this.#connect();
  }

  /** Stops: closes the socket, cancels a pending reconnect, and waits for the frame in hand. */
  async stop(reason = 'closed'): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#generation++;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    try {
      socket?.close(1000, 'client closing');
    } catch {
      // already closed
    }
    await this.#chain;
    this.#handlers.onState({ state: 'closed', reason });
  }

  async #connect(): Promise<void> {
    const generation = ++this.#generation;
    this.#handlers.onState({ state: 'connecting' });
    let url: string;
    try {
      url = await this.#handlers.prepare();
    } catch (err) {
      if (generation !== this.#generation) return;
      if (SigilError.is(err, 'UNAUTHENTICATED') || SigilError.is(err, 'NOT_FOUND')) {
        this.#handlers.onError({ code: err.code, error: err, during: 'connection' });
        void this.stop('login-refused');
        return;
      }
      this.#retry(SigilError.is(err) ? err.code : 'error');
      return;
    }
    if (generation !== this.#generation) return;
    let socket: WebSocketLike;
    try {
      socket = new this.#transport.WebSocket(url);
    } catch (err) {
      this.#handlers.onError({ code: 'RELAY_UNREACHABLE', error: err, during: 'connection' });
      this.#retry('error');
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (generation === this.#generation) this.#handlers.onState({ state: 'open' });
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (generation !== this.#generation) return;
      this.#socket = undefined;
      this.#generation++;
      const terminal = TERMINAL_CLOSE[event.code];
      if (terminal !== undefined) void this.stop(terminal);
      else this.#retry(`closed ${event.code}`);
    };
    socket.onmessage = (event) => {
      const data = event.data;
      this.#chain = this.#chain.then(() => this.#frame(generation, socket, data));
    };
  }

  #retry(reason: string): void {
    if (!this.#running) return;
    const cap = Math.min(
      this.#backoff.maxMs,
      this.#backoff.baseMs * 2 ** Math.min(this.#attempt, 30),
    );
    const delay = Math.floor(this.#backoff.random() * cap);
    this.#attempt++;
    this.#handlers.onState({ state: 'offline', retryInMs: delay, reason });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#running) void this.#connect();
    }, delay);
  }

  async #frame(generation: number, socket: WebSocketLike, data: unknown): Promise<void> {
    if (generation !== this.#generation || generation === this.#failed) return;
    let frame: { type?: unknown; message?: unknown; error?: unknown };
    try {
      frame = JSON.parse(String(data)) as typeof frame;
    } catch (error) {
      this.#handlers.onError({ code: 'RELAY_RESPONSE_INVALID', error, during: 'connection' });
      return;
    }
    if (frame.type === 'message') {
      const envelope = frame.message as RelayEnvelope;
      let after: () => void;
      try {
        after = await this.#handlers.onEnvelope(envelope);
      } catch (error) {
        // Not acknowledged: drop this socket; the relay redelivers on the next one.
        this.#failed = generation;
        this.#handlers.onError({
          code: SigilError.is(error) ? error.code : 'INTERNAL',
          error,
          during: 'receive',
        });
        if (generation === this.#generation) socket.close(4000, 'client failed to store');
        return;
      }
      if (generation === this.#generation && socket.readyState === 1) {
        socket.send(JSON.stringify({ type: 'ack', id: envelope.id }));
      }
      after();
    } else if (frame.type === 'queue-empty') {
      this.#attempt = 0;
      this.#handlers.onState({ state: 'synced' });
    } else if (frame.type === 'error') {
      const error = new SigilError('RELAY_RESPONSE_INVALID', 'the relay refused a frame');
      this.#handlers.onError({
        code: error.code,
        error: frame.error ?? error,
        during: 'connection',
      });
    }
  }
}
