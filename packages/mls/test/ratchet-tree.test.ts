/**
 * The ratchet tree as a value (RFC 9420 §7.7, §7.8, §12.1), TreeKEM round trips (§7.4-§7.6)
 * and the private key store, on both backends:
 * - a random sequence of Adds, Removes and full Commits keeps every invariant: memoized tree
 *   hashes equal hashes computed from scratch, trees stay parent-hash valid after each Commit,
 *   every member's private keys match the tree and every member derives the commit_secret;
 * - extension and truncation keep node indices and drop what leaves the tree;
 * - earlier tree values never change;
 * - a Commit that adds members encrypts to no new member, and each new member derives the
 *   path from its common ancestor's path secret (what a Welcome carries), or refuses a wrong
 *   one;
 * - UpdatePaths work at 1,000 leaves;
 * - private keys print as [redacted].
 */
import { inspect } from 'node:util';
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { addLeaf, blankDirectPath, isMember, removeLeaf } from '../src/tree/leaf-operations.ts';
import { nextPathSecret } from '../src/tree/path-secrets.ts';
import { RatchetTree } from '../src/tree/ratchet-tree.ts';
import { filteredDirectPath, isResolutionEmpty, resolution } from '../src/tree/resolution.ts';
import { treeHash, treeHashWithoutLeaves } from '../src/tree/tree-hash.ts';
import { TreePrivateKeys } from '../src/tree/tree-private-keys.ts';
import { verifyRatchetTree } from '../src/tree/tree-validation.ts';
import {
  applyWelcomePathSecret,
  createUpdatePath,
  processUpdatePath,
} from '../src/tree/treekem.ts';
import { commonAncestor, leafToNode } from '../src/tree-math.ts';
import { codeOf, hex } from './helpers.ts';
import { syntheticTree } from './synthetic-tree.ts';
import {
  addMember,
  commitPath,
  makeClient,
  makeGroup,
  removeMember,
  type TestGroup,
} from './tree-fixture.ts';

/** The root hash of `tree` computed from scratch (no memo). */
function freshHash(suite: Parameters<typeof treeHash>[0], tree: RatchetTree): string {
  // The encoding drops trailing blanks: extend back to the same width.
  let copy = RatchetTree.decode(tree.encode());
  while (copy.leafCount < tree.leafCount) copy = copy.extended();
  return hex(treeHash(suite, copy));
}

describe.each(allProviders())('ratchet tree ($name backend)', (provider: CryptoProvider) => {
  const suite = getCipherSuite(provider, 3);

  it('keeps every invariant over a random sequence of Adds, Removes and Commits', () => {
    let group: TestGroup = makeGroup(suite, 5, 2);
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const log: string[] = [];
    for (let step = 0; step < 24; step += 1) {
      const members = [...group.privateKeys.keys()].sort((a, b) => a - b);
      const op = random(3);
      if (op === 0 || members.length < 3) {
        const added = addMember(group, `joiner ${step}`);
        group = added.group;
        log.push(`add ${added.leafIndex}`);
      } else if (op === 1) {
        const leaf = members[1 + random(members.length - 1)] as number;
        group = removeMember(group, leaf);
        log.push(`remove ${leaf}`);
      } else {
        const committer = members[random(members.length)] as number;
        const before = group.tree;
        const beforeHash = freshHash(suite, before);
        group = commitPath(group, committer);
        expect(freshHash(suite, before), 'an earlier tree changed').toBe(beforeHash);
        const verified = codeOf(() =>
          verifyRatchetTree({ suite, tree: group.tree, groupId: group.groupContext.groupId }),
        );
        expect(verified, `step ${step}: ${log.join(', ')}`).toBe('no error');
        log.push(`commit ${committer}`);
      }
      expect(hex(treeHash(suite, group.tree)), `step ${step}`).toBe(freshHash(suite, group.tree));
      for (const [leaf, keys] of group.privateKeys) {
        expect(keys.retainMatching(group.tree).nodes, `leaf ${leaf}`).toContain(leafToNode(leaf));
      }
    }
    expect(log.filter((entry) => entry.startsWith('commit')).length).toBeGreaterThan(3);
    expect(log.filter((entry) => entry.startsWith('remove')).length).toBeGreaterThan(2);
  });

  it('adds at the leftmost blank leaf, also after removals below earlier Adds', () => {
    // leftmostBlankLeaf memoizes how far the leaves are known to be occupied: check it against
    // a plain scan through Adds, Removes (which blank leaves below that point) and extensions.
    const scan = (t: RatchetTree): number | undefined => {
      for (let leaf = 0; leaf < t.leafCount; leaf += 1) {
        if (t.leafNode(leaf) === undefined) return leaf;
      }
      return undefined;
    };
    const joiner = (i: number) => makeClient(suite, `scan ${i}`).keyPackage.leafNode;
    let tree = makeGroup(suite, 3).tree;
    for (let i = 0; i < 6; i += 1) {
      const expected = scan(tree) ?? tree.leafCount;
      const added = addLeaf(tree, joiner(i));
      expect(added.leafIndex).toBe(expected);
      tree = added.tree;
    }
    expect([tree.leafCount, tree.leftmostBlankLeaf()]).toEqual([16, 9]);
    const removed = removeLeaf(removeLeaf(tree, 4), 1);
    expect(removed.leftmostBlankLeaf()).toBe(1);
    const first = addLeaf(removed, joiner(6));
    const second = addLeaf(first.tree, joiner(7));
    const third = addLeaf(second.tree, joiner(8));
    expect([first.leafIndex, second.leafIndex, third.leafIndex]).toEqual([1, 4, 9]);
    // Earlier values answer for themselves.
    expect([tree.leftmostBlankLeaf(), removed.leftmostBlankLeaf()]).toEqual([9, 1]);
    expect(third.tree.leftmostBlankLeaf()).toBe(scan(third.tree));
  });

  it('extends for an Add to a full tree and truncates after removing the right edge', () => {
    const group = makeGroup(suite, 4, 1);
    expect(group.tree.leafCount).toBe(4);
    const joiner = makeClient(suite, 'fifth').keyPackage.leafNode;
    const { tree: grown, leafIndex } = addLeaf(group.tree, joiner);
    expect([grown.leafCount, leafIndex, grown.root]).toEqual([8, 4, 7]);
    // The old root keeps its index and content (leaf 4 is not below it); the new root is blank.
    expect(grown.node(3)).toBe(group.tree.node(3));
    expect(grown.node(7)).toBeUndefined();
    expect(resolution(grown, 7)).toEqual([...resolution(group.tree, 3), 8]);
    const shrunk = removeLeaf(grown, 4);
    expect(shrunk.leafCount).toBe(4);
    expect(shrunk.encode().length).toBeLessThan(grown.encode().length);
    expect(hex(treeHash(suite, shrunk))).toBe(freshHash(suite, shrunk));
    // A node index that left the tree is refused; re-extending finds it blank.
    expect(codeOf(() => shrunk.node(8))).toBe('INVALID_ARGUMENT');
    const again = shrunk.extended();
    expect(again.node(8)).toBeUndefined();
    expect(hex(treeHash(suite, again))).toBe(freshHash(suite, again));
    // Removing the last members truncates to the smallest power of two above the rightmost.
    const two = removeLeaf(removeLeaf(group.tree, 3), 2);
    expect(two.leafCount).toBe(2);
    expect(removeLeaf(two, 1).leafCount).toBe(1);
    expect(isMember(two, 1)).toBe(true);
    expect(isMember(two, 2)).toBe(false);
  });

  it('computes resolutions, filtered paths and original sibling hashes', () => {
    const group = makeGroup(suite, 6, 0);
    // Only member 0 committed: its path (1, 3, 7) is set, every other parent is blank.
    const { tree } = group;
    expect([1, 3, 7].map((n) => tree.node(n) !== undefined)).toEqual([true, true, true]);
    expect(resolution(tree, 11)).toEqual([8, 10]);
    expect(resolution(tree, 11, new Set([4]))).toEqual([10]);
    expect(isResolutionEmpty(tree, 13)).toBe(true);
    expect(filteredDirectPath(tree, 5)).toEqual([9, 7]); // node 11's copath child 13 is empty
    const blanked = blankDirectPath(tree, 0);
    expect(resolution(blanked, 7)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(hex(treeHashWithoutLeaves(suite, tree, 11, []))).toBe(hex(treeHash(suite, tree, 11)));
    const withoutFour = blankDirectPath(tree, 4).with([[8, undefined]]);
    expect(hex(treeHashWithoutLeaves(suite, tree, 11, [4]))).toBe(
      hex(treeHash(suite, withoutFour, 11)),
    );
  });

  it('encrypts to no new member; each derives its path from the common ancestor', () => {
    let group = makeGroup(suite, 5, 2);
    const joiners = [makeClient(suite, 'x'), makeClient(suite, 'y')];
    let tree = group.tree;
    const added: number[] = [];
    for (const joiner of joiners) {
      const result = addLeaf(tree, joiner.keyPackage.leafNode);
      tree = result.tree;
      added.push(result.leafIndex);
    }
    group = { ...group, tree };
    const created = createUpdatePath({
      suite,
      tree,
      groupContext: group.groupContext,
      leafIndex: 1,
      signatureKey: group.signatureKeys.get(1) as Uint8Array,
      excludedLeaves: added,
    });
    const ciphertexts = created.updatePath.nodes.reduce(
      (n, node) => n + node.encryptedPathSecret.length,
      0,
    );
    const expected = filteredDirectPath(tree, 1).length;
    expect(created.updatePath.nodes).toHaveLength(expected);
    // 5 old members: the committer encrypts to 4 of them (or nodes covering them), never to x, y.
    expect(ciphertexts).toBeLessThanOrEqual(4);
    // The path secrets chain, and the commit secret is one step past the root's.
    const secrets = [...created.pathSecrets.values()];
    for (let i = 1; i < secrets.length; i += 1) {
      expect(hex(nextPathSecret(suite, secrets[i - 1] as Uint8Array))).toBe(hex(secrets[i]));
    }
    expect(hex(nextPathSecret(suite, secrets.at(-1) as Uint8Array))).toBe(
      hex(created.commitSecret),
    );
    for (const [i, joiner] of joiners.entries()) {
      const leaf = added[i] as number;
      const lca = commonAncestor(leafToNode(1), leafToNode(leaf));
      const pathSecret = created.pathSecrets.get(lca) as Uint8Array;
      const input = {
        suite,
        tree: created.tree,
        privateKeys: TreePrivateKeys.forLeaf(suite, leaf, joiner.encryption),
        senderLeafIndex: 1,
        pathSecret,
      };
      const keys = applyWelcomePathSecret(input);
      expect(keys.consistentWith(created.tree), `joiner ${leaf}`).toBe(true);
      expect(keys.get(created.tree.root)).toBeDefined();
      // A wrong path secret does not yield the tree's keys.
      const wrong = { ...input, pathSecret: provider.random.bytes(32) };
      expect(codeOf(() => applyWelcomePathSecret(wrong))).toBe('MLS_PATH_PUBLIC_KEY_MISMATCH');
    }
    for (const [leaf, keys] of group.privateKeys) {
      if (leaf === 1) continue;
      const result = processUpdatePath({
        suite,
        tree,
        groupContext: group.groupContext,
        senderLeafIndex: 1,
        updatePath: created.updatePath,
        privateKeys: keys,
        excludedLeaves: added,
      });
      expect(hex(result.commitSecret), `member ${leaf}`).toBe(hex(created.commitSecret));
    }
  });

  it('creates and processes UpdatePaths in a 1,000-member tree', () => {
    const synthetic = syntheticTree(suite, 1000);
    const { tree } = synthetic;
    expect(tree.leafCount).toBe(1024);
    const groupContext = {
      version: 1,
      cipherSuite: suite.id,
      groupId: provider.random.bytes(16),
      epoch: 9n,
      confirmedTranscriptHash: provider.random.bytes(32),
      extensions: [],
    };
    const sender = 500;
    const created = createUpdatePath({
      suite,
      tree,
      groupContext,
      leafIndex: sender,
      signatureKey: synthetic.member(sender).signatureKey,
    });
    expect(created.updatePath.nodes).toHaveLength(10);
    for (const receiver of [501, 498, 0, 999]) {
      const result = processUpdatePath({
        suite,
        tree,
        groupContext,
        senderLeafIndex: sender,
        updatePath: created.updatePath,
        privateKeys: synthetic.member(receiver).privateKeys,
      });
      expect(hex(result.commitSecret), `receiver ${receiver}`).toBe(hex(created.commitSecret));
      expect(hex(result.groupContext.treeHash)).toBe(hex(created.groupContext.treeHash));
    }
    expect(hex(treeHash(suite, created.tree))).toBe(freshHash(suite, created.tree));
  });

  it('TreePrivateKeys is a value that never prints its keys', () => {
    const pair = suite.hpke.generateKeyPair();
    const keys = TreePrivateKeys.forLeaf(suite, 2, pair.secretKey);
    expect(hex(keys.get(4)?.publicKey)).toBe(hex(pair.publicKey));
    const more = keys.withPathSecret(suite, 5, provider.random.bytes(32));
    expect([keys.nodes, more.nodes, more.without([5]).nodes]).toEqual([[4], [4, 5], [4]]);
    const secretHex = hex(pair.secretKey);
    for (const printed of [JSON.stringify(more), inspect(more), String(more), inspect({ more })]) {
      expect(printed).not.toContain(secretHex);
    }
    expect(JSON.stringify({ keys })).toBe('{"keys":"[redacted]"}');
    expect(inspect(keys)).toBe('TreePrivateKeys [redacted]');
  });
});
