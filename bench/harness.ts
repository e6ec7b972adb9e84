/**
 * A small benchmark harness: runs an operation in timed rounds after a warm-up and reports the
 * median rate, so a noisy shared machine skews one round rather than the figure.
 */

export interface Measurement {
  /** Median operations per second over the rounds. */
  readonly opsPerSecond: number;
  /** Every round's rate, in the order measured. */
  readonly rounds: readonly number[];
}

export interface MeasureOptions {
  /** Rounds to take the median of (default 5). */
  readonly rounds?: number;
  /** Target wall time per round in milliseconds (default 250). */
  readonly roundMs?: number;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) throw new Error('median of an empty list');
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Measures `op` (one call = one operation). */
export function measure(op: () => unknown, options: MeasureOptions = {}): Measurement {
  const rounds = options.rounds ?? 5;
  const roundMs = options.roundMs ?? 250;
  // Warm-up: let the JIT settle and size a batch that takes about a millisecond.
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) op();
    const elapsed = performance.now() - start;
    if (elapsed > 1 || batch > 1 << 20) break;
    batch *= 2;
  }
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let count = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < roundMs) {
      for (let i = 0; i < batch; i++) op();
      count += batch;
      elapsed = performance.now() - start;
    }
    rates.push((count / elapsed) * 1000);
  }
  return { opsPerSecond: median(rates), rounds: rates };
}

/**
 * Sizes a batch of awaited calls of `op` that takes about a millisecond, running it meanwhile
 * (the warm-up of {@link measureAsync}).
 */
export async function sizeBatchAsync(op: () => Promise<unknown>): Promise<number> {
  let batch = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) await op();
    const elapsed = performance.now() - start;
    if (elapsed > 1 || batch > 1 << 20) return batch;
    batch *= 2;
  }
}

/**
 * One timed round of {@link measureAsync}: batches of `batch` awaited calls until `roundMs`
 * have passed. Returns operations per second.
 */
export async function timeRoundAsync(
  op: () => Promise<unknown>,
  batch: number,
  roundMs: number,
): Promise<number> {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < roundMs) {
    for (let i = 0; i < batch; i++) await op();
    count += batch;
    elapsed = performance.now() - start;
  }
  return (count / elapsed) * 1000;
}

/**
 * Measures an asynchronous `op` (one resolved call = one operation): each batch awaits its calls
 * one after another, never concurrently, so the rate is that of a single caller (libsignal's Node
 * API is async because its stores are). Warm-up, batch sizing and rounds as in {@link measure};
 * to interleave several subjects round by round, use {@link sizeBatchAsync} and
 * {@link timeRoundAsync} directly.
 */
export async function measureAsync(
  op: () => Promise<unknown>,
  options: MeasureOptions = {},
): Promise<Measurement> {
  const rounds = options.rounds ?? 5;
  const roundMs = options.roundMs ?? 250;
  const batch = await sizeBatchAsync(op);
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) rates.push(await timeRoundAsync(op, batch, roundMs));
  return { opsPerSecond: median(rates), rounds: rates };
}

/** Formats a rate with thousands separators and no decimals (or two below 100). */
export function formatRate(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2);
}
