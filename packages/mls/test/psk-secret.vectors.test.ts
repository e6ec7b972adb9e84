/**
 * RFC 9420 §8.4 psk_secret against the interop vectors (mls-implementations psk_secret.json),
 * on both backends, for cipher suites 1 and 3: 0 to 10 external PSKs chained in order. Also:
 * a psk_nonce that is not KDF.Nh bytes is refused with MLS_INVALID_PSK_NONCE, and the order of
 * the PSKs matters.
 */
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsPskSecret } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { computePskSecret, type PskInput } from '../src/psk.ts';
import { codeOf, expectBytes, hex, supportedCases } from './helpers.ts';

const FAMILY = 'rfc9420/psk_secret';
const all = loadMlsPskSecret();
const { run: cases, skipped } = supportedCases(all);

afterAll(() => flushTally());

function inputs(c: (typeof cases)[number]): PskInput[] {
  return c.psks.map((p) => ({
    id: { pskType: 'external', pskId: p.pskId, pskNonce: p.pskNonce },
    psk: p.psk,
  }));
}

describe.each(allProviders())(`${FAMILY} ($name backend)`, (provider) => {
  it(`runs the ${cases.length} cases of suites 1 and 3 (skips ${skipped} of suites 2, 4-7)`, () => {
    expect([all.length, cases.length, skipped]).toEqual([77, 22, 55]);
  });

  it('psk_secret matches for every case', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const suite = getCipherSuite(provider, c.cipherSuite);
      expectBytes(failures, c.name, computePskSecret(suite, inputs(c)), c.pskSecret);
      tally(FAMILY, provider.name, 'valid');
    }
    expect(failures).toEqual([]);
  });

  it('refuses a psk_nonce of the wrong length; order matters', () => {
    const c = cases.find((x) => x.psks.length >= 2);
    if (c === undefined) throw new Error('no case with two PSKs');
    const suite = getCipherSuite(provider, c.cipherSuite);
    const psks = inputs(c);
    const first = psks[0] as PskInput;
    const short: PskInput = { ...first, id: { ...first.id, pskNonce: new Uint8Array(31) } };
    expect(codeOf(() => computePskSecret(suite, [short]))).toBe('MLS_INVALID_PSK_NONCE');
    const reversed = computePskSecret(suite, [...psks].reverse());
    expect(hex(reversed)).not.toBe(hex(c.pskSecret));
    expect(hex(computePskSecret(suite, []))).toBe('00'.repeat(32));
  });
});
