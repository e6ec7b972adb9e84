/**
 * Sealing of the secrets the client stores (identity keys, prekey secrets, session records, the
 * resend buffer, message bodies) under the 32-byte storage key, so that a copied database file
 * reveals no key and no message without it.
 *
 * Sealed form: `nonce (12 random bytes) || AES-256-GCM(storageKey, nonce, data, aad)` with
 * `aad = "Sigil/v1/Client/" || kind || 0x00 || rowId`. The AAD binds each blob to its table and
 * row, so blobs cannot be swapped between rows (a session record of one peer put in place of
 * another's fails to open). The nonce is random because one key seals many versions of many
 * rows; at 2^32 seals per key the chance of a repeated nonce stays below 2^-32.
 *
 * @example
 * ```ts
 * const sealer = new Sealer(crypto, storageKey, random);
 * const blob = sealer.seal('session', 'acct/1', recordBytes);
 * sealer.open('session', 'acct/1', blob); // recordBytes
 * ```
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { utf8 } from './internal/bytes.ts';

/** The kinds of sealed blobs (part of the AAD). */
export type SealedKind =
  | 'account'
  | 'prekey'
  | 'session'
  | 'message'
  | 'sent'
  | 'storage-check'
  | 'key-package'
  | 'group';

const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

/** Seals and opens blobs under the storage key. The key is copied; {@link wipe} clears it. */
export class Sealer {
  readonly #crypto: CryptoProvider;
  readonly #key: Uint8Array;
  readonly #random: (length: number) => Uint8Array;

  /** @throws SigilError `INVALID_KEY_LENGTH` unless `key` is 32 bytes. */
  constructor(crypto: CryptoProvider, key: Uint8Array, random: (length: number) => Uint8Array) {
    if (!(key instanceof Uint8Array) || key.length !== 32) {
      throw new SigilError('INVALID_KEY_LENGTH', 'the storage key must be 32 bytes');
    }
    this.#crypto = crypto;
    this.#key = key.slice();
    this.#random = random;
  }

  /** Seals `data` for row `rowId` of `kind`. */
  seal(kind: SealedKind, rowId: string, data: Uint8Array): Uint8Array {
    const nonce = this.#random(NONCE_LENGTH);
    const sealed = this.#crypto.aead.seal('aes-256-gcm', this.#key, nonce, data, aad(kind, rowId));
    const out = new Uint8Array(NONCE_LENGTH + sealed.length);
    out.set(nonce, 0);
    out.set(sealed, NONCE_LENGTH);
    return out;
  }

  /**
   * Opens a blob sealed for the same kind and row.
   * @throws SigilError `RECORD_AUTHENTICATION_FAILED` for another key, row or altered bytes.
   */
  open(kind: SealedKind, rowId: string, blob: Uint8Array): Uint8Array {
    if (blob.length < NONCE_LENGTH + TAG_LENGTH) {
      throw new SigilError('RECORD_AUTHENTICATION_FAILED', 'sealed blob is too short');
    }
    try {
      return this.#crypto.aead.open(
        'aes-256-gcm',
        this.#key,
        blob.subarray(0, NONCE_LENGTH),
        blob.subarray(NONCE_LENGTH),
        aad(kind, rowId),
      );
    } catch (err) {
      if (SigilError.is(err, 'AEAD_AUTHENTICATION_FAILED')) {
        throw new SigilError('RECORD_AUTHENTICATION_FAILED', 'a stored blob did not open', {
          cause: err,
        });
      }
      throw err;
    }
  }

  /** Zeroes the key copy (best effort: JavaScript cannot guarantee it). */
  wipe(): void {
    this.#key.fill(0);
  }

  toJSON(): string {
    return 'Sealer [redacted]';
  }
}

function aad(kind: SealedKind, rowId: string): Uint8Array {
  const prefix = utf8(`Sigil/v1/Client/${kind}`);
  const id = utf8(rowId);
  const out = new Uint8Array(prefix.length + 1 + id.length);
  out.set(prefix, 0);
  out.set(id, prefix.length + 1);
  return out;
}
