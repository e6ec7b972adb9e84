/**
 * JSON-schema fragments shared by the routes. Every object schema sets
 * `additionalProperties: false`, and the app's validator neither removes unknown fields nor
 * coerces types (app.ts), so an unknown field or a wrong type is a 400 `REQUEST_INVALID`.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { fromBase64url } from '../base64url.ts';

/** Largest device id (2^31 - 1, spec/one-to-one.md §2). */
export const MAX_DEVICE_ID = 0x7fff_ffff;

/** An account id: base64url of a SHA-256, 43 characters. */
export const accountIdSchema = { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } as const;

/** A device id in a JSON body. */
export const deviceIdSchema = { type: 'integer', minimum: 1, maximum: MAX_DEVICE_ID } as const;

/** A device id in a path: decimal digits, range-checked by {@link parseDeviceIdParam}. */
export const deviceIdParamSchema = { type: 'string', pattern: '^[0-9]{1,10}$' } as const;

/** A message id: a positive decimal integer below 2^63. */
export const messageIdSchema = { type: 'string', pattern: '^[1-9][0-9]{0,17}$' } as const;

/** A username: lower-case letters, digits, `_` and `.`, 3 to 32 characters, a letter first. */
export const usernameSchema = { type: 'string', pattern: '^[a-z][a-z0-9_.]{2,31}$' } as const;

/** Base64url of at most `maxBytes` bytes (checked canonically by `fromBase64url`). */
export function base64urlSchema(maxBytes: number, minBytes = 1) {
  return {
    type: 'string',
    pattern: '^[A-Za-z0-9_-]*$',
    minLength: Math.ceil((minBytes * 4) / 3),
    maxLength: Math.ceil((maxBytes * 4) / 3),
  } as const;
}

/** An object schema with exactly the given properties, unknown ones rejected. */
export function objectSchema(
  properties: Record<string, unknown>,
  required: readonly string[] = Object.keys(properties),
  extra: Record<string, unknown> = {},
) {
  return { type: 'object', additionalProperties: false, properties, required, ...extra } as const;
}

/** Largest encoded sizes of the key formats, with slack for future key types. */
export const MAX_KEY_BYTES = {
  certificate: 512,
  signedPreKey: 256,
  oneTimePreKey: 128,
  kemPreKey: 2048,
  deviceList: 64 * 1024,
  /** An MLSMessage KeyPackage: keys, a basic credential, capabilities, extensions. */
  keyPackage: 16 * 1024,
} as const;

/** Shortest and longest group id in bytes (the contract: 16..64; Sigil's clients use 32). */
export const GROUP_ID_BYTES = { min: 16, max: 64 } as const;

/** A group id: base64url of 16..64 bytes (checked exactly by {@link parseGroupId}). */
export const groupIdSchema = { type: 'string', pattern: '^[A-Za-z0-9_-]{22,86}$' } as const;

/** An MLS epoch: a uint64 as a decimal string (range-checked by {@link parseEpoch}). */
export const epochSchema = { type: 'string', pattern: '^(0|[1-9][0-9]{0,19})$' } as const;

/** An MLSMessage in a body: base64url, size checked in the handler (413, not 400). */
export const mlsMessageSchema = {
  type: 'string',
  pattern: '^[A-Za-z0-9_-]*$',
  minLength: 6,
} as const;

/**
 * A group id from a path or body.
 * @throws SigilError `REQUEST_INVALID` unless it is canonical base64url of 16..64 bytes.
 */
export function parseGroupId(text: string, field = 'groupId'): Uint8Array {
  const bytes = fromBase64url(text, field);
  if (bytes.length < GROUP_ID_BYTES.min || bytes.length > GROUP_ID_BYTES.max) {
    throw new SigilError('REQUEST_INVALID', `${field} must be 16 to 64 bytes`);
  }
  return bytes;
}

/**
 * An epoch from a body.
 * @throws SigilError `REQUEST_INVALID` if it is above 2^64 - 1.
 */
export function parseEpoch(text: string, field = 'epoch'): bigint {
  const value = BigInt(text);
  if (value > 0xffff_ffff_ffff_ffffn)
    throw new SigilError('REQUEST_INVALID', `${field} out of range`);
  return value;
}

/**
 * A device id from a path parameter.
 * @throws SigilError `REQUEST_INVALID` if it is outside 1..2^31-1.
 */
export function parseDeviceIdParam(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > MAX_DEVICE_ID) {
    throw new SigilError('REQUEST_INVALID', 'device id out of range');
  }
  return value;
}
