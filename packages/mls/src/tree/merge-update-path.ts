/**
 * Merging a received UpdatePath into the ratchet tree (RFC 9420 §7.5 "merges UpdatePath into
 * the tree", §12.4.2): the checks and the tree change every member (and any observer of the
 * public tree) makes before anything is decrypted, shared with the committer's own merge.
 *
 * 1. The LeafNode is valid for a Commit (§7.3, against the tree: source commit, signature over
 *    the group id and leaf index, fresh encryption key, unique keys, credential support).
 * 2. No key of the UpdatePath repeats or is already in the tree (§12.4.2).
 * 3. One UpdatePathNode per filtered direct path node, one ciphertext per node of each copath
 *    resolution, the Commit's new members excluded (§7.6).
 * 4. The sender's direct path is blanked, the filtered path set with no unmerged leaves, and
 *    the parent hashes computed top down; the LeafNode's parent_hash must be the one the new
 *    path yields (§7.9.2).
 * 5. The provisional GroupContext takes the merged tree's hash (§12.4.1).
 *
 * @example
 * ```ts
 * const { tree: next, groupContext } = mergeUpdatePath({ suite, tree, groupContext: fields,
 *   senderLeafIndex, updatePath });
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { CipherSuite } from '../cipher-suite.ts';
import { ByteStringSet, bytesEqual } from '../internal/bytes.ts';
import { isUsableHpkePublicKey } from '../internal/hpke-public-key.ts';
import { directPath, leafToNode } from '../tree-math.ts';
import type { UpdatePath, UpdatePathNode } from '../wire/commit.ts';
import type { GroupContext } from '../wire/group-context.ts';
import type { LeafNode } from '../wire/leaf-node.ts';
import { type LeafNodeValidationInput, validateLeafNode } from './leaf-node-validation.ts';
import { pathParentHashes } from './parent-hash.ts';
import { type NodeChange, nodeEncryptionKey, type RatchetTree } from './ratchet-tree.ts';
import { type FilteredPathNode, filteredDirectPathWithCopath, resolution } from './resolution.ts';
import { treeHash } from './tree-hash.ts';

/** The Commit-level context an UpdatePath is created or processed in. */
export interface UpdatePathContext {
  readonly suite: CipherSuite;
  /** The ratchet tree with the Commit's proposals applied (before the path). */
  readonly tree: RatchetTree;
  /**
   * The provisional GroupContext (§12.4.1) without its tree_hash, which is taken from the
   * tree with the path merged: the new epoch, the old confirmed transcript hash, the new
   * extensions.
   */
  readonly groupContext: Omit<GroupContext, 'treeHash'>;
  /** Leaf indices added by the same Commit: left out of every copath resolution (§7.6). */
  readonly excludedLeaves?: readonly number[];
}

/** Input of {@link mergeUpdatePath}. */
export interface MergeUpdatePathInput extends UpdatePathContext {
  /** The committer's leaf index. */
  readonly senderLeafIndex: number;
  readonly updatePath: UpdatePath;
  /** Extra LeafNode checks (§7.3): required capabilities, credential policy, time. */
  readonly leafNodeValidation?: Pick<
    LeafNodeValidationInput,
    'groupContextExtensions' | 'validateCredential' | 'now'
  >;
}

/** The outcome of {@link mergeUpdatePath}. */
export interface MergedUpdatePath {
  /** The tree with the path merged. */
  readonly tree: RatchetTree;
  /** The provisional GroupContext (tree_hash of the merged tree). */
  readonly groupContext: GroupContext;
  /** The sender's filtered direct path (with copath children) the path was merged along. */
  readonly path: readonly FilteredPathNode[];
}

/**
 * The tree with `leafNode` at `leafIndex`, the direct path blanked and `path` set to
 * `keys` with the given parent hashes and no unmerged leaves (§7.5).
 */
export function mergedTree(
  tree: RatchetTree,
  leafIndex: number,
  leafNode: LeafNode,
  path: readonly FilteredPathNode[],
  keys: readonly Uint8Array[],
  parentHashes: readonly Uint8Array[],
): RatchetTree {
  const changes: NodeChange[] = directPath(leafToNode(leafIndex), tree.leafCount).map(
    (node) => [node, undefined] as const,
  );
  path.forEach((entry, i) => {
    changes.push([
      entry.node,
      {
        nodeType: 'parent',
        parentNode: {
          encryptionKey: keys[i] as Uint8Array,
          parentHash: parentHashes[i] as Uint8Array,
          unmergedLeaves: [],
        },
      },
    ]);
  });
  changes.push([leafToNode(leafIndex), { nodeType: 'leaf', leafNode }]);
  return tree.with(changes);
}

/** The provisional GroupContext of `tree`: `fields` with the tree's hash (§12.4.1). */
export function provisionalContext(
  suite: CipherSuite,
  tree: RatchetTree,
  fields: Omit<GroupContext, 'treeHash'>,
): GroupContext {
  return { ...fields, treeHash: treeHash(suite, tree) };
}

function invalidPath(message: string, details?: Record<string, number>): SigilError {
  return new SigilError('MLS_INVALID_UPDATE_PATH', `${message} (RFC 9420 §7.6)`, {
    ...(details ? { details } : {}),
  });
}

/** Checks that no key of the UpdatePath repeats or is already in `tree` (§12.4.2). */
function checkFreshKeys(suite: CipherSuite, tree: RatchetTree, updatePath: UpdatePath): void {
  const keys = [updatePath.leafNode.encryptionKey, ...updatePath.nodes.map((n) => n.encryptionKey)];
  const seen = new ByteStringSet();
  for (const key of keys) {
    if (!isUsableHpkePublicKey(suite, key)) {
      throw new SigilError('MLS_INVALID_PUBLIC_KEY', 'an UpdatePath key is not a suite key');
    }
    if (seen.has(key)) {
      throw new SigilError('MLS_DUPLICATE_ENCRYPTION_KEY', 'the UpdatePath repeats a key');
    }
    seen.add(key);
  }
  const inTree = tree.keyIndex().encryptionKeys;
  if (keys.every((key) => inTree.count(key) === 0)) return;
  // A key is in the tree: find the first node holding one, for the error details.
  tree.forEachNonBlank((node, index) => {
    if (seen.has(nodeEncryptionKey(node))) {
      throw new SigilError(
        'MLS_DUPLICATE_ENCRYPTION_KEY',
        'an UpdatePath key is already in the tree (RFC 9420 §12.4.2)',
        { details: { node: index } },
      );
    }
  });
}

/**
 * Validates an UpdatePath from member `senderLeafIndex` and merges it into the tree (§7.5,
 * §12.4.2), without decrypting anything (what a member does before decrypting, and all an
 * observer without keys can do):
 * - the LeafNode is valid for a Commit (§7.3, against the tree; see `validateLeafNode`);
 * - no key of the UpdatePath is already in the tree, and none repeats;
 * - there is one node per filtered direct path node, and one ciphertext per node of each
 *   copath resolution (new members excluded);
 * - the LeafNode's parent_hash is the one the new path yields (§7.9.2).
 * @throws SigilError `MLS_INVALID_UPDATE_PATH`, `MLS_INVALID_PARENT_HASH`,
 *   `MLS_DUPLICATE_ENCRYPTION_KEY`, `MLS_INVALID_PUBLIC_KEY`, or a LeafNode code
 *   (`MLS_INVALID_LEAF_NODE_SOURCE`, `MLS_INVALID_LEAF_NODE_SIGNATURE`,
 *   `MLS_ENCRYPTION_KEY_NOT_UPDATED`, ...).
 */
export function mergeUpdatePath(input: MergeUpdatePathInput): MergedUpdatePath {
  const { suite, tree, senderLeafIndex, updatePath } = input;
  const { leafNode } = updatePath;
  validateLeafNode({
    ...input.leafNodeValidation,
    suite,
    leafNode,
    context: 'commit',
    groupId: input.groupContext.groupId,
    leafIndex: senderLeafIndex,
    tree,
  });
  checkFreshKeys(suite, tree, updatePath);
  const path = filteredDirectPathWithCopath(tree, senderLeafIndex);
  if (updatePath.nodes.length !== path.length) {
    throw invalidPath('the UpdatePath does not match the filtered direct path', {
      nodes: updatePath.nodes.length,
      expected: path.length,
    });
  }
  const excluded = new Set(input.excludedLeaves ?? []);
  path.forEach((entry, i) => {
    const expected = resolution(tree, entry.copathChild, excluded).length;
    const got = (updatePath.nodes[i] as UpdatePathNode).encryptedPathSecret.length;
    if (got !== expected) {
      throw invalidPath('a ciphertext count differs from the copath resolution', {
        node: entry.node,
        ciphertexts: got,
        expected,
      });
    }
  });
  const keys = updatePath.nodes.map((node) => node.encryptionKey);
  const parentHashes = pathParentHashes(suite, tree, path, keys);
  if (leafNode.leafNodeSource !== 'commit' || !bytesEqual(leafNode.parentHash, parentHashes.leaf)) {
    throw new SigilError(
      'MLS_INVALID_PARENT_HASH',
      "the commit leaf's parent_hash does not match its UpdatePath (RFC 9420 §7.9.2)",
      { details: { leafIndex: senderLeafIndex } },
    );
  }
  const merged = mergedTree(tree, senderLeafIndex, leafNode, path, keys, parentHashes.nodes);
  return {
    tree: merged,
    groupContext: provisionalContext(suite, merged, input.groupContext),
    path,
  };
}
