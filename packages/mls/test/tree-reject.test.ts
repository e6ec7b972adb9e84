/**
 * Must-reject tests of the ratchet tree layer, on both backends: forged or inconsistent trees,
 * LeafNodes, KeyPackages and UpdatePaths are each refused with the code of the rule they break
 * (RFC 9420 §7.3, §7.5-§7.9, §10.1, §12.4.2, §12.4.3), and a refused UpdatePath leaves the
 * receiver's tree and keys as they were.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsTreeValidation } from '@sigil/test-vectors/mls';
import { encode, opaqueVar } from '@sigil/wire';
import { describe, expect, it } from 'vitest';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import { encryptWithLabel, signWithLabel } from '../src/crypto-basics.ts';
import { isUsableHpkePublicKey, lowOrderX25519Keys } from '../src/internal/hpke-public-key.ts';
import { validateKeyPackage } from '../src/tree/key-package-validation.ts';
import { validateLeafNode } from '../src/tree/leaf-node-validation.ts';
import { addLeaf, removeLeaf, updateLeaf } from '../src/tree/leaf-operations.ts';
import { verifyParentHashes } from '../src/tree/parent-hash.ts';
import { nodeEncryptionKey, RatchetTree } from '../src/tree/ratchet-tree.ts';
import { resolution } from '../src/tree/resolution.ts';
import { treeHash } from '../src/tree/tree-hash.ts';
import { verifyRatchetTree } from '../src/tree/tree-validation.ts';
import {
  createUpdatePath,
  mergeUpdatePath,
  type ProcessUpdatePathInput,
  processUpdatePath,
} from '../src/tree/treekem.ts';
import { isInSubtree, leafToNode } from '../src/tree-math.ts';
import type { UpdatePath } from '../src/wire/commit.ts';
import { encodeGroupContext } from '../src/wire/group-context.ts';
import { encodeLeafNodeTbs, type LeafNode } from '../src/wire/leaf-node.ts';
import type { Node } from '../src/wire/ratchet-tree.ts';
import { RatchetTreeNodes } from '../src/wire/ratchet-tree.ts';
import { codeOf, hex } from './helpers.ts';
import {
  CAPABILITIES,
  makeClient,
  makeGroup,
  NOW,
  signKeyPackage,
  signKeyPackageLeaf,
  type TestGroup,
} from './tree-fixture.ts';

function flip(bytes: Uint8Array, index = 0): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[index] = (out[index] as number) ^ 0x01;
  return out;
}

/** The first suite-1 vector tree with at least `parents` non-blank parent nodes. */
function vectorTree(parents: number) {
  for (const c of loadMlsTreeValidation()) {
    if (c.cipherSuite !== 1) continue;
    const tree = RatchetTree.decode(c.tree);
    const count = [...tree.nonBlankNodes()].filter(([, n]) => n.nodeType === 'parent').length;
    if (count >= parents) return { tree, groupId: c.groupId };
  }
  throw new Error('no such vector tree');
}

/** `tree` with node `index` replaced by `edit(node)`. */
function editNode(tree: RatchetTree, index: number, edit: (node: Node) => Node): RatchetTree {
  const node = tree.node(index);
  if (node === undefined) throw new Error(`node ${index} is blank`);
  return tree.with([[index, edit(node)]]);
}

/** Re-signs a commit LeafNode for `group`, after `edit`. */
function resignCommitLeaf(group: TestGroup, leafIndex: number, leaf: LeafNode): LeafNode {
  const tbs = encodeLeafNodeTbs(leaf, { groupId: group.groupContext.groupId, leafIndex });
  const key = group.signatureKeys.get(leafIndex) as Uint8Array;
  return { ...leaf, signature: signWithLabel(group.suite, key, 'LeafNodeTBS', tbs) };
}

describe.each(allProviders())(
  'ratchet tree must-reject ($name backend)',
  (provider: CryptoProvider) => {
    const suite: CipherSuite = getCipherSuite(provider, 1);
    const group = makeGroup(suite, 6, 3);

    /** What member 2 needs to process an UpdatePath from member 0. */
    function receive(updatePath: UpdatePath): ProcessUpdatePathInput {
      return {
        suite,
        tree: group.tree,
        groupContext: group.groupContext,
        senderLeafIndex: 0,
        updatePath,
        privateKeys: group.privateKeys.get(2) as NonNullable<
          ReturnType<typeof group.privateKeys.get>
        >,
      };
    }
    const created = createUpdatePath({
      suite,
      tree: group.tree,
      groupContext: group.groupContext,
      leafIndex: 0,
      signatureKey: group.signatureKeys.get(0) as Uint8Array,
    });

    it('the fixture group is valid and processes a genuine UpdatePath', () => {
      expect(
        codeOf(() =>
          verifyRatchetTree({ suite, tree: group.tree, groupId: group.groupContext.groupId }),
        ),
      ).toBe('no error');
      expect(hex(processUpdatePath(receive(created.updatePath)).commitSecret)).toBe(
        hex(created.commitSecret),
      );
    });

    describe('trees (§7.9.2, §7.3, §12.4.3)', () => {
      const { tree, groupId } = vectorTree(3);
      const [parentIndex] =
        [...tree.nonBlankNodes()].find(([, n]) => n.nodeType === 'parent') ?? [];
      if (parentIndex === undefined) throw new Error('no parent');

      it('a parent whose parent_hash was altered is not parent-hash valid', () => {
        const bad = editNode(tree, parentIndex, (n) =>
          n.nodeType === 'parent'
            ? {
                nodeType: 'parent',
                parentNode: { ...n.parentNode, parentHash: flip(n.parentNode.parentHash) },
              }
            : n,
        );
        expect(codeOf(() => verifyParentHashes(suite, bad))).toBe('MLS_INVALID_PARENT_HASH');
        expect(codeOf(() => verifyRatchetTree({ suite, tree: bad, groupId }))).toBe(
          'MLS_INVALID_PARENT_HASH',
        );
      });

      it('a parent whose key was replaced is not parent-hash valid', () => {
        const bad = editNode(tree, parentIndex, (n) =>
          n.nodeType === 'parent'
            ? {
                nodeType: 'parent',
                parentNode: {
                  ...n.parentNode,
                  encryptionKey: suite.hpke.generateKeyPair().publicKey,
                },
              }
            : n,
        );
        expect(codeOf(() => verifyRatchetTree({ suite, tree: bad, groupId }))).toBe(
          'MLS_INVALID_PARENT_HASH',
        );
      });

      it('a leaf with a bad signature', () => {
        const [leafIndex] = [...tree.leaves()][1] ?? [];
        const bad = editNode(tree, leafToNode(leafIndex as number), (n) =>
          n.nodeType === 'leaf'
            ? {
                nodeType: 'leaf',
                leafNode: { ...n.leafNode, signature: flip(n.leafNode.signature, 5) },
              }
            : n,
        );
        expect(codeOf(() => verifyRatchetTree({ suite, tree: bad, groupId }))).toBe(
          'MLS_INVALID_LEAF_NODE_SIGNATURE',
        );
        // The signature binds the group id of update and commit leaves.
        expect(codeOf(() => verifyRatchetTree({ suite, tree, groupId: flip(groupId) }))).toBe(
          'MLS_INVALID_LEAF_NODE_SIGNATURE',
        );
      });

      it('a parent holding another node’s encryption key', () => {
        const leafKey = tree.leafNode(0)?.encryptionKey as Uint8Array;
        const bad = editNode(tree, parentIndex, (n) =>
          n.nodeType === 'parent'
            ? { nodeType: 'parent', parentNode: { ...n.parentNode, encryptionKey: leafKey } }
            : n,
        );
        expect(codeOf(() => verifyRatchetTree({ suite, tree: bad, groupId }))).toBe(
          'MLS_DUPLICATE_ENCRYPTION_KEY',
        );
      });

      it('a tree whose hash is not the GroupContext tree_hash', () => {
        const wrong = flip(treeHash(suite, tree));
        expect(codeOf(() => verifyRatchetTree({ suite, tree, groupId, treeHash: wrong }))).toBe(
          'MLS_TREE_HASH_MISMATCH',
        );
        expect(
          codeOf(() =>
            verifyRatchetTree({ suite, tree, groupId, treeHash: treeHash(suite, tree) }),
          ),
        ).toBe('no error');
      });

      it('unmerged leaves: blank, outside the subtree, repeated or missing in between', () => {
        const withUnmerged = (unmergedLeaves: number[]) =>
          editNode(group.tree, group.tree.root, (n) =>
            n.nodeType === 'parent'
              ? { nodeType: 'parent', parentNode: { ...n.parentNode, unmergedLeaves } }
              : n,
          );
        const code = (t: RatchetTree) =>
          codeOf(() => verifyRatchetTree({ suite, tree: t, groupId: group.groupContext.groupId }));
        expect(code(withUnmerged([7]))).toBe('MLS_INVALID_UNMERGED_LEAVES'); // blank leaf
        expect(code(withUnmerged([1, 1]))).toBe('MLS_INVALID_UNMERGED_LEAVES'); // repeated
        // Leaf 1 sits under node 1, which is set and does not list it.
        expect(group.tree.parentNode(1)).toBeDefined();
        expect(code(withUnmerged([1]))).toBe('MLS_INVALID_UNMERGED_LEAVES');
        const underOne = editNode(group.tree, 1, (n) =>
          n.nodeType === 'parent'
            ? { nodeType: 'parent', parentNode: { ...n.parentNode, unmergedLeaves: [4] } }
            : n,
        );
        expect(code(underOne)).toBe('MLS_INVALID_UNMERGED_LEAVES'); // leaf 4 is not below node 1
      });

      it('ratchet_tree encodings that are not trees', () => {
        const nodes = tree.toNodes();
        const malformed = (list: readonly (Node | undefined)[]) =>
          codeOf(() => RatchetTree.decode(encode(RatchetTreeNodes, list)));
        expect(malformed([...nodes, undefined])).toBe('MLS_MALFORMED_RATCHET_TREE');
        expect(malformed([])).toBe('MLS_MALFORMED_RATCHET_TREE');
        expect(malformed([nodes[1], ...nodes.slice(1)])).toBe('MLS_MALFORMED_RATCHET_TREE');
        expect(malformed([nodes[0], nodes[0], nodes[0]])).toBe('MLS_MALFORMED_RATCHET_TREE');
        const truncated = tree.encode().subarray(0, 40);
        expect(codeOf(() => RatchetTree.decode(truncated))).toBe('CODEC_TRUNCATED');
        const unknownType = encode(opaqueVar, Uint8Array.of(1, 9));
        expect(codeOf(() => RatchetTree.decode(unknownType))).toBe('CODEC_INVALID_VALUE');
      });

      it('a Remove of a blank or absent leaf, an Update from a non-member', () => {
        const leaf = tree.leafNode(0) as LeafNode;
        expect(codeOf(() => removeLeaf(group.tree, 6))).toBe('MLS_INVALID_REMOVE');
        expect(codeOf(() => removeLeaf(group.tree, 99))).toBe('MLS_INVALID_REMOVE');
        expect(codeOf(() => updateLeaf(group.tree, 7, leaf))).toBe('MLS_UNKNOWN_SENDER');
      });
    });

    describe('LeafNodes (§7.3)', () => {
      const alice = makeClient(suite, 'alice');
      const leaf = alice.keyPackage.leafNode;
      const check = (
        leafNode: LeafNode,
        extra: Partial<Parameters<typeof validateLeafNode>[0]> = {},
      ) =>
        codeOf(() =>
          validateLeafNode({
            suite,
            leafNode,
            context: 'key_package',
            tree: group.tree,
            now: NOW,
            ...extra,
          }),
        );
      const resign = (edit: Partial<LeafNode>) =>
        signKeyPackageLeaf(suite, alice.signature.secretKey, { ...leaf, ...edit } as LeafNode);

      it('accepts the genuine leaf', () => {
        expect(check(leaf)).toBe('no error');
      });

      it('refuses each broken rule with its code', () => {
        expect(check({ ...leaf, signature: flip(leaf.signature) })).toBe(
          'MLS_INVALID_LEAF_NODE_SIGNATURE',
        );
        expect(
          check(leaf, { context: 'update', groupId: group.groupContext.groupId, leafIndex: 1 }),
        ).toBe('MLS_INVALID_LEAF_NODE_SOURCE');
        expect(check(resign({ encryptionKey: new Uint8Array(31) }))).toBe('MLS_INVALID_PUBLIC_KEY');
        expect(check(leaf, { validateCredential: () => false })).toBe('MLS_CREDENTIAL_REJECTED');
        expect(check(resign({ capabilities: { ...CAPABILITIES, credentials: [2] } }))).toBe(
          'MLS_UNSUPPORTED_CREDENTIAL_TYPE',
        );
        const ext = { extensionType: 0xf0a0, extensionData: new Uint8Array(1) };
        expect(check(resign({ extensions: [ext] }))).toBe('MLS_UNSUPPORTED_LEAF_NODE_EXTENSION');
        expect(
          check(
            resign({
              extensions: [ext, ext],
              capabilities: { ...CAPABILITIES, extensions: [0xf0a0] },
            }),
          ),
        ).toBe('MLS_DUPLICATE_EXTENSION');
        const required = {
          extensionType: 3,
          extensionData: Uint8Array.of(2, 0xf0, 0xa0, 0, 0), // extension_types [0xf0a0]
        };
        expect(check(leaf, { groupContextExtensions: [required] })).toBe(
          'MLS_MISSING_REQUIRED_CAPABILITY',
        );
        expect(check(leaf, { now: NOW + 365n * 86_400n })).toBe('MLS_INVALID_LIFETIME');
        expect(
          check(
            resign({ lifetime: { notBefore: 0n, notAfter: 2n ** 64n - 1n } } as Partial<LeafNode>),
          ),
        ).toBe('MLS_INVALID_LIFETIME');
        // Without the time, lifetimes are not checked.
        expect(check(leaf, { now: undefined, groupContextExtensions: [] })).toBe('no error');
      });

      it('refuses keys another member already has', () => {
        const member = group.tree.leafNode(3) as LeafNode;
        expect(check(resign({ encryptionKey: member.encryptionKey }))).toBe(
          'MLS_DUPLICATE_ENCRYPTION_KEY',
        );
        expect(check(resign({ signatureKey: member.signatureKey }))).toBe(
          'MLS_INVALID_LEAF_NODE_SIGNATURE',
        );
        const sameSigner = signKeyPackageLeaf(suite, group.signatureKeys.get(3) as Uint8Array, {
          ...leaf,
          signatureKey: member.signatureKey,
        });
        expect(check(sameSigner)).toBe('MLS_DUPLICATE_SIGNATURE_KEY');
      });

      it('refuses an Update that keeps the encryption key', () => {
        const old = group.tree.leafNode(3) as LeafNode;
        const groupId = group.groupContext.groupId;
        const update = { ...old, leafNodeSource: 'update' } as LeafNode;
        const tbs = encodeLeafNodeTbs(update, { groupId, leafIndex: 3 });
        const signed = {
          ...update,
          signature: signWithLabel(
            suite,
            group.signatureKeys.get(3) as Uint8Array,
            'LeafNodeTBS',
            tbs,
          ),
        };
        expect(
          codeOf(() =>
            validateLeafNode({
              suite,
              leafNode: signed,
              context: 'update',
              groupId,
              leafIndex: 3,
              tree: group.tree,
            }),
          ),
        ).toBe('MLS_ENCRYPTION_KEY_NOT_UPDATED');
      });
    });

    describe('KeyPackages (§10.1)', () => {
      const bob = makeClient(suite, 'bob');
      const { keyPackage } = bob;
      const resign = (edit: Partial<typeof keyPackage>) =>
        signKeyPackage(suite, bob.signature.secretKey, { ...keyPackage, ...edit });
      const check = (kp: typeof keyPackage) =>
        codeOf(() => validateKeyPackage(suite, kp, { tree: group.tree, now: NOW }));

      it('accepts the genuine KeyPackage and refuses each broken rule with its code', () => {
        expect(check(keyPackage)).toBe('no error');
        expect(check(resign({ cipherSuite: 2 }))).toBe('MLS_UNSUPPORTED_CIPHER_SUITE');
        expect(check(resign({ cipherSuite: 0xfafa }))).toBe('MLS_UNSUPPORTED_CIPHER_SUITE');
        expect(check(resign({ cipherSuite: 3 }))).toBe('MLS_CIPHER_SUITE_MISMATCH');
        expect(check(resign({ version: 2 }))).toBe('UNSUPPORTED_VERSION');
        expect(check({ ...keyPackage, signature: flip(keyPackage.signature) })).toBe(
          'MLS_INVALID_KEY_PACKAGE_SIGNATURE',
        );
        expect(check(resign({ initKey: keyPackage.leafNode.encryptionKey }))).toBe(
          'MLS_INIT_KEY_IS_ENCRYPTION_KEY',
        );
        expect(check(resign({ initKey: new Uint8Array(33) }))).toBe('MLS_INVALID_PUBLIC_KEY');
      });

      it('refuses a KeyPackage whose leaf duplicates a member’s encryption key', () => {
        const member = group.tree.leafNode(1) as LeafNode;
        const leafNode = signKeyPackageLeaf(suite, bob.signature.secretKey, {
          ...keyPackage.leafNode,
          encryptionKey: member.encryptionKey,
        });
        expect(check(resign({ leafNode }))).toBe('MLS_DUPLICATE_ENCRYPTION_KEY');
        expect(
          check(resign({ leafNode: { ...leafNode, signature: flip(leafNode.signature) } })),
        ).toBe('MLS_INVALID_LEAF_NODE_SIGNATURE');
      });
    });

    describe('low-order X25519 keys (§5.1.1, §10)', () => {
      const lowOrder = lowOrderX25519Keys();

      it('are exactly the keys the provider refuses, and are refused on arrival', () => {
        expect(lowOrder).toHaveLength(14);
        const secret = provider.random.bytes(32);
        for (const key of lowOrder) {
          expect(
            codeOf(() => provider.x25519.sharedSecret(secret, key)),
            hex(key),
          ).toBe('X25519_LOW_ORDER_POINT');
          expect(isUsableHpkePublicKey(suite, key)).toBe(false);
        }
        expect(isUsableHpkePublicKey(suite, suite.hpke.generateKeyPair().publicKey)).toBe(true);
        const carol = makeClient(suite, 'carol');
        const key = lowOrder[4] as Uint8Array;
        const withInit = signKeyPackage(suite, carol.signature.secretKey, {
          ...carol.keyPackage,
          initKey: key,
        });
        expect(codeOf(() => validateKeyPackage(suite, withInit))).toBe('MLS_INVALID_PUBLIC_KEY');
        const leafNode = signKeyPackageLeaf(suite, carol.signature.secretKey, {
          ...carol.keyPackage.leafNode,
          encryptionKey: key,
        });
        expect(codeOf(() => validateLeafNode({ suite, leafNode, context: 'key_package' }))).toBe(
          'MLS_INVALID_PUBLIC_KEY',
        );
        const nodes = created.updatePath.nodes.map((n, i) =>
          i === 0 ? { ...n, encryptionKey: key } : n,
        );
        const path = { ...created.updatePath, nodes };
        expect(codeOf(() => processUpdatePath(receive(path)))).toBe('MLS_INVALID_PUBLIC_KEY');
        const badParent = editNode(group.tree, 1, (n) =>
          n.nodeType === 'parent'
            ? { nodeType: 'parent', parentNode: { ...n.parentNode, encryptionKey: key } }
            : n,
        );
        const groupId = group.groupContext.groupId;
        expect(codeOf(() => verifyRatchetTree({ suite, tree: badParent, groupId }))).toBe(
          'MLS_INVALID_PUBLIC_KEY',
        );
      });
    });

    describe('UpdatePaths (§7.5, §7.6, §12.4.2)', () => {
      const path = created.updatePath;
      const code = (updatePath: UpdatePath, extra: Partial<ProcessUpdatePathInput> = {}) =>
        codeOf(() => processUpdatePath({ ...receive(updatePath), ...extra }));

      it('a path secret that does not yield the published keys', () => {
        // Member 2's ciphertext carries another secret, under the genuine provisional context.
        const merged = mergeUpdatePath(receive(path));
        const position = merged.path.findIndex((e) => isInSubtree(leafToNode(2), e.copathChild));
        const copathChild = merged.path[position]?.copathChild ?? -1;
        const res = resolution(group.tree, copathChild);
        const keys = group.privateKeys.get(2);
        const slot = res.findIndex((node) => keys?.get(node) !== undefined);
        expect([position >= 0, slot >= 0]).toEqual([true, true]);
        const forged = encryptWithLabel(
          suite,
          nodeEncryptionKey(group.tree.node(res[slot] as number) as Node),
          'UpdatePathNode',
          encodeGroupContext(created.groupContext),
          provider.random.bytes(32),
        );
        const nodes = path.nodes.map((n, i) =>
          i === position
            ? {
                ...n,
                encryptedPathSecret: n.encryptedPathSecret.map((ct, j) =>
                  j === slot ? forged : ct,
                ),
              }
            : n,
        );
        expect(code({ ...path, nodes })).toBe('MLS_PATH_PUBLIC_KEY_MISMATCH');
      });

      it('a tampered ciphertext, or one under another GroupContext', () => {
        const nodes = path.nodes.map((n) => ({
          ...n,
          encryptedPathSecret: n.encryptedPathSecret.map((ct) => ({
            ...ct,
            ciphertext: flip(ct.ciphertext),
          })),
        }));
        expect(code({ ...path, nodes })).toBe('HPKE_OPEN_FAILED');
        const otherEpoch = { ...group.groupContext, epoch: group.groupContext.epoch + 1n };
        expect(code(path, { groupContext: otherEpoch })).toBe('HPKE_OPEN_FAILED');
      });

      it('a commit leaf whose parent_hash does not match the path (re-signed)', () => {
        const leaf = path.leafNode;
        if (leaf.leafNodeSource !== 'commit') throw new Error('not a commit leaf');
        const bad = resignCommitLeaf(group, 0, { ...leaf, parentHash: flip(leaf.parentHash) });
        expect(code({ ...path, leafNode: bad })).toBe('MLS_INVALID_PARENT_HASH');
      });

      it('a commit leaf with a bad signature or the wrong source', () => {
        expect(
          code({
            ...path,
            leafNode: { ...path.leafNode, signature: flip(path.leafNode.signature) },
          }),
        ).toBe('MLS_INVALID_LEAF_NODE_SIGNATURE');
        const update = resignCommitLeaf(group, 0, {
          ...path.leafNode,
          leafNodeSource: 'update',
        } as LeafNode);
        expect(code({ ...path, leafNode: update })).toBe('MLS_INVALID_LEAF_NODE_SOURCE');
      });

      it('keys that are not fresh', () => {
        const old = group.tree.leafNode(0) as LeafNode;
        const sameKey = resignCommitLeaf(group, 0, {
          ...path.leafNode,
          encryptionKey: old.encryptionKey,
        });
        expect(code({ ...path, leafNode: sameKey })).toBe('MLS_ENCRYPTION_KEY_NOT_UPDATED');
        const member = (group.tree.leafNode(4) as LeafNode).encryptionKey;
        const taken = path.nodes.map((n, i) => (i === 0 ? { ...n, encryptionKey: member } : n));
        expect(code({ ...path, nodes: taken })).toBe('MLS_DUPLICATE_ENCRYPTION_KEY');
        const repeated = path.nodes.map((n) => ({
          ...n,
          encryptionKey: path.leafNode.encryptionKey,
        }));
        expect(code({ ...path, nodes: repeated })).toBe('MLS_DUPLICATE_ENCRYPTION_KEY');
      });

      it('node or ciphertext counts that do not match the tree', () => {
        expect(code({ ...path, nodes: path.nodes.slice(1) })).toBe('MLS_INVALID_UPDATE_PATH');
        const extra = path.nodes.map((n) => ({
          ...n,
          encryptedPathSecret: [...n.encryptedPathSecret, ...n.encryptedPathSecret],
        }));
        expect(code({ ...path, nodes: extra })).toBe('MLS_INVALID_UPDATE_PATH');
        // Excluding a member (as a new member of the Commit) changes the expected counts.
        expect(code(path, { excludedLeaves: [5] })).toBe('MLS_INVALID_UPDATE_PATH');
      });

      it('a receiver without the keys of its copath resolution', () => {
        const keys = group.privateKeys.get(2);
        if (keys === undefined) throw new Error('no keys');
        expect(code(path, { privateKeys: keys.without(keys.nodes) })).toBe(
          'MLS_NO_PATH_DECRYPTION_KEY',
        );
      });

      it('a refused UpdatePath changes neither the tree nor the keys', () => {
        const before = hex(treeHash(suite, group.tree));
        const keys = group.privateKeys.get(2);
        const nodesBefore = keys?.nodes.join();
        const bad = {
          ...path,
          leafNode: { ...path.leafNode, signature: flip(path.leafNode.signature) },
        };
        expect(code(bad)).toBe('MLS_INVALID_LEAF_NODE_SIGNATURE');
        expect(hex(treeHash(suite, group.tree))).toBe(before);
        expect(keys?.nodes.join()).toBe(nodesBefore);
        // The genuine path still processes with the very same values.
        expect(hex(processUpdatePath(receive(path)).commitSecret)).toBe(hex(created.commitSecret));
        expect(hex(mergeUpdatePath(receive(path)).groupContext.treeHash)).toBe(
          hex(created.groupContext.treeHash),
        );
        expect(addLeaf(group.tree, makeClient(suite, 'x').keyPackage.leafNode).leafIndex).toBe(6);
      });
    });
  },
);
