/**
 * Plaintext padding (spec/one-to-one.md §6; packages/protocol/src/padding.ts): bucket sizes,
 * round trips and garbage handling, with fast-check properties (SLOW=1 for more runs).
 * Padding uses no crypto, so one run covers both backends.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PADDING_BUCKET,
  PADDING_LARGE_BLOCK,
  PADDING_SMALL_LIMIT,
  pad,
  paddedLength,
  unpad,
} from '../src/padding.ts';
import { outcomeOf } from './identity-fixtures.ts';

const RUNS = process.env.SLOW ? 20_000 : 500;

/** Whether `n` is a length `pad` can produce. */
function isBucket(n: number): boolean {
  if (n <= PADDING_SMALL_LIMIT) return n > 0 && n % PADDING_BUCKET === 0;
  return n % PADDING_LARGE_BLOCK === 0;
}

describe('padding', () => {
  it('pads to the documented buckets', () => {
    const table: [number, number][] = [
      [0, 160],
      [1, 160],
      [159, 160],
      [160, 320],
      [1_598, 1_600],
      [1_599, 1_600],
      [1_600, 2_048],
      [2_047, 2_048],
      [2_048, 3_072],
      [10_000, 10_240],
    ];
    for (const [length, padded] of table) {
      expect(paddedLength(length), `length ${length}`).toBe(padded);
      expect(pad(new Uint8Array(length)).length, `length ${length}`).toBe(padded);
    }
    expect(pad(new Uint8Array([1, 2]))).toEqual(
      Uint8Array.from({ length: 160 }, (_, i) => [1, 2, 0x80][i] ?? 0),
    );
  });

  it('property: unpad(pad(x)) == x and pad(x) has a bucket length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5_000 }), (plaintext) => {
        const padded = pad(plaintext);
        expect(isBucket(padded.length)).toBe(true);
        expect(padded.length).toBeGreaterThan(plaintext.length);
        expect(unpad(padded)).toEqual(plaintext);
      }),
      { numRuns: RUNS },
    );
  });

  it('property: random bytes unpad to PADDING_INVALID or to a prefix, never another error', () => {
    const garbage = fc.oneof(
      fc.uint8Array({ maxLength: 400 }),
      // Mostly zeros with a few random bytes, so the 0x80 marker is reached often.
      fc
        .tuple(
          fc.uint8Array({ maxLength: 300 }),
          fc.nat({ max: 200 }),
          fc.constantFrom(0x80, 0x00, 0x01, 0xff),
        )
        .map(([head, zeros, last]) => Uint8Array.from([...head, last, ...new Uint8Array(zeros)])),
    );
    fc.assert(
      fc.property(garbage, (bytes) => {
        let result: Uint8Array | undefined;
        const outcome = outcomeOf(() => {
          result = unpad(bytes);
        });
        if (outcome === 'ok') {
          const inner = result as Uint8Array;
          expect(bytes.subarray(0, inner.length)).toEqual(inner);
          expect(bytes[inner.length]).toBe(0x80);
          expect(bytes.subarray(inner.length + 1).every((b) => b === 0)).toBe(true);
        } else {
          expect(outcome).toBe('PADDING_INVALID');
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses empty, all-zero and marker-less input (PADDING_INVALID)', () => {
    const cases: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['all zero', new Uint8Array(160)],
      ['last byte 0x01', Uint8Array.from([0x80, 0, 0x01])],
      ['0x7f marker', Uint8Array.from([1, 0x7f, 0, 0])],
      ['0x81 marker', Uint8Array.from([1, 0x81, 0])],
    ];
    for (const [name, bytes] of cases)
      expect(
        outcomeOf(() => unpad(bytes)),
        name,
      ).toBe('PADDING_INVALID');
    expect(unpad(Uint8Array.from([0x80]))).toEqual(new Uint8Array(0));
    expect(unpad(Uint8Array.from([0x80, 0x80, 0]))).toEqual(Uint8Array.from([0x80]));
  });

  it('unpad returns a view, without copying', () => {
    const padded = pad(new Uint8Array([5, 6, 7]));
    const inner = unpad(padded);
    expect(inner.buffer).toBe(padded.buffer);
  });

  it('refuses values that are not byte arrays (INVALID_ARGUMENT)', () => {
    expect(outcomeOf(() => pad('text' as never))).toBe('INVALID_ARGUMENT');
    expect(outcomeOf(() => unpad([0x80] as never))).toBe('INVALID_ARGUMENT');
    expect(outcomeOf(() => paddedLength(-1))).toBe('INVALID_ARGUMENT');
  });
});
