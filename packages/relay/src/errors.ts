/**
 * The one table from `SigilError` codes to HTTP statuses (STYLE.md §6, after fastify
 * `lib/errors.js`), and the JSON error body every failed request gets:
 * `{ error: { code, message, details? } }`.
 *
 * A code listed in {@link STATUS_BY_CODE} gets that status; any other code gets the status of its
 * category ({@link STATUS_BY_CATEGORY}): bad input is a 4xx, never a 500.
 *
 * @module
 */
import { type ErrorCategory, type ErrorCode, type ErrorDetails, SigilError } from '@sigil/errors';

/** The status of every code that does not take its category's. */
export const STATUS_BY_CODE: Readonly<Partial<Record<ErrorCode, number>>> = {
  REQUEST_INVALID: 400,
  SIGNATURE_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  IDENTITY_MISMATCH: 403,
  NOT_FOUND: 404,
  PREKEY_NOT_FOUND: 404,
  CONFLICT: 409,
  USERNAME_TAKEN: 409,
  DEVICE_LIST_STALE: 409,
  GROUP_NOT_FOUND: 404,
  GROUP_EXISTS: 409,
  GROUP_EPOCH_MISMATCH: 409,
  NOT_GROUP_MEMBER: 403,
  KEY_PACKAGE_INVALID: 400,
  KEY_PACKAGE_LIMIT: 409,
  DEVICE_SET_MISMATCH: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  STORAGE_FAILURE: 503,
  INTERNAL: 500,
};

/** The status of a code by its category. */
export const STATUS_BY_CATEGORY: Readonly<Record<ErrorCategory, number>> = {
  Usage: 400,
  Validation: 400,
  Codec: 400,
  CryptoVerification: 400,
  Storage: 503,
  Internal: 500,
};

/** The HTTP status of a SigilError. */
export function httpStatus(error: SigilError): number {
  return STATUS_BY_CODE[error.code] ?? STATUS_BY_CATEGORY[error.category];
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: ErrorDetails };
}

/** The body of an error response for `error`. */
export function errorBody(error: SigilError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}

/** Framework errors (fastify `FST_*`) that are the client's fault, as Sigil codes. */
const FRAMEWORK_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'REQUEST_INVALID',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'REQUEST_INVALID',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'REQUEST_INVALID',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'REQUEST_INVALID',
  FST_ERR_VALIDATION: 'REQUEST_INVALID',
  FST_ERR_NOT_FOUND: 'NOT_FOUND',
};

/**
 * Turns anything a handler or the framework threw into a SigilError: SigilErrors pass through;
 * framework client errors (bad JSON, schema failures, body too large) get a relay code; a
 * SyntaxError from the JSON parser is `REQUEST_INVALID`; everything else is `INTERNAL`.
 */
export function toSigilError(err: unknown): SigilError {
  if (err instanceof SigilError) return err;
  if (typeof err === 'object' && err !== null) {
    const e = err as { code?: unknown; statusCode?: unknown; validation?: unknown };
    const mapped = typeof e.code === 'string' ? FRAMEWORK_CODES[e.code] : undefined;
    if (mapped !== undefined) {
      return new SigilError(mapped, frameworkMessage(mapped, err), { cause: err });
    }
    if (e.validation !== undefined) {
      return new SigilError('REQUEST_INVALID', frameworkMessage('REQUEST_INVALID', err), {
        cause: err,
      });
    }
    // The JSON parser's SyntaxError carries statusCode 400.
    if (err instanceof SyntaxError || e.statusCode === 400) {
      return new SigilError('REQUEST_INVALID', 'request body is not valid JSON', { cause: err });
    }
    if (e.statusCode === 413) {
      return new SigilError('PAYLOAD_TOO_LARGE', 'request body too large', { cause: err });
    }
  }
  return new SigilError('INTERNAL', 'internal error', { cause: err });
}

/**
 * A message for a framework error. Schema messages name the field and the rule (ajv's
 * `instancePath` and `message`), never the value, so no client data reaches a response or log.
 */
function frameworkMessage(code: ErrorCode, err: object): string {
  if (code === 'PAYLOAD_TOO_LARGE') return 'request body too large';
  if (code === 'NOT_FOUND') return 'no such route';
  const e = err as {
    validation?: { instancePath?: string; message?: string }[];
    validationContext?: string;
  };
  const first = e.validation?.[0];
  if (first !== undefined) {
    const where = `${e.validationContext ?? 'request'}${first.instancePath ?? ''}`;
    return `${where} ${first.message ?? 'is invalid'}`;
  }
  return 'request is not valid';
}
