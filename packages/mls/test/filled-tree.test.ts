/**
 * The filled-tree builder (filled-tree.ts; RFC 9420 §7.4-§7.9, §12.4): a tree in which every
 * even leaf has committed once (simulated), on both backends, for 8 and 33 members. Checks that
 * it is a valid tree (Sigil's own verification and joinFromWelcome accept it), that every parent
 * was set by its leftmost leaf (single-node resolutions but for two joiners' unmerged leaves),
 * that the assembled states of several members agree through real Commits, and that an update
 * Commit by a joiner encrypts to about log2 N nodes, not N-1.
 */
import { allProviders } from '@sigil/crypto/testing';
import * as ts from 'ts-mls';
import { describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import type { MlsMessage } from '../src/framing/mls-message.ts';
import { confirmPendingCommit, createCommit } from '../src/group/commit.ts';
import type { GroupState } from '../src/group/group-state.ts';
import { createKeyPackage } from '../src/group/key-package.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { joinFromWelcome } from '../src/group/welcome.ts';
import { decodeMlsMessage, encodeMlsMessage } from '../src/index.ts';
import { parentHash } from '../src/tree/parent-hash.ts';
import type { RatchetTree } from '../src/tree/ratchet-tree.ts';
import { filteredDirectPath, isResolutionEmpty, resolution } from '../src/tree/resolution.ts';
import { treeHash } from '../src/tree/tree-hash.ts';
import { verifyRatchetTree } from '../src/tree/tree-validation.ts';
import { left, log2, right } from '../src/tree-math.ts';
import { buildFilledTree, filledGroupState } from './filled-tree.ts';
import { hex } from './helpers.ts';
import { tsMlsSuite } from './interop-peers.ts';

const LIFETIME = { notBefore: 0n, notAfter: 2n ** 63n - 1n };

/** Every parent node index of `tree`. */
function parents(tree: RatchetTree): number[] {
  const out: number[] = [];
  for (let node = 1; node < tree.nodeCount; node += 2) out.push(node);
  return out;
}

/** The number of HPKE ciphertexts in a Commit's UpdatePath. */
function pathCiphertexts(message: MlsMessage): number {
  if (message.wireFormat !== 'mls_public_message') throw new Error('not a PublicMessage');
  const content = message.publicMessage.content;
  if (content.contentType !== 'commit' || content.commit.path === undefined) {
    throw new Error('not a Commit with a path');
  }
  return content.commit.path.nodes.reduce((n, node) => n + node.encryptedPathSecret.length, 0);
}

describe.each(allProviders().flatMap((provider) => [8, 33].map((n) => ({ provider, n }))))(
  'filled tree ($provider.name, N = $n)',
  ({ provider, n }) => {
    const suite = getCipherSuite(provider, 1);
    const members = n - 2;
    const filled = buildFilledTree(suite, members);
    const { tree } = filled;

    it('is a valid tree in which every parent was set by its leftmost leaf', () => {
      expect(filled.commits).toBe(Math.ceil(members / 2));
      verifyRatchetTree({ suite, tree, groupId: filled.groupId, treeHash: treeHash(suite, tree) });
      for (let leaf = 0; leaf < members; leaf += 1) {
        expect(tree.leafNode(leaf)?.leafNodeSource, `leaf ${leaf}`).toBe(
          leaf % 2 === 0 ? 'commit' : 'key_package',
        );
        expect(filled.privateKeys(leaf).consistentWith(tree), `keys of ${leaf}`).toBe(true);
      }
      let populated = 0;
      for (const node of parents(tree)) {
        const both = !isResolutionEmpty(tree, left(node)) && !isResolutionEmpty(tree, right(node));
        // A parent with members on both sides is on a committer's filtered path: set, alone in
        // its resolution; the others (right edge) are blank with one node below on the left.
        expect(tree.node(node) !== undefined, `parent ${node}`).toBe(both);
        if (!isResolutionEmpty(tree, node)) {
          expect(resolution(tree, node).length, `parent ${node}`).toBe(1);
        }
        if (both) {
          populated += 1;
          // Its parent-hash link comes from its left child: the last Commit through it came
          // from the left (so, by induction, from the leftmost leaf below it).
          const parent = tree.parentNode(node);
          const [below] = resolution(tree, left(node));
          const child = below === undefined ? undefined : tree.node(below);
          const stored =
            child?.nodeType === 'parent'
              ? child.parentNode.parentHash
              : child?.leafNode.leafNodeSource === 'commit'
                ? child.leafNode.parentHash
                : undefined;
          if (parent === undefined || stored === undefined) throw new Error(`no link at ${node}`);
          const expected = parentHash(
            suite,
            parent.encryptionKey,
            parent.parentHash,
            treeHash(suite, tree, right(node)),
          );
          expect(hex(stored), `link to ${node}`).toBe(hex(expected));
        }
      }
      expect(populated).toBe(members - 1);
    });

    it.each([
      { forcePath: true, how: 'with' },
      { forcePath: false, how: 'without' },
    ])(
      'joiners added $how a path accept it, members agree, an update encrypts to ~log2 N nodes',
      ({ forcePath }) => {
        const state0 = filledGroupState(filled, 0);
        const joiners = [n - 2, n - 1].map((i) =>
          createKeyPackage({
            suite,
            identity: new TextEncoder().encode(`joiner-${i}`),
            lifetime: LIFETIME,
          }),
        );
        const added = createCommit(state0, {
          forcePath,
          proposals: joiners.map((j) => ({
            proposalType: 'add' as const,
            keyPackage: j.keyPackage,
          })),
        });
        if (added.welcome?.wireFormat !== 'mls_welcome') throw new Error('no Welcome');
        const welcome = added.welcome.welcome;
        // joinFromWelcome verifies the whole tree: tree hash, parent hashes, every leaf signature.
        const [a, b] = joiners.map((j) => joinFromWelcome({ suite, welcome, ...j })) as [
          GroupState,
          GroupState,
        ];
        expect([a.ownLeafIndex, b.ownLeafIndex]).toEqual([n - 2, n - 1]);

        // Resolutions are single nodes, but for the joiners' unmerged leaves.
        const joinerLeaves = new Set([n - 2, n - 1]);
        for (const node of parents(a.tree)) {
          const rest = resolution(a.tree, node, joinerLeaves);
          expect(rest.length, `parent ${node}`).toBeLessThanOrEqual(1);
          for (const unmerged of a.tree.parentNode(node)?.unmergedLeaves ?? []) {
            expect(joinerLeaves.has(unmerged), `unmerged ${unmerged} at ${node}`).toBe(true);
          }
        }

        // Existing members' assembled states process the add Commit into the same epoch.
        const others = [1, members - 1].map(
          (leaf) => processCommit(filledGroupState(filled, leaf), added.commit).state,
        );
        const after = [confirmPendingCommit(added.state), a, b, ...others];
        const authenticators = after.map((s) => hex(s.epochSecrets.epochAuthenticator));
        expect(new Set(authenticators).size).toBe(1);

        // Joiner A's update Commit: one ciphertext per filtered direct path node.
        const update = createCommit(a);
        const ciphertexts = pathCiphertexts(update.commit);
        expect(ciphertexts).toBe(filteredDirectPath(a.tree, a.ownLeafIndex).length);
        expect(ciphertexts).toBeGreaterThanOrEqual(1);
        expect(ciphertexts).toBeLessThanOrEqual(log2(a.tree.leafCount));
        // In the freshly built group the same update would encrypt to every other member.
        expect(ciphertexts).toBeLessThan(n - 1);
        const receivers = [after[0] as GroupState, b, ...others];
        const next = [
          confirmPendingCommit(update.state),
          ...receivers.map((s) => processCommit(s, update.commit).state),
        ];
        const nextAuthenticators = next.map((s) => hex(s.epochSecrets.epochAuthenticator));
        expect(new Set(nextAuthenticators).size).toBe(1);
        expect(next[0]?.groupContext.epoch).toBe(BigInt(filled.commits) + 2n);
      },
    );

    it('ts-mls joiners (Add without a path, as bench:mls does) join; a member processes their update', async () => {
      const impl = await tsMlsSuite(1);
      const joiners: Awaited<ReturnType<typeof ts.generateKeyPackage>>[] = [];
      for (const i of [n - 2, n - 1]) {
        joiners.push(
          await ts.generateKeyPackage(
            { credentialType: 'basic', identity: new TextEncoder().encode(`ts-joiner-${i}`) },
            ts.defaultCapabilities(),
            ts.defaultLifetime,
            [],
            impl,
          ),
        );
      }
      const proposals = joiners.map((j) => {
        const message = decodeMlsMessage(
          ts.encodeMlsMessage({
            version: 'mls10',
            wireformat: 'mls_key_package',
            keyPackage: j.publicPackage,
          }),
        );
        if (message.wireFormat !== 'mls_key_package') throw new Error('not a KeyPackage');
        return { proposalType: 'add' as const, keyPackage: message.keyPackage };
      });
      const added = createCommit(filledGroupState(filled, 0), { forcePath: false, proposals });
      if (added.welcome === undefined) throw new Error('no Welcome');
      const decoded = ts.decodeMlsMessage(encodeMlsMessage(added.welcome), 0);
      if (decoded?.[0].wireformat !== 'mls_welcome') throw new Error('not a Welcome');
      const welcome = decoded[0].welcome;
      const [a, b] = await Promise.all(
        joiners.map((j) =>
          ts.joinGroup(welcome, j.publicPackage, j.privatePackage, ts.emptyPskIndex, impl),
        ),
      );
      if (a === undefined || b === undefined) throw new Error('no joiners');
      expect([a.privatePath.leafIndex, b.privatePath.leafIndex]).toEqual([n - 2, n - 1]);

      const member = processCommit(filledGroupState(filled, 1), added.commit).state;
      const update = await ts.createCommit(
        { state: a, cipherSuite: impl },
        { extraProposals: [], wireAsPublicMessage: true },
      );
      if (update.commit.wireformat !== 'mls_public_message') throw new Error('not public');
      const received = decodeMlsMessage(ts.encodeMlsMessage(update.commit));
      expect(pathCiphertexts(received)).toBe(filteredDirectPath(member.tree, n - 2).length);
      const processed = await ts.processMessage(
        update.commit,
        b,
        ts.emptyPskIndex,
        ts.acceptAll,
        impl,
      );
      if (processed.kind !== 'newState') throw new Error('expected a Commit');
      const next = processCommit(member, received).state;
      const want = hex(next.epochSecrets.epochAuthenticator);
      expect(hex(update.newState.keySchedule.epochAuthenticator)).toBe(want);
      expect(hex(processed.newState.keySchedule.epochAuthenticator)).toBe(want);
    });
  },
);
