/**
 * Argon2id (RFC 9106): the §5.3 test vector on both backends, node == portable on random small
 * parameter sets (p = 1, 2 and more, with and without K and X), and INVALID_ARGUMENT for
 * parameters out of range.
 */
import type { Argon2idParams, CryptoProvider } from '@sigil/crypto';
import { nodeProvider } from '@sigil/crypto/node';
import { portableProvider } from '@sigil/crypto/portable';
import { allProviders } from '@sigil/crypto/testing';
import { toHex } from '@sigil/test-vectors/hex';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { outcomeOf } from './helpers.ts';

/**
 * RFC 9106 §5.3 (Argon2id, version 0x13): P = 32 x 0x01, S = 16 x 0x02, K = 8 x 0x03,
 * X = 12 x 0x04, m = 32 KiB, t = 3, p = 4, T = 32 bytes.
 */
const RFC9106_ARGON2ID: Argon2idParams = {
  password: new Uint8Array(32).fill(0x01),
  salt: new Uint8Array(16).fill(0x02),
  secret: new Uint8Array(8).fill(0x03),
  associatedData: new Uint8Array(12).fill(0x04),
  memoryKiB: 32,
  passes: 3,
  parallelism: 4,
  tagLength: 32,
};
const RFC9106_ARGON2ID_TAG = '0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659';

afterAll(() => flushTally());

describe.each(allProviders())('Argon2id on $name', (provider: CryptoProvider) => {
  it('gives the RFC 9106 §5.3 tag', () => {
    const tag = provider.argon2id.derive(RFC9106_ARGON2ID);
    expect(toHex(tag), 'RFC 9106 §5.3 Argon2id').toBe(RFC9106_ARGON2ID_TAG);
    tally('rfc9106/argon2id', provider.name, 'valid');
  });

  it('treats an absent and an empty K or X alike (RFC 9106 §3.2)', () => {
    const base = { ...RFC9106_ARGON2ID, secret: undefined, associatedData: undefined };
    const absent = provider.argon2id.derive(base);
    const empty = provider.argon2id.derive({
      ...base,
      secret: new Uint8Array(0),
      associatedData: new Uint8Array(0),
    });
    expect(toHex(empty)).toBe(toHex(absent));
    expect(toHex(absent)).not.toBe(RFC9106_ARGON2ID_TAG);
  });

  it('rejects out-of-range parameters with INVALID_ARGUMENT', () => {
    const bad: [string, Partial<Argon2idParams>][] = [
      ['salt of 7 bytes', { salt: new Uint8Array(7) }],
      ['parallelism 0', { parallelism: 0 }],
      ['parallelism 256', { parallelism: 256, memoryKiB: 8 * 256 }],
      ['parallelism 1.5', { parallelism: 1.5 }],
      ['passes 0', { passes: 0 }],
      ['tagLength 3', { tagLength: 3 }],
      ['memoryKiB below 8 * p', { memoryKiB: 31 }],
      ['memoryKiB above 2^22', { memoryKiB: 2 ** 22 + 1 }],
      ['memoryKiB NaN', { memoryKiB: Number.NaN }],
      ['password not bytes', { password: 'hunter2' as unknown as Uint8Array }],
      ['secret not bytes', { secret: [1, 2, 3] as unknown as Uint8Array }],
    ];
    const failures: string[] = [];
    for (const [name, change] of bad) {
      const code = outcomeOf(() => provider.argon2id.derive({ ...RFC9106_ARGON2ID, ...change }));
      if (code !== 'INVALID_ARGUMENT') failures.push(`${name}: got ${code}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('Argon2id: node == portable', () => {
  const derive = (params: Argon2idParams) => ({
    node: toHex(nodeProvider.argon2id.derive(params)),
    portable: toHex(portableProvider.argon2id.derive(params)),
  });

  it('on fixed small parameter sets with p = 1 and p = 2', () => {
    for (const parallelism of [1, 2]) {
      const params: Argon2idParams = {
        password: new TextEncoder().encode('correct horse battery staple'),
        salt: new Uint8Array(16).fill(0xa5),
        memoryKiB: 64,
        passes: 2,
        parallelism,
        tagLength: 32,
      };
      const { node, portable } = derive(params);
      expect(portable, `p = ${parallelism}`).toBe(node);
    }
  });

  it('on random small parameter sets', () => {
    const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
    const params = fc
      .record({
        password: bytes(0, 40),
        salt: bytes(8, 32),
        secret: fc.option(bytes(0, 16), { nil: undefined }),
        associatedData: fc.option(bytes(0, 16), { nil: undefined }),
        parallelism: fc.integer({ min: 1, max: 4 }),
        extraKiB: fc.integer({ min: 0, max: 40 }),
        passes: fc.integer({ min: 1, max: 3 }),
        tagLength: fc.integer({ min: 4, max: 80 }),
      })
      .map(({ extraKiB, ...rest }) => ({ ...rest, memoryKiB: 8 * rest.parallelism + extraKiB }));
    fc.assert(
      fc.property(params, (p) => {
        const { node, portable } = derive(p);
        expect(portable).toBe(node);
        expect(node.length).toBe(2 * p.tagLength);
      }),
      { numRuns: process.env.SLOW ? 200 : 12 },
    );
  });
});
