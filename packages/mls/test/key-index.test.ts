/**
 * The ratchet tree's key index (RFC 9420 §7.3 uniqueness and credential checks, §12.4.2 fresh
 * UpdatePath keys), on both backends:
 * - maintained through a random sequence of Adds, Removes, Updates and Commits, it always
 *   counts exactly the keys a scan of the tree finds (and a freshly built index agrees), with
 *   nothing left of removed members or replaced paths;
 * - after that sequence a duplicate encryption or signature key is still refused (by LeafNode
 *   validation and by UpdatePath merging, with the first offending node in the details), and
 *   a key that left the tree is accepted again;
 * - earlier tree values keep their own index; a failed change leaves the tree's index intact;
 * - the credential-type checks answered from the index still refuse an unsupported type.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { SigilError } from '@sigil/errors';
import { describe, expect, it } from 'vitest';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import { validateLeafNode } from '../src/tree/leaf-node-validation.ts';
import { addLeaf, removeLeaf, updateLeaf } from '../src/tree/leaf-operations.ts';
import { mergeUpdatePath } from '../src/tree/merge-update-path.ts';
import { nodeEncryptionKey, RatchetTree } from '../src/tree/ratchet-tree.ts';
import { TreePrivateKeys } from '../src/tree/tree-private-keys.ts';
import { createUpdatePath } from '../src/tree/treekem.ts';
import type { LeafNode } from '../src/wire/leaf-node.ts';
import { codeOf, hex } from './helpers.ts';
import {
  addMember,
  CAPABILITIES,
  commitPath,
  makeClient,
  makeGroup,
  removeMember,
  signKeyPackageLeaf,
  type TestGroup,
} from './tree-fixture.ts';

/** Every key of `tree` by hex, with how often a plain scan finds it. */
function scanCounts(tree: RatchetTree) {
  const encryption = new Map<string, number>();
  const signature = new Map<string, number>();
  const bump = (map: Map<string, number>, key: Uint8Array) =>
    map.set(hex(key), (map.get(hex(key)) ?? 0) + 1);
  let leaves = 0;
  for (const [, node] of tree.nonBlankNodes()) {
    bump(encryption, nodeEncryptionKey(node));
    if (node.nodeType === 'leaf') {
      bump(signature, node.leafNode.signatureKey);
      leaves += 1;
    }
  }
  return { encryption, signature, leaves };
}

const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

/** Checks `tree`'s index against a scan and a fresh index; `retired` keys must count 0. */
function expectInSync(tree: RatchetTree, retired: Iterable<string>, step: string): void {
  const index = tree.keyIndex();
  const fresh = RatchetTree.fromNodes(tree.toNodes()).keyIndex();
  const { encryption, signature, leaves } = scanCounts(tree);
  expect(index.leafCount, step).toBe(leaves);
  for (const [key, count] of encryption) {
    expect(index.encryptionKeys.count(fromHex(key)), step).toBe(count);
    expect(fresh.encryptionKeys.count(fromHex(key)), step).toBe(count);
  }
  for (const [key, count] of signature) {
    expect(index.signatureKeys.count(fromHex(key)), step).toBe(count);
  }
  for (const key of retired) {
    if (encryption.has(key) || signature.has(key)) continue;
    expect(index.encryptionKeys.count(fromHex(key)), `${step}: retired key`).toBe(0);
    expect(index.signatureKeys.count(fromHex(key)), `${step}: retired key`).toBe(0);
  }
}

/** A key_package LeafNode of a fresh client, with some fields overridden, re-signed. */
function joinerLeaf(
  suite: CipherSuite,
  name: string,
  overrides: Partial<Pick<LeafNode, 'encryptionKey' | 'credential' | 'capabilities'>> & {
    signer?: { secretKey: Uint8Array; publicKey: Uint8Array };
  } = {},
): LeafNode {
  const client = makeClient(suite, name);
  const signer = overrides.signer ?? client.signature;
  const { signature: _, ...leaf } = client.keyPackage.leafNode;
  return signKeyPackageLeaf(suite, signer.secretKey, {
    ...leaf,
    signatureKey: signer.publicKey,
    ...(overrides.encryptionKey ? { encryptionKey: overrides.encryptionKey } : {}),
    ...(overrides.credential ? { credential: overrides.credential } : {}),
    ...(overrides.capabilities ? { capabilities: overrides.capabilities } : {}),
  } as typeof leaf);
}

/** The SigilError `fn` throws. */
function errorOf(fn: () => unknown): SigilError {
  try {
    fn();
  } catch (err) {
    if (SigilError.is(err)) return err;
    throw err;
  }
  throw new Error('no error');
}

describe.each(allProviders())('tree key index ($name backend)', (provider: CryptoProvider) => {
  const suite = getCipherSuite(provider, 3);

  it('stays in sync through Adds, Removes, Updates and Commits, and still refuses duplicates', () => {
    let group: TestGroup = makeGroup(suite, 5, 2);
    group.tree.keyIndex(); // built once here, then maintained per change
    const retired = new Set<string>();
    const retiredEncryption = new Set<string>();
    const retire = (tree: RatchetTree) => {
      const { encryption, signature } = scanCounts(tree);
      for (const key of encryption.keys()) retiredEncryption.add(key);
      for (const key of [...encryption.keys(), ...signature.keys()]) retired.add(key);
    };
    let seed = 11;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return Math.floor(seed / 2 ** 16) % n; // the high bits: the low ones cycle quickly
    };
    const ops: string[] = [];
    for (let step = 0; step < 24; step += 1) {
      const members = [...group.privateKeys.keys()].sort((a, b) => a - b);
      const op = random(4);
      retire(group.tree);
      if (op === 0 || members.length < 3) {
        const added = addMember(group, `joiner ${step}`);
        group = added.group;
        ops.push(`add ${added.leafIndex}`);
      } else if (op === 1) {
        const leaf = members[1 + random(members.length - 1)] as number;
        group = removeMember(group, leaf);
        ops.push(`remove ${leaf}`);
      } else if (op === 2) {
        // An Update: a new LeafNode (fresh keys) and a blanked direct path.
        const leaf = members[random(members.length)] as number;
        const fresh = makeClient(suite, `update ${step}`);
        const tree = updateLeaf(group.tree, leaf, fresh.keyPackage.leafNode);
        const privateKeys = new Map(group.privateKeys);
        privateKeys.set(leaf, TreePrivateKeys.forLeaf(suite, leaf, fresh.encryption));
        const signatureKeys = new Map(group.signatureKeys);
        signatureKeys.set(leaf, fresh.signature.secretKey);
        group = { ...group, tree, privateKeys, signatureKeys };
        ops.push(`update ${leaf}`);
      } else {
        const committer = members[random(members.length)] as number;
        group = commitPath(group, committer);
        ops.push(`commit ${committer}`);
      }
      expectInSync(group.tree, retired, `step ${step}: ${ops.join(', ')}`);
    }
    for (const kind of ['add', 'remove', 'update', 'commit']) {
      expect(ops.filter((entry) => entry.startsWith(kind)).length, kind).toBeGreaterThan(1);
    }

    // End with a Commit, so that the tree has parent nodes to collide with.
    retire(group.tree);
    group = commitPath(group, Math.min(...group.privateKeys.keys()));
    expectInSync(group.tree, retired, 'final commit');

    const { tree } = group;
    const validate = (leafNode: LeafNode) =>
      codeOf(() => validateLeafNode({ suite, leafNode, context: 'key_package', tree }));
    const parents = [...tree.nonBlankNodes()].filter(([, node]) => node.nodeType === 'parent');
    const members = [...tree.leaves()];
    expect(parents.length).toBeGreaterThan(0);
    const parentKey = nodeEncryptionKey((parents.at(-1) as (typeof parents)[number])[1]);
    const [memberIndex, member] = members.at(-1) as [number, LeafNode];
    const signer = {
      secretKey: group.signatureKeys.get(memberIndex) as Uint8Array,
      publicKey: member.signatureKey,
    };

    // A key of a current node or member is refused.
    expect(validate(joinerLeaf(suite, 'dup parent', { encryptionKey: parentKey }))).toBe(
      'MLS_DUPLICATE_ENCRYPTION_KEY',
    );
    expect(validate(joinerLeaf(suite, 'dup leaf', { encryptionKey: member.encryptionKey }))).toBe(
      'MLS_DUPLICATE_ENCRYPTION_KEY',
    );
    expect(validate(joinerLeaf(suite, 'dup signer', { signer }))).toBe(
      'MLS_DUPLICATE_SIGNATURE_KEY',
    );
    // A key that left the tree (a removed member's, a replaced path's) is free again.
    const current = scanCounts(tree).encryption;
    const gone = [...retiredEncryption].filter((key) => !current.has(key));
    expect(gone.length).toBeGreaterThan(0);
    for (const key of gone.slice(0, 8)) {
      const code = validate(joinerLeaf(suite, 'reuse', { encryptionKey: fromHex(key) }));
      expect(code, 'a retired key is refused').toBe('no error');
    }
    expect(validate(joinerLeaf(suite, 'fresh'))).toBe('no error');

    // An UpdatePath that reuses a key in the tree: the error names the first node holding it.
    const committer = [...group.privateKeys.keys()][0] as number;
    const created = createUpdatePath({
      suite,
      tree,
      groupContext: group.groupContext,
      leafIndex: committer,
      signatureKey: group.signatureKeys.get(committer) as Uint8Array,
    });
    const firstHolder = [...tree.nonBlankNodes()].find(
      ([, node]) => hex(nodeEncryptionKey(node)) === hex(parentKey),
    )?.[0];
    const nodes = created.updatePath.nodes.map((n, i) =>
      i === created.updatePath.nodes.length - 1 ? { ...n, encryptionKey: parentKey } : n,
    );
    const merge = () =>
      mergeUpdatePath({
        suite,
        tree,
        groupContext: group.groupContext,
        senderLeafIndex: committer,
        updatePath: { ...created.updatePath, nodes },
      });
    const error = errorOf(merge);
    expect(error.code).toBe('MLS_DUPLICATE_ENCRYPTION_KEY');
    expect(error.details).toEqual({ node: firstHolder });
    // The unmodified path merges.
    expect(
      codeOf(() =>
        mergeUpdatePath({
          suite,
          tree,
          groupContext: group.groupContext,
          senderLeafIndex: committer,
          updatePath: created.updatePath,
        }),
      ),
    ).toBe('no error');
  });

  it('gives each tree value its own index; a failed change leaves it intact', () => {
    const group = makeGroup(suite, 4, 2);
    const before = group.tree;
    const beforeIndex = before.keyIndex();
    const removedKey = (before.leafNode(3) as LeafNode).encryptionKey;
    const after = removeLeaf(before, 3);
    expect(after.keyIndex().encryptionKeys.count(removedKey)).toBe(0);
    expect(before.keyIndex()).toBe(beforeIndex);
    expect(before.keyIndex().encryptionKeys.count(removedKey)).toBe(1);
    // A change that throws midway (a parent at a leaf position) changes nothing.
    const bad = () =>
      before.with([
        [6, undefined],
        [
          2,
          {
            nodeType: 'parent',
            parentNode: {
              encryptionKey: removedKey,
              parentHash: new Uint8Array(0),
              unmergedLeaves: [],
            },
          },
        ],
      ]);
    expect(codeOf(bad)).toBe('INVALID_ARGUMENT');
    expect(before.keyIndex()).toBe(beforeIndex);
    expectInSync(before, [], 'before');
    expectInSync(after, [hex(removedKey)], 'after');
  });

  it('still checks credential types both ways (§7.3)', () => {
    const { tree } = makeGroup(suite, 4, 1);
    const validate = (leafNode: LeafNode) =>
      errorOf(() => validateLeafNode({ suite, leafNode, context: 'key_package', tree }));
    const credential = {
      credentialType: 'x509' as const,
      certificates: [new Uint8Array([1, 2, 3])],
    };
    expect(CAPABILITIES.credentials).toEqual([1]);
    // An x509 leaf (supporting basic too) that no member supports: the first member is named.
    const both = { ...CAPABILITIES, credentials: [1, 2] };
    const unsupported = validate(joinerLeaf(suite, 'x509', { credential, capabilities: both }));
    expect([unsupported.code, unsupported.details]).toEqual([
      'MLS_UNSUPPORTED_CREDENTIAL_TYPE',
      { leafIndex: 0 },
    ]);
    // With an x509 member (tree change only), a basic leaf must support x509 too.
    const x509Member = joinerLeaf(suite, 'x509 member', { credential, capabilities: both });
    const mixed = addLeaf(tree, x509Member).tree;
    const basicOnly = joinerLeaf(suite, 'basic only');
    const inUse = errorOf(() =>
      validateLeafNode({ suite, leafNode: basicOnly, context: 'key_package', tree: mixed }),
    );
    expect([inUse.code, inUse.details]).toEqual([
      'MLS_UNSUPPORTED_CREDENTIAL_TYPE',
      { credentialType: 2 },
    ]);
    const wide = joinerLeaf(suite, 'wide', { capabilities: both });
    expect(
      codeOf(() =>
        validateLeafNode({ suite, leafNode: wide, context: 'key_package', tree: mixed }),
      ),
    ).toBe('no error');
    // Once the x509 member leaves, the basic-only leaf is fine again.
    const leaf = [...mixed.leaves()].find(([, l]) => l.credential.credentialType === 'x509')?.[0];
    const cleaned = removeLeaf(mixed, leaf as number);
    expect(
      codeOf(() =>
        validateLeafNode({ suite, leafNode: basicOnly, context: 'key_package', tree: cleaned }),
      ),
    ).toBe('no error');
  });
});
