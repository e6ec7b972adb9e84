/**
 * The "every member has committed once" scenario of `bench:mls` (RFC 9420 §7.5, §12.4): an
 * update Commit by one member and its processing by another, in a group whose ratchet tree is
 * fully populated, so an UpdatePath encrypts to about log2 N nodes instead of N-1.
 *
 * Built once per size and shared by both libraries (untimed):
 * 1. `buildFilledTree` (packages/mls/test/filled-tree.ts): N-2 members from real signed
 *    KeyPackages, then the public effect of a Commit by each even leaf in decreasing order
 *    (fresh path keys, parent hashes, leaf re-signed as a commit leaf; the HPKE encryptions,
 *    which nobody needs, left out): parent-hash valid, every parent set by its leftmost leaf.
 * 2. Member 0's GroupState on that tree (`filledGroupState`: createGroup, then the tree, its
 *    hash and a key schedule from a random epoch secret).
 * 3. For each library, member 0 (Sigil) commits adding two of that library's KeyPackages at
 *    leaves N-2 and N-1 (siblings, N even), without an UpdatePath (allowed for a Commit of
 *    Adds only, §12.4); both join from the Welcome (ts-mls from the encoded Sigil Welcome,
 *    verifying the whole tree as Sigil does). Joiner A then creates an empty Commit with an
 *    UpdatePath (PublicMessage) and joiner B processes it: the timed operations.
 *
 * Why no UpdatePath in the Add Commit: ts-mls 1.6.4's tree validation on join requires every
 * non-blank node on an unmerged leaf's whole direct path to carry exactly the same
 * unmerged_leaves list, where RFC 9420 (§7.9.2 context, §12.4.3.1) only requires the nodes
 * between the leaf and the parent listing it to list it too. With a path, member 0's re-keyed
 * nodes carry no unmerged leaves while a parent below still lists the joiners, and ts-mls
 * refuses the valid tree ("non-blank intermediate node must list leaf node in its
 * unmerged_leaves", from N = 100). Without a path every non-blank ancestor of the two sibling
 * joiners lists both, which ts-mls accepts. Both libraries get the same kind of Commit, and
 * joiner A's UpdatePath is the same either way (its path re-keys every such ancestor).
 */
import { getCryptoProvider } from '@sigil/crypto';
import {
  type CipherSuite,
  createCommit,
  createKeyPackage,
  decodeMlsMessage,
  encodeMlsMessage,
  type GroupState,
  getCipherSuite,
  joinFromWelcome,
  type KeyPackage,
  type MlsMessage,
  processCommit,
} from '@sigil/mls';
import * as ts from 'ts-mls';
import { buildFilledTree, filledGroupState } from '../../packages/mls/test/filled-tree.ts';

/** The two timed operations of the scenario, repeatable from the same states. */
export interface UpdateScenario {
  /** Joiner A creates an update Commit (empty Commit with an UpdatePath). */
  update(): Promise<void>;
  /** Joiner B processes A's update Commit. */
  process(): Promise<void>;
  /** The number of HPKE ciphertexts in A's UpdatePath. */
  readonly ciphertexts: number;
}

/** A filled group of N members minus the two joiners, ready for either library's joiners. */
export interface FilledGroup {
  /** Wall time of building the tree and member 0's state (ms). */
  readonly buildMs: number;
  /** Sigil joiners A and B (untimed setup). */
  sigil(): UpdateScenario;
  /** ts-mls joiners A and B, added by a Sigil Commit (untimed setup). */
  tsMls(impl: ts.CiphersuiteImpl): Promise<UpdateScenario>;
}

const LIFETIME = { notBefore: 0n, notAfter: 2n ** 63n - 1n };
const text = (s: string) => new TextEncoder().encode(s);

/** The number of HPKE ciphertexts in the UpdatePath of an encoded Commit (PublicMessage). */
function pathCiphertexts(message: MlsMessage): number {
  if (message.wireFormat !== 'mls_public_message') throw new Error('not a PublicMessage');
  const content = message.publicMessage.content;
  if (content.contentType !== 'commit' || content.commit.path === undefined) {
    throw new Error('not a Commit with an UpdatePath');
  }
  return content.commit.path.nodes.reduce((n, node) => n + node.encryptedPathSecret.length, 0);
}

/**
 * Member 0's Commit adding `keyPackages` (leaves N-2 and N-1), without an UpdatePath (see the
 * module comment); returns its Welcome.
 */
function addJoiners(state: GroupState, keyPackages: readonly KeyPackage[]) {
  const added = createCommit(state, {
    forcePath: false,
    proposals: keyPackages.map((keyPackage) => ({ proposalType: 'add' as const, keyPackage })),
  });
  if (added.welcome?.wireFormat !== 'mls_welcome') throw new Error('no Welcome');
  return added.welcome;
}

/**
 * Builds the filled tree of N-2 members and member 0's state (untimed setup of both
 * libraries' scenarios). N >= 4.
 */
export function filledGroup(n: number): FilledGroup {
  if (n < 4 || n % 2 !== 0) throw new Error('the filled scenario needs an even N >= 4');
  const suite: CipherSuite = getCipherSuite(getCryptoProvider(), 1);
  const start = performance.now();
  const state0 = filledGroupState(buildFilledTree(suite, n - 2), 0);
  const buildMs = performance.now() - start;
  return {
    buildMs,
    sigil() {
      const joiners = [n - 2, n - 1].map((i) =>
        createKeyPackage({ suite, identity: text(`joiner-${i}`), lifetime: LIFETIME }),
      );
      const welcome = addJoiners(
        state0,
        joiners.map((j) => j.keyPackage),
      ).welcome;
      const [a, b] = joiners.map((j) => joinFromWelcome({ suite, welcome, ...j }));
      if (a === undefined || b === undefined) throw new Error('no joiners');
      if (a.ownLeafIndex !== n - 2 || b.ownLeafIndex !== n - 1) throw new Error('joiner leaves');
      const updateCommit = createCommit(a).commit;
      return {
        async update() {
          createCommit(a);
        },
        async process() {
          processCommit(b, updateCommit);
        },
        ciphertexts: pathCiphertexts(updateCommit),
      };
    },
    async tsMls(impl) {
      const joiners: Awaited<ReturnType<typeof ts.generateKeyPackage>>[] = [];
      for (const i of [n - 2, n - 1]) {
        joiners.push(
          await ts.generateKeyPackage(
            { credentialType: 'basic', identity: text(`joiner-${i}`) },
            ts.defaultCapabilities(),
            ts.defaultLifetime,
            [],
            impl,
          ),
        );
      }
      // Only encoded MLSMessages cross between the libraries.
      const keyPackages = joiners.map((j) => {
        const bytes = ts.encodeMlsMessage({
          version: 'mls10',
          wireformat: 'mls_key_package',
          keyPackage: j.publicPackage,
        });
        const message = decodeMlsMessage(bytes);
        if (message.wireFormat !== 'mls_key_package') throw new Error('not a KeyPackage');
        return message.keyPackage;
      });
      const decoded = ts.decodeMlsMessage(encodeMlsMessage(addJoiners(state0, keyPackages)), 0);
      if (decoded?.[0].wireformat !== 'mls_welcome') throw new Error('ts-mls: not a Welcome');
      const welcome = decoded[0].welcome;
      const [a, b] = await Promise.all(
        joiners.map((j) =>
          ts.joinGroup(welcome, j.publicPackage, j.privatePackage, ts.emptyPskIndex, impl),
        ),
      );
      if (a === undefined || b === undefined) throw new Error('no joiners');
      if (a.privatePath.leafIndex !== n - 2 || b.privatePath.leafIndex !== n - 1) {
        throw new Error('joiner leaves');
      }
      const commit = () =>
        ts.createCommit(
          { state: a, cipherSuite: impl },
          { extraProposals: [], ratchetTreeExtension: true, wireAsPublicMessage: true },
        );
      const updateCommit = (await commit()).commit;
      if (updateCommit.wireformat !== 'mls_public_message') throw new Error('not public');
      return {
        async update() {
          await commit();
        },
        async process() {
          await ts.processMessage(updateCommit, b, ts.emptyPskIndex, ts.acceptAll, impl);
        },
        ciphertexts: pathCiphertexts(decodeMlsMessage(ts.encodeMlsMessage(updateCommit))),
      };
    },
  };
}
