/**
 * The inputs an MLS member must refuse, gathered in one place, on both backends and both
 * suites, each asserting its exact code and that the refusing state still works afterwards:
 * a Commit for a stale epoch, a bad signature, a bad parent hash, a KeyPackage with an
 * unsupported suite, a Welcome not for us, a replayed application message, and messages from
 * a removed member. Tampered messages are re-signed and re-tagged as an insider could, so the
 * check under test (not an earlier one) is what refuses them.
 */
import { allProviders } from '@sigil/crypto/testing';
import { describe, expect, it } from 'vitest';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import { signWithLabel } from '../src/crypto-basics.ts';
import { authenticateContent } from '../src/framing/content-auth.ts';
import type { MlsMessage } from '../src/framing/mls-message.ts';
import { protectPrivateMessage } from '../src/framing/private-message.ts';
import { protectPublicMessage } from '../src/framing/public-message.ts';
import { confirmPendingCommit, createCommit } from '../src/group/commit.ts';
import type { GroupState } from '../src/group/group-state.ts';
import { decodeGroupState, encodeGroupState } from '../src/group/group-state-codec.ts';
import { createKeyPackage } from '../src/group/key-package.ts';
import {
  createProposal,
  decryptApplication,
  encryptApplication,
  processProposal,
} from '../src/group/messages.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { joinFromWelcome } from '../src/group/welcome.ts';
import { EPOCH_RETENTION_SECONDS } from '../src/limits.ts';
import type { Commit } from '../src/wire/commit.ts';
import { encodeKeyPackageTbs, type KeyPackage } from '../src/wire/key-package.ts';
import { encodeLeafNodeTbs } from '../src/wire/leaf-node.ts';
import { client, lifetime, text, threeMembers, welcomeOf } from './group-setup.ts';
import { codeOf } from './helpers.ts';

const flip = (bytes: Uint8Array, at = 0): Uint8Array => {
  const out = Uint8Array.from(bytes);
  out[at] = (out[at] as number) ^ 1;
  return out;
};

/**
 * `commit`, created by `committer` (its state before the Commit), with its body changed, then
 * signed and membership-tagged again with the committer's keys (the confirmation tag is kept:
 * the checks under test come before it).
 */
function reframe(
  committer: GroupState,
  commit: MlsMessage,
  change: (body: Commit) => Commit,
  signature?: (signature: Uint8Array) => Uint8Array,
): MlsMessage {
  if (commit.wireFormat !== 'mls_public_message') throw new Error('public expected');
  const { content, auth } = commit.publicMessage;
  if (content.contentType !== 'commit') throw new Error('commit expected');
  const signed = authenticateContent(committer.suite, {
    wireFormat: 'mls_public_message',
    content: { ...content, commit: change(content.commit) },
    signatureKey: committer.signatureKey,
    groupContext: committer.groupContext,
    confirmationTag: () => auth.confirmationTag as Uint8Array,
  });
  const authenticated = {
    ...signed,
    auth: { ...signed.auth, signature: (signature ?? ((s) => s))(signed.auth.signature) },
  };
  return {
    wireFormat: 'mls_public_message',
    publicMessage: protectPublicMessage(
      committer.suite,
      authenticated,
      committer.groupContext,
      committer.epochSecrets.membershipKey,
    ),
  };
}

/** A KeyPackage claiming `cipherSuite`, correctly signed. */
function keyPackageForSuite(suite: CipherSuite, cipherSuite: number): KeyPackage {
  const made = createKeyPackage({ suite, identity: text('erin'), lifetime });
  const tbs = { ...made.keyPackage, cipherSuite };
  const signature = signWithLabel(
    suite,
    made.privateKeys.signature.secretKey,
    'KeyPackageTBS',
    encodeKeyPackageTbs(tbs),
  );
  return { ...tbs, signature };
}

describe.each(allProviders())('MLS must-reject ($name)', (provider) => {
  describe.each([1, 3])('suite %i', (suiteId) => {
    const suite = getCipherSuite(provider, suiteId);

    it('refuses a Commit for a stale epoch (MLS_WRONG_EPOCH)', () => {
      const { a, b, c } = threeMembers(suite);
      const first = createCommit(a);
      const b2 = processCommit(b, first.commit).state;
      expect(codeOf(() => processCommit(b2, first.commit))).toBe('MLS_WRONG_EPOCH');
      // A Commit another member made for the epoch that has just ended.
      const rival = createCommit(c);
      expect(codeOf(() => processCommit(b2, rival.commit))).toBe('MLS_WRONG_EPOCH');
      expect(codeOf(() => processCommit(confirmPendingCommit(first.state), rival.commit))).toBe(
        'MLS_WRONG_EPOCH',
      );
    });

    it('refuses a bad signature (SIGNATURE_INVALID)', () => {
      const { a, b } = threeMembers(suite);
      const commit = createCommit(a);
      expect(
        codeOf(() =>
          processCommit(
            b,
            reframe(a, commit.commit, (x) => x, flip),
          ),
        ),
      ).toBe('SIGNATURE_INVALID');
      // A proposal signed by another member's key under Alice's leaf index.
      const proposal = createProposal(
        { ...a, signatureKey: b.signatureKey },
        {
          proposalType: 'remove',
          removed: 2,
        },
      );
      expect(codeOf(() => processProposal(b, proposal.message))).toBe('SIGNATURE_INVALID');
      expect(processCommit(b, commit.commit).state.groupContext.epoch).toBe(2n);
    });

    it('refuses an UpdatePath with a bad parent hash (MLS_INVALID_PARENT_HASH)', () => {
      const { a, b } = threeMembers(suite);
      const commit = createCommit(a);
      const tampered = reframe(a, commit.commit, (body) => {
        const path = body.path;
        if (path === undefined || path.leafNode.leafNodeSource !== 'commit') throw new Error();
        const leafNode = { ...path.leafNode, parentHash: flip(path.leafNode.parentHash) };
        const tbs = encodeLeafNodeTbs(leafNode, {
          groupId: a.groupContext.groupId,
          leafIndex: a.ownLeafIndex,
        });
        // Re-signed by Alice, so the leaf itself is valid: only the hash chain is broken.
        const signature = signWithLabel(suite, a.signatureKey, 'LeafNodeTBS', tbs);
        return { ...body, path: { ...path, leafNode: { ...leafNode, signature } } };
      });
      expect(codeOf(() => processCommit(b, tampered))).toBe('MLS_INVALID_PARENT_HASH');
      expect(processCommit(b, commit.commit).state.groupContext.epoch).toBe(2n);
    });

    it('refuses a KeyPackage with an unsupported suite (MLS_UNSUPPORTED_CIPHER_SUITE)', () => {
      const { a, b } = threeMembers(suite);
      const bad = keyPackageForSuite(suite, 2);
      expect(
        codeOf(() => createCommit(a, { proposals: [{ proposalType: 'add', keyPackage: bad }] })),
      ).toBe('MLS_UNSUPPORTED_CIPHER_SUITE');
      // The same Add in a Commit a member sends anyway.
      const good = client(suite, 'erin');
      const commit = createCommit(a, {
        proposals: [{ proposalType: 'add', keyPackage: good.keyPackage }],
      });
      const tampered = reframe(a, commit.commit, (body) => ({
        ...body,
        proposals: [{ type: 'proposal', proposal: { proposalType: 'add', keyPackage: bad } }],
      }));
      expect(codeOf(() => processCommit(b, tampered))).toBe('MLS_UNSUPPORTED_CIPHER_SUITE');
      // A KeyPackage of the other supported suite does not fit this group either.
      const other = keyPackageForSuite(suite, suiteId === 1 ? 3 : 1);
      expect(
        codeOf(() => createCommit(a, { proposals: [{ proposalType: 'add', keyPackage: other }] })),
      ).toBe('MLS_CIPHER_SUITE_MISMATCH');
    });

    it('refuses a Welcome not for us (MLS_WELCOME_NOT_FOR_US)', () => {
      const { a } = threeMembers(suite);
      const erin = client(suite, 'erin');
      const dave = client(suite, 'dave');
      const commit = createCommit(a, {
        proposals: [{ proposalType: 'add', keyPackage: erin.keyPackage }],
      });
      const welcome = welcomeOf(commit.welcome);
      expect(codeOf(() => joinFromWelcome({ suite, welcome, ...dave }))).toBe(
        'MLS_WELCOME_NOT_FOR_US',
      );
      expect(joinFromWelcome({ suite, welcome, ...erin }).groupContext.epoch).toBe(2n);
    });

    it('refuses a replayed application message (MLS_SECRET_REUSED)', () => {
      const { a, b } = threeMembers(suite);
      const sent = encryptApplication(a, text('once'));
      const read = decryptApplication(b, sent.message);
      expect(codeOf(() => decryptApplication(read.state, sent.message))).toBe('MLS_SECRET_REUSED');
      const stored = decodeGroupState(provider, encodeGroupState(read.state));
      expect(codeOf(() => decryptApplication(stored, sent.message))).toBe('MLS_SECRET_REUSED');
      // Replayed after the epoch ended: the retained epoch remembers it too.
      const commit = createCommit(read.state);
      const after = confirmPendingCommit(commit.state);
      expect(codeOf(() => decryptApplication(after, sent.message))).toBe('MLS_SECRET_REUSED');
    });

    it('refuses messages from a removed member', () => {
      const { a, b, c } = threeMembers(suite);
      const removal = createCommit(a, { proposals: [{ proposalType: 'remove', removed: 1 }] });
      const a2 = confirmPendingCommit(removal.state, { now: 100n });
      const c2 = processCommit(c, removal.commit, { now: 100n }).state;
      expect(processCommit(b, removal.commit).removedSelf).toBe(true);

      // Bob's view is stale: his epoch is over (once its retention has expired).
      const stale = encryptApplication(b, text('still here?'));
      const expired = 100n + EPOCH_RETENTION_SECONDS + 1n;
      expect(codeOf(() => decryptApplication(c2, stale.message, { now: expired }))).toBe(
        'MLS_WRONG_EPOCH',
      );
      // Knowing the new epoch's number gets Bob no further: his leaf is blank.
      const ghost: GroupState = { ...b, groupContext: a2.groupContext };
      const proposal = createProposal(ghost, { proposalType: 'remove', removed: 2 });
      expect(codeOf(() => processProposal(c2, proposal.message))).toBe('MLS_UNKNOWN_SENDER');
      // A PrivateMessage of the new epoch naming Bob's blank leaf as sender (§6.3.2).
      const authenticated = authenticateContent(suite, {
        wireFormat: 'mls_private_message',
        content: {
          groupId: a2.groupContext.groupId,
          epoch: a2.groupContext.epoch,
          sender: { senderType: 'member', leafIndex: 1 },
          authenticatedData: new Uint8Array(0),
          contentType: 'application',
          applicationData: text('boo'),
        },
        signatureKey: b.signatureKey,
        groupContext: a2.groupContext,
      });
      const privateMessage = protectPrivateMessage(suite, authenticated, {
        secretTree: a2.secretTree,
        senderDataSecret: a2.epochSecrets.senderDataSecret,
      }).message;
      expect(
        codeOf(() => decryptApplication(c2, { wireFormat: 'mls_private_message', privateMessage })),
      ).toBe('MLS_UNKNOWN_SENDER');
      // Alice and Carol go on.
      const sent = encryptApplication(a2, text('bob is gone'));
      expect(decryptApplication(c2, sent.message).data).toEqual(text('bob is gone'));
    });
  });
});
