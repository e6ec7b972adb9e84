/**
 * Ed25519 verification vectors (RFC 8032 §5.1.7) against both backends, through the provider so
 * that the strict point policy of define-provider.ts runs (docs/crypto-policy.md, "Ed25519
 * verification").
 *
 * - Wycheproof ed25519_test.json (family 'wycheproof/ed25519'): valid -> `verify` is true,
 *   invalid -> false (never a throw; wrong-length signatures included). No group of the v1 file
 *   carries a private key, so signing is checked on the groups whose key is one of RFC 8032
 *   §7.1's test keys: `sign` with the RFC's secret must reproduce every valid signature.
 * - CCTV ed25519vectors.json (family 'cctv/ed25519'): the file has no expected result; Sigil's
 *   decision is derived from the flags by {@link sigilAccepts} and both backends must agree
 *   with it on every vector. Tallied 'valid' when Sigil accepts, 'invalid' when it rejects.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import {
  type CctvEd25519Flag,
  loadCctvEd25519,
  loadEd25519Wycheproof,
} from '@sigil/test-vectors/ed25519';
import { fromHex, toHex } from '@sigil/test-vectors/hex';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';

const wycheproof = loadEd25519Wycheproof();
const cctv = loadCctvEd25519();

/**
 * Why each CCTV flag makes Sigil reject (flags not listed never cause a rejection):
 * - low_order_A, low_order_R: the strict policy rejects small-order points outright
 *   (internal/ed25519-policy.ts), as ed25519-dalek's verify_strict does;
 * - non_canonical_A, non_canonical_R: RFC 8032 §5.1.3 / FIPS 186-5 decoding requires y < p (and
 *   no "x = 0 with sign bit set"); every such vector is also low_order;
 * - low_order_residue: the low-order parts of R and [k]A do not cancel, so the cofactorless
 *   equation [S]B = R + [k]A fails (only a cofactored verifier accepts);
 * - reencoded_k: k was computed over the canonical re-encoding of a non-canonical A or R; Sigil
 *   hashes the bytes as received, so the equation fails too. It only occurs together with
 *   non_canonical_*, which already rejects.
 *
 * low_order_component_A / low_order_component_R alone do not reject: a point with both a
 * prime-order and a low-order component cannot be blocklisted, and in these vectors the
 * low-order parts cancel, so the cofactorless equation holds (verify_strict accepts them too).
 */
const REJECTING_FLAGS: ReadonlySet<CctvEd25519Flag> = new Set<CctvEd25519Flag>([
  'low_order_A',
  'low_order_R',
  'non_canonical_A',
  'non_canonical_R',
  'low_order_residue',
  'reencoded_k',
]);

/** Sigil's expected decision for a CCTV vector, from its flags. */
function sigilAccepts(flags: ReadonlySet<CctvEd25519Flag>): boolean {
  for (const flag of flags) if (REJECTING_FLAGS.has(flag)) return false;
  return true;
}

/** RFC 8032 §7.1 test secrets (TEST 1, 2, 3 and 1024), hex; the file has their Ktv cases. */
const RFC8032_SECRETS = [
  '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
  'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
  'f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5',
].map(fromHex);

/** verify() must return a boolean and never throw; a throw is reported as a failure. */
function verifyOutcome(
  provider: CryptoProvider,
  key: Uint8Array,
  msg: Uint8Array,
  sig: Uint8Array,
) {
  try {
    return provider.ed25519.verify(key, msg, sig);
  } catch (error) {
    return `threw ${error instanceof Error ? error.message : String(error)}`;
  }
}

describe.each(allProviders())('Ed25519 vectors ($name)', (provider) => {
  afterAll(() => flushTally());

  it('Wycheproof: valid signatures verify, invalid ones return false', () => {
    expect(wycheproof.length).toBe(151);
    const failures: string[] = [];
    for (const c of wycheproof) {
      const got = verifyOutcome(provider, c.publicKey, c.message, c.signature);
      const want = c.result === 'valid';
      if (got !== want) failures.push(`tcId ${c.tcId} [${c.flags.join(',')}]: got ${got}`);
      tally('wycheproof/ed25519', provider.name, c.result);
    }
    expect(failures).toEqual([]);
  });

  it('Wycheproof: signing with the RFC 8032 test secrets reproduces the valid signatures', () => {
    const byPublicKey = new Map(
      RFC8032_SECRETS.map((secret) => [toHex(provider.ed25519.publicKey(secret)), secret]),
    );
    const failures: string[] = [];
    const signed: number[] = [];
    for (const c of wycheproof) {
      const secret = byPublicKey.get(toHex(c.publicKey));
      if (secret === undefined || c.result !== 'valid') continue;
      signed.push(c.tcId);
      const sig = toHex(provider.ed25519.sign(secret, c.message));
      if (sig !== toHex(c.signature)) failures.push(`tcId ${c.tcId}: signature differs`);
    }
    expect(failures).toEqual([]);
    // The valid cases under the RFC 8032 keys (tcId 151 also uses TEST 1's key; it is invalid).
    expect(signed).toEqual([80, 81, 82, 83]);
  });

  it('CCTV: every vector gets the strict decision derived from its flags', () => {
    const failures: string[] = [];
    let accepted = 0;
    for (const v of cctv) {
      const want = sigilAccepts(v.flags);
      const got = verifyOutcome(provider, v.publicKey, v.message, v.signature);
      if (got !== want) failures.push(`vector ${v.number} [${[...v.flags].join(',')}]: got ${got}`);
      if (want) accepted += 1;
      tally('cctv/ed25519', provider.name, want ? 'valid' : 'invalid');
    }
    expect(failures).toEqual([]);
    // The counts docs/crypto-policy.md states.
    expect({ total: cctv.length, accepted }).toEqual({ total: 914, accepted: 43 });
  });

  it('CCTV: reencoded_k occurs only with a non-canonical point (so it is decided by that)', () => {
    const strays = cctv.filter(
      (v) =>
        v.flags.has('reencoded_k') &&
        !v.flags.has('non_canonical_A') &&
        !v.flags.has('non_canonical_R'),
    );
    expect(strays.map((v) => v.number)).toEqual([]);
  });
});
