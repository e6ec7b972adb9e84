/**
 * RFC 9420 §4.1.2, §7.8, §7.9.2 and §7.3 against the interop vectors (mls-implementations
 * tree-validation.json), on both backends, for cipher suites 1 and 3: full trees, trees with
 * internal and trailing blanks, with unmerged leaves and with blanks skipped by parent-hash
 * links. Per case: the tree decodes and re-encodes byte for byte, every node's resolution and
 * tree hash match, every parent is parent-hash valid, every leaf signature verifies under the
 * group id, and the whole join-time integrity check (`verifyRatchetTree`) passes.
 */
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsTreeValidation } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { verifyLeafNodeSignature } from '../src/tree/leaf-node-validation.ts';
import { hasValidParentHashLink, verifyParentHashes } from '../src/tree/parent-hash.ts';
import { RatchetTree } from '../src/tree/ratchet-tree.ts';
import { resolution } from '../src/tree/resolution.ts';
import { treeHashes } from '../src/tree/tree-hash.ts';
import { verifyRatchetTree } from '../src/tree/tree-validation.ts';
import { codeOf, expectBytes, hex, supportedCases } from './helpers.ts';

const FAMILY = 'rfc9420/tree-validation';
const all = loadMlsTreeValidation();
const { run: cases, skipped } = supportedCases(all);

afterAll(() => flushTally());

describe.each(allProviders())(`${FAMILY} ($name backend)`, (provider) => {
  it(`runs the ${cases.length} cases of suites 1 and 3 (skips ${skipped} of suites 2, 4-7)`, () => {
    expect([all.length, cases.length, skipped]).toEqual([98, 28, 70]);
  });

  it('resolutions, tree hashes, parent hashes and leaf signatures match', () => {
    const failures: string[] = [];
    let parents = 0;
    let leaves = 0;
    for (const c of cases) {
      const suite = getCipherSuite(provider, c.cipherSuite);
      const tree = RatchetTree.decode(c.tree);
      if (hex(tree.encode()) !== hex(c.tree)) failures.push(`${c.name}: re-encoding differs`);
      if (tree.nodeCount !== c.treeHashes.length) {
        failures.push(`${c.name}: ${tree.nodeCount} nodes, want ${c.treeHashes.length}`);
      }
      treeHashes(suite, tree).forEach((hash, node) => {
        expectBytes(
          failures,
          `${c.name} tree hash of node ${node}`,
          hash,
          c.treeHashes[node] ?? new Uint8Array(0),
        );
      });
      c.resolutions.forEach((expected, node) => {
        const got = resolution(tree, node);
        if (got.join() !== expected.join()) {
          failures.push(`${c.name} resolution of node ${node}: got [${got}], want [${expected}]`);
        }
      });
      const code = codeOf(() => verifyParentHashes(suite, tree));
      if (code !== 'no error') failures.push(`${c.name}: parent hashes: ${code}`);
      for (const [index, node] of tree.nonBlankNodes()) {
        if (node.nodeType !== 'parent') continue;
        if (!hasValidParentHashLink(suite, tree, index)) failures.push(`${c.name}: node ${index}`);
        parents += 1;
      }
      for (const [leafIndex, leafNode] of tree.leaves()) {
        const group = { groupId: c.groupId, leafIndex };
        if (!verifyLeafNodeSignature(suite, leafNode, group)) {
          failures.push(`${c.name}: signature of leaf ${leafIndex}`);
        }
        leaves += 1;
      }
      const verified = codeOf(() => verifyRatchetTree({ suite, tree, groupId: c.groupId }));
      if (verified !== 'no error') failures.push(`${c.name}: verifyRatchetTree: ${verified}`);
      tally(FAMILY, provider.name, 'valid');
    }
    expect(failures).toEqual([]);
    expect(parents).toBeGreaterThan(100);
    expect(leaves).toBeGreaterThan(200);
  });
});
