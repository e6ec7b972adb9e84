/**
 * Byte helpers of the client that must run in browsers too (no `Buffer`): canonical unpadded
 * base64url (the relay's encoding of every binary JSON field), hex, UTF-8 and the account id of
 * an account key.
 *
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Unpadded base64url (RFC 4648 §5) of `bytes`. */
export function toBase64url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += `${ALPHABET[n >> 18]}${ALPHABET[(n >> 12) & 63]}${ALPHABET[(n >> 6) & 63]}${ALPHABET[n & 63]}`;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += `${ALPHABET[n >> 18]}${ALPHABET[(n >> 12) & 63]}`;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${ALPHABET[n >> 18]}${ALPHABET[(n >> 12) & 63]}${ALPHABET[(n >> 6) & 63]}`;
  }
  return out;
}

/**
 * Decodes canonical unpadded base64url.
 * @throws SigilError `RELAY_RESPONSE_INVALID` for anything else (the relay sends only this).
 */
export function fromBase64url(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 4 === 1) throw invalidBase64();
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const digit = code < 128 ? (LOOKUP[code] as number) : -1;
    if (digit < 0) throw invalidBase64();
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (value >> bits) & 0xff;
    }
  }
  // Canonical: the unused low bits of the last character are zero.
  if ((value & ((1 << bits) - 1)) !== 0) throw invalidBase64();
  return out;
}

function invalidBase64(): SigilError {
  return new SigilError('RELAY_RESPONSE_INVALID', 'the relay sent a field that is not base64url');
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/**
 * Bytes of a lower-case or upper-case hex string.
 * @throws SigilError `INVALID_ARGUMENT` for anything else.
 */
export function fromHex(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new SigilError('INVALID_ARGUMENT', 'expected a hex string');
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The string of UTF-8 bytes (replacing invalid sequences). */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Whether two byte arrays are equal (not constant time: use only on public values). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The relay's account id of an account key: base64url(SHA-256(AK)), 43 characters. The id
 * commits to the key, so a device list or certificate can be checked against an account id
 * without trusting the relay.
 */
export function accountIdOf(crypto: CryptoProvider, accountKey: Uint8Array): string {
  return toBase64url(crypto.hash.digest('sha256', accountKey));
}

/** Whether `text` has the form of an account id (43 base64url characters). */
export function isAccountId(text: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(text);
}

/** Whether `text` is a valid username: `[a-z][a-z0-9_.]{2,31}` (the relay's rule). */
export function isUsername(text: string): boolean {
  return /^[a-z][a-z0-9_.]{2,31}$/.test(text);
}
