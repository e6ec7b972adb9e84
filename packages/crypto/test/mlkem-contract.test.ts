/**
 * The ML-KEM part of the CryptoProvider contract (provider.ts `MlKemFamily`, FIPS 203) on both
 * backends and across them: round trips, sizes, the error code of every wrong input, implicit
 * rejection of a tampered ciphertext (§6.3), the checks on an expanded dk (§7.3 hash check plus
 * the consistency checks both backends make) and redaction of key pairs.
 *
 * Expanded dks are made with @noble/post-quantum directly, as an independent reference.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import type { CryptoProvider, MlKemVariant } from '@sigil/crypto';
import { nodeProvider } from '@sigil/crypto/node';
import { portableProvider } from '@sigil/crypto/portable';
import { allProviders } from '@sigil/crypto/testing';
import { type ErrorCode, SigilError } from '@sigil/errors';
import { toHex } from '@sigil/test-vectors/hex';
import { describe, expect, it } from 'vitest';

const VARIANTS = [
  { variant: 'ml-kem-768', k: 3, noble: ml_kem768, ek: 1184, dk: 2400, ct: 1088 },
  { variant: 'ml-kem-1024', k: 4, noble: ml_kem1024, ek: 1568, dk: 3168, ct: 1568 },
] as const;

/** A fixed seed per test, so failures reproduce. */
function seedOf(label: number): Uint8Array {
  return Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + label * 31) & 0xff);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return SigilError.is(error) ? error.code : `non-SigilError ${String(error)}`;
  }
}

function expectCode(fn: () => unknown, code: ErrorCode, what: string): void {
  expect(codeOf(fn), what).toBe(code);
}

function flipped(bytes: Uint8Array, index: number, mask = 1): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] = (copy[index] as number) ^ mask;
  return copy;
}

/** Stores SHA3-256 of dk's embedded ek as its H(ek), so only other checks can reject it. */
function rehashed(dk: Uint8Array, k: number): Uint8Array {
  const copy = Uint8Array.from(dk);
  copy.set(
    createHash('sha3-256')
      .update(copy.subarray(384 * k, 768 * k + 32))
      .digest(),
    768 * k + 32,
  );
  return copy;
}

/** Sets the first 12-bit coefficient at `offset` to 4095 (>= q) in a copy of `bytes`. */
function unreducedAt(bytes: Uint8Array, offset: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[offset] = 0xff;
  copy[offset + 1] = (copy[offset + 1] as number) | 0x0f;
  return copy;
}

describe.each(allProviders())('ML-KEM contract ($name)', (provider: CryptoProvider) => {
  describe.each(VARIANTS)('$variant', ({ variant, k, noble, ek: ekLength, dk: dkLength, ct }) => {
    it('has the FIPS 203 sizes', () => {
      expect(provider.supports(variant)).toBe(true);
      expect(provider.mlkem.sizes(variant)).toEqual({
        encapsulationKey: ekLength,
        decapsulationKey: dkLength,
        ciphertext: ct,
        sharedSecret: 32,
        seed: 64,
      });
    });

    it('round-trips a fresh key pair, with outputs the caller owns', () => {
      const pair = provider.mlkem.generateKeyPair(variant);
      expect(pair.publicKey.length).toBe(ekLength);
      expect(pair.secretKey.length).toBe(64);
      const { ciphertext, sharedSecret } = provider.mlkem.encapsulate(variant, pair.publicKey);
      expect(ciphertext.length).toBe(ct);
      expect(sharedSecret.length).toBe(32);
      expect(sharedSecret.buffer.byteLength).toBe(32);
      const ciphertextCopy = Uint8Array.from(ciphertext);
      const seedCopy = Uint8Array.from(pair.secretKey);
      const decapsulated = provider.mlkem.decapsulate(variant, pair.secretKey, ciphertext);
      expect(toHex(decapsulated)).toBe(toHex(sharedSecret));
      expect(decapsulated.buffer.byteLength).toBe(32);
      expect(toHex(ciphertext), 'ciphertext untouched').toBe(toHex(ciphertextCopy));
      expect(toHex(pair.secretKey), 'seed untouched').toBe(toHex(seedCopy));
      // Fresh randomness: a second encapsulation differs.
      const again = provider.mlkem.encapsulate(variant, pair.publicKey);
      expect(toHex(again.ciphertext)).not.toBe(toHex(ciphertext));
    });

    it('derives the key pair from a given seed deterministically', () => {
      const seed = seedOf(1);
      const a = provider.mlkem.generateKeyPair(variant, seed);
      const b = provider.mlkem.generateKeyPair(variant, Uint8Array.from(seed));
      expect(toHex(a.publicKey)).toBe(toHex(b.publicKey));
      expect(toHex(a.secretKey)).toBe(toHex(seed));
      expect(toHex(a.publicKey)).toBe(toHex(noble.keygen(seed).publicKey));
    });

    it('gives a tampered ciphertext the implicit-rejection key (FIPS 203 §6.3)', () => {
      const pair = provider.mlkem.generateKeyPair(variant, seedOf(2));
      const { ciphertext, sharedSecret } = provider.mlkem.encapsulate(variant, pair.publicKey);
      for (const index of [0, ct >> 1, ct - 1]) {
        const tampered = flipped(ciphertext, index);
        const rejected = provider.mlkem.decapsulate(variant, pair.secretKey, tampered);
        expect(rejected.length).toBe(32);
        expect(toHex(rejected), `byte ${index}`).not.toBe(toHex(sharedSecret));
        const again = provider.mlkem.decapsulate(variant, pair.secretKey, tampered);
        expect(toHex(again), 'deterministic').toBe(toHex(rejected));
      }
    });

    it('raises the contract code for every wrong length or malformed input', () => {
      const pair = provider.mlkem.generateKeyPair(variant, seedOf(3));
      const { ciphertext } = provider.mlkem.encapsulate(variant, pair.publicKey);
      const dk = noble.keygen(seedOf(3)).secretKey;
      for (const length of [0, 32, 63, 65, 96]) {
        const seed = new Uint8Array(length);
        expectCode(
          () => provider.mlkem.generateKeyPair(variant, seed),
          'INVALID_KEY_LENGTH',
          `seed ${length}`,
        );
        expectCode(
          () => provider.mlkem.decapsulate(variant, seed, ciphertext),
          'INVALID_KEY_LENGTH',
          `decapsulate seed ${length}`,
        );
      }
      for (const length of [0, ct - 1, ct + 1]) {
        const bad = new Uint8Array(length);
        expectCode(
          () => provider.mlkem.decapsulate(variant, pair.secretKey, bad),
          'MLKEM_INVALID_CIPHERTEXT_LENGTH',
          `ciphertext ${length}`,
        );
        expectCode(
          () => provider.mlkem.decapsulateExpanded(variant, dk, bad),
          'MLKEM_INVALID_CIPHERTEXT_LENGTH',
          `expanded ciphertext ${length}`,
        );
      }
      for (const length of [0, ekLength - 1, ekLength + 1]) {
        expectCode(
          () => provider.mlkem.encapsulate(variant, new Uint8Array(length)),
          'MLKEM_INVALID_ENCAPSULATION_KEY',
          `ek ${length}`,
        );
      }
      for (const length of [64, dkLength - 1, dkLength + 1]) {
        expectCode(
          () => provider.mlkem.decapsulateExpanded(variant, new Uint8Array(length), ciphertext),
          'INVALID_KEY_LENGTH',
          `dk ${length}`,
        );
      }
      // The last coefficient of t̂ set to 4095 (>= q): the FIPS 203 §7.2 modulus check.
      expectCode(
        () => provider.mlkem.encapsulate(variant, unreducedAt(pair.publicKey, 384 * k - 3)),
        'MLKEM_INVALID_ENCAPSULATION_KEY',
        'unreduced ek',
      );
      expectCode(
        () => provider.mlkem.encapsulate(variant, 'not bytes' as unknown as Uint8Array),
        'INVALID_ARGUMENT',
        'ek not a Uint8Array',
      );
    });

    it('decapsulates with an expanded dk only after checking it', () => {
      const seed = seedOf(4);
      const dk = noble.keygen(seed).secretKey;
      const pair = provider.mlkem.generateKeyPair(variant, seed);
      const { ciphertext, sharedSecret } = provider.mlkem.encapsulate(variant, pair.publicKey);
      expect(toHex(provider.mlkem.decapsulateExpanded(variant, dk, ciphertext))).toBe(
        toHex(sharedSecret),
      );
      const invalid: [string, Uint8Array][] = [
        ['H(ek) corrupted (§7.3 hash check)', flipped(dk, 768 * k + 40)],
        ['embedded ek corrupted (§7.3 hash check)', flipped(dk, 384 * k + 5)],
        ['embedded ek changed, H(ek) recomputed', rehashed(flipped(dk, 384 * k + 5), k)],
        ['embedded ek unreduced, H(ek) recomputed', rehashed(unreducedAt(dk, 384 * k), k)],
        ['s unreduced', unreducedAt(dk, 0)],
        ['s changed', flipped(dk, 10, 0x10)],
      ];
      for (const [what, bad] of invalid) {
        expectCode(
          () => provider.mlkem.decapsulateExpanded(variant, bad, ciphertext),
          'MLKEM_INVALID_DECAPSULATION_KEY',
          what,
        );
      }
      // z cannot be checked: a changed z only changes the implicit-rejection key.
      const otherZ = flipped(dk, dkLength - 1);
      expect(toHex(provider.mlkem.decapsulateExpanded(variant, otherZ, ciphertext))).toBe(
        toHex(sharedSecret),
      );
      const tampered = flipped(ciphertext, 0);
      expect(toHex(provider.mlkem.decapsulateExpanded(variant, otherZ, tampered))).not.toBe(
        toHex(provider.mlkem.decapsulateExpanded(variant, dk, tampered)),
      );
    });

    it('offers derandomized encapsulation only where the backend has it', () => {
      const pair = provider.mlkem.generateKeyPair(variant, seedOf(5));
      const m = new Uint8Array(32).fill(0x42);
      if (!provider.supports('ml-kem-derandomized-encapsulation')) {
        expectCode(
          () => provider.mlkem.encapsulateDerandomized(variant, pair.publicKey, m),
          'UNSUPPORTED_ALGORITHM',
          'derandomized on a backend without it',
        );
        return;
      }
      const a = provider.mlkem.encapsulateDerandomized(variant, pair.publicKey, m);
      const b = provider.mlkem.encapsulateDerandomized(variant, pair.publicKey, Uint8Array.from(m));
      expect(toHex(a.ciphertext)).toBe(toHex(b.ciphertext));
      expect(toHex(provider.mlkem.decapsulate(variant, pair.secretKey, a.ciphertext))).toBe(
        toHex(a.sharedSecret),
      );
      expect(toHex(m), 'm untouched').toBe('42'.repeat(32));
      for (const length of [0, 31, 33]) {
        expectCode(
          () =>
            provider.mlkem.encapsulateDerandomized(variant, pair.publicKey, new Uint8Array(length)),
          'INVALID_ARGUMENT',
          `m ${length}`,
        );
      }
      expectCode(
        () => provider.mlkem.encapsulateDerandomized(variant, new Uint8Array(10), m),
        'MLKEM_INVALID_ENCAPSULATION_KEY',
        'derandomized ek length',
      );
    });

    it('prints key pairs redacted', () => {
      const seed = seedOf(6);
      const pair = provider.mlkem.generateKeyPair(variant, seed);
      const seedHex = toHex(seed);
      for (const printed of [inspect(pair), JSON.stringify(pair), `${inspect({ pair })}`]) {
        expect(printed).not.toContain(seedHex);
        expect(printed).not.toContain(seedHex.slice(0, 16));
        expect(printed).toContain('[redacted]');
      }
      expect(JSON.stringify(pair)).toContain(toHex(pair.publicKey));
    });
  });

  it('follows a seed array changed in place (the node backend caches imported keys)', () => {
    const first = provider.mlkem.generateKeyPair('ml-kem-1024');
    const second = provider.mlkem.generateKeyPair('ml-kem-1024');
    const seed = first.secretKey.slice();
    const toFirst = provider.mlkem.encapsulate('ml-kem-1024', first.publicKey);
    expect(provider.mlkem.decapsulate('ml-kem-1024', seed, toFirst.ciphertext)).toEqual(
      toFirst.sharedSecret,
    );
    seed.set(second.secretKey);
    const toSecond = provider.mlkem.encapsulate('ml-kem-1024', second.publicKey);
    expect(provider.mlkem.decapsulate('ml-kem-1024', seed, toSecond.ciphertext)).toEqual(
      toSecond.sharedSecret,
    );
    expect(provider.mlkem.decapsulate('ml-kem-1024', seed, toFirst.ciphertext)).not.toEqual(
      toFirst.sharedSecret,
    );
  });

  it('rejects a parameter set outside the API', () => {
    const variant = 'ml-kem-512' as MlKemVariant;
    expect(provider.supports(variant)).toBe(false);
    expectCode(() => provider.mlkem.sizes(variant), 'UNSUPPORTED_ALGORITHM', 'sizes');
    expectCode(() => provider.mlkem.generateKeyPair(variant), 'UNSUPPORTED_ALGORITHM', 'keygen');
    expectCode(
      () => provider.mlkem.decapsulate(variant, new Uint8Array(64), new Uint8Array(768)),
      'UNSUPPORTED_ALGORITHM',
      'decapsulate',
    );
  });
});

describe.each(VARIANTS)('ML-KEM across backends ($variant)', ({ variant, noble }) => {
  const pairs = [
    { from: nodeProvider, to: portableProvider },
    { from: portableProvider, to: nodeProvider },
  ];

  it('derives the same ek from the same seed', () => {
    for (let label = 10; label < 15; label++) {
      const seed = seedOf(label);
      expect(toHex(nodeProvider.mlkem.generateKeyPair(variant, seed).publicKey)).toBe(
        toHex(portableProvider.mlkem.generateKeyPair(variant, seed).publicKey),
      );
    }
  });

  it.each(pairs)('$from.name encapsulates, $to.name decapsulates', ({ from, to }) => {
    const pair = to.mlkem.generateKeyPair(variant);
    const { ciphertext, sharedSecret } = from.mlkem.encapsulate(variant, pair.publicKey);
    expect(toHex(to.mlkem.decapsulate(variant, pair.secretKey, ciphertext))).toBe(
      toHex(sharedSecret),
    );
    const dk = noble.keygen(pair.secretKey).secretKey;
    expect(toHex(to.mlkem.decapsulateExpanded(variant, dk, ciphertext))).toBe(toHex(sharedSecret));
  });

  it('gives the same implicit-rejection key on both backends', () => {
    const seed = seedOf(20);
    const pair = nodeProvider.mlkem.generateKeyPair(variant, seed);
    const tampered = flipped(nodeProvider.mlkem.encapsulate(variant, pair.publicKey).ciphertext, 3);
    const dk = noble.keygen(seed).secretKey;
    const fromNode = toHex(nodeProvider.mlkem.decapsulate(variant, seed, tampered));
    expect(toHex(portableProvider.mlkem.decapsulate(variant, seed, tampered))).toBe(fromNode);
    expect(toHex(nodeProvider.mlkem.decapsulateExpanded(variant, dk, tampered))).toBe(fromNode);
    expect(toHex(portableProvider.mlkem.decapsulateExpanded(variant, dk, tampered))).toBe(fromNode);
  });
});
