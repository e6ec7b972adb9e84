/**
 * RFC 9420 Appendix C tree math against the interop vectors (mls-implementations
 * tree-math.json): node count, root, and left/right/parent/sibling of every node, for trees of
 * 1 to 512 leaves. Pure arithmetic with no crypto backend: backend 'n/a'. Also checks
 * direct_path, copath, the common ancestor and subtree membership against brute force.
 */
import { loadMlsTreeMath } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import {
  commonAncestor,
  copath,
  directPath,
  isInSubtree,
  isLeaf,
  left,
  level,
  nodeWidth,
  parent,
  right,
  root,
  sibling,
} from '../src/tree-math.ts';
import { codeOf } from './helpers.ts';

const FAMILY = 'rfc9420/tree-math';
const cases = loadMlsTreeMath();

/** The relation, or undefined where the RFC's function raises. */
function orUndefined(fn: () => number): number | undefined {
  return codeOf(fn) === 'INVALID_ARGUMENT' ? undefined : fn();
}

describe(FAMILY, () => {
  afterAll(() => flushTally());

  it('loads all 10 cases', () => {
    expect(cases.length).toBe(10);
  });

  it('node count, root, left, right, parent and sibling of every node match', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const n = c.leafCount;
      if (nodeWidth(n) !== c.nodeCount) failures.push(`${c.name}: n_nodes ${nodeWidth(n)}`);
      if (root(n) !== c.root) failures.push(`${c.name}: root ${root(n)}`);
      for (let x = 0; x < c.nodeCount; x++) {
        const got = {
          left: orUndefined(() => left(x)),
          right: orUndefined(() => right(x)),
          parent: orUndefined(() => parent(x, n)),
          sibling: orUndefined(() => sibling(x, n)),
        };
        const want = {
          left: c.left[x],
          right: c.right[x],
          parent: c.parent[x],
          sibling: c.sibling[x],
        };
        for (const key of ['left', 'right', 'parent', 'sibling'] as const) {
          if (got[key] !== want[key]) failures.push(`${c.name} node ${x}: ${key} ${got[key]}`);
        }
      }
      tally(FAMILY, 'n/a', 'valid');
    }
    expect(failures).toEqual([]);
  });
});

describe('tree math beyond the vectors', () => {
  /** Ancestors of x (itself included) by walking parent() up to the root. */
  function ancestors(x: number, n: number): number[] {
    const out = [x];
    while (out.at(-1) !== root(n)) out.push(parent(out.at(-1) as number, n));
    return out;
  }

  it('directPath, copath, commonAncestor and isInSubtree agree with brute force', () => {
    const failures: string[] = [];
    for (const n of [1, 2, 4, 8, 16, 32]) {
      for (let x = 0; x < nodeWidth(n); x++) {
        const up = ancestors(x, n);
        if (directPath(x, n).join() !== up.slice(1).join()) failures.push(`dp ${x}/${n}`);
        const expectedCopath = up.slice(0, -1).map((y) => sibling(y, n));
        if (copath(x, n).join() !== expectedCopath.join()) failures.push(`copath ${x}/${n}`);
        for (let y = 0; y < nodeWidth(n); y++) {
          const upY = ancestors(y, n);
          const lowest = up.find((a) => upY.includes(a));
          if (commonAncestor(x, y) !== lowest) failures.push(`lca ${x},${y}/${n}`);
          if (isInSubtree(x, y) !== up.includes(y)) failures.push(`subtree ${x} in ${y}/${n}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('levels and leaves', () => {
    expect([0, 1, 2, 3, 5, 7, 15].map(level)).toEqual([0, 1, 0, 2, 1, 3, 4]);
    expect(isLeaf(6)).toBe(true);
    expect(isLeaf(7)).toBe(false);
  });

  it('refuses leaf counts that are not powers of two up to 2^30, and nodes outside the tree', () => {
    for (const n of [0, 3, 6, 2 ** 31, 1.5, -2])
      expect(
        codeOf(() => root(n)),
        `n=${n}`,
      ).toBe('INVALID_ARGUMENT');
    expect(root(2 ** 30)).toBe(2 ** 30 - 1);
    expect(codeOf(() => parent(7, 4))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => directPath(-1, 4))).toBe('INVALID_ARGUMENT');
    expect(directPath(0, 2 ** 30)).toHaveLength(30);
  });
});
