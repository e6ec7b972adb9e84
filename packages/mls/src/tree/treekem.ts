/**
 * TreeKEM (RFC 9420 §7.4-§7.6, §12.4.1-§12.4.2): creating an UpdatePath for a Commit, merging a
 * received one into the tree, and decrypting it to the new path secrets and commit_secret.
 *
 * Creating (committer at leaf L, on the tree with the Commit's proposals applied):
 * 1. derive the leaf key pair, path secrets and node keys from a fresh leaf_secret (§7.4);
 * 2. blank L's direct path, set the filtered direct path's new keys, compute parent hashes top
 *    down and sign the new commit LeafNode over them (§7.5, §7.9);
 * 3. the provisional GroupContext takes the new tree's hash; each path secret is encrypted
 *    with EncryptWithLabel(key, "UpdatePathNode", GroupContext, path_secret) to every node of
 *    the copath child's resolution, new members of the Commit excluded (§7.6).
 *
 * Receiving: `mergeUpdatePath` (merge-update-path.ts) validates the UpdatePath (LeafNode §7.3,
 * fresh keys, shape, parent hash) and merges it; {@link processUpdatePath} also decrypts the one
 * ciphertext meant for the receiver, derives the path secrets above it and checks every derived
 * public key against the UpdatePath (§7.5). A member joining by Welcome derives its path keys
 * from the path secret it was sent with {@link applyWelcomePathSecret} (§12.4.3.1). Nothing is
 * mutated: results are new values.
 *
 * @example
 * ```ts
 * const created = createUpdatePath({ suite, tree, leafIndex: 0, signatureKey, groupContext });
 * const received = processUpdatePath({ suite, tree, senderLeafIndex: 0,
 *   updatePath: created.updatePath, groupContext, privateKeys: bobKeys });
 * // received.commitSecret equals created.commitSecret
 * ```
 * @module
 */
import type { KeyPair } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import type { CipherSuite } from '../cipher-suite.ts';
import {
  decryptWithLabel,
  encryptWithPreparedContext,
  prepareEncryptContext,
  signWithLabel,
} from '../crypto-basics.ts';
import { bytesEqual } from '../internal/bytes.ts';
import { commonAncestor, directPath, isInSubtree, leafToNode } from '../tree-math.ts';
import type { UpdatePath, UpdatePathNode } from '../wire/commit.ts';
import { encodeGroupContext, type GroupContext } from '../wire/group-context.ts';
import { encodeLeafNodeTbs, type LeafNode } from '../wire/leaf-node.ts';
import type { Node } from '../wire/ratchet-tree.ts';
import {
  type MergedUpdatePath,
  type MergeUpdatePathInput,
  mergedTree,
  mergeUpdatePath,
  provisionalContext,
  type UpdatePathContext,
} from './merge-update-path.ts';
import { pathParentHashes } from './parent-hash.ts';
import { deriveNodeKeyPair, derivePath, nextPathSecret } from './path-secrets.ts';
import { nodeEncryptionKey, type RatchetTree } from './ratchet-tree.ts';
import { type FilteredPathNode, filteredDirectPathWithCopath, resolution } from './resolution.ts';
import { TreePrivateKeys } from './tree-private-keys.ts';

export {
  type MergedUpdatePath,
  type MergeUpdatePathInput,
  mergeUpdatePath,
  type UpdatePathContext,
} from './merge-update-path.ts';

const UPDATE_PATH_LABEL = 'UpdatePathNode';

/** The LeafNode fields a committer chooses; the rest are set by the UpdatePath. */
export type LeafNodeTemplate = Pick<
  LeafNode,
  'signatureKey' | 'credential' | 'capabilities' | 'extensions'
>;

/** Input of {@link createUpdatePath}. */
export interface CreateUpdatePathInput extends UpdatePathContext {
  /** The committer's leaf index. */
  readonly leafIndex: number;
  /** The committer's signature private key (Ed25519 seed), which signs the new LeafNode. */
  readonly signatureKey: Uint8Array;
  /** The new LeafNode's fields; by default those of the committer's current leaf. */
  readonly leafNode?: LeafNodeTemplate;
  /** The leaf_secret (Nh bytes); fresh random by default. Fixed values are for tests only. */
  readonly leafSecret?: Uint8Array;
}

/** The outcome of {@link createUpdatePath}. */
export interface CreatedUpdatePath {
  /** The UpdatePath for the Commit's `path` field. */
  readonly updatePath: UpdatePath;
  /** The tree with the path merged. */
  readonly tree: RatchetTree;
  /** The provisional GroupContext the path secrets were encrypted under. */
  readonly groupContext: GroupContext;
  /** commit_secret for the key schedule (§8). Secret. */
  readonly commitSecret: Uint8Array;
  /** The committer's private keys: its new leaf and filtered direct path. */
  readonly privateKeys: TreePrivateKeys;
  /**
   * The path secret of each filtered direct path node, by node index: the Welcome gives each
   * new member the one at its lowest common ancestor with the committer (§12.4.3.1). Secret.
   */
  readonly pathSecrets: ReadonlyMap<number, Uint8Array>;
}

/** Input of {@link processUpdatePath}. */
export interface ProcessUpdatePathInput extends MergeUpdatePathInput {
  /** The receiver's private keys (its leaf index is the receiver). */
  readonly privateKeys: TreePrivateKeys;
}

/** The outcome of {@link processUpdatePath}. */
export interface ProcessedUpdatePath extends MergedUpdatePath {
  /** commit_secret for the key schedule (§8). Secret. */
  readonly commitSecret: Uint8Array;
  /** The receiver's new private keys. */
  readonly privateKeys: TreePrivateKeys;
  /** The path secret the receiver decrypted, and the node it belongs to. Secret. */
  readonly decrypted: { readonly node: number; readonly pathSecret: Uint8Array };
}

/**
 * Creates the UpdatePath of a Commit from leaf `leafIndex` (§7.4-§7.6, §12.4.1).
 * @throws SigilError `INVALID_ARGUMENT` if the leaf is outside the tree, or blank and no
 *   `leafNode` template is given; `INVALID_KEY_LENGTH` for a bad signature key;
 *   `X25519_LOW_ORDER_POINT` if a resolution node holds a low-order public key.
 */
export function createUpdatePath(input: CreateUpdatePathInput): CreatedUpdatePath {
  const { suite, tree, leafIndex } = input;
  const template = input.leafNode ?? tree.leafNode(leafIndex);
  if (template === undefined) {
    throw new SigilError('INVALID_ARGUMENT', 'a blank committer leaf needs a leafNode template');
  }
  const path = filteredDirectPathWithCopath(tree, leafIndex);
  const leafSecret = input.leafSecret ?? suite.provider.random.bytes(suite.hashLength);
  const derived = derivePath(suite, leafSecret, path.length);
  const keys = derived.nodeKeyPairs.map((pair) => pair.publicKey);
  const parentHashes = pathParentHashes(suite, tree, path, keys);

  const unsigned: LeafNode = {
    encryptionKey: derived.leafKeyPair.publicKey,
    signatureKey: template.signatureKey,
    credential: template.credential,
    capabilities: template.capabilities,
    leafNodeSource: 'commit',
    parentHash: parentHashes.leaf,
    extensions: template.extensions,
    signature: new Uint8Array(0),
  };
  const tbs = encodeLeafNodeTbs(unsigned, { groupId: input.groupContext.groupId, leafIndex });
  const leafNode: LeafNode = {
    ...unsigned,
    signature: signWithLabel(suite, input.signatureKey, 'LeafNodeTBS', tbs),
  };

  const merged = mergedTree(tree, leafIndex, leafNode, path, keys, parentHashes.nodes);
  const groupContext = provisionalContext(suite, merged, input.groupContext);
  // Every ciphertext is sealed under the same EncryptContext("UpdatePathNode", GroupContext):
  // its HPKE info_hash is computed once, not once per recipient (§7.6).
  const context = prepareEncryptContext(suite, UPDATE_PATH_LABEL, encodeGroupContext(groupContext));
  const excluded = new Set(input.excludedLeaves ?? []);
  const nodes: UpdatePathNode[] = path.map((entry, i) => ({
    encryptionKey: keys[i] as Uint8Array,
    encryptedPathSecret: resolution(merged, entry.copathChild, excluded).map((node) =>
      encryptWithPreparedContext(
        suite,
        nodeEncryptionKey(merged.node(node) as Node),
        context,
        derived.pathSecrets[i] as Uint8Array,
      ),
    ),
  }));

  const pathKeys: [number, KeyPair][] = path.map((entry, i) => [
    entry.node,
    derived.nodeKeyPairs[i] as KeyPair,
  ]);
  return {
    updatePath: { leafNode, nodes },
    tree: merged,
    groupContext,
    commitSecret: derived.commitSecret,
    privateKeys: TreePrivateKeys.forLeaf(suite, leafIndex, derived.leafKeyPair).with(pathKeys),
    pathSecrets: new Map(
      path.map((entry, i) => [entry.node, derived.pathSecrets[i] as Uint8Array]),
    ),
  };
}

/**
 * Processes an UpdatePath from member `senderLeafIndex` as member `privateKeys.leafIndex`
 * (§7.5, §12.4.2): {@link mergeUpdatePath}, then {@link decryptUpdatePath}.
 * @throws SigilError the codes of both.
 */
export function processUpdatePath(input: ProcessUpdatePathInput): ProcessedUpdatePath {
  return decryptUpdatePath(input, mergeUpdatePath(input));
}

/**
 * The receiver's half of {@link processUpdatePath}, for an UpdatePath already merged with
 * `mergeUpdatePath(input)` (`merged` must be that result; merging once serves any number of
 * receivers): decrypts the path secret of the lowest filtered-path node above the receiver
 * with a key it holds in that node's copath resolution (new members excluded), derives the
 * path secrets and key pairs up to the root, checks each derived public key against the
 * UpdatePath, and derives commit_secret. The receiver's keys for the sender's old direct path
 * are dropped, those for the new path nodes added.
 * @throws SigilError `MLS_NO_PATH_DECRYPTION_KEY` if the receiver holds no key for its copath
 *   resolution; `HPKE_OPEN_FAILED` if the ciphertext does not decrypt under the provisional
 *   GroupContext; `MLS_PATH_PUBLIC_KEY_MISMATCH` if a derived key differs; `INVALID_ARGUMENT`
 *   if the receiver is the sender.
 */
export function decryptUpdatePath(
  input: ProcessUpdatePathInput,
  merged: MergedUpdatePath,
): ProcessedUpdatePath {
  const { suite, tree, senderLeafIndex, updatePath } = input;
  const receiver = input.privateKeys.leafIndex;
  if (receiver === senderLeafIndex) {
    throw new SigilError('INVALID_ARGUMENT', 'a committer does not process its own UpdatePath');
  }
  const keys = input.privateKeys.retainMatching(tree);
  const receiverNode = leafToNode(receiver);
  const position = merged.path.findIndex((entry) => isInSubtree(receiverNode, entry.copathChild));
  const noKey = (): SigilError =>
    new SigilError('MLS_NO_PATH_DECRYPTION_KEY', 'no private key for the copath resolution (§7.5)');
  const entry = merged.path[position];
  if (entry === undefined) throw noKey();
  const excluded = new Set(input.excludedLeaves ?? []);
  const res = resolution(tree, entry.copathChild, excluded);
  const slot = res.findIndex((node) => keys.get(node) !== undefined);
  if (slot < 0) throw noKey();
  const ciphertext = (updatePath.nodes[position] as UpdatePathNode).encryptedPathSecret[slot];
  if (ciphertext === undefined) throw noKey(); // unreachable once merged: counts were checked
  const pathSecret = decryptWithLabel(
    suite,
    keys.get(res[slot] as number) as KeyPair,
    UPDATE_PATH_LABEL,
    encodeGroupContext(merged.groupContext),
    ciphertext,
  );

  const derivedKeys: [number, KeyPair][] = [];
  let secret = pathSecret;
  for (let i = position; i < merged.path.length; i += 1) {
    if (i > position) secret = nextPathSecret(suite, secret);
    const pair = deriveNodeKeyPair(suite, secret);
    const node = (merged.path[i] as FilteredPathNode).node;
    if (!bytesEqual(pair.publicKey, (updatePath.nodes[i] as UpdatePathNode).encryptionKey)) {
      throw new SigilError(
        'MLS_PATH_PUBLIC_KEY_MISMATCH',
        'a key derived from the path secret differs from the UpdatePath (RFC 9420 §7.5)',
        { details: { node } },
      );
    }
    derivedKeys.push([node, pair]);
  }
  const privateKeys = keys
    .without(directPath(leafToNode(senderLeafIndex), tree.leafCount))
    .with(derivedKeys)
    .retainMatching(merged.tree);
  return {
    ...merged,
    commitSecret: nextPathSecret(suite, secret),
    privateKeys,
    decrypted: { node: entry.node, pathSecret },
  };
}

/** Input of {@link applyWelcomePathSecret}. */
export interface WelcomePathSecretInput {
  readonly suite: CipherSuite;
  /** The group's tree after the Commit (the one the GroupInfo describes). */
  readonly tree: RatchetTree;
  /** The new member's keys (at least its leaf). */
  readonly privateKeys: TreePrivateKeys;
  /** The committer's leaf index (GroupInfo.signer). */
  readonly senderLeafIndex: number;
  /** GroupSecrets.path_secret: the path secret of the members' lowest common ancestor. */
  readonly pathSecret: Uint8Array;
}

/**
 * A new member's keys after a Welcome that carries a path secret (§12.4.3.1): the path secret
 * is that of the lowest common ancestor of the member's leaf and the committer's; the member
 * derives it and every later path secret along the committer's filtered direct path, and
 * each derived key pair must be the one of the node in the tree.
 * @throws SigilError `MLS_PATH_PUBLIC_KEY_MISMATCH` if a derived public key is not the node's;
 *   `INVALID_ARGUMENT` if the ancestor is not on the committer's filtered direct path or the
 *   member is the committer.
 */
export function applyWelcomePathSecret(input: WelcomePathSecretInput): TreePrivateKeys {
  const { suite, tree, privateKeys, senderLeafIndex } = input;
  if (privateKeys.leafIndex === senderLeafIndex) {
    throw new SigilError('INVALID_ARGUMENT', 'the committer does not join by its own Welcome');
  }
  const ancestor = commonAncestor(leafToNode(privateKeys.leafIndex), leafToNode(senderLeafIndex));
  const path = filteredDirectPathWithCopath(tree, senderLeafIndex);
  const position = path.findIndex((entry) => entry.node === ancestor);
  if (position < 0) {
    throw new SigilError('INVALID_ARGUMENT', "the common ancestor is not on the committer's path");
  }
  const derived: [number, KeyPair][] = [];
  let secret = input.pathSecret;
  for (let i = position; i < path.length; i += 1) {
    if (i > position) secret = nextPathSecret(suite, secret);
    const node = (path[i] as FilteredPathNode).node;
    const pair = deriveNodeKeyPair(suite, secret);
    const value = tree.node(node);
    if (value === undefined || !bytesEqual(nodeEncryptionKey(value), pair.publicKey)) {
      throw new SigilError(
        'MLS_PATH_PUBLIC_KEY_MISMATCH',
        'a key derived from the Welcome path secret is not the tree node key (RFC 9420 §12.4.3.1)',
        { details: { node } },
      );
    }
    derived.push([node, pair]);
  }
  return privateKeys.with(derived);
}
