/**
 * AES-CTR (NIST SP 800-38A §6.5) on both backends, through the provider: the SP 800-38A
 * Appendix F.5 known answers (F.5.1/F.5.2 CTR-AES128, F.5.5/F.5.6 CTR-AES256, typed in from the
 * standard), agreement of the two backends on random inputs (including counter blocks that carry
 * across the low 32 bits and wrap modulo 2^128), and the argument checks of defineProvider.
 */
import type { CryptoProvider, CtrAlgorithm } from '@sigil/crypto';
import { nodeProvider } from '@sigil/crypto/node';
import { portableProvider } from '@sigil/crypto/portable';
import { allProviders } from '@sigil/crypto/testing';
import { fromHex, toHex } from '@sigil/test-vectors/hex';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { outcomeOf } from './helpers.ts';

const FAMILY = 'sp800-38a/aes-ctr';

/** SP 800-38A F.5: the four plaintext blocks shared by every CTR example. */
const F5_PLAINTEXT =
  '6bc1bee22e409f96e93d7e117393172a' +
  'ae2d8a571e03ac9c9eb76fac45af8e51' +
  '30c81c46a35ce411e5fbc1191a0a52ef' +
  'f69f2445df4f9b17ad2b417be66c3710';
const F5_COUNTER = 'f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff';

interface KnownAnswer {
  readonly name: string;
  readonly algorithm: CtrAlgorithm;
  readonly key: string;
  readonly ciphertext: string;
}

const KNOWN_ANSWERS: readonly KnownAnswer[] = [
  {
    name: 'F.5.1/F.5.2 CTR-AES128',
    algorithm: 'aes-128-ctr',
    key: '2b7e151628aed2a6abf7158809cf4f3c',
    ciphertext:
      '874d6191b620e3261bef6864990db6ce' +
      '9806f66b7970fdff8617187bb9fffdff' +
      '5ae4df3edbd5d35e5b4f09020db03eab' +
      '1e031dda2fbe03d1792170a0f3009cee',
  },
  {
    name: 'F.5.5/F.5.6 CTR-AES256',
    algorithm: 'aes-256-ctr',
    key: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    ciphertext:
      '601ec313775789a5b7a7f504bbf3d228' +
      'f443e3ca4d62b59aca84e990cacaf5c5' +
      '2b0930daa23de94ce87017ba2d84988d' +
      'dfc9c58db67aada613c2dd08457941a6',
  },
];

const ALGORITHMS: readonly CtrAlgorithm[] = ['aes-128-ctr', 'aes-256-ctr'];

afterAll(() => flushTally());

describe.each(allProviders())('AES-CTR on $name', (provider: CryptoProvider) => {
  it('supports both key sizes and reports the sizes', () => {
    expect(provider.supports('aes-128-ctr')).toBe(true);
    expect(provider.supports('aes-256-ctr')).toBe(true);
    expect(provider.ctr.keyLength('aes-128-ctr')).toBe(16);
    expect(provider.ctr.keyLength('aes-256-ctr')).toBe(32);
    expect(provider.ctr.counterBlockLength).toBe(16);
  });

  it.each(KNOWN_ANSWERS)('$name: encrypts and decrypts as SP 800-38A F.5 says', (v) => {
    const key = fromHex(v.key);
    const counter = fromHex(F5_COUNTER);
    const plaintext = fromHex(F5_PLAINTEXT);
    expect(toHex(provider.ctr.keystreamXor(v.algorithm, key, counter, plaintext))).toBe(
      v.ciphertext,
    );
    expect(toHex(provider.ctr.keystreamXor(v.algorithm, key, counter, fromHex(v.ciphertext)))).toBe(
      F5_PLAINTEXT,
    );
    // Any prefix of the data gives the same prefix of the output (stream mode, partial block).
    for (const length of [0, 1, 15, 17, 33, 63]) {
      expect(
        toHex(provider.ctr.keystreamXor(v.algorithm, key, counter, plaintext.subarray(0, length))),
      ).toBe(v.ciphertext.slice(0, 2 * length));
    }
    tally(FAMILY, provider.name, 'valid');
  });

  it('returns a fresh array and leaves its inputs alone', () => {
    const key = provider.random.bytes(16);
    const counter = provider.random.bytes(16);
    const data = provider.random.bytes(40);
    const before = [toHex(key), toHex(counter), toHex(data)];
    const out = provider.ctr.keystreamXor('aes-128-ctr', key, counter, data);
    expect(out.buffer).not.toBe(data.buffer);
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(out.byteLength);
    expect([toHex(key), toHex(counter), toHex(data)]).toEqual(before);
  });

  it('rejects bad arguments with the provider codes', () => {
    const counter = new Uint8Array(16);
    const data = new Uint8Array(5);
    expect(
      outcomeOf(() => provider.ctr.keystreamXor('aes-128-ctr', new Uint8Array(32), counter, data)),
    ).toBe('INVALID_KEY_LENGTH');
    expect(
      outcomeOf(() => provider.ctr.keystreamXor('aes-256-ctr', new Uint8Array(16), counter, data)),
    ).toBe('INVALID_KEY_LENGTH');
    expect(
      outcomeOf(() =>
        provider.ctr.keystreamXor('aes-128-ctr', new Uint8Array(16), new Uint8Array(12), data),
      ),
    ).toBe('INVALID_NONCE_LENGTH');
    expect(
      outcomeOf(() =>
        provider.ctr.keystreamXor('aes-192-ctr' as CtrAlgorithm, new Uint8Array(24), counter, data),
      ),
    ).toBe('UNSUPPORTED_ALGORITHM');
    expect(
      outcomeOf(() =>
        provider.ctr.keystreamXor('aes-128-ctr', new Uint8Array(16), counter, [
          1, 2, 3,
        ] as unknown as Uint8Array),
      ),
    ).toBe('INVALID_ARGUMENT');
  });
});

describe('AES-CTR: node and portable agree', () => {
  /** Counter blocks: random, about to carry out of the low 32 bits, and about to wrap 2^128. */
  const counters = [
    () => nodeProvider.random.bytes(16),
    () => fromHex('000102030405060708090a0bfffffffe'),
    () => fromHex('fffffffffffffffffffffffffffffffe'),
  ];

  it.each(ALGORITHMS)('%s on random keys, lengths and counter blocks', (algorithm) => {
    for (const length of [0, 1, 15, 16, 17, 31, 32, 33, 100, 1000]) {
      for (const counter of counters) {
        const key = nodeProvider.random.bytes(nodeProvider.ctr.keyLength(algorithm));
        const block = counter();
        const data = nodeProvider.random.bytes(length);
        const a = nodeProvider.ctr.keystreamXor(algorithm, key, block, data);
        const b = portableProvider.ctr.keystreamXor(algorithm, key, block, data);
        expect(toHex(a), `length ${length}, counter ${toHex(block)}`).toBe(toHex(b));
        expect(toHex(portableProvider.ctr.keystreamXor(algorithm, key, block, a))).toBe(
          toHex(data),
        );
      }
    }
  });
});
