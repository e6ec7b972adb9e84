/**
 * The ratchet tree (RFC 9420 §4, §7.1, §7.7, §12.4.3.3) as an immutable value: a left-balanced
 * binary tree of optional nodes in array layout (leaf L at node 2L, parents at odd indices,
 * Appendix C), a power-of-two number of leaves, and blank nodes absent.
 *
 * Every change returns a new tree and leaves this one intact; nodes live in a persistent array,
 * so a change copies only the trie paths to the changed slots (O(log n) per node), never the
 * whole tree. Derived values that depend on a node's subtree (tree hashes) are memoized per
 * tree in "memo tables" that a change invalidates only along the changed nodes' direct paths,
 * so a Commit to a 10,000-member group rehashes one path, not 20,000 nodes.
 *
 * The `ratchet_tree` extension (§12.4.3.3) is the tree's wire form: `decode` checks that it is
 * a tree (no trailing blank, leaves at even and parents at odd positions) and pads it to full
 * width; `encode` strips trailing blanks.
 *
 * @example
 * ```ts
 * const tree = RatchetTree.decode(extensionData);
 * const alice = tree.leafNode(0);
 * const next = tree.with([[2, { nodeType: 'leaf', leafNode: bob }]]); // `tree` is unchanged
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { decode, encode } from '@sigil/wire';
import { PersistentArray } from '../internal/persistent-array.ts';
import { MAX_LEAF_COUNT } from '../limits.ts';
import { directPath, isLeaf, leafToNode, nodeWidth, root } from '../tree-math.ts';
import type { LeafNode } from '../wire/leaf-node.ts';
import { type Node, type ParentNode, RatchetTreeNodes } from '../wire/ratchet-tree.ts';
import { TreeKeyIndex } from './key-index.ts';

/** Node indices of the largest tree (MAX_LEAF_COUNT leaves) are below 2^31. */
const CAPACITY = 2 ** 31;

/** A node change: the node index and its new value (`undefined` blanks it). */
export type NodeChange = readonly [node: number, value: Node | undefined];

function malformed(message: string, details?: Record<string, number>): SigilError {
  return new SigilError('MLS_MALFORMED_RATCHET_TREE', message, details ? { details } : undefined);
}

/** The HPKE public key of a node (`encryption_key` of its LeafNode or ParentNode). */
export function nodeEncryptionKey(node: Node): Uint8Array {
  return node.nodeType === 'leaf' ? node.leafNode.encryptionKey : node.parentNode.encryptionKey;
}

/** An immutable ratchet tree. Build one with {@link RatchetTree.decode} or `create`. */
export class RatchetTree {
  /** The number of leaves, a power of two (blank leaves included). */
  readonly leafCount: number;
  readonly #nodes: PersistentArray<Node>;
  /** Memo tables by owner (see {@link RatchetTree.memoTable}); filled lazily, never observable. */
  readonly #memos: Map<object, PersistentArray<unknown>>;
  /**
   * A memo, never observable: every leaf below this index is known to be occupied, so
   * {@link RatchetTree.leftmostBlankLeaf} scans from here (a Commit adding N members finds
   * each free leaf in O(1), not O(N)).
   */
  #occupiedBelow: number;
  /**
   * The index of this tree's keys and credential types (see {@link RatchetTree.keyIndex}):
   * built on first use, then carried to derived trees and updated per changed node.
   */
  #keyIndex: TreeKeyIndex | undefined;

  private constructor(
    leafCount: number,
    nodes: PersistentArray<Node>,
    memos: Map<object, PersistentArray<unknown>>,
    occupiedBelow = 0,
    keyIndex?: TreeKeyIndex,
  ) {
    this.leafCount = leafCount;
    this.#nodes = nodes;
    this.#memos = memos;
    this.#occupiedBelow = occupiedBelow;
    this.#keyIndex = keyIndex;
  }

  /** A one-member tree holding `leafNode` at leaf 0 (group creation, §11). */
  static create(leafNode: LeafNode): RatchetTree {
    return RatchetTree.fromNodes([{ nodeType: 'leaf', leafNode }]);
  }

  /**
   * The tree whose nodes, in array order, are `nodes` followed by as few blanks as make a full
   * tree (§12.4.3.3).
   * @throws SigilError `MLS_MALFORMED_RATCHET_TREE` if `nodes` is empty, ends with a blank, has
   *   a parent at an even or a leaf at an odd position, or has more than 2^30 leaves.
   */
  static fromNodes(nodes: readonly (Node | undefined)[]): RatchetTree {
    if (nodes.length === 0) throw malformed('a ratchet tree has at least one node');
    if (nodes[nodes.length - 1] === undefined) {
      throw malformed('the last node of a ratchet tree must not be blank', {
        length: nodes.length,
      });
    }
    let leafCount = 1;
    while (nodeWidth(leafCount) < nodes.length) {
      leafCount *= 2;
      if (leafCount > MAX_LEAF_COUNT) throw malformed('the ratchet tree has too many leaves');
    }
    nodes.forEach((node, index) => {
      if (node !== undefined && (node.nodeType === 'leaf') !== isLeaf(index)) {
        throw malformed(`a ${node.nodeType} node at a ${isLeaf(index) ? 'leaf' : 'parent'} index`, {
          node: index,
        });
      }
    });
    return new RatchetTree(leafCount, PersistentArray.from(CAPACITY, nodes), new Map());
  }

  /**
   * Decodes a `ratchet_tree` extension body (`optional<Node> ratchet_tree<V>`, §12.4.3.3).
   * @throws SigilError `MLS_MALFORMED_RATCHET_TREE` as {@link RatchetTree.fromNodes}; a
   *   `Codec` error if the bytes do not parse.
   */
  static decode(bytes: Uint8Array): RatchetTree {
    return RatchetTree.fromNodes(decode(RatchetTreeNodes, bytes));
  }

  /** The `ratchet_tree` extension body: every node up to the last non-blank one. */
  encode(): Uint8Array {
    return encode(RatchetTreeNodes, this.toNodes());
  }

  /** The nodes in array order, up to and including the last non-blank one. */
  toNodes(): (Node | undefined)[] {
    const nodes: (Node | undefined)[] = [];
    for (const [index, node] of this.#nodes.entries()) nodes[index] = node;
    return Array.from(nodes);
  }

  /** The number of nodes, 2 * leafCount - 1 (node_width). */
  get nodeCount(): number {
    return nodeWidth(this.leafCount);
  }

  /** The root's node index. */
  get root(): number {
    return root(this.leafCount);
  }

  #check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.nodeCount) {
      throw new SigilError('INVALID_ARGUMENT', 'node index is outside the tree', {
        details: { node: index, leafCount: this.leafCount },
      });
    }
  }

  /**
   * The node at `index`, or undefined if it is blank.
   * @throws SigilError `INVALID_ARGUMENT` if `index` is outside the tree.
   */
  node(index: number): Node | undefined {
    this.#check(index);
    return this.#nodes.get(index);
  }

  /**
   * The LeafNode of leaf `leafIndex`, or undefined if the leaf is blank.
   * @throws SigilError `INVALID_ARGUMENT` if the leaf is outside the tree.
   */
  leafNode(leafIndex: number): LeafNode | undefined {
    const node = this.node(leafToNode(leafIndex));
    return node?.nodeType === 'leaf' ? node.leafNode : undefined;
  }

  /**
   * The ParentNode at node index `index`, or undefined if it is blank (or a leaf).
   * @throws SigilError `INVALID_ARGUMENT` if `index` is outside the tree.
   */
  parentNode(index: number): ParentNode | undefined {
    const node = this.node(index);
    return node?.nodeType === 'parent' ? node.parentNode : undefined;
  }

  /** Every non-blank node as [node index, node], in index order. */
  nonBlankNodes(): Generator<[number, Node]> {
    return this.#nodes.entries();
  }

  /**
   * Calls `fn(node, index)` for every non-blank node in index order: the fast way to scan a
   * large tree (a throw stops the scan).
   */
  forEachNonBlank(fn: (node: Node, index: number) => void): void {
    this.#nodes.forEach(fn);
  }

  /** Every non-blank leaf as [leaf index, LeafNode], in index order. */
  *leaves(): Generator<[number, LeafNode]> {
    for (const [index, node] of this.#nodes.entries()) {
      if (node.nodeType === 'leaf') yield [index / 2, node.leafNode];
    }
  }

  /** The number of non-blank nodes. */
  get nonBlankCount(): number {
    return this.#nodes.size;
  }

  /** The leftmost blank leaf's index, or undefined if every leaf is occupied. */
  leftmostBlankLeaf(): number | undefined {
    for (let leaf = this.#occupiedBelow; leaf < this.leafCount; leaf += 1) {
      if (this.#nodes.get(leafToNode(leaf)) === undefined) {
        this.#occupiedBelow = leaf;
        return leaf;
      }
    }
    this.#occupiedBelow = this.leafCount;
    return undefined;
  }

  /**
   * A tree with `changes` applied in order (each sets or blanks one node). Memo tables carry
   * over, except along the direct paths of the changed nodes.
   * @throws SigilError `INVALID_ARGUMENT` if a node index is outside the tree or a node's type
   *   does not match its position.
   */
  with(changes: Iterable<NodeChange>): RatchetTree {
    let nodes = this.#nodes;
    const stale = new Set<number>();
    let occupiedBelow = this.#occupiedBelow;
    let keyIndex = this.#keyIndex;
    for (const [index, value] of changes) {
      this.#check(index);
      if (value !== undefined && (value.nodeType === 'leaf') !== isLeaf(index)) {
        throw new SigilError('INVALID_ARGUMENT', `a ${value.nodeType} node at node ${index}`);
      }
      const before = nodes.get(index);
      if (value === undefined && before === undefined) continue;
      // Blanking a leaf below the occupied prefix shortens it.
      if (value === undefined && isLeaf(index)) occupiedBelow = Math.min(occupiedBelow, index / 2);
      nodes = nodes.set(index, value);
      keyIndex = keyIndex?.withNodeChange(before, value);
      if (stale.has(index)) continue;
      stale.add(index);
      for (const ancestor of directPath(index, this.leafCount)) stale.add(ancestor);
    }
    return new RatchetTree(this.leafCount, nodes, this.#dropMemos(stale), occupiedBelow, keyIndex);
  }

  /** Memo tables without the entries at `stale` indices. */
  #dropMemos(stale: Iterable<number>): Map<object, PersistentArray<unknown>> {
    const memos = new Map<object, PersistentArray<unknown>>();
    const indices = [...stale];
    for (const [owner, table] of this.#memos) {
      let next = table;
      for (const index of indices) {
        if (next.get(index) !== undefined) next = next.set(index, undefined);
      }
      memos.set(owner, next);
    }
    return memos;
  }

  /**
   * The tree extended to twice as many leaves (§7.7): the old tree becomes the left subtree of
   * a new blank root, with a blank right subtree. Node indices do not change.
   * @throws SigilError `INVALID_ARGUMENT` if the tree already has 2^30 leaves.
   */
  extended(): RatchetTree {
    if (this.leafCount * 2 > MAX_LEAF_COUNT) {
      throw new SigilError('INVALID_ARGUMENT', 'the tree cannot grow beyond 2^30 leaves');
    }
    return new RatchetTree(
      this.leafCount * 2,
      this.#nodes,
      new Map(this.#memos),
      this.#occupiedBelow,
      this.#keyIndex,
    );
  }

  /**
   * The tree truncated as a Remove requires (§7.7, §12.1.3): while the right subtree holds no
   * non-blank leaf, the root and the right subtree are dropped. If the rightmost non-blank leaf
   * has index L, the result has the smallest power of two above L leaves (at least 1).
   */
  truncated(): RatchetTree {
    let last = this.leafCount - 1;
    while (last > 0 && this.#nodes.get(leafToNode(last)) === undefined) last -= 1;
    let leafCount = this.leafCount;
    while (leafCount > 1 && leafCount / 2 > last) leafCount /= 2;
    if (leafCount === this.leafCount) return this;
    // Clear whatever the dropped region held (in a valid tree only blanks and stale memos), so
    // that a later extension finds it blank.
    const dropped: number[] = [];
    for (let index = nodeWidth(leafCount); index < this.nodeCount; index += 1) dropped.push(index);
    let nodes = this.#nodes;
    let keyIndex = this.#keyIndex;
    for (const index of dropped) {
      const before = nodes.get(index);
      if (before === undefined) continue;
      nodes = nodes.set(index, undefined);
      keyIndex = keyIndex?.withNodeChange(before, undefined);
    }
    return new RatchetTree(
      leafCount,
      nodes,
      this.#dropMemos(dropped),
      Math.min(this.#occupiedBelow, leafCount),
      keyIndex,
    );
  }

  /**
   * Internal to @sigil/mls: the index of this tree's public keys and credential types (§7.3,
   * §12.4.2 uniqueness and credential checks in O(log n) per key). Built in one pass on first
   * use (memoization only, never observable), then maintained per changed node by
   * {@link RatchetTree.with}, {@link RatchetTree.extended} and {@link RatchetTree.truncated}.
   */
  keyIndex(): TreeKeyIndex {
    this.#keyIndex ??= TreeKeyIndex.build((fn) => this.#nodes.forEach(fn));
    return this.#keyIndex;
  }

  /**
   * Internal to @sigil/mls: the memo table `owner` keeps for this tree (per node index), or
   * undefined. Memo tables hold values that are a function of a node's subtree only, such as
   * tree hashes; {@link RatchetTree.with} drops the entries a change invalidates.
   */
  memoTable<T>(owner: object): PersistentArray<T> | undefined {
    return this.#memos.get(owner) as PersistentArray<T> | undefined;
  }

  /** Internal to @sigil/mls: stores `owner`'s memo table for this tree (memoization only). */
  storeMemoTable<T>(owner: object, table: PersistentArray<T>): void {
    this.#memos.set(owner, table as PersistentArray<unknown>);
  }

  /** Internal to @sigil/mls: an empty memo table sized for any tree. */
  static emptyMemoTable<T>(): PersistentArray<T> {
    return PersistentArray.empty<T>(CAPACITY);
  }

  /** Internal to @sigil/mls: a memo table holding `values[i]` at node i, built in O(n). */
  static memoTableFrom<T>(values: readonly (T | undefined)[]): PersistentArray<T> {
    return PersistentArray.from(CAPACITY, values);
  }
}
