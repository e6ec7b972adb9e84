/**
 * Workarounds for costs inside node:crypto's argument handling, measured on Node 24.21
 * (bench/protocol/profile.ts; 2-core machine):
 *
 * - node:crypto's internal key-type checks (`isKeyObject`, `isCryptoKey`) answer "no" by
 *   throwing and catching an error, and building that error's stack trace dominates the call:
 *   an AES-256-GCM seal of 160 bytes costs ~34 µs with a raw key but ~7 µs with a KeyObject
 *   from `createSecretKey`; an X25519 public-key import costs ~60 µs, ~16 µs when no stack
 *   trace is captured.
 *
 * {@link withoutStackTraces} runs a synchronous node:crypto call with `Error.stackTraceLimit`
 * set to 0 and restores it afterwards, whatever happens. Nothing else can run in between (the
 * call is synchronous), and errors that escape still carry their message and code; only their
 * stack is empty, and callers wrap them in a SigilError with its own stack.
 *
 * @module
 */

/** Runs `fn` without capturing stack traces for errors created during it. */
export function withoutStackTraces<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
