import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KeyPair } from '../src/key-pair.ts';
import { constantTimeEqual, isAllZero, SecretBytes, wipe } from '../src/secret.ts';

const secretHex = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const secret = () => Uint8Array.from(Buffer.from(secretHex, 'hex'));

describe('constantTimeEqual', () => {
  it('compares contents and lengths', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});

describe('wipe and isAllZero', () => {
  it('zeroes every array given and skips undefined', () => {
    const a = secret();
    const b = new Uint8Array([9, 9]);
    wipe(a, undefined, b);
    expect(isAllZero(a)).toBe(true);
    expect(isAllZero(b)).toBe(true);
    expect(isAllZero(new Uint8Array([0, 0, 1]))).toBe(false);
  });
});

describe('redaction', () => {
  it('SecretBytes never prints its contents', () => {
    const s = new SecretBytes(secret());
    const printed = [inspect(s), JSON.stringify({ s }), String(s), `${s}`];
    for (const text of printed) {
      expect(text).not.toContain(secretHex.slice(0, 8));
      expect(text).toContain('[redacted]');
    }
    expect(inspect(s)).toBe('SecretBytes([redacted])');
    expect(s.expose()).toEqual(secret());
    expect(s.equals(new SecretBytes(secret()))).toBe(true);
    s.wipe();
    expect(isAllZero(s.expose())).toBe(true);
  });

  it('KeyPair prints its public key and hides its secret key', () => {
    const pair = new KeyPair(new Uint8Array([0xab, 0xcd]), secret());
    expect(inspect(pair)).toBe('KeyPair { publicKey: abcd, secretKey: [redacted] }');
    expect(JSON.parse(JSON.stringify(pair))).toEqual({
      publicKey: 'abcd',
      secretKey: '[redacted]',
    });
    expect(inspect({ nested: [pair] }, { depth: 5 })).not.toContain(secretHex.slice(0, 8));
    expect(Object.keys(pair)).toEqual(['publicKey']);
    expect(pair.secretKey).toEqual(secret());
    pair.wipe();
    expect(isAllZero(pair.secretKey)).toBe(true);
  });
});
