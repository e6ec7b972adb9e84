/**
 * Safety numbers (spec/one-to-one.md §8; packages/protocol/src/safety-number.ts): symmetric,
 * 60 digits, sensitive to every input, QR comparison, a reference implementation written
 * straight from the spec text, and a pinned value so the format cannot drift.
 */
import { createHash } from 'node:crypto';
import { allProviders } from '@sigil/crypto/testing';
import { describe, expect, it } from 'vitest';
import {
  accountFingerprint,
  compareQrPayload,
  computeSafetyNumber,
  QR_PAYLOAD_LENGTH,
  SAFETY_NUMBER_ITERATIONS,
} from '../src/safety-number.ts';
import { outcomeOf } from './identity-fixtures.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** §8 written out independently with node:crypto: h_0 = 0x0000 || 0x02 0x20 AK || id, ... */
function referenceFingerprint(accountKey: Uint8Array, stableId: Uint8Array): Buffer {
  const typedKey = Buffer.concat([Buffer.from([2, 32]), accountKey]);
  let hash = Buffer.concat([Buffer.from([0, 0]), typedKey, stableId]);
  for (let i = 0; i < 5200; i++) hash = createHash('sha512').update(hash).update(typedKey).digest();
  return hash.subarray(0, 30);
}

function referenceDigits(fp: Buffer): string {
  let out = '';
  for (let i = 0; i < 30; i += 5) out += String(fp.readUIntBE(i, 5) % 100000).padStart(5, '0');
  return out;
}

const aliceKey = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const bobKey = Uint8Array.from({ length: 32 }, (_, i) => 0xff - i);
const alice = { accountKey: aliceKey, stableId: utf8('alice') };
const bob = { accountKey: bobKey, stableId: utf8('bob') };

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'safety numbers (%s)',
  (_name, crypto) => {
    const mine = computeSafetyNumber(crypto, alice, bob);
    const theirs = computeSafetyNumber(crypto, bob, alice);

    it('is the same 60 digits on both sides, in 12 groups of 5', () => {
      expect(mine.digits).toMatch(/^[0-9]{60}$/);
      expect(theirs.digits).toBe(mine.digits);
      expect(mine.groups).toHaveLength(12);
      expect(mine.groups.join('')).toBe(mine.digits);
      for (const group of mine.groups) expect(group).toMatch(/^[0-9]{5}$/);
    });

    it('matches a reference implementation of §8 and a pinned value', () => {
      expect(SAFETY_NUMBER_ITERATIONS).toBe(5200);
      const a = referenceFingerprint(aliceKey, utf8('alice'));
      const b = referenceFingerprint(bobKey, utf8('bob'));
      expect(accountFingerprint(crypto, alice)).toEqual(new Uint8Array(a));
      const [low, high] = [referenceDigits(a), referenceDigits(b)].sort();
      expect(mine.digits).toBe(`${low}${high}`);
      expect(mine.digits).toBe(PINNED_DIGITS);
      expect(mine.qrPayload).toEqual(new Uint8Array(Buffer.concat([Buffer.from([0, 0]), a, b])));
    });

    it('changes when either account key or either stable id changes', () => {
      const otherKey = aliceKey.slice();
      otherKey[31] = (otherKey[31] as number) ^ 1;
      const variants = [
        computeSafetyNumber(crypto, { ...alice, accountKey: otherKey }, bob),
        computeSafetyNumber(crypto, alice, { ...bob, accountKey: otherKey }),
        computeSafetyNumber(crypto, { ...alice, stableId: utf8('alicE') }, bob),
        computeSafetyNumber(crypto, alice, { ...bob, stableId: new Uint8Array(0) }),
      ];
      for (const variant of variants) {
        expect(variant.digits).not.toBe(mine.digits);
        expect(compareQrPayload(variant.qrPayload, theirs.qrPayload)).toBe(false);
      }
      // Each half belongs to one account: changing Alice's key leaves Bob's 30 digits in place.
      expect(variants[0]?.digits).toContain(
        referenceDigits(referenceFingerprint(bobKey, utf8('bob'))),
      );
    });

    it('QR payloads compare equal across the two sides only', () => {
      expect(mine.qrPayload).toHaveLength(QR_PAYLOAD_LENGTH);
      expect(compareQrPayload(mine.qrPayload, theirs.qrPayload)).toBe(true);
      expect(compareQrPayload(theirs.qrPayload, mine.qrPayload)).toBe(true);
      expect(compareQrPayload(mine.qrPayload, mine.qrPayload)).toBe(false);
      const versioned = theirs.qrPayload.slice();
      versioned[1] = 1;
      expect(compareQrPayload(mine.qrPayload, versioned)).toBe(false);
      expect(compareQrPayload(mine.qrPayload, theirs.qrPayload.subarray(0, 61))).toBe(false);
      expect(compareQrPayload(mine.qrPayload, new Uint8Array(0))).toBe(false);
      for (let i = 0; i < QR_PAYLOAD_LENGTH; i++) {
        const tampered = theirs.qrPayload.slice();
        tampered[i] = (tampered[i] as number) ^ 1;
        expect(compareQrPayload(mine.qrPayload, tampered), `byte ${i}`).toBe(false);
      }
    });

    it('refuses account keys that are not 32 bytes', () => {
      expect(
        outcomeOf(() =>
          computeSafetyNumber(crypto, { ...alice, accountKey: new Uint8Array(33) }, bob),
        ),
      ).toBe('INVALID_KEY_LENGTH');
    });

    it('computes a safety number (two fingerprints) in tens of milliseconds', () => {
      const start = performance.now();
      const runs = 4;
      for (let i = 0; i < runs; i++) computeSafetyNumber(crypto, alice, bob);
      const perRun = (performance.now() - start) / runs;
      console.log(`safety number on ${crypto.name}: ${perRun.toFixed(1)} ms`);
      // Generous bound so a loaded CI machine does not flake; typical is ~25 ms.
      expect(perRun).toBeLessThan(250);
    });
  },
);

/** Computed once by this implementation and checked against the reference above; never change it. */
const PINNED_DIGITS = '341144564962561061556525453945426439928257628810252205243457';
