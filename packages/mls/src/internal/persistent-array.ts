/**
 * A persistent sparse array: an immutable map from small non-negative integers to values, as a
 * 32-way trie whose `set` copies only the path to the changed slot (structural sharing). The
 * secret tree keeps its per-node state in one, so that every message produces a new tree value
 * in O(log n) time while the previous value stays intact: a failed decryption changes nothing.
 *
 * Internal to @sigil/mls.
 *
 * @example
 * ```ts
 * const a = PersistentArray.empty<string>(1000);
 * const b = a.set(7, 'x'); // a.get(7) === undefined, b.get(7) === 'x'
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

type Trie = readonly unknown[];

function levelsFor(capacity: number): number {
  let levels = 1;
  while (levels * BITS < 32 && 2 ** (levels * BITS) < capacity) levels += 1;
  return levels;
}

function setIn(
  node: Trie | undefined,
  shift: number,
  index: number,
  value: unknown,
): Trie | undefined {
  const copy: unknown[] = node === undefined ? new Array<unknown>(WIDTH) : node.slice();
  const slot = (index >>> shift) & MASK;
  copy[slot] =
    shift === 0 ? value : setIn(copy[slot] as Trie | undefined, shift - BITS, index, value);
  if (copy[slot] === undefined && copy.every((entry) => entry === undefined)) return undefined;
  return copy;
}

/** An immutable sparse array over indices [0, capacity). */
export class PersistentArray<T> {
  readonly #root: Trie | undefined;
  readonly #capacity: number;
  readonly #levels: number;
  /** Number of indices that hold a value. */
  readonly size: number;

  /** Not for direct use: start from {@link PersistentArray.empty}. */
  constructor(root: Trie | undefined, capacity: number, levels: number, size: number) {
    this.#root = root;
    this.#capacity = capacity;
    this.#levels = levels;
    this.size = size;
  }

  /** An empty array for indices in [0, capacity), capacity at most 2^32. */
  static empty<T>(capacity: number): PersistentArray<T> {
    if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > 2 ** 32) {
      throw new SigilError('INVALID_ARGUMENT', 'capacity must be an integer in [1, 2^32]');
    }
    return new PersistentArray<T>(undefined, capacity, levelsFor(capacity), 0);
  }

  #check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.#capacity) {
      throw new SigilError('INVALID_ARGUMENT', 'index out of range', { details: { index } });
    }
  }

  /** The value at `index`, or `undefined`. */
  get(index: number): T | undefined {
    this.#check(index);
    let node: unknown = this.#root;
    for (let shift = (this.#levels - 1) * BITS; shift >= 0; shift -= BITS) {
      if (node === undefined) return undefined;
      node = (node as Trie)[(index >>> shift) & MASK];
    }
    return node as T | undefined;
  }

  /** A new array with `index` set to `value` (`undefined` deletes). This one is unchanged. */
  set(index: number, value: T | undefined): PersistentArray<T> {
    const had = this.get(index) !== undefined;
    const size = this.size + (value === undefined ? 0 : 1) - (had ? 1 : 0);
    const root = setIn(this.#root, (this.#levels - 1) * BITS, index, value);
    return new PersistentArray<T>(root, this.#capacity, this.#levels, size);
  }
}
