/**
 * MessageKeys of the Double Ratchet (spec/one-to-one.md §5): the AES-256-GCM key and nonce of
 * one message, from its message key mk.
 *
 * ```
 * MessageKeys(mk) = HKDF(salt = 32 zero bytes, ikm = mk, info = "Sigil/v1/Ratchet/MessageKeys",
 *                        L = 44) -> (key = 32 bytes, nonce = 12 bytes)
 * ```
 *
 * The nonce is derived, not random: each message key encrypts exactly one message (a counter
 * is never reused on a chain, and a receiver deletes a key once used), so a (key, nonce) pair
 * never repeats.
 *
 * Most users won't need this: `ratchetEncrypt` / `ratchetDecrypt` call it.
 *
 * @example
 * ```ts
 * const { key, nonce } = deriveMessageKeys(crypto, messageKey);
 * ```
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { LABEL_RATCHET_MESSAGE_KEYS } from '../labels.ts';

const MESSAGE_KEYS_INFO = new TextEncoder().encode(LABEL_RATCHET_MESSAGE_KEYS);
const ZERO_SALT = new Uint8Array(32);

/** The keys of one message. */
export interface MessageKeys {
  /** The AES-256-GCM key (32 bytes). */
  readonly key: Uint8Array;
  /** The AES-256-GCM nonce (12 bytes). */
  readonly nonce: Uint8Array;
}

/** MessageKeys(mk) (spec §5). */
export function deriveMessageKeys(crypto: CryptoProvider, messageKey: Uint8Array): MessageKeys {
  const prk = crypto.hkdf.extract('sha256', ZERO_SALT, messageKey);
  const okm = crypto.hkdf.expand('sha256', prk, MESSAGE_KEYS_INFO, 44);
  prk.fill(0);
  return { key: okm.subarray(0, 32), nonce: okm.subarray(32, 44) };
}
