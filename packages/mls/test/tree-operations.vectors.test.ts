/**
 * RFC 9420 §7.7 and §12.1.1-§12.1.3 against the interop vectors (mls-implementations
 * tree-operations.json), on both backends: an Add (with and without extending the tree), an
 * Update and two Removes (one truncating), each applied to a tree; the tree hash before, the
 * encoded tree after and its hash all match. The file holds cases of suite 1 only.
 */
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsTreeOperations } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { decode } from '@sigil/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { applyTreeProposal } from '../src/tree/leaf-operations.ts';
import { RatchetTree } from '../src/tree/ratchet-tree.ts';
import { treeHash } from '../src/tree/tree-hash.ts';
import { Proposal } from '../src/wire/proposal.ts';
import { expectBytes, hex, supportedCases } from './helpers.ts';

const FAMILY = 'rfc9420/tree-operations';
const all = loadMlsTreeOperations();
const { run: cases, skipped } = supportedCases(all);

afterAll(() => flushTally());

describe.each(allProviders())(`${FAMILY} ($name backend)`, (provider) => {
  it(`runs the ${cases.length} cases of suite 1 (skips ${skipped})`, () => {
    expect([all.length, cases.length, skipped]).toEqual([5, 5, 0]);
  });

  it('applying each proposal yields the expected tree and tree hash', () => {
    const failures: string[] = [];
    const kinds: string[] = [];
    for (const c of cases) {
      const suite = getCipherSuite(provider, c.cipherSuite);
      const before = RatchetTree.decode(c.treeBefore);
      expectBytes(
        failures,
        `${c.name} tree_hash_before`,
        treeHash(suite, before),
        c.treeHashBefore,
      );
      const proposal = decode(Proposal, c.proposal);
      kinds.push(proposal.proposalType);
      const after = applyTreeProposal(before, proposal, c.proposalSender).tree;
      if (hex(after.encode()) !== hex(c.treeAfter)) failures.push(`${c.name}: tree_after differs`);
      expectBytes(failures, `${c.name} tree_hash_after`, treeHash(suite, after), c.treeHashAfter);
      // The memoized hash of the derived tree equals a hash computed from scratch.
      expectBytes(
        failures,
        `${c.name} fresh hash`,
        treeHash(suite, RatchetTree.decode(after.encode())),
        c.treeHashAfter,
      );
      tally(FAMILY, provider.name, 'valid');
    }
    expect(failures).toEqual([]);
    expect(kinds.sort()).toEqual(['add', 'add', 'remove', 'remove', 'update']);
  });
});
