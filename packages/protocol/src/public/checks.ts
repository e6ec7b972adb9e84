/**
 * Small shared checks of the public verifiers (spec/one-to-one.md §1.1, §2): key types, the
 * version byte and account-key equality. Decoding already enforces the first two for bytes;
 * these repeat them for values built in memory (a relay assembling a bundle from its rows), so
 * every verifier gives the same code whichever way its input was made.
 *
 * @module
 */
import { constantTimeEqual } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import {
  type KeyType,
  PROTOCOL_VERSION,
  PUBLIC_KEY_LENGTHS,
  type PublicKey,
} from '@sigil/wire/formats';

/**
 * The raw bytes of `key` after checking it has type `type` and the length of that type.
 *
 * @throws SigilError `UNSUPPORTED_KEY_TYPE` if the type differs; `INVALID_KEY_LENGTH` if the
 *   length is wrong for the type.
 */
export function requireKeyType(key: PublicKey, type: KeyType): Uint8Array {
  if (typeof key !== 'object' || key === null || key.type !== type) {
    throw new SigilError('UNSUPPORTED_KEY_TYPE', 'public key has an unexpected type', {
      details: { expected: type },
    });
  }
  if (!(key.key instanceof Uint8Array) || key.key.length !== PUBLIC_KEY_LENGTHS[type]) {
    throw new SigilError('INVALID_KEY_LENGTH', 'public key length does not match its type', {
      details: { expected: PUBLIC_KEY_LENGTHS[type] },
    });
  }
  return key.key;
}

/** @throws SigilError `UNSUPPORTED_VERSION` unless `version` is 1. */
export function requireVersion(version: number): void {
  if (version !== PROTOCOL_VERSION) {
    throw new SigilError('UNSUPPORTED_VERSION', 'unsupported protocol version');
  }
}

/**
 * Checks that `actual` (from a verified structure) is the account key the caller trusts.
 *
 * @throws SigilError `INVALID_KEY_LENGTH` if `expected` is not 32 bytes (a caller bug);
 *   `IDENTITY_MISMATCH` if the keys differ.
 */
export function requireAccountKey(actual: Uint8Array, expected: Uint8Array): void {
  if (!(expected instanceof Uint8Array) || expected.length !== 32) {
    throw new SigilError('INVALID_KEY_LENGTH', 'expected account key must be 32 bytes');
  }
  if (!constantTimeEqual(actual, expected)) {
    throw new SigilError('IDENTITY_MISMATCH', 'signed by a different account key');
  }
}
