/**
 * Wycheproof ML-KEM-768/1024 vectors (FIPS 203 final) against both backends, through the
 * provider so that define-provider.ts's length and §7.2 checks run. Families:
 * - 'wycheproof/ml-kem-keygen' (KeyGen_internal from the seed d || z, §7.1);
 * - 'wycheproof/ml-kem-encaps' (Encaps_internal(ek, m), §7.2 input check);
 * - 'wycheproof/ml-kem-decaps' (Decaps with the seed form of the key, §7.3);
 * - 'wycheproof/ml-kem-expanded-decaps' (Decaps with the expanded dk and its §7.3 checks).
 *
 * Our API returns ek and the seed, never the expanded dk, so a keygen case's dk is checked by
 * what it does: decapsulateExpanded(dk, c) must equal decapsulate(seed, c) for a fresh
 * ciphertext and for a tampered one (the implicit-rejection key, which depends on z).
 *
 * Invalid cases must raise the code the contract names: a seed of the wrong length
 * INVALID_KEY_LENGTH, a ciphertext of the wrong length MLKEM_INVALID_CIPHERTEXT_LENGTH, an ek
 * that is not reduced or of the wrong length MLKEM_INVALID_ENCAPSULATION_KEY, a dk of the wrong
 * length INVALID_KEY_LENGTH and a dk failing the §7.3 hash check MLKEM_INVALID_DECAPSULATION_KEY.
 */
import type { CryptoProvider, MlKemVariant } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { type ErrorCode, SigilError } from '@sigil/errors';
import { toHex } from '@sigil/test-vectors/hex';
import {
  ML_KEM_VARIANTS,
  type MlKemEncapsCase,
  wycheproofMlKemDecaps,
  wycheproofMlKemEncaps,
  wycheproofMlKemExpandedDecaps,
  wycheproofMlKemKeyGen,
} from '@sigil/test-vectors/ml-kem';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';

const vectors = ML_KEM_VARIANTS.map((variant) => ({
  variant,
  keygen: wycheproofMlKemKeyGen(variant),
  encaps: wycheproofMlKemEncaps(variant),
  decaps: wycheproofMlKemDecaps(variant),
  expanded: wycheproofMlKemExpandedDecaps(variant),
}));

/** The SigilError code `fn` throws, `undefined` if it returns, or a note on a foreign error. */
function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return SigilError.is(error) ? error.code : `non-SigilError ${String(error)}`;
  }
}

/** A describing failure, or undefined when `got` equals `expected`. */
function differs(what: string, got: Uint8Array, expected: Uint8Array): string | undefined {
  return toHex(got) === toHex(expected) ? undefined : `${what} differs`;
}

/**
 * Checks an expanded dk by what it does: it must decapsulate like the seed it was made from,
 * both a fresh ciphertext and a tampered one (implicit rejection uses z).
 */
function expandedKeyFailure(
  provider: CryptoProvider,
  variant: MlKemVariant,
  seed: Uint8Array,
  ek: Uint8Array,
  dk: Uint8Array,
): string | undefined {
  const { ciphertext, sharedSecret } = provider.mlkem.encapsulate(variant, ek);
  const tampered = Uint8Array.from(ciphertext);
  tampered[0] = (tampered[0] as number) ^ 1;
  return (
    differs(
      'decapsulate(seed)',
      provider.mlkem.decapsulate(variant, seed, ciphertext),
      sharedSecret,
    ) ??
    differs(
      'decapsulateExpanded(dk)',
      provider.mlkem.decapsulateExpanded(variant, dk, ciphertext),
      sharedSecret,
    ) ??
    differs(
      'implicit rejection of dk vs seed',
      provider.mlkem.decapsulateExpanded(variant, dk, tampered),
      provider.mlkem.decapsulate(variant, seed, tampered),
    )
  );
}

/** The code an invalid seed-decapsulation case must raise, from its comment. */
function decapsErrorOf(comment: string): ErrorCode | undefined {
  if (/^Private key too (short|long)$/.test(comment)) return 'INVALID_KEY_LENGTH';
  if (/^Ciphertext too (short|long)$/.test(comment)) return 'MLKEM_INVALID_CIPHERTEXT_LENGTH';
  return undefined;
}

/** The code an invalid expanded-dk case must raise, from its flag. */
function expandedErrorOf(flags: readonly string[]): ErrorCode | undefined {
  if (flags.includes('IncorrectCiphertextLength')) return 'MLKEM_INVALID_CIPHERTEXT_LENGTH';
  if (flags.includes('IncorrectDecapsulationKeyLength')) return 'INVALID_KEY_LENGTH';
  if (flags.includes('InvalidDecapsulationKey')) return 'MLKEM_INVALID_DECAPSULATION_KEY';
  return undefined;
}

/**
 * An encaps case on the `node` backend, which has no derandomized encapsulation and so cannot
 * reproduce c and K from (ek, m). What node can check:
 * - invalid case: `encapsulate(ek)` must throw MLKEM_INVALID_ENCAPSULATION_KEY;
 * - valid case whose ek is also in the keygen/decaps files (so its seed is known): ek is
 *   accepted, a random encapsulation to it decapsulates with the seed to the same secret, and
 *   the vector's c decapsulates with the seed to the vector's K.
 * Returns `tallied: false` for a valid case with no known seed: node then checks only that ek is
 * accepted and the output sizes, which says nothing about the vector's c and K.
 */
function nodeEncapsCase(
  provider: CryptoProvider,
  c: MlKemEncapsCase,
  seedOfEk: ReadonlyMap<string, Uint8Array>,
): { failure: string | undefined; tallied: boolean } {
  if (c.result === 'invalid') {
    const code = thrownCode(() => provider.mlkem.encapsulate(c.variant, c.ek));
    const ok = code === 'MLKEM_INVALID_ENCAPSULATION_KEY';
    return { failure: ok ? undefined : `got ${code}, expected rejection of ek`, tallied: true };
  }
  const fresh = provider.mlkem.encapsulate(c.variant, c.ek);
  const sizes = provider.mlkem.sizes(c.variant);
  if (fresh.ciphertext.length !== sizes.ciphertext || fresh.sharedSecret.length !== 32) {
    return { failure: 'encapsulate gave outputs of the wrong size', tallied: true };
  }
  const seed = seedOfEk.get(toHex(c.ek));
  if (seed === undefined) return { failure: undefined, tallied: false };
  const failure =
    differs(
      'round trip',
      provider.mlkem.decapsulate(c.variant, seed, fresh.ciphertext),
      fresh.sharedSecret,
    ) ?? differs('K of the vector c', provider.mlkem.decapsulate(c.variant, seed, c.c), c.K);
  return { failure, tallied: true };
}

/** A portable encaps case: Encaps_internal(ek, m) gives (c, K), or ek is rejected. */
function derandomizedEncapsFailure(
  provider: CryptoProvider,
  c: MlKemEncapsCase,
): string | undefined {
  if (c.result === 'invalid') {
    const code = thrownCode(() => provider.mlkem.encapsulateDerandomized(c.variant, c.ek, c.m));
    return code === 'MLKEM_INVALID_ENCAPSULATION_KEY'
      ? undefined
      : `got ${code}, expected rejection`;
  }
  const got = provider.mlkem.encapsulateDerandomized(c.variant, c.ek, c.m);
  return differs('c', got.ciphertext, c.c) ?? differs('K', got.sharedSecret, c.K);
}

describe.each(allProviders())('Wycheproof ML-KEM ($name)', (provider) => {
  afterAll(() => flushTally());

  describe.each(vectors)('$variant', ({ variant, keygen, encaps, decaps, expanded }) => {
    it('has every case of the files', () => {
      expect(keygen.length).toBe(100);
      expect(decaps.length).toBe(193);
      expect(encaps.length).toBe(variant === 'ml-kem-768' ? 265 : 269);
      expect(expanded.length).toBe(9);
    });

    it('keygen from the seed gives ek, and dk decapsulates like the seed', () => {
      const failures: string[] = [];
      for (const c of keygen) {
        let failure: string | undefined;
        try {
          const pair = provider.mlkem.generateKeyPair(variant, c.seed);
          failure =
            differs('ek', pair.publicKey, c.ek) ??
            expandedKeyFailure(provider, variant, c.seed, c.ek, c.dk);
        } catch (error) {
          failure = `threw ${String(error)}`;
        }
        if (c.result !== 'valid') failure = `unexpected result ${c.result}`;
        if (failure !== undefined) failures.push(`tcId ${c.tcId}: ${failure}`);
        tally('wycheproof/ml-kem-keygen', provider.name, c.result);
      }
      expect(failures).toEqual([]);
    });

    it('decapsulation with the seed gives K, or the length error', () => {
      const failures: string[] = [];
      for (const c of decaps) {
        let failure: string | undefined;
        if (c.result === 'valid') {
          try {
            failure = differs('K', provider.mlkem.decapsulate(variant, c.seed, c.c), c.K);
            if (failure === undefined && c.ek !== undefined) {
              failure = differs(
                'ek',
                provider.mlkem.generateKeyPair(variant, c.seed).publicKey,
                c.ek,
              );
            }
          } catch (error) {
            failure = `threw ${String(error)}`;
          }
        } else {
          const expected = decapsErrorOf(c.comment);
          const code = thrownCode(() => provider.mlkem.decapsulate(variant, c.seed, c.c));
          if (expected === undefined) failure = `no expected error for "${c.comment}"`;
          else if (code !== expected) failure = `got ${code}, expected ${expected}`;
        }
        if (failure !== undefined) failures.push(`tcId ${c.tcId} (${c.comment}): ${failure}`);
        tally('wycheproof/ml-kem-decaps', provider.name, c.result);
      }
      expect(failures).toEqual([]);
    });

    it('decapsulation with the expanded dk gives K, or the §7.3 / length error', () => {
      const failures: string[] = [];
      for (const c of expanded) {
        let failure: string | undefined;
        if (c.result === 'valid') {
          try {
            const got = provider.mlkem.decapsulateExpanded(variant, c.dk, c.c);
            failure = c.K === undefined ? 'vector has no K' : differs('K', got, c.K);
          } catch (error) {
            failure = `threw ${String(error)}`;
          }
        } else {
          const expected = expandedErrorOf(c.flags);
          const code = thrownCode(() => provider.mlkem.decapsulateExpanded(variant, c.dk, c.c));
          if (expected === undefined) failure = `no expected error for [${c.flags.join(',')}]`;
          else if (code !== expected) failure = `got ${code}, expected ${expected}`;
        }
        if (failure !== undefined) failures.push(`tcId ${c.tcId} (${c.comment}): ${failure}`);
        tally('wycheproof/ml-kem-expanded-decaps', provider.name, c.result);
      }
      expect(failures).toEqual([]);
    });

    it('encapsulation gives (c, K) from (ek, m), and rejects ek failing the §7.2 check', () => {
      const failures: string[] = [];
      if (provider.supports('ml-kem-derandomized-encapsulation')) {
        for (const c of encaps) {
          let failure: string | undefined;
          try {
            failure = derandomizedEncapsFailure(provider, c);
          } catch (error) {
            failure = `threw ${String(error)}`;
          }
          if (failure !== undefined) failures.push(`tcId ${c.tcId}: ${failure}`);
          tally('wycheproof/ml-kem-encaps', provider.name, c.result);
        }
        expect(failures).toEqual([]);
        return;
      }
      // node: see nodeEncapsCase for what it can and cannot check.
      const seedOfEk = new Map<string, Uint8Array>();
      for (const c of [...keygen, ...decaps]) {
        if (c.ek !== undefined && c.seed.length === 64) seedOfEk.set(toHex(c.ek), c.seed);
      }
      let untallied = 0;
      for (const c of encaps) {
        let outcome: { failure: string | undefined; tallied: boolean };
        try {
          outcome = nodeEncapsCase(provider, c, seedOfEk);
        } catch (error) {
          outcome = { failure: `threw ${String(error)}`, tallied: true };
        }
        if (outcome.failure !== undefined) failures.push(`tcId ${c.tcId}: ${outcome.failure}`);
        if (outcome.tallied) tally('wycheproof/ml-kem-encaps', provider.name, c.result);
        else untallied += 1;
      }
      expect(failures).toEqual([]);
      // The three keys made of zero secret and/or zero error have no seed in the other files.
      expect(untallied).toBe(3);
    });
  });
});
