/**
 * Wycheproof HKDF-SHA256 (RFC 5869) and HMAC-SHA256 (RFC 2104) vectors against both backends,
 * through the provider.
 *
 * - HKDF: extract(salt, IKM) then expand(PRK, info, L) must give okm. The invalid cases ask for
 *   L > 255 * 32 bytes: expand throws INVALID_OUTPUT_LENGTH.
 * - HMAC: `hmac.verify` with the vector's tag (full 32 bytes or truncated to 16) is `true` for
 *   valid cases and `false` for invalid ones (modified tags); for valid cases the first
 *   tagSize/8 bytes of `hmac.mac` equal the tag.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { toHex } from '@sigil/test-vectors/hex';
import {
  type HkdfVector,
  loadHkdfSha256,
  loadHmacSha256,
  type MacVector,
} from '@sigil/test-vectors/kdf-mac';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { outcomeOf } from './helpers.ts';

function hkdfCase(provider: CryptoProvider, v: HkdfVector): string | undefined {
  const prk = provider.hkdf.extract('sha256', v.salt, v.ikm);
  if (v.result === 'valid') {
    const okm = provider.hkdf.expand('sha256', prk, v.info, v.size);
    return toHex(okm) === toHex(v.okm) ? undefined : `okm differs (size ${v.size})`;
  }
  const outcome = outcomeOf(() => provider.hkdf.expand('sha256', prk, v.info, v.size));
  return outcome === 'INVALID_OUTPUT_LENGTH'
    ? undefined
    : `${v.result} case (size ${v.size}): expected INVALID_OUTPUT_LENGTH, got ${outcome}`;
}

function hmacCase(provider: CryptoProvider, v: MacVector): string | undefined {
  if (v.tag.length * 8 !== v.tagSize)
    return `tag is ${v.tag.length} bytes, group says ${v.tagSize} bits`;
  const verified = provider.hmac.verify('sha256', v.key, v.msg, v.tag);
  if (v.result === 'valid') {
    if (!verified) return 'verify returned false for a valid tag';
    const full = provider.hmac.mac('sha256', v.key, v.msg);
    if (full.length !== 32) return `mac gave ${full.length} bytes`;
    if (toHex(full.subarray(0, v.tag.length)) !== toHex(v.tag))
      return 'mac prefix differs from tag';
    return undefined;
  }
  return verified ? `${v.result} case: verify returned true` : undefined;
}

const hkdfCases = loadHkdfSha256();
const hmacCases = loadHmacSha256();

afterAll(() => flushTally());

describe.each(allProviders())('Wycheproof KDF and MAC on $name', (provider) => {
  it('HKDF-SHA256 (extract then expand)', () => {
    expect(hkdfCases.length).toBe(86);
    const failures: string[] = [];
    for (const v of hkdfCases) {
      const failure = hkdfCase(provider, v);
      if (failure !== undefined) failures.push(`tcId ${v.tcId}: ${failure}`);
      tally('wycheproof/hkdf-sha256', provider.name, v.result);
    }
    expect(failures).toEqual([]);
  });

  it('HMAC-SHA256 (full and truncated tags)', () => {
    expect(hmacCases.length).toBe(174);
    const failures: string[] = [];
    for (const v of hmacCases) {
      const failure = hmacCase(provider, v);
      if (failure !== undefined) failures.push(`tcId ${v.tcId} (tagSize ${v.tagSize}): ${failure}`);
      tally('wycheproof/hmac-sha256', provider.name, v.result);
    }
    expect(failures).toEqual([]);
  });
});
