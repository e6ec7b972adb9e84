/**
 * Shared helpers of the MLS tests: the suites Sigil supports, the split of vector cases into
 * run and skipped, error-code capture and hex.
 */
import { SigilError } from '@sigil/errors';

/** The cipher suites Sigil implements; vector cases of other suites are skipped. */
export const SUPPORTED_SUITES: readonly number[] = [1, 3];

/** Splits vector cases into those of supported suites and the number skipped. */
export function supportedCases<T extends { readonly cipherSuite: number }>(
  cases: readonly T[],
): { run: readonly T[]; skipped: number } {
  const run = cases.filter((c) => SUPPORTED_SUITES.includes(c.cipherSuite));
  return { run, skipped: cases.length - run.length };
}

/** The SigilError code `fn` throws, 'no error' if it returns, or the foreign error's text. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return SigilError.is(err) ? err.code : `non-Sigil error: ${String(err)}`;
  }
  return 'no error';
}

/** Lower-case hex of bytes. */
export function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? 'undefined' : Buffer.from(bytes).toString('hex');
}

/** Appends `${name}: ${what}` to `failures` unless `actual` and `expected` are equal bytes. */
export function expectBytes(
  failures: string[],
  name: string,
  actual: Uint8Array | undefined,
  expected: Uint8Array,
): void {
  if (hex(actual) !== hex(expected)) {
    failures.push(`${name}: got ${hex(actual)}, want ${hex(expected)}`);
  }
}
