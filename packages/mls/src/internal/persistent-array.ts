/**
 * A persistent sparse array: an immutable map from small non-negative integers to values, as a
 * 32-way trie whose `set` copies only the path to the changed slot (structural sharing). The
 * secret tree keeps its per-node state in one, so that every message produces a new tree value
 * in O(log n) time while the previous value stays intact: a failed decryption changes nothing.
 * The ratchet tree keeps its nodes and memoized tree hashes in them too (bulk-built with
 * `from`, scanned with `forEach`).
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

  /**
   * An array over [0, capacity) holding `values[i]` at each index i where it is defined, built
   * bottom-up in O(values.length) (n calls of `set` would copy a path each).
   * @throws SigilError `INVALID_ARGUMENT` for a bad capacity or more values than it allows.
   */
  static from<T>(capacity: number, values: readonly (T | undefined)[]): PersistentArray<T> {
    const empty = PersistentArray.empty<T>(capacity);
    if (values.length > capacity) {
      throw new SigilError('INVALID_ARGUMENT', 'more values than the capacity allows');
    }
    let size = 0;
    let level: (Trie | undefined)[] = [];
    for (let start = 0; start < values.length; start += WIDTH) {
      const chunk = values.slice(start, start + WIDTH) as unknown[];
      const defined = chunk.filter((value) => value !== undefined).length;
      size += defined;
      if (defined === 0) {
        level.push(undefined);
      } else {
        chunk.length = WIDTH;
        level.push(chunk);
      }
    }
    for (let built = 1; built < empty.#levels; built += 1) {
      const next: (Trie | undefined)[] = [];
      for (let start = 0; start < level.length; start += WIDTH) {
        const chunk = level.slice(start, start + WIDTH);
        if (chunk.every((node) => node === undefined)) {
          next.push(undefined);
        } else {
          chunk.length = WIDTH;
          next.push(chunk);
        }
      }
      level = next;
    }
    return new PersistentArray<T>(level[0], capacity, empty.#levels, size);
  }

  /**
   * An array over [0, capacity) holding each `[index, value]` of `entries` (undefined values
   * are skipped; a later entry for an index wins), built in place in O(entries): the bulk form
   * of a sparse array.
   * @throws SigilError `INVALID_ARGUMENT` for a bad capacity or an index out of range.
   */
  static fromEntries<T>(
    capacity: number,
    entries: Iterable<readonly [number, T | undefined]>,
  ): PersistentArray<T> {
    const empty = PersistentArray.empty<T>(capacity);
    const top = (empty.#levels - 1) * BITS;
    let root: unknown[] | undefined;
    let size = 0;
    for (const [index, value] of entries) {
      empty.#check(index);
      if (value === undefined) continue;
      root ??= new Array<unknown>(WIDTH);
      let node = root;
      for (let shift = top; shift > 0; shift -= BITS) {
        const slot = (index >>> shift) & MASK;
        node[slot] ??= new Array<unknown>(WIDTH);
        node = node[slot] as unknown[];
      }
      if (node[index & MASK] === undefined) size += 1;
      node[index & MASK] = value;
    }
    return new PersistentArray<T>(root, capacity, empty.#levels, size);
  }

  /**
   * Calls `fn(value, index)` for each defined entry in index order, skipping absent subtrees
   * (faster than {@link PersistentArray.entries} on hot paths).
   */
  forEach(fn: (value: T, index: number) => void): void {
    const walk = (node: Trie, shift: number, base: number): void => {
      for (let slot = 0; slot < WIDTH; slot += 1) {
        const child = node[slot];
        if (child === undefined) continue;
        const index = base + slot * 2 ** shift;
        if (shift === 0) fn(child as T, index);
        else walk(child as Trie, shift - BITS, index);
      }
    };
    if (this.#root !== undefined) walk(this.#root, (this.#levels - 1) * BITS, 0);
  }

  /** The defined entries as [index, value] pairs, in index order (absent subtrees skipped). */
  *entries(): Generator<[number, T]> {
    if (this.#root === undefined) return;
    // An explicit stack of trie positions: one generator, however deep the trie.
    const nodes: Trie[] = [this.#root];
    const slots: number[] = [0];
    const bases: number[] = [0];
    const top = (this.#levels - 1) * BITS;
    while (nodes.length > 0) {
      const depth = nodes.length - 1;
      const slot = slots[depth] as number;
      if (slot === WIDTH) {
        nodes.pop();
        slots.pop();
        bases.pop();
        continue;
      }
      slots[depth] = slot + 1;
      const child = (nodes[depth] as Trie)[slot];
      if (child === undefined) continue;
      const shift = top - depth * BITS;
      const index = (bases[depth] as number) + slot * 2 ** shift;
      if (shift === 0) {
        yield [index, child as T];
      } else {
        nodes.push(child as Trie);
        slots.push(0);
        bases.push(index);
      }
    }
  }

  /** A new array with `index` set to `value` (`undefined` deletes). This one is unchanged. */
  set(index: number, value: T | undefined): PersistentArray<T> {
    const had = this.get(index) !== undefined;
    const size = this.size + (value === undefined ? 0 : 1) - (had ? 1 : 0);
    const root = setIn(this.#root, (this.#levels - 1) * BITS, index, value);
    return new PersistentArray<T>(root, this.#capacity, this.#levels, size);
  }
}
