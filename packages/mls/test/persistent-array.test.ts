/**
 * The persistent sparse array behind the secret and ratchet trees: sets and deletes return new
 * arrays and leave the old ones intact, at every trie depth, against a Map model; bulk
 * construction and ordered iteration (used by the ratchet tree) agree with it.
 */
import { describe, expect, it } from 'vitest';
import { PersistentArray } from '../src/internal/persistent-array.ts';
import { codeOf } from './helpers.ts';

describe('PersistentArray', () => {
  it('matches a Map model and never changes earlier versions', () => {
    for (const capacity of [1, 31, 32, 33, 1024, 2 ** 21 - 1, 2 ** 32]) {
      let array = PersistentArray.empty<number>(capacity);
      const model = new Map<number, number>();
      const history: [PersistentArray<number>, Map<number, number>][] = [];
      let seed = capacity;
      for (let step = 0; step < 300; step++) {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        const index = seed % Math.min(capacity, 5000);
        const value = step % 4 === 3 ? undefined : step;
        array = array.set(index, value);
        if (value === undefined) model.delete(index);
        else model.set(index, value);
        history.push([array, new Map(model)]);
      }
      for (const [version, snapshot] of history) {
        expect(version.size).toBe(snapshot.size);
        for (const [index, value] of snapshot) expect(version.get(index)).toBe(value);
      }
      expect(array.get(capacity - 1)).toBe(model.get(capacity - 1));
    }
  });

  it('from() equals set() calls; entries() and forEach() list it in order', () => {
    for (const [capacity, length] of [
      [1, 1],
      [40, 33],
      [2 ** 31, 5000],
      [2 ** 31, 0],
    ] as const) {
      const values = Array.from({ length }, (_, i) => (i % 7 === 3 ? undefined : i * 3));
      const built = PersistentArray.from(capacity, values);
      let stepwise = PersistentArray.empty<number>(capacity);
      values.forEach((value, index) => {
        stepwise = stepwise.set(index, value);
      });
      expect(built.size).toBe(stepwise.size);
      const expected = values.flatMap((value, index) =>
        value === undefined ? [] : [[index, value]],
      );
      expect([...built.entries()]).toEqual(expected);
      expect([...stepwise.entries()]).toEqual(expected);
      const visited: [number, number][] = [];
      built.forEach((value, index) => {
        visited.push([index, value]);
      });
      expect(visited).toEqual(expected);
      for (let i = 0; i < length; i++) expect(built.get(i)).toBe(values[i]);
      if (length > 0) expect(built.set(length - 1, -1).get(length - 1)).toBe(-1);
    }
    expect(codeOf(() => PersistentArray.from(2, [1, 2, 3]))).toBe('INVALID_ARGUMENT');
  });

  it('refuses indices outside its capacity', () => {
    const array = PersistentArray.empty<string>(10);
    expect(codeOf(() => array.get(10))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => array.set(-1, 'x'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => PersistentArray.empty(0))).toBe('INVALID_ARGUMENT');
    expect(array.set(3, undefined).size).toBe(0);
  });
});
