/** A small WebSocket client for the delivery tests: collects message frames, acks on request. */
import WebSocket from 'ws';

/** A message frame as the relay pushes it. */
export interface PushedMessage {
  id: string;
  sender: { accountId: string; deviceId: number };
  ciphertext: string;
  receivedAt: number;
  /** Set for group traffic (base64url group id). */
  groupId?: string;
}

/** A connected device. */
export class TestSocket {
  readonly socket: WebSocket;
  readonly messages: PushedMessage[] = [];
  readonly errors: unknown[] = [];
  queueEmpty = false;
  closeCode: number | undefined;
  readonly #waiters: (() => void)[] = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as {
        type: string;
        message?: PushedMessage;
        error?: unknown;
      };
      if (frame.type === 'message' && frame.message !== undefined)
        this.messages.push(frame.message);
      else if (frame.type === 'queue-empty') this.queueEmpty = true;
      else if (frame.type === 'error') this.errors.push(frame.error);
      this.#wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.#wake();
    });
  }

  /** Opens a socket to `url` (http://...) with `token`; rejects if the upgrade is refused. */
  static connect(
    url: string,
    token: string,
    via: 'header' | 'query' = 'header',
  ): Promise<TestSocket> {
    const wsUrl = `${url.replace(/^http/, 'ws')}/v1/ws${via === 'query' ? `?token=${token}` : ''}`;
    const socket = new WebSocket(
      wsUrl,
      via === 'header' ? { headers: { authorization: `Bearer ${token}` } } : {},
    );
    return new Promise((resolve, reject) => {
      const client = new TestSocket(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
      socket.once('error', reject);
    });
  }

  /** Sends an ack for the given message ids. */
  ack(ids: readonly string[]): void {
    this.socket.send(JSON.stringify({ type: 'ack', ids }));
  }

  /** Sends a raw text frame. */
  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** Resolves when `predicate` holds (checked on every frame), or rejects after `ms`. */
  async until(predicate: () => boolean, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for the socket');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes the socket and waits for the close to finish. */
  async close(): Promise<void> {
    if (this.closeCode !== undefined) return;
    this.socket.close();
    await this.until(() => this.closeCode !== undefined);
  }

  #wake(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
}
