/**
 * Wycheproof X25519 vectors (RFC 7748 §5, §6.1) against both backends, through the provider so
 * that define-provider.ts's all-zero check runs. Family 'wycheproof/x25519'.
 *
 * Policy for the 'acceptable' cases (docs/crypto-policy.md, "X25519"):
 * - expected shared secret all zero (flag ZeroSharedSecret: low-order public keys, some of them
 *   non-canonical or on the twist): `sharedSecret` must throw X25519_LOW_ORDER_POINT, as
 *   RFC 7748 §6.1 lets a protocol do, so that a peer cannot force a known secret;
 * - any other acceptable case (Twist, NonCanonicalPublic, EdgeCaseMultiplication, ...): the
 *   plain RFC 7748 result, i.e. the expected `shared` value.
 * Valid cases must give `shared`. The file has no invalid case; one would be asserted to throw
 * X25519_LOW_ORDER_POINT, the only error an X25519 input of the right length can raise.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { SigilError } from '@sigil/errors';
import { toHex } from '@sigil/test-vectors/hex';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { loadX25519, type X25519Case } from '@sigil/test-vectors/x25519';
import { afterAll, describe, expect, it } from 'vitest';

const FAMILY = 'wycheproof/x25519';
const cases = loadX25519();

function isAllZero(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0);
}

/** What Sigil must do with a case: return the shared secret, or throw this code. */
function expectationOf(c: X25519Case): { shared: string } | { code: 'X25519_LOW_ORDER_POINT' } {
  if (c.result === 'invalid' || isAllZero(c.shared)) return { code: 'X25519_LOW_ORDER_POINT' };
  return { shared: toHex(c.shared) };
}

/** Runs one case; returns the failure description, or undefined when it behaved. */
function runCase(provider: CryptoProvider, c: X25519Case): string | undefined {
  const expected = expectationOf(c);
  let got: string;
  try {
    got = toHex(provider.x25519.sharedSecret(c.secretKey, c.publicKey));
  } catch (error) {
    const code = SigilError.is(error) ? error.code : String(error);
    if ('code' in expected && code === expected.code) return undefined;
    return `threw ${code}, expected ${'code' in expected ? expected.code : expected.shared}`;
  }
  if ('shared' in expected && got === expected.shared) return undefined;
  return `returned ${got}, expected ${'code' in expected ? expected.code : expected.shared}`;
}

describe.each(allProviders())('Wycheproof X25519 ($name)', (provider) => {
  afterAll(() => flushTally());

  it('has every case of the file', () => {
    expect(cases.length).toBe(518);
    expect(cases.filter((c) => c.result === 'acceptable' && isAllZero(c.shared)).length).toBe(31);
  });

  it('gives the RFC 7748 result, and X25519_LOW_ORDER_POINT for an all-zero one', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const failure = runCase(provider, c);
      if (failure !== undefined) failures.push(`tcId ${c.tcId} [${c.flags.join(',')}]: ${failure}`);
      tally(FAMILY, provider.name, c.result);
    }
    expect(failures).toEqual([]);
  });
});
