/**
 * Test helpers for @sigil/wire: capture the SigilError a call throws, so tests can assert
 * its exact code.
 * @module
 */
import { type ErrorCode, SigilError } from '@sigil/errors';

/**
 * Runs `fn` and returns the code of the SigilError it throws; `'no error'` if it returns, and
 * `'not a SigilError: …'` (a value that never equals a real code) for any other exception.
 */
export function codeOf(fn: () => unknown): ErrorCode | 'no error' | `not a SigilError: ${string}` {
  try {
    fn();
  } catch (err) {
    if (err instanceof SigilError) return err.code;
    return `not a SigilError: ${String(err)}`;
  }
  return 'no error';
}

/** Runs `fn` and returns the SigilError it throws; fails the test if it throws nothing else. */
export function errorOf(fn: () => unknown): SigilError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SigilError) return err;
    throw err;
  }
  throw new Error('expected a SigilError, got a value');
}

/** Bytes from a list of byte values. */
export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
