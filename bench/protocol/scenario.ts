/**
 * The scenarios of the one-to-one protocol benchmark (issue 3), implemented once per library
 * (sigil.ts, libsignal.ts) and driven by run.ts through compare.ts. Every operation is awaited, one after another:
 * libsignal's Node API is async (its stores are), so Sigil is driven the same way, through async
 * in-memory stores, as an application would.
 *
 * - setup: the initiator processes the responder's prekey bundle (decode + verify), encrypts
 *   the first message, and the responder decrypts it (prekey lookups and one-time prekey
 *   removal included). Each setup starts from empty session records and the same identities and
 *   prekeys (the one-time prekeys are put back after each setup).
 * - one way: on an established session (first message answered), the initiator encrypts a
 *   message and the responder decrypts it: one operation per message, no DH step.
 * - ping-pong: the two parties alternate, so every message starts a new sending chain (a DH
 *   ratchet step, and on Sigil a post-quantum step every 16 chains): one operation per message.
 *
 * @module
 */

/** Scenario names, in print order. */
export const SCENARIOS = ['setup', 'one way 100 B', 'one way 10 KiB', 'ping-pong 100 B'] as const;

/** One scenario name. */
export type ScenarioName = (typeof SCENARIOS)[number];

/** Whether `value` is a scenario name. */
export function isScenarioName(value: unknown): value is ScenarioName {
  return (SCENARIOS as readonly unknown[]).includes(value);
}

/** What one operation of a scenario is. */
export const SCENARIO_UNITS: Record<ScenarioName, string> = {
  setup: 'setups/s',
  'one way 100 B': 'msgs/s',
  'one way 10 KiB': 'msgs/s',
  'ping-pong 100 B': 'msgs/s',
};

/** Minimum Sigil / libsignal ratio asked by issue 3. */
export const TARGETS: Record<ScenarioName, number> = {
  setup: 2,
  'one way 100 B': 10,
  'one way 10 KiB': 10,
  'ping-pong 100 B': 4,
};

/** A library under test: each call prepares fresh parties and returns one operation. */
export interface ProtocolSubject {
  /** Display name. */
  readonly name: string;
  /**
   * Prepares `scenario` and returns its operation. The preparation checks once that the
   * plaintext round-trips, so a broken side cannot post a figure.
   */
  prepare(scenario: ScenarioName): Promise<() => Promise<void>>;
}

/** A plaintext of `size` bytes with a recognisable pattern. */
export function plaintextOf(size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

/** The plaintext size of a scenario. */
export function sizeOf(scenario: ScenarioName): number {
  return scenario === 'one way 10 KiB' ? 10 * 1024 : 100;
}

/** Throws unless `a` and `b` hold the same bytes (a sanity check, not a secret comparison). */
export function assertSameBytes(a: Uint8Array, b: Uint8Array, what: string): void {
  if (a.length !== b.length || a.some((byte, i) => byte !== b[i])) {
    throw new Error(`${what}: decrypted plaintext differs from what was sent`);
  }
}
