import { describe, expect, it } from 'vitest';
import { ERROR_CODES, SigilError } from '../src/index.ts';

describe('SigilError', () => {
  it('carries code, category, details and cause', () => {
    const cause = new Error('inner');
    const err = new SigilError('CODEC_TRUNCATED', 'input ended early', {
      cause,
      details: { needed: 4, available: 2 },
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('SigilError');
    expect(err.code).toBe('CODEC_TRUNCATED');
    expect(err.category).toBe('Codec');
    expect(err.details).toEqual({ needed: 4, available: 2 });
    expect(err.cause).toBe(cause);
  });

  it('is() narrows by code', () => {
    const err: unknown = new SigilError('SIGNATURE_INVALID', 'bad signature');
    expect(SigilError.is(err)).toBe(true);
    expect(SigilError.is(err, 'SIGNATURE_INVALID')).toBe(true);
    expect(SigilError.is(err, 'CODEC_TRUNCATED')).toBe(false);
    expect(SigilError.is(new Error('x'))).toBe(false);
  });

  it('serialises without cause or stack', () => {
    const err = new SigilError('INTERNAL', 'boom', { cause: new Error('secret-ish') });
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: 'SigilError',
      code: 'INTERNAL',
      category: 'Internal',
      message: 'boom',
    });
  });

  it('every code has a known category', () => {
    const categories = new Set([
      'Usage',
      'Validation',
      'Codec',
      'CryptoVerification',
      'Storage',
      'Internal',
    ]);
    for (const category of Object.values(ERROR_CODES)) expect(categories.has(category)).toBe(true);
  });
});
