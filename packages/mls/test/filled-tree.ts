/**
 * A "filled" ratchet tree for scale tests and the MLS benchmark (RFC 9420 §7.4-§7.9): the tree
 * of a group in which every member has committed once, built without the cost of doing so.
 *
 * Really committing once per member costs about N^2/8 HPKE encryptions, plus every member
 * processing every Commit. Only the public effect matters here, so it is simulated: N real
 * signed KeyPackage leaves, then a Commit by each even leaf in decreasing order (N-2 or N-1,
 * ..., 2, 0) that does what an UpdatePath does to the tree (§7.5) and nothing else: a fresh
 * leaf_secret, the path secrets and HPKE key pairs of the leaf's filtered direct path
 * (`derivePath`), the parent hashes computed top down (`pathParentHashes`, §7.9), the leaf
 * re-signed as leaf_node_source commit over its parent_hash, the path merged (`mergedTree`).
 * The path secrets are encrypted to nobody: no member needs them, since every private key is
 * kept here. The result is parent-hash valid (§7.9.2) and every parent node was set by its
 * leftmost leaf, so every parent's resolution is the node alone. Odd leaves keep their
 * KeyPackage LeafNode: their Commits would change their own leaf only (every parent above an
 * odd leaf is later reset by an even leaf to its left), so the tree has the same shape.
 *
 * {@link filledGroupState} assembles any member's GroupState on that tree (one epoch secret
 * shared by all members, so states of different members agree).
 */
import type { KeyPair } from '@sigil/crypto';
import type { CipherSuite } from '../src/cipher-suite.ts';
import { signWithLabel } from '../src/crypto-basics.ts';
import { createGroup } from '../src/group/create-group.ts';
import { type GroupState, withResumptionPsk } from '../src/group/group-state.ts';
import { type CreatedKeyPackage, createKeyPackage } from '../src/group/key-package.ts';
import { confirmationTag, epochSecretsFromEpochSecret } from '../src/key-schedule.ts';
import { SecretTree } from '../src/secret-tree.ts';
import { interimTranscriptHash } from '../src/transcript-hashes.ts';
import { mergedTree } from '../src/tree/merge-update-path.ts';
import { pathParentHashes } from '../src/tree/parent-hash.ts';
import { derivePath } from '../src/tree/path-secrets.ts';
import { RatchetTree } from '../src/tree/ratchet-tree.ts';
import { filteredDirectPathWithCopath } from '../src/tree/resolution.ts';
import { treeHash } from '../src/tree/tree-hash.ts';
import { TreePrivateKeys } from '../src/tree/tree-private-keys.ts';
import { directPath, leafToNode } from '../src/tree-math.ts';
import { encodeLeafNodeTbs, type LeafNode } from '../src/wire/leaf-node.ts';
import type { Node } from '../src/wire/ratchet-tree.ts';

const LIFETIME = { notBefore: 0n, notAfter: 2n ** 63n - 1n };

/** A tree where every even leaf has committed once, with every member's private keys. */
export interface FilledTree {
  readonly suite: CipherSuite;
  readonly groupId: Uint8Array;
  readonly tree: RatchetTree;
  /** The number of members (leaves 0 .. members-1). */
  readonly members: number;
  /** The number of simulated Commits (one per even leaf). */
  readonly commits: number;
  /** The KeyPackage member `leaf` joined with, and its private keys (signature key unchanged). */
  keyPackage(leaf: number): CreatedKeyPackage;
  /** Member `leaf`'s private tree keys: its leaf and every non-blank node of its direct path. */
  privateKeys(leaf: number): TreePrivateKeys;
  /**
   * The epoch_secret every state from {@link filledGroupState} shares (random, as if from an
   * earlier key schedule). Secret.
   */
  readonly epochSecret: Uint8Array;
  /** The confirmed transcript hash of that epoch (random, as if from earlier Commits). */
  readonly confirmedTranscriptHash: Uint8Array;
}

/** Options of {@link buildFilledTree}. */
export interface FilledTreeOptions {
  /** The group id the commit leaves are signed for; 16 random bytes by default. */
  readonly groupId?: Uint8Array;
  /** Member `i`'s basic credential identity; `member-i` by default. */
  readonly identity?: (i: number) => Uint8Array;
}

/**
 * Builds the tree of a group of `members` members in which each even leaf, from the highest
 * to 0, has committed once (see the module comment).
 * @throws Error if `members` < 1.
 */
export function buildFilledTree(
  suite: CipherSuite,
  members: number,
  options: FilledTreeOptions = {},
): FilledTree {
  if (!Number.isInteger(members) || members < 1) throw new Error('members must be >= 1');
  const identity = options.identity ?? ((i: number) => new TextEncoder().encode(`member-${i}`));
  const groupId = options.groupId ?? suite.provider.random.bytes(16);
  const keyPackages = Array.from({ length: members }, (_, i) =>
    createKeyPackage({ suite, identity: identity(i), lifetime: LIFETIME }),
  );
  // The newest key pair of every non-blank node, by node index.
  const nodeKeys = new Map<number, KeyPair>();
  const nodes: (Node | undefined)[] = [];
  keyPackages.forEach((created, i) => {
    nodes[leafToNode(i)] = { nodeType: 'leaf', leafNode: created.keyPackage.leafNode };
    nodeKeys.set(leafToNode(i), created.privateKeys.encryption);
  });
  let tree = RatchetTree.fromNodes(nodes);
  let commits = 0;
  const highestEven = members % 2 === 0 ? members - 2 : members - 1;
  for (let leaf = highestEven; leaf >= 0; leaf -= 2) {
    const signatureKey = (keyPackages[leaf] as CreatedKeyPackage).privateKeys.signature.secretKey;
    tree = simulateCommit({ suite, tree, groupId, leaf, signatureKey }, nodeKeys);
    commits += 1;
  }
  const filled: FilledTree = {
    suite,
    groupId,
    tree,
    members,
    commits,
    epochSecret: suite.provider.random.bytes(suite.hashLength),
    confirmedTranscriptHash: suite.provider.random.bytes(suite.hashLength),
    keyPackage(leaf) {
      const created = keyPackages[leaf];
      if (created === undefined) throw new Error(`no member at leaf ${leaf}`);
      return created;
    },
    privateKeys(leaf) {
      const own = nodeKeys.get(leafToNode(leaf));
      if (leaf >= members || own === undefined) throw new Error(`no member at leaf ${leaf}`);
      const path = directPath(leafToNode(leaf), tree.leafCount).filter(
        (node) => tree.node(node) !== undefined,
      );
      return TreePrivateKeys.forLeaf(suite, leaf, own).with(
        path.map((node) => [node, nodeKeys.get(node) as KeyPair] as const),
      );
    },
  };
  return filled;
}

/**
 * The public effect of an UpdatePath from `leaf` (§7.5, §7.9), the HPKE encryptions left out:
 * new keys along the filtered direct path, parent hashes, the leaf re-signed as a commit leaf.
 * Records the new key pairs in `nodeKeys`; returns the merged tree.
 */
function simulateCommit(
  committer: {
    readonly suite: CipherSuite;
    readonly tree: RatchetTree;
    readonly groupId: Uint8Array;
    readonly leaf: number;
    /** The member's signature private key (Ed25519 seed). */
    readonly signatureKey: Uint8Array;
  },
  nodeKeys: Map<number, KeyPair>,
): RatchetTree {
  const { suite, tree, groupId, leaf, signatureKey } = committer;
  const old = tree.leafNode(leaf);
  if (old === undefined) throw new Error(`leaf ${leaf} is blank`);
  const path = filteredDirectPathWithCopath(tree, leaf);
  const derived = derivePath(suite, suite.provider.random.bytes(suite.hashLength), path.length);
  const keys = derived.nodeKeyPairs.map((pair) => pair.publicKey);
  const parentHashes = pathParentHashes(suite, tree, path, keys);
  const unsigned: LeafNode = {
    encryptionKey: derived.leafKeyPair.publicKey,
    signatureKey: old.signatureKey,
    credential: old.credential,
    capabilities: old.capabilities,
    leafNodeSource: 'commit',
    parentHash: parentHashes.leaf,
    extensions: old.extensions,
    signature: new Uint8Array(0),
  };
  const leafNode: LeafNode = {
    ...unsigned,
    signature: signWithLabel(
      suite,
      signatureKey,
      'LeafNodeTBS',
      encodeLeafNodeTbs(unsigned, { groupId, leafIndex: leaf }),
    ),
  };
  nodeKeys.set(leafToNode(leaf), derived.leafKeyPair);
  path.forEach((entry, i) => {
    nodeKeys.set(entry.node, derived.nodeKeyPairs[i] as KeyPair);
  });
  return mergedTree(tree, leaf, leafNode, path, keys, parentHashes.nodes);
}

/**
 * Member `leaf`'s GroupState on the filled tree: built with `createGroup` from the member's
 * KeyPackage, then given the filled tree, its tree hash, an epoch equal to the number of
 * simulated Commits, the shared confirmed transcript hash and epoch secret's key schedule
 * (`epochSecretsFromEpochSecret`) and the member's private tree keys.
 */
export function filledGroupState(filled: FilledTree, leaf: number): GroupState {
  const { suite, tree } = filled;
  const created = filled.keyPackage(leaf);
  const base = createGroup({
    suite,
    groupId: filled.groupId,
    keyPackage: created.keyPackage,
    privateKeys: created.privateKeys,
  });
  const epoch = BigInt(filled.commits);
  const epochSecrets = epochSecretsFromEpochSecret(suite, filled.epochSecret);
  const { confirmedTranscriptHash } = filled;
  const tag = confirmationTag(suite, epochSecrets.confirmationKey, confirmedTranscriptHash);
  const groupContext = {
    ...base.groupContext,
    epoch,
    treeHash: treeHash(suite, tree),
    confirmedTranscriptHash,
  };
  return {
    ...base,
    groupContext,
    tree,
    ownLeafIndex: leaf,
    privateKeys: filled.privateKeys(leaf),
    epochSecrets,
    secretTree: SecretTree.create(suite, epochSecrets.encryptionSecret, tree.leafCount),
    interimTranscriptHash: interimTranscriptHash(suite, confirmedTranscriptHash, tag),
    resumptionPsks: withResumptionPsk([], epoch, epochSecrets.resumptionPsk),
  };
}
