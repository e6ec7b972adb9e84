/**
 * Wycheproof AEAD vectors against both backends: AES-GCM (NIST SP 800-38D) and
 * ChaCha20-Poly1305 (RFC 8439 §2.8), through the provider (so defineProvider's checks run).
 *
 * - Valid case: seal gives ct || tag exactly, and open gives msg back.
 * - Invalid case with a 96-bit nonce (modified tag, edge-case tags): open throws
 *   AEAD_AUTHENTICATION_FAILED.
 * - Any case with a nonce other than 96 bits: Sigil's API accepts only 12-byte nonces, so
 *   seal and open both throw INVALID_NONCE_LENGTH, whatever the Wycheproof result (for AES-GCM
 *   most of those cases are "valid" GCM with a GHASH-derived J0; they are tallied under their
 *   own result).
 * - AES-192 groups are skipped: aes-192-gcm is not in Sigil's API.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { type AeadVector, loadAesGcm, loadChaCha20Poly1305 } from '@sigil/test-vectors/aead';
import { toHex } from '@sigil/test-vectors/hex';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { concat, outcomeOf } from './helpers.ts';

type Algorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';

/** Runs one case; returns the failure description, or undefined when it behaved. */
function runCase(
  provider: CryptoProvider,
  algorithm: Algorithm,
  v: AeadVector,
): string | undefined {
  const sealed = concat(v.ct, v.tag);
  if (v.ivSize !== 96) {
    const seal = outcomeOf(() => provider.aead.seal(algorithm, v.key, v.iv, v.msg, v.aad));
    const open = outcomeOf(() => provider.aead.open(algorithm, v.key, v.iv, sealed, v.aad));
    if (seal !== 'INVALID_NONCE_LENGTH' || open !== 'INVALID_NONCE_LENGTH') {
      return `ivSize ${v.ivSize}: expected INVALID_NONCE_LENGTH, seal gave ${seal}, open gave ${open}`;
    }
    return undefined;
  }
  if (v.result === 'valid') {
    const got = provider.aead.seal(algorithm, v.key, v.iv, v.msg, v.aad);
    if (toHex(got) !== toHex(sealed)) return 'seal output differs from ct || tag';
    let opened: Uint8Array | undefined;
    const open = outcomeOf(() => {
      opened = provider.aead.open(algorithm, v.key, v.iv, sealed, v.aad);
    });
    if (open !== 'ok') return `open threw ${open}`;
    if (opened === undefined || toHex(opened) !== toHex(v.msg))
      return 'open output differs from msg';
    return undefined;
  }
  const open = outcomeOf(() => provider.aead.open(algorithm, v.key, v.iv, sealed, v.aad));
  if (open !== 'AEAD_AUTHENTICATION_FAILED') {
    return `${v.result} case: expected AEAD_AUTHENTICATION_FAILED, open gave ${open}`;
  }
  return undefined;
}

/** Runs every case, tallies it, and returns the failures (one line per tcId). */
function runAll(
  provider: CryptoProvider,
  family: string,
  cases: readonly { algorithm: Algorithm; vector: AeadVector }[],
): string[] {
  const failures: string[] = [];
  for (const { algorithm, vector } of cases) {
    const failure = runCase(provider, algorithm, vector);
    if (failure !== undefined) failures.push(`tcId ${vector.tcId} (${algorithm}): ${failure}`);
    tally(family, provider.name, vector.result);
  }
  return failures;
}

const AES_BY_KEY_SIZE: Readonly<Record<number, Algorithm>> = {
  128: 'aes-128-gcm',
  256: 'aes-256-gcm',
};

// AES-192 groups (keySize 192) are skipped on purpose: aes-192-gcm is not in Sigil's API.
const aesCases = loadAesGcm().flatMap((vector) => {
  const algorithm = AES_BY_KEY_SIZE[vector.keySize];
  return algorithm === undefined ? [] : [{ algorithm, vector }];
});
const chachaCases = loadChaCha20Poly1305().map((vector) => ({
  algorithm: 'chacha20-poly1305' as const,
  vector,
}));

afterAll(() => flushTally());

describe.each(allProviders())('Wycheproof AEAD on $name', (provider) => {
  it('AES-GCM (AES-128 and AES-256 groups)', () => {
    expect(aesCases.length).toBe(316 - 103); // every AES-128 and AES-256 case of the file
    expect(runAll(provider, 'wycheproof/aes-gcm', aesCases)).toEqual([]);
  });

  it('ChaCha20-Poly1305', () => {
    expect(chachaCases.length).toBe(325);
    expect(runAll(provider, 'wycheproof/chacha20-poly1305', chachaCases)).toEqual([]);
  });
});
