/**
 * Redaction for the secret-holding objects of identities and prekeys (STYLE.md §7):
 * `console.log`, `util.inspect`, `JSON.stringify` and `String()` show public parts and
 * `[redacted]`, never a secret key.
 *
 * @module
 */

/** `util.inspect`'s custom hook (a registered symbol, so this works without importing node:util). */
export const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** The marker that replaces every secret. */
export const REDACTED = '[redacted]';

/** Lower-case hex of public bytes (never call it on a secret). */
export function publicHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** `Name { a: 1, b: 2 }` from public fields, for `util.inspect` and `toString`. */
export function describe(name: string, fields: Readonly<Record<string, string | number>>): string {
  const body = Object.entries(fields)
    .map(([key, value]) => `${key}: ${value}`)
    .join(', ');
  return `${name} { ${body} }`;
}
