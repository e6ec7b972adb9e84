/** The one error table: relay codes, protocol codes and category fallbacks. */
import { ERROR_CODES, type ErrorCode, SigilError } from '@sigil/errors';
import { describe, expect, it } from 'vitest';
import { errorBody, httpStatus, toSigilError } from '../../src/errors.ts';

const status = (code: ErrorCode) => httpStatus(new SigilError(code, 'x'));

describe('error table', () => {
  it.each([
    ['REQUEST_INVALID', 400],
    ['CODEC_TRUNCATED', 400],
    ['INVALID_ARGUMENT', 400],
    ['SIGNATURE_INVALID', 400],
    ['UNAUTHENTICATED', 401],
    ['FORBIDDEN', 403],
    ['IDENTITY_MISMATCH', 403],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['DEVICE_LIST_STALE', 409],
    ['DEVICE_SET_MISMATCH', 409],
    ['PAYLOAD_TOO_LARGE', 413],
    ['RATE_LIMITED', 429],
    ['INTERNAL', 500],
    ['STORAGE_FAILURE', 503],
  ] as const)('%s -> %i', (code, expected) => {
    expect(status(code)).toBe(expected);
  });

  it('only Storage and Internal codes are 5xx: bad input is never a 500', () => {
    for (const [code, category] of Object.entries(ERROR_CODES) as [ErrorCode, string][]) {
      const s = status(code);
      if (category === 'Storage' || category === 'Internal')
        expect(s, code).toBeGreaterThanOrEqual(500);
      else expect(s, code).toBeLessThan(500);
    }
  });

  it('unknown throwables become INTERNAL; framework client errors keep a 4xx code', () => {
    expect(toSigilError(new Error('boom')).code).toBe('INTERNAL');
    expect(toSigilError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }).code).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(toSigilError(Object.assign(new SyntaxError('bad'), { statusCode: 400 })).code).toBe(
      'REQUEST_INVALID',
    );
  });

  it('the body is { error: { code, message, details? } }', () => {
    expect(
      errorBody(new SigilError('RATE_LIMITED', 'slow down', { details: { retryAfterMs: 5 } })),
    ).toEqual({
      error: { code: 'RATE_LIMITED', message: 'slow down', details: { retryAfterMs: 5 } },
    });
    expect(errorBody(new SigilError('NOT_FOUND', 'no'))).toEqual({
      error: { code: 'NOT_FOUND', message: 'no' },
    });
  });
});
