/**
 * A key pair whose secret half never prints: `console.log(pair)`, `util.inspect` and
 * `JSON.stringify` show the public key and `[redacted]` (STYLE.md §7).
 *
 * @module
 */
import { wipe } from './secret.ts';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export class KeyPair {
  /** The public key. */
  readonly publicKey: Uint8Array;
  readonly #secretKey: Uint8Array;

  constructor(publicKey: Uint8Array, secretKey: Uint8Array) {
    this.publicKey = publicKey;
    this.#secretKey = secretKey;
  }

  /** The secret key (for ML-KEM, the 64-byte seed). Do not log it. */
  get secretKey(): Uint8Array {
    return this.#secretKey;
  }

  /** Zeroes the secret key (best effort). */
  wipe(): void {
    wipe(this.#secretKey);
  }

  toJSON(): { publicKey: string; secretKey: string } {
    return { publicKey: toHex(this.publicKey), secretKey: '[redacted]' };
  }

  [inspectSymbol](): string {
    return `KeyPair { publicKey: ${toHex(this.publicKey)}, secretKey: [redacted] }`;
  }
}
