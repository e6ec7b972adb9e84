/**
 * Adding, updating and removing leaves (RFC 9420 §7.7, §12.1.1-§12.1.3), and blanking a
 * direct path (§7.5): the tree changes the Add, Update and Remove proposals make. Each returns
 * a new tree; validation of the proposals themselves (§12.2, §7.3, §10.1) is the caller's.
 *
 * - Add: the leftmost blank leaf (the tree doubles first if there is none); the new leaf index
 *   is appended to the unmerged_leaves of every non-blank node on its direct path.
 * - Update: the sender's LeafNode is replaced and its direct path blanked.
 * - Remove: the leaf and its direct path are blanked, then the tree is truncated while its
 *   right subtree holds no member.
 *
 * @example
 * ```ts
 * const { tree: added, leafIndex } = addLeaf(tree, keyPackage.leafNode);
 * const removed = removeLeaf(added, 3);
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { directPath, leafToNode } from '../tree-math.ts';
import type { LeafNode } from '../wire/leaf-node.ts';
import type { Proposal } from '../wire/proposal.ts';
import type { NodeChange, RatchetTree } from './ratchet-tree.ts';

/** The changes that blank every node on the direct path of `leafIndex` (not the leaf). */
function blankPathChanges(tree: RatchetTree, leafIndex: number): NodeChange[] {
  return directPath(leafToNode(leafIndex), tree.leafCount)
    .filter((node) => tree.node(node) !== undefined)
    .map((node) => [node, undefined] as const);
}

/**
 * The tree with every node on the direct path of leaf `leafIndex` blank (the leaf is kept).
 * @throws SigilError `INVALID_ARGUMENT` if the leaf is outside the tree.
 */
export function blankDirectPath(tree: RatchetTree, leafIndex: number): RatchetTree {
  tree.node(leafToNode(leafIndex)); // bounds check
  return tree.with(blankPathChanges(tree, leafIndex));
}

/** A tree after an Add, and where the new member went. */
export interface AddedLeaf {
  readonly tree: RatchetTree;
  /** The new member's leaf index. */
  readonly leafIndex: number;
}

/**
 * Adds `leafNode` at the leftmost blank leaf (§12.1.1), extending the tree if every leaf is
 * taken (§7.7), and records the new leaf in the unmerged_leaves of each non-blank node on its
 * direct path.
 * @throws SigilError `INVALID_ARGUMENT` if the tree is full at 2^30 leaves.
 */
export function addLeaf(tree: RatchetTree, leafNode: LeafNode): AddedLeaf {
  let target = tree;
  let leafIndex = tree.leftmostBlankLeaf();
  if (leafIndex === undefined) {
    leafIndex = tree.leafCount;
    target = tree.extended();
  }
  const changes: NodeChange[] = [[leafToNode(leafIndex), { nodeType: 'leaf', leafNode }]];
  for (const node of directPath(leafToNode(leafIndex), target.leafCount)) {
    const parent = target.parentNode(node);
    if (parent === undefined) continue;
    changes.push([
      node,
      {
        nodeType: 'parent',
        parentNode: { ...parent, unmergedLeaves: [...parent.unmergedLeaves, leafIndex] },
      },
    ]);
  }
  return { tree: target.with(changes), leafIndex };
}

/**
 * Replaces the LeafNode of member `leafIndex` and blanks its direct path (§12.1.2).
 * @throws SigilError `MLS_UNKNOWN_SENDER` if the leaf is blank or outside the tree.
 */
export function updateLeaf(tree: RatchetTree, leafIndex: number, leafNode: LeafNode): RatchetTree {
  if (!isMember(tree, leafIndex)) {
    throw new SigilError('MLS_UNKNOWN_SENDER', 'an Update from a leaf that is not a member', {
      details: { leafIndex },
    });
  }
  return tree.with([
    ...blankPathChanges(tree, leafIndex),
    [leafToNode(leafIndex), { nodeType: 'leaf', leafNode }],
  ]);
}

/**
 * Removes member `leafIndex` (§12.1.3): blanks the leaf and its direct path, then truncates.
 * @throws SigilError `MLS_INVALID_REMOVE` if the leaf is blank or outside the tree.
 */
export function removeLeaf(tree: RatchetTree, leafIndex: number): RatchetTree {
  if (!isMember(tree, leafIndex)) {
    throw new SigilError('MLS_INVALID_REMOVE', 'the removed leaf is not a member (§12.1.3)', {
      details: { leafIndex },
    });
  }
  return tree
    .with([...blankPathChanges(tree, leafIndex), [leafToNode(leafIndex), undefined]])
    .truncated();
}

/** Whether `leafIndex` is a non-blank leaf of `tree` (false outside it). */
export function isMember(tree: RatchetTree, leafIndex: number): boolean {
  return (
    Number.isInteger(leafIndex) &&
    leafIndex >= 0 &&
    leafIndex < tree.leafCount &&
    tree.leafNode(leafIndex) !== undefined
  );
}

/** The outcome of {@link applyTreeProposal}. */
export interface TreeProposalResult {
  readonly tree: RatchetTree;
  /** The new member's leaf index, for an Add. */
  readonly addedLeaf?: number;
}

/**
 * Applies the tree change of one Add, Update or Remove proposal sent by member
 * `senderLeafIndex` (other proposal types do not change the tree and return it unchanged).
 * The proposal must already be validated; the commit layer applies a Commit's proposals in
 * the order §12.3 gives.
 * @throws SigilError `MLS_UNKNOWN_SENDER` (Update from a non-member), `MLS_INVALID_REMOVE`.
 */
export function applyTreeProposal(
  tree: RatchetTree,
  proposal: Proposal,
  senderLeafIndex: number,
): TreeProposalResult {
  switch (proposal.proposalType) {
    case 'add': {
      const added = addLeaf(tree, proposal.keyPackage.leafNode);
      return { tree: added.tree, addedLeaf: added.leafIndex };
    }
    case 'update':
      return { tree: updateLeaf(tree, senderLeafIndex, proposal.leafNode) };
    case 'remove':
      return { tree: removeLeaf(tree, proposal.removed) };
    default:
      return { tree };
  }
}
