/**
 * Plaintext padding (spec/one-to-one.md §6): hides the length of a message from everyone but
 * its recipient by padding it, before encryption, to a bucket size.
 *
 * `pad(p) = p || 0x80 || 0x00*` up to the next multiple of {@link PADDING_BUCKET} (160 bytes)
 * while that is at most {@link PADDING_SMALL_LIMIT} (1,600 bytes), else up to the next multiple
 * of {@link PADDING_LARGE_BLOCK} (1,024 bytes). An empty message pads to 160 bytes. Unpadding
 * scans back from the end over zero bytes to the 0x80 marker; anything else is
 * `PADDING_INVALID`. Unpadding does not insist on a bucket length, so the sender's bucket policy
 * can change without breaking receivers.
 *
 * Padding runs inside the AEAD, so its bytes are authenticated; unpadding time depends on the
 * padding length, which only the recipient (who learns the plaintext) observes.
 *
 * @example
 * ```ts
 * const padded = pad(utf8('hi')); // 160 bytes
 * unpad(padded); // the 2 bytes of 'hi'
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';

/** Bucket size for short messages, in bytes (160: a short text message's scale). */
export const PADDING_BUCKET = 160;
/** Largest padded length that uses {@link PADDING_BUCKET} buckets (10 buckets). */
export const PADDING_SMALL_LIMIT = 1_600;
/** Block size for longer messages: padded to a multiple of 1,024 bytes. */
export const PADDING_LARGE_BLOCK = 1_024;

/** The marker byte that ends the plaintext. */
const MARKER = 0x80;

/**
 * The padded length of a plaintext of `length` bytes (including the 0x80 marker).
 * @throws SigilError `INVALID_ARGUMENT` if `length` is not a non-negative safe integer.
 */
export function paddedLength(length: number): number {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new SigilError('INVALID_ARGUMENT', 'length must be a non-negative integer');
  }
  const withMarker = length + 1;
  if (withMarker <= PADDING_SMALL_LIMIT) {
    return Math.ceil(withMarker / PADDING_BUCKET) * PADDING_BUCKET;
  }
  return Math.ceil(withMarker / PADDING_LARGE_BLOCK) * PADDING_LARGE_BLOCK;
}

/**
 * `pad(p) = p || 0x80 || 0x00*` to the bucket of `p.length` (see the module comment). Returns a
 * fresh array.
 * @throws SigilError `INVALID_ARGUMENT` if `plaintext` is not a Uint8Array.
 */
export function pad(plaintext: Uint8Array): Uint8Array {
  if (!(plaintext instanceof Uint8Array)) {
    throw new SigilError('INVALID_ARGUMENT', 'plaintext must be a Uint8Array');
  }
  const out = new Uint8Array(paddedLength(plaintext.length));
  out.set(plaintext, 0);
  out[plaintext.length] = MARKER;
  return out;
}

/**
 * The plaintext inside `padded`: everything before the last 0x80 that is followed only by zero
 * bytes. Returns a VIEW of `padded` (no copy): wiping `padded` wipes the result.
 * @throws SigilError `PADDING_INVALID` if `padded` is empty, all zero, or its last non-zero
 *   byte is not 0x80; `INVALID_ARGUMENT` if it is not a Uint8Array.
 */
export function unpad(padded: Uint8Array): Uint8Array {
  if (!(padded instanceof Uint8Array)) {
    throw new SigilError('INVALID_ARGUMENT', 'padded plaintext must be a Uint8Array');
  }
  let i = padded.length - 1;
  while (i >= 0 && padded[i] === 0) i--;
  if (i < 0 || padded[i] !== MARKER) {
    throw new SigilError('PADDING_INVALID', 'padding is malformed');
  }
  return padded.subarray(0, i);
}
