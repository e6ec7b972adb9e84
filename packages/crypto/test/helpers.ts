/**
 * Small helpers shared by the crypto test suites.
 */
import { SigilError } from '@sigil/errors';

/** What a call did: 'ok', the SigilError code it threw, or the name and message of any other error. */
export function outcomeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (SigilError.is(error)) return error.code;
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
}

/** a || b in a fresh array. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
