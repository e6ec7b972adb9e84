/**
 * Prometheus metrics in the text exposition format (version 0.0.4), written by hand: a few
 * counters and gauges need no client library. Names carry the `sigil_relay_` prefix. No label
 * ever holds an account, device, username or content: only error codes.
 *
 * @module
 */

/** The relay's counters; gauges are read when scraped. */
export class RelayMetrics {
  /** Open WebSocket connections. */
  connections = 0;
  /** Messages accepted by sends (one per device ciphertext). */
  sends = 0;
  /** Messages handed to a device (WebSocket push or poll), counting redeliveries. */
  deliveries = 0;
  /** Messages acknowledged (and so deleted). */
  acks = 0;
  /** Rejected requests by error code. */
  readonly rejections = new Map<string, number>();

  /** Counts a rejected request. */
  reject(code: string): void {
    this.rejections.set(code, (this.rejections.get(code) ?? 0) + 1);
  }

  /** The exposition text, with the queued-message gauge read by the caller from the store. */
  render(queuedMessages: number): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: [string, number][]) => {
      lines.push(`# HELP sigil_relay_${name} ${help}`, `# TYPE sigil_relay_${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`sigil_relay_${name}${labels} ${value}`);
    };
    metric('connections', 'gauge', 'Open WebSocket connections.', [['', this.connections]]);
    metric('queued_messages', 'gauge', 'Messages stored and not yet acknowledged.', [
      ['', queuedMessages],
    ]);
    metric('sends_total', 'counter', 'Messages accepted (one per device ciphertext).', [
      ['', this.sends],
    ]);
    metric('deliveries_total', 'counter', 'Messages handed to devices, with redeliveries.', [
      ['', this.deliveries],
    ]);
    metric('acks_total', 'counter', 'Messages acknowledged and deleted.', [['', this.acks]]);
    metric(
      'rejections_total',
      'counter',
      'Rejected requests by error code.',
      [...this.rejections].sort().map(([code, n]) => [`{code="${code}"}`, n]),
    );
    return `${lines.join('\n')}\n`;
  }
}
