/**
 * Resolutions and filtered direct paths (RFC 9420 §4.1.2), and the copath resolutions an
 * UpdatePath encrypts to (§7.5, §7.6).
 *
 * - The resolution of a non-blank node is the node followed by its unmerged leaves; of a blank
 *   leaf, empty; of a blank parent, its left child's resolution then its right child's.
 * - The filtered direct path of a leaf is its direct path without the nodes whose copath child
 *   has an empty resolution.
 *
 * Resolutions are lists of node indices (an unmerged leaf L appears as node 2L).
 *
 * @example
 * ```ts
 * resolution(tree, tree.root);          // e.g. [1, 4, 5]
 * filteredDirectPath(tree, 0);          // the nodes an UpdatePath from leaf 0 sets
 * ```
 * @module
 */
import { directPath, isLeaf, leafToNode, left, right, sibling } from '../tree-math.ts';
import type { RatchetTree } from './ratchet-tree.ts';

/**
 * The resolution of `node` (§4.1.2), leaving out the leaves in `excludedLeaves` (leaf indices)
 * wherever they appear: the new members of a Commit are excluded from the resolutions its
 * UpdatePath encrypts to (§7.6).
 * @throws SigilError `INVALID_ARGUMENT` if `node` is outside the tree.
 */
export function resolution(
  tree: RatchetTree,
  node: number,
  excludedLeaves?: ReadonlySet<number>,
): number[] {
  const out: number[] = [];
  collect(tree, node, excludedLeaves, out);
  return out;
}

function collect(
  tree: RatchetTree,
  index: number,
  excluded: ReadonlySet<number> | undefined,
  out: number[],
): void {
  const node = tree.node(index);
  if (node !== undefined) {
    if (node.nodeType === 'leaf') {
      if (excluded === undefined || !excluded.has(index / 2)) out.push(index);
      return;
    }
    out.push(index);
    for (const leaf of node.parentNode.unmergedLeaves) {
      if (excluded === undefined || !excluded.has(leaf)) out.push(leafToNode(leaf));
    }
    return;
  }
  if (isLeaf(index)) return;
  collect(tree, left(index), excluded, out);
  collect(tree, right(index), excluded, out);
}

/**
 * Whether the resolution of `node` is empty, i.e. every node of its subtree is blank (stops at
 * the first non-blank node).
 */
export function isResolutionEmpty(tree: RatchetTree, node: number): boolean {
  if (tree.node(node) !== undefined) return false;
  if (isLeaf(node)) return true;
  return isResolutionEmpty(tree, left(node)) && isResolutionEmpty(tree, right(node));
}

/** One node of a filtered direct path with the copath child below it. */
export interface FilteredPathNode {
  /** The node on the leaf's direct path. */
  readonly node: number;
  /** Its child that is not on the leaf's path (the copath node whose subtree it serves). */
  readonly copathChild: number;
}

/**
 * The filtered direct path of leaf `leafIndex` (§4.1.2), from the leaf side to the root, each
 * node with its copath child.
 * @throws SigilError `INVALID_ARGUMENT` if the leaf is outside the tree.
 */
export function filteredDirectPathWithCopath(
  tree: RatchetTree,
  leafIndex: number,
): FilteredPathNode[] {
  const leaf = leafToNode(leafIndex);
  tree.node(leaf); // bounds check
  const path: FilteredPathNode[] = [];
  let below = leaf;
  for (const node of directPath(leaf, tree.leafCount)) {
    const copathChild = sibling(below, tree.leafCount);
    if (!isResolutionEmpty(tree, copathChild)) path.push({ node, copathChild });
    below = node;
  }
  return path;
}

/**
 * The filtered direct path of leaf `leafIndex` (§4.1.2) as node indices, leaf side first.
 * @throws SigilError `INVALID_ARGUMENT` if the leaf is outside the tree.
 */
export function filteredDirectPath(tree: RatchetTree, leafIndex: number): number[] {
  return filteredDirectPathWithCopath(tree, leafIndex).map((entry) => entry.node);
}
