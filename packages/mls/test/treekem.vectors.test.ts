/**
 * RFC 9420 §7.4-§7.6 TreeKEM against the interop vectors (mls-implementations treekem.json),
 * on both backends, for cipher suites 1 and 3. Per case, as test-vectors.md says:
 * - each member's private state (leaf key and path secrets) is consistent with the tree;
 * - each UpdatePath merges (parent-hash valid) into a tree with the expected hash, and every
 *   other member decrypts the expected path secret and commit_secret from it;
 * - a fresh UpdatePath from the same sender, created here, is processed by every other member
 *   to the committer's commit_secret.
 */
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsTreeKem, type MlsTreeKemCase } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { decode } from '@sigil/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import { RatchetTree } from '../src/tree/ratchet-tree.ts';
import { treeHash } from '../src/tree/tree-hash.ts';
import { TreePrivateKeys } from '../src/tree/tree-private-keys.ts';
import { createUpdatePath, decryptUpdatePath, mergeUpdatePath } from '../src/tree/treekem.ts';
import { UpdatePath } from '../src/wire/commit.ts';
import type { GroupContext } from '../src/wire/group-context.ts';
import { expectBytes, supportedCases } from './helpers.ts';

const FAMILY = 'rfc9420/treekem';
const all = loadMlsTreeKem();
const { run: cases, skipped } = supportedCases(all);

afterAll(() => flushTally());

function contextOf(c: MlsTreeKemCase): Omit<GroupContext, 'treeHash'> {
  return {
    version: 1,
    cipherSuite: c.cipherSuite,
    groupId: c.groupId,
    epoch: c.epoch,
    confirmedTranscriptHash: c.confirmedTranscriptHash,
    extensions: [],
  };
}

function privateStates(suite: CipherSuite, c: MlsTreeKemCase): Map<number, TreePrivateKeys> {
  const states = new Map<number, TreePrivateKeys>();
  for (const leaf of c.leavesPrivate) {
    let keys = TreePrivateKeys.forLeaf(suite, leaf.leafIndex, leaf.encryptionPriv);
    for (const { node, pathSecret } of leaf.pathSecrets) {
      keys = keys.withPathSecret(suite, node, pathSecret);
    }
    states.set(leaf.leafIndex, keys);
  }
  return states;
}

describe.each(allProviders())(`${FAMILY} ($name backend)`, (provider) => {
  it(`runs the ${cases.length} cases of suites 1 and 3 (skips ${skipped} of suites 2, 4-7)`, () => {
    expect([all.length, cases.length, skipped]).toEqual([77, 22, 55]);
  });

  it('private states, UpdatePath processing for every receiver, and own UpdatePaths', () => {
    const failures: string[] = [];
    let receptions = 0;
    let created = 0;
    for (const c of cases) {
      const suite = getCipherSuite(provider, c.cipherSuite);
      const tree = RatchetTree.decode(c.ratchetTree);
      const groupContext = contextOf(c);
      const states = privateStates(suite, c);
      for (const [leaf, keys] of states) {
        if (!keys.consistentWith(tree)) failures.push(`${c.name} leaf ${leaf}: private state`);
      }
      const members = [...tree.leaves()].map(([leaf]) => leaf);
      for (const [p, vector] of c.updatePaths.entries()) {
        const name = `${c.name} path ${p} (sender ${vector.sender})`;
        try {
          const updatePath = decode(UpdatePath, vector.updatePath);
          const base = { suite, tree, groupContext, senderLeafIndex: vector.sender, updatePath };
          const merged = mergeUpdatePath(base);
          expectBytes(
            failures,
            `${name} tree_hash_after`,
            treeHash(suite, merged.tree),
            vector.treeHashAfter,
          );
          for (const receiver of members) {
            if (receiver === vector.sender) continue;
            const privateKeys = states.get(receiver);
            const expected = vector.pathSecrets[receiver];
            if (privateKeys === undefined || expected === undefined) {
              failures.push(`${name}: no private state or path secret for leaf ${receiver}`);
              continue;
            }
            const result = decryptUpdatePath({ ...base, privateKeys }, merged);
            expectBytes(
              failures,
              `${name} leaf ${receiver} path_secret`,
              result.decrypted.pathSecret,
              expected,
            );
            expectBytes(
              failures,
              `${name} leaf ${receiver} commit_secret`,
              result.commitSecret,
              vector.commitSecret,
            );
            if (!result.privateKeys.consistentWith(result.tree)) {
              failures.push(`${name} leaf ${receiver}: new private state inconsistent`);
            }
            receptions += 1;
          }

          const signaturePriv = c.leavesPrivate.find((l) => l.leafIndex === vector.sender);
          if (signaturePriv === undefined) throw new Error('no signature key for the sender');
          const own = createUpdatePath({
            suite,
            tree,
            groupContext,
            leafIndex: vector.sender,
            signatureKey: signaturePriv.signaturePriv,
          });
          const ownBase = {
            suite,
            tree,
            groupContext,
            senderLeafIndex: vector.sender,
            updatePath: own.updatePath,
          };
          const ownMerged = mergeUpdatePath(ownBase);
          expectBytes(
            failures,
            `${name} own path tree hash`,
            ownMerged.groupContext.treeHash,
            own.groupContext.treeHash,
          );
          for (const receiver of members) {
            if (receiver === vector.sender) continue;
            const privateKeys = states.get(receiver) as TreePrivateKeys;
            const result = decryptUpdatePath({ ...ownBase, privateKeys }, ownMerged);
            expectBytes(
              failures,
              `${name} own path, leaf ${receiver}`,
              result.commitSecret,
              own.commitSecret,
            );
          }
          if (!own.privateKeys.consistentWith(own.tree)) failures.push(`${name}: committer keys`);
          created += 1;
        } catch (err) {
          failures.push(`${name}: ${String(err)}`);
        }
      }
      tally(FAMILY, provider.name, 'valid');
    }
    expect(failures).toEqual([]);
    expect(created).toBe(cases.reduce((n, c) => n + c.updatePaths.length, 0));
    expect(receptions).toBeGreaterThan(created);
  });
});
