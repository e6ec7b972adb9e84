/**
 * NIST ACVP ML-KEM vectors (ACVP-Server v1.1.0.40, FIPS 203) against both backends, through the
 * provider. Families:
 * - 'acvp/ml-kem-keygen': KeyGen_internal(d, z) gives ek; our API never hands out the expanded
 *   dk, so the expected dk is checked by what it does: decapsulateExpanded(dk, c) must equal
 *   decapsulate(d || z, c) for a fresh ciphertext and for a tampered one (implicit rejection).
 * - 'acvp/ml-kem-encaps': Encaps_internal(ek, m) gives (c, k). Only on backends with
 *   derandomized encapsulation: `node` cannot reproduce c and k from m, and no ek of this file
 *   has a known seed, so on `node` the cases only check that ek is accepted and are not counted.
 * - 'acvp/ml-kem-decaps': Decaps with the expanded dk (valid and modified ciphertexts) gives k.
 * - 'acvp/ml-kem-keycheck': encapsulationKeyCheck (§7.2) and decapsulationKeyCheck (§7.3);
 *   `testPassed` must equal whether our checks accept the key (encapsulate throws
 *   MLKEM_INVALID_ENCAPSULATION_KEY, decapsulateExpanded throws MLKEM_INVALID_DECAPSULATION_KEY).
 *
 * ML-KEM-512 cases are skipped: ML-KEM-512 is not in Sigil's API (MlKemVariant).
 */
import type { CryptoProvider, MlKemVariant } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { SigilError } from '@sigil/errors';
import { toHex } from '@sigil/test-vectors/hex';
import {
  type AcvpMlKemCase,
  type AcvpMlKemKeyCheckCase,
  acvpMlKemEncapDecap,
  acvpMlKemKeyGen,
  mlKemVariant,
} from '@sigil/test-vectors/ml-kem';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { concat } from './helpers.ts';

/** The cases of Sigil's parameter sets, each with its variant (ML-KEM-512 left out). */
function ofSigilVariants<T extends AcvpMlKemCase>(cases: readonly T[]) {
  const kept: (T & { variant: MlKemVariant })[] = [];
  for (const c of cases) {
    const variant = mlKemVariant(c.parameterSet);
    if (variant !== undefined) kept.push({ ...c, variant });
  }
  return kept;
}

const keyGen = ofSigilVariants(acvpMlKemKeyGen());
const encapDecap = acvpMlKemEncapDecap();
const encapsulation = ofSigilVariants(encapDecap.encapsulation);
const decapsulation = ofSigilVariants(encapDecap.decapsulation);
const keyCheck = ofSigilVariants(encapDecap.keyCheck);

function differs(what: string, got: Uint8Array, expected: Uint8Array): string | undefined {
  return toHex(got) === toHex(expected) ? undefined : `${what} differs`;
}

/** Runs `check` on every case and collects failures named by tgId/tcId. */
function collect<T extends AcvpMlKemCase>(
  cases: readonly T[],
  check: (c: T) => string | undefined,
) {
  const failures: string[] = [];
  for (const c of cases) {
    let failure: string | undefined;
    try {
      failure = check(c);
    } catch (error) {
      failure = `threw ${SigilError.is(error) ? error.code : String(error)}`;
    }
    if (failure !== undefined) failures.push(`tgId ${c.tgId} tcId ${c.tcId}: ${failure}`);
  }
  return failures;
}

/** Whether our checks accept the key of a keyCheck case; other errors propagate. */
function accepts(provider: CryptoProvider, variant: MlKemVariant, c: AcvpMlKemKeyCheckCase) {
  const expectedCode =
    c.function === 'encapsulationKeyCheck'
      ? 'MLKEM_INVALID_ENCAPSULATION_KEY'
      : 'MLKEM_INVALID_DECAPSULATION_KEY';
  try {
    if (c.function === 'encapsulationKeyCheck') provider.mlkem.encapsulate(variant, c.key);
    else {
      // Any ciphertext of the right length: the key checks come before decapsulation.
      const ciphertext = new Uint8Array(provider.mlkem.sizes(variant).ciphertext);
      provider.mlkem.decapsulateExpanded(variant, c.key, ciphertext);
    }
    return true;
  } catch (error) {
    if (SigilError.is(error, expectedCode)) return false;
    throw error;
  }
}

describe.each(allProviders())('NIST ACVP ML-KEM ($name)', (provider) => {
  afterAll(() => flushTally());

  it('has every ML-KEM-768/1024 case of the files', () => {
    expect(keyGen.length).toBe(50);
    expect(encapsulation.length).toBe(50);
    expect(decapsulation.length).toBe(20);
    expect(keyCheck.length).toBe(40);
  });

  it('keyGen: (d, z) gives ek, and the expected dk decapsulates like the seed', () => {
    const failures = collect(keyGen, (c) => {
      tally('acvp/ml-kem-keygen', provider.name, 'valid');
      const seed = concat(c.d, c.z);
      const pair = provider.mlkem.generateKeyPair(c.variant, seed);
      const { ciphertext, sharedSecret } = provider.mlkem.encapsulate(c.variant, pair.publicKey);
      const tampered = Uint8Array.from(ciphertext);
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x80;
      return (
        differs('ek', pair.publicKey, c.ek) ??
        differs(
          'dk',
          provider.mlkem.decapsulateExpanded(c.variant, c.dk, ciphertext),
          sharedSecret,
        ) ??
        differs(
          'implicit rejection of dk vs seed',
          provider.mlkem.decapsulateExpanded(c.variant, c.dk, tampered),
          provider.mlkem.decapsulate(c.variant, seed, tampered),
        )
      );
    });
    expect(failures).toEqual([]);
  });

  it('encapsulation: (ek, m) gives (c, k) where derandomized encapsulation exists', () => {
    const derandomized = provider.supports('ml-kem-derandomized-encapsulation');
    const failures = collect(encapsulation, (c) => {
      if (!derandomized) {
        // node: only the acceptance of ek can be checked; c and k cannot, so nothing is counted.
        provider.mlkem.encapsulate(c.variant, c.ek);
        return undefined;
      }
      tally('acvp/ml-kem-encaps', provider.name, 'valid');
      const got = provider.mlkem.encapsulateDerandomized(c.variant, c.ek, c.m);
      return differs('c', got.ciphertext, c.c) ?? differs('k', got.sharedSecret, c.k);
    });
    expect(failures).toEqual([]);
  });

  it('decapsulation: (dk, c) gives k, including the implicit-rejection key', () => {
    const failures = collect(decapsulation, (c) => {
      tally('acvp/ml-kem-decaps', provider.name, 'valid');
      return differs('k', provider.mlkem.decapsulateExpanded(c.variant, c.dk, c.c), c.k);
    });
    expect(failures).toEqual([]);
  });

  it('encapsulationKeyCheck and decapsulationKeyCheck: our checks match testPassed', () => {
    expect(keyCheck.some((c) => !c.testPassed)).toBe(true);
    const failures = collect(keyCheck, (c) => {
      tally('acvp/ml-kem-keycheck', provider.name, c.testPassed ? 'valid' : 'invalid');
      const accepted = accepts(provider, c.variant, c);
      return accepted === c.testPassed
        ? undefined
        : `${c.function}: accepted ${accepted}, testPassed ${c.testPassed}`;
    });
    expect(failures).toEqual([]);
  });
});
