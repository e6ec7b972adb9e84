/**
 * Array-based tree math (RFC 9420 §4.2, §7.1 and Appendix C): the ratchet tree and the secret
 * tree are left-balanced binary trees stored in an array, leaves at even node indices
 * (leaf L at node 2L) and parents at odd ones, so every relation is arithmetic on indices.
 *
 * RFC 9420 trees are always full: the leaf count is a power of two (§7.8), which these
 * functions require. Leaf counts are limited to {@link MAX_LEAF_COUNT} so that node indices fit
 * 32-bit integer arithmetic.
 *
 * ```
 *               X (3)                 level 2
 *         /           \
 *      X (1)         X (5)            level 1
 *     /     \       /     \
 *   A (0)  B (2)  C (4)  D (6)        level 0 (leaves 0..3)
 * ```
 *
 * @example
 * ```ts
 * root(4);            // 3
 * directPath(0, 4);   // [1, 3]
 * copath(0, 4);       // [2, 5]
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { MAX_LEAF_COUNT } from './limits.ts';

function invalid(message: string, details?: Record<string, number>): SigilError {
  return new SigilError('INVALID_ARGUMENT', message, details ? { details } : undefined);
}

/**
 * Checks that `leafCount` is a power of two in [1, MAX_LEAF_COUNT].
 * @throws SigilError `INVALID_ARGUMENT` otherwise.
 */
export function assertLeafCount(leafCount: number): void {
  if (
    !Number.isInteger(leafCount) ||
    leafCount < 1 ||
    leafCount > MAX_LEAF_COUNT ||
    (leafCount & (leafCount - 1)) !== 0
  ) {
    throw invalid('leaf count must be a power of two no larger than 2^30', { leafCount });
  }
}

function assertNode(node: number, leafCount: number): void {
  if (!Number.isInteger(node) || node < 0 || node >= nodeWidth(leafCount)) {
    throw invalid('node index is outside the tree', { node, leafCount });
  }
}

/** log2(x): the exponent of the largest power of two not above x (0 for x = 0). */
export function log2(x: number): number {
  return x === 0 ? 0 : 31 - Math.clz32(x);
}

/** level(x): 0 for leaves; a parent's level is one more than its children's. */
export function level(node: number): number {
  if ((node & 1) === 0) return 0;
  let k = 0;
  while (((node >> k) & 1) === 1) k += 1;
  return k;
}

/** Whether `node` is a leaf (even index). */
export function isLeaf(node: number): boolean {
  return (node & 1) === 0;
}

/** node_width(n): the number of nodes of a tree with `leafCount` leaves, 2n - 1 (0 for n = 0). */
export function nodeWidth(leafCount: number): number {
  return leafCount === 0 ? 0 : 2 * (leafCount - 1) + 1;
}

/**
 * root(n): the root's node index, 2^log2(node_width) - 1.
 * @throws SigilError `INVALID_ARGUMENT` if `leafCount` is not a valid leaf count.
 */
export function root(leafCount: number): number {
  assertLeafCount(leafCount);
  return (1 << log2(nodeWidth(leafCount))) - 1;
}

/** The node index of leaf `leafIndex` (2L). */
export function leafToNode(leafIndex: number): number {
  return leafIndex * 2;
}

/**
 * The leaf index of leaf node `node` (node / 2).
 * @throws SigilError `INVALID_ARGUMENT` if `node` is a parent.
 */
export function nodeToLeaf(node: number): number {
  if (!isLeaf(node)) throw invalid('not a leaf node', { node });
  return node / 2;
}

/**
 * left(x): the left child of a parent node.
 * @throws SigilError `INVALID_ARGUMENT` for a leaf.
 */
export function left(node: number): number {
  const k = level(node);
  if (k === 0) throw invalid('a leaf has no children', { node });
  return node ^ (1 << (k - 1));
}

/**
 * right(x): the right child of a parent node.
 * @throws SigilError `INVALID_ARGUMENT` for a leaf.
 */
export function right(node: number): number {
  const k = level(node);
  if (k === 0) throw invalid('a leaf has no children', { node });
  return node ^ (3 << (k - 1));
}

/**
 * parent(x, n): the parent of a non-root node.
 * @throws SigilError `INVALID_ARGUMENT` for the root, or a node outside the tree.
 */
export function parent(node: number, leafCount: number): number {
  assertNode(node, leafCount);
  if (node === root(leafCount)) throw invalid('the root has no parent', { node });
  const k = level(node);
  const b = (node >> (k + 1)) & 1;
  return (node | (1 << k)) ^ (b << (k + 1));
}

/**
 * sibling(x, n): the other child of x's parent.
 * @throws SigilError `INVALID_ARGUMENT` for the root, or a node outside the tree.
 */
export function sibling(node: number, leafCount: number): number {
  const p = parent(node, leafCount);
  return node < p ? right(p) : left(p);
}

/**
 * direct_path(x, n): the ancestors of x from its parent up to the root (empty for the root).
 * @throws SigilError `INVALID_ARGUMENT` for a node outside the tree.
 */
export function directPath(node: number, leafCount: number): number[] {
  assertNode(node, leafCount);
  const r = root(leafCount);
  const path: number[] = [];
  let x = node;
  while (x !== r) {
    x = parent(x, leafCount);
    path.push(x);
  }
  return path;
}

/**
 * copath(x, n): the sibling of x and of each of its ancestors below the root, from the leaf
 * side up (empty for the root).
 * @throws SigilError `INVALID_ARGUMENT` for a node outside the tree.
 */
export function copath(node: number, leafCount: number): number[] {
  const path = directPath(node, leafCount);
  if (path.length === 0) return [];
  const below = [node, ...path.slice(0, -1)];
  return below.map((x) => sibling(x, leafCount));
}

/**
 * The lowest common ancestor of two nodes: the lowest node whose subtree contains both (one of
 * them, if it is an ancestor of the other).
 */
export function commonAncestor(a: number, b: number): number {
  const la = level(a) + 1;
  const lb = level(b) + 1;
  if (la <= lb && a >> lb === b >> lb) return b;
  if (lb <= la && a >> la === b >> la) return a;
  let x = a;
  let y = b;
  let k = 0;
  while (x !== y) {
    x >>= 1;
    y >>= 1;
    k += 1;
  }
  return (x << k) + (1 << (k - 1)) - 1;
}

/**
 * Whether `node` is in the subtree rooted at `ancestor` (a node is in its own subtree).
 */
export function isInSubtree(node: number, ancestor: number): boolean {
  const k = level(ancestor);
  // The block of 2^(k+1) indices around `ancestor` holds its subtree plus one higher node.
  return level(node) <= k && node >> (k + 1) === ancestor >> (k + 1);
}
