/**
 * `SigilError`: the single error class of Sigil (STYLE.md §6, after libsignal `Errors.ts`
 * and fastify `FST_ERR_*`). Every failure a caller can act on carries a stable `code` and a
 * `category`; the optional `cause` keeps the underlying error for debugging.
 *
 * Messages never contain plaintext, key material, tokens or account identifiers.
 *
 * @example
 * ```ts
 * try { open(key, nonce, sealed, aad); }
 * catch (err) { if (SigilError.is(err, 'AEAD_AUTHENTICATION_FAILED')) dropMessage(); else throw err; }
 * ```
 * @module
 */
import { ERROR_CODES, type ErrorCategory, type ErrorCode } from './codes.ts';

/** Extra, code-specific details. Never secrets. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean | readonly string[]>>;

export class SigilError extends Error {
  override readonly name = 'SigilError';
  /** Stable machine-readable code; see {@link ERROR_CODES}. */
  readonly code: ErrorCode;
  /** The category the code belongs to. */
  readonly category: ErrorCategory;
  /** Code-specific details (lengths, ids, limits); never secrets. */
  readonly details: ErrorDetails | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: ErrorDetails },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.category = ERROR_CODES[code];
    this.details = options?.details;
  }

  /**
   * Type guard: is `err` a SigilError, optionally with the given code?
   *
   * @example `if (SigilError.is(err, 'CODEC_TRUNCATED')) …`
   */
  static is<C extends ErrorCode>(err: unknown, code?: C): err is SigilError & { code: C } {
    return err instanceof SigilError && (code === undefined || err.code === code);
  }

  /** JSON form with code, category and message only (no cause, no stack). */
  toJSON(): { name: string; code: ErrorCode; category: ErrorCategory; message: string } {
    return { name: this.name, code: this.code, category: this.category, message: this.message };
  }
}
