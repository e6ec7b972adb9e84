/**
 * @sigil/errors: the one error type used across Sigil, with stable codes and categories.
 * @module
 */
export { ERROR_CODES, type ErrorCategory, type ErrorCode } from './codes.ts';
export { type ErrorDetails, SigilError } from './sigil-error.ts';
