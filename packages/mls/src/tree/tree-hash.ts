/**
 * Tree hashes (RFC 9420 §7.8): each node's hash summarizes its subtree; the root's is the
 * GroupContext's `tree_hash`.
 *
 * ```
 * struct { uint32 leaf_index; optional<LeafNode> leaf_node; } LeafNodeHashInput;
 * struct { optional<ParentNode> parent_node; opaque left_hash<V>; opaque right_hash<V>; }
 *   ParentNodeHashInput;
 * struct {
 *   NodeType node_type;
 *   select (TreeHashInput.node_type) {
 *     case leaf:   LeafNodeHashInput leaf_node;
 *     case parent: ParentNodeHashInput parent_node;
 *   };
 * } TreeHashInput;
 * tree_hash(node) = Hash(TreeHashInput)
 * ```
 *
 * Hashes are memoized in the tree's memo table for the suite, so after a change only the
 * changed nodes' direct paths are rehashed. {@link treeHashWithoutLeaves} computes the
 * "original sibling tree hash" of §7.9 (the subtree with some leaves blanked and dropped from
 * every unmerged_leaves list), reusing memoized hashes of the sub-subtrees it leaves untouched.
 *
 * @example
 * ```ts
 * const groupTreeHash = treeHash(suite, tree); // the root's hash
 * ```
 * @module
 */
import { opaqueVar, Writer } from '@sigil/wire';
import type { CipherSuite } from '../cipher-suite.ts';
import type { PersistentArray } from '../internal/persistent-array.ts';
import { isInSubtree, isLeaf, leafToNode, left, right } from '../tree-math.ts';
import { LeafNode } from '../wire/leaf-node.ts';
import { NODE_TYPES, ParentNode } from '../wire/ratchet-tree.ts';
import { RatchetTree } from './ratchet-tree.ts';

/** Above this many new hashes, the memo table is rebuilt in one pass instead of per entry. */
const BULK_THRESHOLD = 256;

/** Hash(TreeHashInput) of a leaf: `leafNode` undefined for a blank leaf. */
function leafHash(
  suite: CipherSuite,
  leafIndex: number,
  leafNode: LeafNode | undefined,
): Uint8Array {
  const writer = new Writer({ initialCapacity: 256 });
  writer.writeUint8(NODE_TYPES.leaf);
  writer.writeUint32(leafIndex);
  if (leafNode === undefined) {
    writer.writeUint8(0);
  } else {
    writer.writeUint8(1);
    LeafNode.encode(writer, leafNode);
  }
  return suite.hash(writer.finish());
}

/** Hash(TreeHashInput) of a parent: `parentNode` undefined for a blank parent. */
function parentHashInput(
  suite: CipherSuite,
  parentNode: ParentNode | undefined,
  leftHash: Uint8Array,
  rightHash: Uint8Array,
): Uint8Array {
  const writer = new Writer({ initialCapacity: 160 });
  writer.writeUint8(NODE_TYPES.parent);
  if (parentNode === undefined) {
    writer.writeUint8(0);
  } else {
    writer.writeUint8(1);
    ParentNode.encode(writer, parentNode);
  }
  opaqueVar.encode(writer, leftHash);
  opaqueVar.encode(writer, rightHash);
  return suite.hash(writer.finish());
}

/**
 * The tree hash of `node` (the root by default), memoized in `tree` for `suite`. Do not
 * mutate the returned bytes: they are shared with the memo.
 * @throws SigilError `INVALID_ARGUMENT` if `node` is outside the tree.
 */
export function treeHash(
  suite: CipherSuite,
  tree: RatchetTree,
  node: number = tree.root,
): Uint8Array {
  tree.node(node); // bounds check
  const table = tree.memoTable<Uint8Array>(suite);
  const fresh: (Uint8Array | undefined)[] = [];
  let added = 0;
  const hashOf = (index: number): Uint8Array => {
    const known = table?.get(index) ?? fresh[index];
    if (known !== undefined) return known;
    const value = tree.node(index);
    let hash: Uint8Array;
    if (isLeaf(index)) {
      hash = leafHash(suite, index / 2, value?.nodeType === 'leaf' ? value.leafNode : undefined);
    } else {
      const parentNode = value?.nodeType === 'parent' ? value.parentNode : undefined;
      hash = parentHashInput(suite, parentNode, hashOf(left(index)), hashOf(right(index)));
    }
    fresh[index] = hash;
    added += 1;
    return hash;
  };
  const result = hashOf(node);
  if (added > 0) tree.storeMemoTable(suite, merge(table, fresh, added));
  return result;
}

/**
 * `table` plus the defined entries of `fresh`: set one by one when few (each copies a trie
 * path), rebuilt in one O(n) pass when many (a first hash, or a tree that just doubled).
 */
function merge(
  table: PersistentArray<Uint8Array> | undefined,
  fresh: readonly (Uint8Array | undefined)[],
  added: number,
): PersistentArray<Uint8Array> {
  if (added > BULK_THRESHOLD) {
    const all: (Uint8Array | undefined)[] = [];
    if (table !== undefined) for (const [index, hash] of table.entries()) all[index] = hash;
    fresh.forEach((hash, index) => {
      if (hash !== undefined) all[index] = hash;
    });
    return RatchetTree.memoTableFrom(Array.from(all));
  }
  let next = table ?? RatchetTree.emptyMemoTable<Uint8Array>();
  fresh.forEach((hash, index) => {
    if (hash !== undefined) next = next.set(index, hash);
  });
  return next;
}

/**
 * The tree hash of every node, in node order (blank nodes included).
 */
export function treeHashes(suite: CipherSuite, tree: RatchetTree): Uint8Array[] {
  treeHash(suite, tree);
  return Array.from({ length: tree.nodeCount }, (_, index) => treeHash(suite, tree, index));
}

/**
 * The tree hash of the subtree under `node` in `tree` modified as §7.9 defines the original
 * sibling tree hash: each leaf in `removedLeaves` (leaf indices) is blanked and removed from
 * the unmerged_leaves of every parent node.
 * @throws SigilError `INVALID_ARGUMENT` if `node` is outside the tree.
 */
export function treeHashWithoutLeaves(
  suite: CipherSuite,
  tree: RatchetTree,
  node: number,
  removedLeaves: readonly number[],
): Uint8Array {
  const inside = removedLeaves.filter((leaf) => {
    const leafNode = leafToNode(leaf);
    return leafNode < tree.nodeCount && isInSubtree(leafNode, node);
  });
  if (inside.length === 0) return treeHash(suite, tree, node);
  const value = tree.node(node);
  if (isLeaf(node)) return leafHash(suite, node / 2, undefined);
  let parentNode = value?.nodeType === 'parent' ? value.parentNode : undefined;
  if (parentNode !== undefined) {
    const removed = new Set(inside);
    parentNode = {
      ...parentNode,
      unmergedLeaves: parentNode.unmergedLeaves.filter((leaf) => !removed.has(leaf)),
    };
  }
  return parentHashInput(
    suite,
    parentNode,
    treeHashWithoutLeaves(suite, tree, left(node), inside),
    treeHashWithoutLeaves(suite, tree, right(node), inside),
  );
}
