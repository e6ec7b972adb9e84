/**
 * Parent hashes (RFC 9420 §7.9): computing them along an UpdatePath, and verifying that every
 * non-blank parent node of a tree is "parent-hash valid" (§7.9.2).
 *
 * ```
 * struct {
 *     HPKEPublicKey encryption_key;
 *     opaque parent_hash<V>;
 *     opaque original_sibling_tree_hash<V>;
 * } ParentHashInput;
 * ParentHash(P, S) = Hash(ParentHashInput{ P.encryption_key, P.parent_hash,
 *                                          tree hash of S without P.unmerged_leaves })
 * ```
 *
 * The parent_hash field of a node D (a ParentNode, or a LeafNode whose source is commit) is the
 * parent hash of the next node P above it on the filtered direct path it was set by, with S the
 * child of P not on D's side. So a member's signed leaf fixes every key its UpdatePath set.
 *
 * @example
 * ```ts
 * verifyParentHashes(suite, tree); // on joining: every parent chains back to a leaf
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { opaqueVar, Writer } from '@sigil/wire';
import type { CipherSuite } from '../cipher-suite.ts';
import { bytesEqual } from '../internal/bytes.ts';
import { isInSubtree, leafToNode, left, right } from '../tree-math.ts';
import type { ParentNode } from '../wire/ratchet-tree.ts';
import type { RatchetTree } from './ratchet-tree.ts';
import { type FilteredPathNode, resolution } from './resolution.ts';
import { treeHash, treeHashWithoutLeaves } from './tree-hash.ts';

const EMPTY = new Uint8Array(0);

/**
 * Hash(ParentHashInput) (§7.9): the parent hash of a node with key `encryptionKey` and
 * parent_hash field `parentHashField`, whose other child has `originalSiblingTreeHash`.
 */
export function parentHash(
  suite: CipherSuite,
  encryptionKey: Uint8Array,
  parentHashField: Uint8Array,
  originalSiblingTreeHash: Uint8Array,
): Uint8Array {
  const writer = new Writer({
    initialCapacity: encryptionKey.length + parentHashField.length + 48,
  });
  opaqueVar.encode(writer, encryptionKey);
  opaqueVar.encode(writer, parentHashField);
  opaqueVar.encode(writer, originalSiblingTreeHash);
  return suite.hash(writer.finish());
}

/** The parent_hash fields of the nodes an UpdatePath sets, and of its leaf. */
export interface PathParentHashes {
  /** parent_hash of each filtered direct path node, in path order (the root's is empty). */
  readonly nodes: readonly Uint8Array[];
  /** parent_hash of the committer's new LeafNode (empty if the filtered path is empty). */
  readonly leaf: Uint8Array;
}

/**
 * The parent hashes of a new filtered direct path (§7.5 step 3, §7.9), computed top-down from
 * the root: the nodes in `path` get the keys `encryptionKeys` (same order) and no unmerged
 * leaves. Copath subtrees are read from `tree` (before or after the path is merged: they are
 * the same).
 * @throws SigilError `INVALID_ARGUMENT` if the key count differs from the path length.
 */
export function pathParentHashes(
  suite: CipherSuite,
  tree: RatchetTree,
  path: readonly FilteredPathNode[],
  encryptionKeys: readonly Uint8Array[],
): PathParentHashes {
  if (encryptionKeys.length !== path.length) {
    throw new SigilError('INVALID_ARGUMENT', 'one encryption key per path node is needed');
  }
  const nodes: Uint8Array[] = new Array<Uint8Array>(path.length);
  // The parent hash of the node above, which the next node down stores (the root's is empty).
  let above: Uint8Array = EMPTY;
  for (let i = path.length - 1; i >= 0; i -= 1) {
    nodes[i] = above;
    const entry = path[i] as FilteredPathNode;
    const key = encryptionKeys[i] as Uint8Array;
    above = parentHash(suite, key, above, treeHash(suite, tree, entry.copathChild));
  }
  return { nodes, leaf: above };
}

/** The parent_hash field of node `index`, if it has one. */
function storedParentHash(tree: RatchetTree, index: number): Uint8Array | undefined {
  const node = tree.node(index);
  if (node === undefined) return undefined;
  if (node.nodeType === 'parent') return node.parentNode.parentHash;
  return node.leafNode.leafNodeSource === 'commit' ? node.leafNode.parentHash : undefined;
}

/** How many descendants D of `parent` have a parent hash valid with respect to it (§7.9.2). */
function validLinks(suite: CipherSuite, tree: RatchetTree, index: number, parent: ParentNode) {
  let links = 0;
  const children = [left(index), right(index)];
  for (const [side, child] of children.entries()) {
    const other = children[1 - side] as number;
    // D is in resolution(C), and resolution(C) without D is exactly P's unmerged leaves under C.
    const unmergedUnderChild = new Set(
      parent.unmergedLeaves.map(leafToNode).filter((node) => isInSubtree(node, child)),
    );
    const res = new Set(resolution(tree, child));
    const rest = [...res].filter((node) => !unmergedUnderChild.has(node));
    if (rest.length !== 1 || res.size !== unmergedUnderChild.size + 1) continue;
    const d = rest[0] as number;
    const stored = storedParentHash(tree, d);
    if (stored === undefined) continue;
    const siblingHash = treeHashWithoutLeaves(suite, tree, other, parent.unmergedLeaves);
    const expected = parentHash(suite, parent.encryptionKey, parent.parentHash, siblingHash);
    if (bytesEqual(stored, expected)) links += 1;
  }
  return links;
}

/**
 * Whether the parent node at `index` is linked by exactly one descendant's parent hash
 * (§7.9.2, "top down"). Blank nodes and leaves are not parent nodes: false.
 */
export function hasValidParentHashLink(
  suite: CipherSuite,
  tree: RatchetTree,
  index: number,
): boolean {
  const parent = tree.parentNode(index);
  return parent !== undefined && validLinks(suite, tree, index, parent) === 1;
}

/**
 * Verifies that every non-blank parent node of `tree` is parent-hash valid (§7.9.2), as a new
 * member must on joining (§12.4.3.1): checked top down, each non-blank parent must have exactly
 * one descendant whose parent hash is valid with respect to it, so that by induction every
 * parent chains back to a leaf whose signature covers it.
 * @throws SigilError `MLS_INVALID_PARENT_HASH` (details: the node) for the first parent that
 *   is not.
 */
export function verifyParentHashes(suite: CipherSuite, tree: RatchetTree): void {
  for (const [index, node] of tree.nonBlankNodes()) {
    if (node.nodeType !== 'parent') continue;
    if (validLinks(suite, tree, index, node.parentNode) !== 1) {
      throw new SigilError(
        'MLS_INVALID_PARENT_HASH',
        'a parent node is not parent-hash valid (RFC 9420 §7.9.2)',
        { details: { node: index } },
      );
    }
  }
}
