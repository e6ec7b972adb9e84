/**
 * The persistent sparse array behind the secret tree: sets and deletes return new arrays and
 * leave the old ones intact, at every trie depth, against a Map model.
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

  it('refuses indices outside its capacity', () => {
    const array = PersistentArray.empty<string>(10);
    expect(codeOf(() => array.get(10))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => array.set(-1, 'x'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => PersistentArray.empty(0))).toBe('INVALID_ARGUMENT');
    expect(array.set(3, undefined).size).toBe(0);
  });
});
