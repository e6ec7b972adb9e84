/**
 * Ratchet tree integrity (RFC 9420 §12.4.3.1 "Verify the integrity of the ratchet tree"): the
 * checks a new member runs on the tree it receives with a Welcome or for an external Commit,
 * before trusting any key in it.
 *
 * 1. The root tree hash is the GroupContext's tree_hash (`MLS_TREE_HASH_MISMATCH`).
 * 2. Every unmerged_leaves entry of a parent P is a non-blank leaf below P, listed once, and
 *    also listed by every non-blank node between it and P (`MLS_INVALID_UNMERGED_LEAVES`).
 * 3. No encryption_key appears twice in the tree and no signature_key twice among the leaves
 *    (`MLS_DUPLICATE_ENCRYPTION_KEY`, `MLS_DUPLICATE_SIGNATURE_KEY`); every parent key is a
 *    usable key of the suite (`MLS_INVALID_PUBLIC_KEY`).
 * 4. Every leaf is a valid LeafNode (§7.3, see `validateLeafNodeContent`), and supports every
 *    credential type in use (`MLS_UNSUPPORTED_CREDENTIAL_TYPE`).
 * 5. Every non-blank parent is parent-hash valid (§7.9.2, `MLS_INVALID_PARENT_HASH`).
 *
 * Each check is one pass over the tree (the parent-hash check reads each parent's children's
 * resolutions), so a 10,000-member tree is verified in linear time.
 *
 * @example
 * ```ts
 * const tree = RatchetTree.decode(ratchetTreeExtension.extensionData);
 * verifyRatchetTree({ suite, tree, groupId, treeHash: groupInfo.groupContext.treeHash });
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { CipherSuite } from '../cipher-suite.ts';
import { bytesEqual, bytesKey } from '../internal/bytes.ts';
import { isUsableHpkePublicKey } from '../internal/hpke-public-key.ts';
import { directPath, isInSubtree, leafToNode } from '../tree-math.ts';
import {
  credentialTypeOf,
  type LeafNodeValidationInput,
  validateLeafNodeContent,
} from './leaf-node-validation.ts';
import { verifyParentHashes } from './parent-hash.ts';
import { nodeEncryptionKey, type RatchetTree } from './ratchet-tree.ts';
import { treeHash } from './tree-hash.ts';

/** Input of {@link verifyRatchetTree}. */
export interface RatchetTreeVerificationInput
  extends Pick<LeafNodeValidationInput, 'groupContextExtensions' | 'validateCredential'> {
  readonly suite: CipherSuite;
  readonly tree: RatchetTree;
  /** The group the update and commit leaves are signed for. */
  readonly groupId: Uint8Array;
  /** The GroupContext's tree_hash the tree must have (checked when given). */
  readonly treeHash?: Uint8Array;
}

function invalidUnmerged(message: string, details: Record<string, number>): SigilError {
  return new SigilError('MLS_INVALID_UNMERGED_LEAVES', `${message} (RFC 9420 §12.4.3.1)`, {
    details,
  });
}

/**
 * Checks the unmerged_leaves of every parent node (§12.4.3.1): each entry is a non-blank leaf
 * below the parent, listed once, and every non-blank node between the leaf and the parent
 * lists it too.
 * @throws SigilError `MLS_INVALID_UNMERGED_LEAVES`.
 */
export function verifyUnmergedLeaves(tree: RatchetTree): void {
  for (const [index, node] of tree.nonBlankNodes()) {
    if (node.nodeType !== 'parent') continue;
    const seen = new Set<number>();
    for (const leaf of node.parentNode.unmergedLeaves) {
      const details = { node: index, leafIndex: leaf };
      if (seen.has(leaf)) throw invalidUnmerged('an unmerged leaf is listed twice', details);
      seen.add(leaf);
      const leafNode = leafToNode(leaf);
      if (
        leaf >= tree.leafCount ||
        !isInSubtree(leafNode, index) ||
        tree.leafNode(leaf) === undefined
      ) {
        throw invalidUnmerged('an unmerged leaf is not a member below the node', details);
      }
      for (const between of directPath(leafNode, tree.leafCount)) {
        if (between === index) break;
        const parent = tree.parentNode(between);
        if (parent !== undefined && !parent.unmergedLeaves.includes(leaf)) {
          throw invalidUnmerged('a node between an unmerged leaf and its parent omits it', details);
        }
      }
    }
  }
}

/**
 * Checks that no two nodes share an encryption_key and no two leaves a signature_key (§7.3,
 * §12.4.3.1).
 * @throws SigilError `MLS_DUPLICATE_ENCRYPTION_KEY`, `MLS_DUPLICATE_SIGNATURE_KEY`.
 */
export function verifyUniqueKeys(tree: RatchetTree): void {
  const encryptionKeys = new Map<string, number>();
  const signatureKeys = new Map<string, number>();
  for (const [index, node] of tree.nonBlankNodes()) {
    const key = bytesKey(nodeEncryptionKey(node));
    const other = encryptionKeys.get(key);
    if (other !== undefined) {
      throw new SigilError('MLS_DUPLICATE_ENCRYPTION_KEY', 'two nodes share an encryption_key', {
        details: { node: index, other },
      });
    }
    encryptionKeys.set(key, index);
    if (node.nodeType !== 'leaf') continue;
    const signatureKey = bytesKey(node.leafNode.signatureKey);
    const otherLeaf = signatureKeys.get(signatureKey);
    if (otherLeaf !== undefined) {
      throw new SigilError('MLS_DUPLICATE_SIGNATURE_KEY', 'two leaves share a signature_key', {
        details: { leafIndex: index / 2, other: otherLeaf },
      });
    }
    signatureKeys.set(signatureKey, index / 2);
  }
}

/**
 * Verifies the integrity of a ratchet tree as a joining member must (§12.4.3.1): tree hash,
 * unmerged leaves, unique keys, every leaf (§7.3) and every parent's parent hash (§7.9.2).
 * @throws SigilError `MLS_TREE_HASH_MISMATCH`, `MLS_INVALID_UNMERGED_LEAVES`,
 *   `MLS_DUPLICATE_ENCRYPTION_KEY`, `MLS_DUPLICATE_SIGNATURE_KEY`, a LeafNode code
 *   (`MLS_INVALID_LEAF_NODE_SIGNATURE`, ...), `MLS_UNSUPPORTED_CREDENTIAL_TYPE` or
 *   `MLS_INVALID_PARENT_HASH`.
 */
export function verifyRatchetTree(input: RatchetTreeVerificationInput): void {
  const { suite, tree } = input;
  if (input.treeHash !== undefined && !bytesEqual(treeHash(suite, tree), input.treeHash)) {
    throw new SigilError(
      'MLS_TREE_HASH_MISMATCH',
      "the ratchet tree's hash is not the group's tree_hash (RFC 9420 §12.4.3.1)",
    );
  }
  verifyUnmergedLeaves(tree);
  verifyUniqueKeys(tree);
  tree.forEachNonBlank((node, index) => {
    if (
      node.nodeType === 'parent' &&
      !isUsableHpkePublicKey(suite, node.parentNode.encryptionKey)
    ) {
      throw new SigilError('MLS_INVALID_PUBLIC_KEY', 'a parent key is not a usable suite key', {
        details: { node: index },
      });
    }
  });
  const typesInUse = new Set<number>();
  for (const [leafIndex, leafNode] of tree.leaves()) {
    validateLeafNodeContent({
      suite,
      leafNode,
      context: 'tree',
      groupId: input.groupId,
      leafIndex,
      groupContextExtensions: input.groupContextExtensions,
      validateCredential: input.validateCredential,
    });
    typesInUse.add(credentialTypeOf(leafNode.credential));
  }
  for (const [leafIndex, leafNode] of tree.leaves()) {
    for (const type of typesInUse) {
      if (!leafNode.capabilities.credentials.includes(type)) {
        throw new SigilError(
          'MLS_UNSUPPORTED_CREDENTIAL_TYPE',
          'a member does not support a credential type in use (RFC 9420 §13.3)',
          { details: { leafIndex, credentialType: type } },
        );
      }
    }
  }
  verifyParentHashes(suite, tree);
}
