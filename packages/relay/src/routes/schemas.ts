/**
 * JSON-schema fragments shared by the routes. Every object schema sets
 * `additionalProperties: false`, and the app's validator neither removes unknown fields nor
 * coerces types (app.ts), so an unknown field or a wrong type is a 400 `REQUEST_INVALID`.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';

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
} as const;

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
