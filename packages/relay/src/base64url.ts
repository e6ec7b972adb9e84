/**
 * Binary fields in the relay's JSON are base64url without padding (RFC 4648 §5), everywhere.
 * Decoding is strict: only the URL-safe alphabet, no padding, and the canonical encoding (a
 * value whose unused low bits are not zero, or whose length is 1 mod 4, is rejected), so every
 * byte string has exactly one accepted text form.
 *
 * @example
 * ```ts
 * const text = toBase64url(new Uint8Array([251, 255])); // '-_8'
 * const bytes = fromBase64url(text, 'ciphertext');
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Encodes bytes as unpadded base64url. */
export function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes unpadded, canonical base64url.
 * @param field The JSON field's name, for the error message.
 * @throws SigilError `REQUEST_INVALID` if `text` is not canonical unpadded base64url.
 */
export function fromBase64url(text: string, field: string): Uint8Array {
  if (!ALPHABET.test(text) || text.length % 4 === 1) throw notBase64url(field);
  const buffer = Buffer.from(text, 'base64url');
  if (buffer.toString('base64url') !== text) throw notBase64url(field);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * The decoded length of a canonical base64url string of `length` characters, without decoding.
 */
export function base64urlDecodedLength(length: number): number {
  return Math.floor((length * 3) / 4);
}

function notBase64url(field: string): SigilError {
  return new SigilError('REQUEST_INVALID', `${field} is not canonical unpadded base64url`);
}
