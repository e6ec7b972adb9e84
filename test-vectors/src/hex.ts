/**
 * Hex and base64 decoding for vector files (upper or lower case hex).
 * @module
 */

/** Decodes hex (either case); throws on odd length or a non-hex digit. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new Error(`invalid hex string of length ${hex.length}`);
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

/** Encodes lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Decodes standard base64. */
export function fromBase64(b64: string): Uint8Array {
  return Uint8Array.from(Buffer.from(b64, 'base64'));
}
