/**
 * The SFrame header (RFC 9605 §4.3): a config byte |X|K(3)|Y|C(3)| followed by the KID and CTR
 * as minimal big-endian integers. A value below 8 sits in the config byte (flag 0); otherwise
 * the flag is 1, the 3-bit field holds its byte length minus one, and the bytes follow (KID
 * first). KID and CTR are 64-bit unsigned integers, handled as bigints.
 *
 * Non-minimal encodings are rejected. §4.3 says a value "MUST be encoded with the minimum
 * number of bytes required", and values 0-7 go in the config byte; a conforming sender never
 * emits anything else. Rejecting the rest keeps one encoding per (KID, CTR): the header is part
 * of the AAD, so a re-encoded header could never authenticate anyway, and refusing it early
 * with a Codec error keeps it from being reported as a bad tag.
 *
 * @example
 * ```ts
 * const header = encodeSFrameHeader(0x123n, 0x4567n); // 99 0123 4567
 * const { kid, ctr, length } = decodeSFrameHeader(frame);
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { SFRAME_MAX_UINT64 } from './limits.ts';

/** A decoded SFrame header. */
export interface SFrameHeader {
  /** Key ID (KID). */
  readonly kid: bigint;
  /** Counter (CTR). */
  readonly ctr: bigint;
  /** The header's length in bytes (1 to 17): the frame's ciphertext starts here. */
  readonly length: number;
}

/** Longest header: config byte + 8-byte KID + 8-byte CTR. */
export const SFRAME_MAX_HEADER_LENGTH = 17;

function requireUint64(value: bigint, name: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > SFRAME_MAX_UINT64) {
    throw new SigilError('INVALID_ARGUMENT', `${name} must be a bigint in [0, 2^64 - 1]`);
  }
}

/** Byte length of the minimal big-endian encoding of `value` (value >= 8). */
function byteLength(value: bigint): number {
  let length = 1;
  while (value >= 1n << BigInt(8 * length)) length += 1;
  return length;
}

function writeBigEndian(out: Uint8Array, offset: number, value: bigint, length: number): void {
  for (let i = length - 1; i >= 0; i -= 1) {
    out[offset + i] = Number(value & 0xffn);
    value >>= 8n;
  }
}

/**
 * Encodes a header for `kid` and `ctr` in its minimal form (§4.3).
 * @throws SigilError `INVALID_ARGUMENT` if `kid` or `ctr` is not a bigint in [0, 2^64 - 1].
 */
export function encodeSFrameHeader(kid: bigint, ctr: bigint): Uint8Array {
  requireUint64(kid, 'kid');
  requireUint64(ctr, 'ctr');
  const kidLength = kid < 8n ? 0 : byteLength(kid);
  const ctrLength = ctr < 8n ? 0 : byteLength(ctr);
  const out = new Uint8Array(1 + kidLength + ctrLength);
  const k = kidLength === 0 ? Number(kid) : 0x8 | (kidLength - 1);
  const c = ctrLength === 0 ? Number(ctr) : 0x8 | (ctrLength - 1);
  out[0] = (k << 4) | c;
  if (kidLength > 0) writeBigEndian(out, 1, kid, kidLength);
  if (ctrLength > 0) writeBigEndian(out, 1 + kidLength, ctr, ctrLength);
  return out;
}

function invalid(reason: string): SigilError {
  return new SigilError('SFRAME_HEADER_INVALID', `SFrame header: ${reason}`, {
    details: { reason },
  });
}

/** Reads one KID or CTR field from its config nibble; returns the value and bytes consumed. */
function readField(
  bytes: Uint8Array,
  offset: number,
  nibble: number,
  name: string,
): { value: bigint; size: number } {
  if ((nibble & 0x8) === 0) return { value: BigInt(nibble), size: 0 };
  const length = (nibble & 0x7) + 1;
  if (offset + length > bytes.length) throw invalid(`truncated ${name}`);
  let value = 0n;
  for (let i = 0; i < length; i += 1) value = (value << 8n) | BigInt(bytes[offset + i] as number);
  // Minimality (§4.3): no leading zero byte, and no extended form for a value of 0-7.
  if (bytes[offset] === 0) throw invalid(`non-minimal ${name}: leading zero byte`);
  if (value < 8n) throw invalid(`non-minimal ${name}: a value below 8 belongs in the config byte`);
  return { value, size: length };
}

/**
 * Decodes the header at the start of `bytes` (an SFrame ciphertext or just a header); the bytes
 * after `length` are not looked at.
 * @throws SigilError `SFRAME_HEADER_INVALID` if the header is truncated or not minimally
 *   encoded.
 * @throws SigilError `INVALID_ARGUMENT` if `bytes` is not a Uint8Array.
 */
export function decodeSFrameHeader(bytes: Uint8Array): SFrameHeader {
  if (!(bytes instanceof Uint8Array)) {
    throw new SigilError('INVALID_ARGUMENT', 'bytes must be a Uint8Array');
  }
  if (bytes.length === 0) throw invalid('empty');
  const config = bytes[0] as number;
  const kid = readField(bytes, 1, config >> 4, 'KID');
  const ctr = readField(bytes, 1 + kid.size, config & 0xf, 'CTR');
  return { kid: kid.value, ctr: ctr.value, length: 1 + kid.size + ctr.size };
}
