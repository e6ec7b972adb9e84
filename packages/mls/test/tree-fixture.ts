/**
 * Groups for the ratchet tree and TreeKEM tests, built by the protocol itself: signed
 * KeyPackages, Adds, and Commits with UpdatePaths (so every tree is parent-hash valid), with
 * every member's private keys tracked. Also a KeyPackage signer for must-reject cases.
 */
import type { KeyPair } from '@sigil/crypto';
import type { CipherSuite } from '../src/cipher-suite.ts';
import { signWithLabel } from '../src/crypto-basics.ts';
import { addLeaf, removeLeaf } from '../src/tree/leaf-operations.ts';
import { RatchetTree } from '../src/tree/ratchet-tree.ts';
import { TreePrivateKeys } from '../src/tree/tree-private-keys.ts';
import {
  applyWelcomePathSecret,
  createUpdatePath,
  processUpdatePath,
} from '../src/tree/treekem.ts';
import { commonAncestor, leafToNode } from '../src/tree-math.ts';
import type { Extension } from '../src/wire/common.ts';
import type { GroupContext } from '../src/wire/group-context.ts';
import { encodeKeyPackageTbs, type KeyPackage } from '../src/wire/key-package.ts';
import { type Capabilities, encodeLeafNodeTbs, type LeafNode } from '../src/wire/leaf-node.ts';

/** A client with its keys and a KeyPackage. */
export interface Client {
  readonly signature: KeyPair;
  readonly encryption: KeyPair;
  readonly init: KeyPair;
  readonly keyPackage: KeyPackage;
}

export const CAPABILITIES: Capabilities = {
  versions: [1],
  cipherSuites: [1, 3],
  extensions: [],
  proposals: [],
  credentials: [1],
};

/** Lifetime of the fixture KeyPackages: [NOW - 1 day, NOW + 30 days]. */
export const NOW = 1_800_000_000n;

/** `T` without its signature (distributed over the LeafNode source variants). */
type Unsigned<T> = T extends unknown ? Omit<T, 'signature'> : never;

/** Signs a LeafNode of source key_package (LeafNodeTBS without group). */
export function signKeyPackageLeaf(
  suite: CipherSuite,
  signatureKey: Uint8Array,
  leaf: Unsigned<LeafNode>,
): LeafNode {
  const unsigned = { ...leaf, signature: new Uint8Array(0) } as LeafNode;
  const tbs = encodeLeafNodeTbs(unsigned);
  return { ...unsigned, signature: signWithLabel(suite, signatureKey, 'LeafNodeTBS', tbs) };
}

/** Signs a KeyPackage over its KeyPackageTBS. */
export function signKeyPackage(
  suite: CipherSuite,
  signatureKey: Uint8Array,
  keyPackage: Omit<KeyPackage, 'signature'>,
): KeyPackage {
  const tbs = encodeKeyPackageTbs(keyPackage);
  return { ...keyPackage, signature: signWithLabel(suite, signatureKey, 'KeyPackageTBS', tbs) };
}

/** A fresh client `name` with a valid KeyPackage for `suite`. */
export function makeClient(
  suite: CipherSuite,
  name: string,
  overrides: { capabilities?: Capabilities; extensions?: readonly Extension[] } = {},
): Client {
  const signature = suite.signature.generateKeyPair();
  const encryption = suite.hpke.generateKeyPair();
  const init = suite.hpke.generateKeyPair();
  const leafNode = signKeyPackageLeaf(suite, signature.secretKey, {
    encryptionKey: encryption.publicKey,
    signatureKey: signature.publicKey,
    credential: { credentialType: 'basic', identity: new TextEncoder().encode(name) },
    capabilities: overrides.capabilities ?? CAPABILITIES,
    leafNodeSource: 'key_package',
    lifetime: { notBefore: NOW - 86_400n, notAfter: NOW + 30n * 86_400n },
    extensions: overrides.extensions ?? [],
  });
  const keyPackage = signKeyPackage(suite, signature.secretKey, {
    version: 1,
    cipherSuite: suite.id,
    initKey: init.publicKey,
    leafNode,
    extensions: [],
  });
  return { signature, encryption, init, keyPackage };
}

/** A group: its tree, each member's signature key and private tree keys. */
export interface TestGroup {
  readonly suite: CipherSuite;
  readonly tree: RatchetTree;
  readonly groupContext: Omit<GroupContext, 'treeHash'>;
  readonly signatureKeys: ReadonlyMap<number, Uint8Array>;
  readonly privateKeys: ReadonlyMap<number, TreePrivateKeys>;
}

/**
 * A group of `size` members: member 0 creates it, adds everyone in one Commit with a path, then
 * `commits` further members (round robin) each commit an empty-proposal path, so parent nodes
 * are populated and unmerged leaves resolved. Every member processes every path.
 */
export function makeGroup(suite: CipherSuite, size: number, commits = 0): TestGroup {
  const clients = Array.from({ length: size }, (_, i) => makeClient(suite, `member ${i}`));
  const first = clients[0] as Client;
  let tree = RatchetTree.create(first.keyPackage.leafNode);
  const groupContext: Omit<GroupContext, 'treeHash'> = {
    version: 1,
    cipherSuite: suite.id,
    groupId: suite.provider.random.bytes(16),
    epoch: 1n,
    confirmedTranscriptHash: suite.provider.random.bytes(32),
    extensions: [],
  };
  const signatureKeys = new Map<number, Uint8Array>([[0, first.signature.secretKey]]);
  const privateKeys = new Map<number, TreePrivateKeys>();
  const added: number[] = [];
  for (const client of clients.slice(1)) {
    const result = addLeaf(tree, client.keyPackage.leafNode);
    tree = result.tree;
    added.push(result.leafIndex);
    signatureKeys.set(result.leafIndex, client.signature.secretKey);
    privateKeys.set(
      result.leafIndex,
      TreePrivateKeys.forLeaf(suite, result.leafIndex, client.encryption),
    );
  }
  const created = createUpdatePath({
    suite,
    tree,
    groupContext,
    leafIndex: 0,
    signatureKey: first.signature.secretKey,
    excludedLeaves: added,
  });
  tree = created.tree;
  privateKeys.set(0, created.privateKeys);
  // A Welcome gives each new member the path secret of its lowest common ancestor with the
  // committer; the member derives the rest of the path from it.
  for (const leaf of added) {
    const lca = commonAncestor(0, leafToNode(leaf));
    const pathSecret = created.pathSecrets.get(lca);
    if (pathSecret === undefined) throw new Error('the common ancestor is not on the path');
    const keys = privateKeys.get(leaf) as TreePrivateKeys;
    privateKeys.set(
      leaf,
      applyWelcomePathSecret({ suite, tree, privateKeys: keys, senderLeafIndex: 0, pathSecret }),
    );
  }
  let group: TestGroup = { suite, tree, groupContext, signatureKeys, privateKeys };
  for (let i = 0; i < commits; i += 1) group = commitPath(group, (i + 1) % size);
  return group;
}

/** The group after member `committer` commits a path that every other member processes. */
export function commitPath(group: TestGroup, committer: number): TestGroup {
  const { suite, tree, groupContext } = group;
  const created = createUpdatePath({
    suite,
    tree,
    groupContext,
    leafIndex: committer,
    signatureKey: group.signatureKeys.get(committer) as Uint8Array,
  });
  const privateKeys = new Map<number, TreePrivateKeys>([[committer, created.privateKeys]]);
  for (const [leaf, keys] of group.privateKeys) {
    if (leaf === committer) continue;
    const result = processUpdatePath({
      suite,
      tree,
      groupContext,
      senderLeafIndex: committer,
      updatePath: created.updatePath,
      privateKeys: keys,
    });
    privateKeys.set(leaf, result.privateKeys);
  }
  return { ...group, tree: created.tree, privateKeys };
}

/** The group after a new client `name` is added at the leftmost free leaf; and that leaf. */
export function addMember(group: TestGroup, name: string): { group: TestGroup; leafIndex: number } {
  const { suite } = group;
  const client = makeClient(suite, name);
  const { tree, leafIndex } = addLeaf(group.tree, client.keyPackage.leafNode);
  const privateKeys = new Map(group.privateKeys);
  privateKeys.set(leafIndex, TreePrivateKeys.forLeaf(suite, leafIndex, client.encryption));
  const signatureKeys = new Map(group.signatureKeys);
  signatureKeys.set(leafIndex, client.signature.secretKey);
  return { group: { ...group, tree, privateKeys, signatureKeys }, leafIndex };
}

/** The group after member `leaf` is removed (its leaf blanked, its keys forgotten). */
export function removeMember(group: TestGroup, leaf: number): TestGroup {
  const privateKeys = new Map(group.privateKeys);
  privateKeys.delete(leaf);
  return { ...group, tree: removeLeaf(group.tree, leaf), privateKeys };
}
