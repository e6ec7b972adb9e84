/**
 * External proposals (RFC 9420 §12.1.8, §12.1.8.1) on both backends and both suites: an
 * external_senders extension set by GroupContextExtensions, a listed sender's Remove cached
 * (also across persistence) and committed by reference, a client's own Add
 * (new_member_proposal) committed and followed by its Welcome, and the refusals: unlisted or
 * unknown sender, wrong key, forbidden proposal types.
 */
import { allProviders } from '@sigil/crypto/testing';
import { describe, expect, it } from 'vitest';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import { authenticateContent } from '../src/framing/content-auth.ts';
import type { MlsMessage } from '../src/framing/mls-message.ts';
import { protectPublicMessage } from '../src/framing/public-message.ts';
import { confirmPendingCommit, createCommit } from '../src/group/commit.ts';
import {
  createExternalProposal,
  createJoinProposal,
  externalSendersExtension,
  externalSendersOf,
} from '../src/group/external-senders.ts';
import type { GroupState } from '../src/group/group-state.ts';
import { decodeGroupState, encodeGroupState } from '../src/group/group-state-codec.ts';
import { decryptApplication, encryptApplication, processProposal } from '../src/group/messages.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { joinFromWelcome } from '../src/group/welcome.ts';
import type { Proposal } from '../src/wire/proposal.ts';
import { client, text, threeMembers, welcomeOf } from './group-setup.ts';
import { codeOf } from './helpers.ts';

const rt = (state: GroupState): GroupState =>
  decodeGroupState(state.suite.provider, encodeGroupState(state));

/** The three members in epoch 2, whose GroupContext lists one external sender (index 0). */
function withExternalSender(suite: CipherSuite) {
  const { a, b, c, clients } = threeMembers(suite);
  const service = suite.signature.generateKeyPair();
  const extension = externalSendersExtension([
    {
      signatureKey: service.publicKey,
      credential: { credentialType: 'basic', identity: text('moderation service') },
    },
  ]);
  const gce = createCommit(a, {
    proposals: [{ proposalType: 'group_context_extensions', extensions: [extension] }],
  });
  return {
    a: confirmPendingCommit(gce.state),
    b: processCommit(b, gce.commit).state,
    c: processCommit(c, gce.commit).state,
    clients,
    service,
  };
}

/** A PublicMessage proposal signed by `signatureKey` as `sender`, bypassing the type checks. */
function forged(
  suite: CipherSuite,
  state: GroupState,
  sender: { senderType: 'external'; senderIndex: number } | { senderType: 'new_member_proposal' },
  proposal: Proposal,
  signatureKey: Uint8Array,
): MlsMessage {
  const authenticated = authenticateContent(suite, {
    wireFormat: 'mls_public_message',
    content: {
      groupId: state.groupContext.groupId,
      epoch: state.groupContext.epoch,
      sender,
      authenticatedData: new Uint8Array(0),
      contentType: 'proposal',
      proposal,
    },
    signatureKey,
  });
  return {
    wireFormat: 'mls_public_message',
    publicMessage: protectPublicMessage(suite, authenticated, undefined, undefined),
  };
}

describe.each(allProviders())('MLS external proposals ($name)', (provider) => {
  describe.each([1, 3])('suite %i', (suiteId) => {
    const suite = getCipherSuite(provider, suiteId);

    it("commits a listed external sender's Remove by reference", () => {
      const { a, b, c, service } = withExternalSender(suite);
      expect(externalSendersOf(a.groupContext.extensions)).toHaveLength(1);
      const remove = createExternalProposal({
        suite,
        groupId: a.groupContext.groupId,
        epoch: a.groupContext.epoch,
        senderIndex: 0,
        signatureKey: service.secretKey,
        proposal: { proposalType: 'remove', removed: 2 },
      });
      const a1 = rt(processProposal(a, remove));
      expect(a1.proposals[0]?.senderType).toBe('external');
      const b1 = processProposal(b, remove);
      const c1 = processProposal(c, remove);
      const commit = createCommit(a1);
      const a2 = confirmPendingCommit(commit.state);
      const b2 = processCommit(b1, commit.commit).state;
      expect(processCommit(c1, commit.commit).removedSelf).toBe(true);
      expect(b2.tree.leafCount).toBe(2); // Carol's leaf was the last: the tree shrank
      const sent = encryptApplication(a2, text('carol was removed'));
      expect(decryptApplication(b2, sent.message).data).toEqual(text('carol was removed'));
    });

    it('adds a client that asked to join with its own Add (new_member_proposal)', () => {
      const { a, b } = withExternalSender(suite);
      const dave = client(suite, 'dave');
      const ask = createJoinProposal({
        suite,
        groupId: a.groupContext.groupId,
        epoch: a.groupContext.epoch,
        keyPackage: dave.keyPackage,
        signatureKey: dave.privateKeys.signature.secretKey,
      });
      const a1 = processProposal(a, ask);
      expect(a1.proposals[0]?.senderType).toBe('new_member_proposal');
      const b1 = processProposal(b, ask);
      const commit = createCommit(a1);
      const b2 = processCommit(b1, commit.commit).state;
      const d = joinFromWelcome({ suite, welcome: welcomeOf(commit.welcome), ...dave });
      const sent = encryptApplication(d, text('thanks for having me'));
      expect(decryptApplication(b2, sent.message).data).toEqual(text('thanks for having me'));
    });

    it('refuses unlisted, unknown, forged and forbidden external proposals', () => {
      const { a, service } = withExternalSender(suite);
      const remove: Proposal = { proposalType: 'remove', removed: 1 };
      const from = (index: number, key: Uint8Array, proposal: Proposal = remove) =>
        createExternalProposal({
          suite,
          groupId: a.groupContext.groupId,
          epoch: a.groupContext.epoch,
          senderIndex: index,
          signatureKey: key,
          proposal,
        });
      expect(codeOf(() => processProposal(a, from(1, service.secretKey)))).toBe(
        'MLS_UNKNOWN_SENDER',
      );
      const stranger = suite.signature.generateKeyPair();
      expect(codeOf(() => processProposal(a, from(0, stranger.secretKey)))).toBe(
        'SIGNATURE_INVALID',
      );
      // A group without the extension has no external senders at all.
      const plain = threeMembers(suite).a;
      const toPlain = createExternalProposal({
        suite,
        groupId: plain.groupContext.groupId,
        epoch: plain.groupContext.epoch,
        senderIndex: 0,
        signatureKey: service.secretKey,
        proposal: remove,
      });
      expect(codeOf(() => processProposal(plain, toPlain))).toBe('MLS_UNKNOWN_SENDER');
      // Update and ExternalInit are not for external senders, on either side.
      const update: Proposal = { proposalType: 'update', leafNode: a.tree.leafNode(1) as never };
      const init: Proposal = { proposalType: 'external_init', kemOutput: new Uint8Array(32) };
      expect(codeOf(() => from(0, service.secretKey, init))).toBe(
        'MLS_EXTERNAL_PROPOSAL_NOT_ALLOWED',
      );
      for (const proposal of [update, init]) {
        const message = forged(
          suite,
          a,
          { senderType: 'external', senderIndex: 0 },
          proposal,
          service.secretKey,
        );
        expect(codeOf(() => processProposal(a, message))).toBe('MLS_EXTERNAL_PROPOSAL_NOT_ALLOWED');
      }
      // A new member may only propose its own Add.
      const asNewMember = forged(
        suite,
        a,
        { senderType: 'new_member_proposal' },
        remove,
        stranger.secretKey,
      );
      expect(codeOf(() => processProposal(a, asNewMember))).toBe('MLS_INVALID_SENDER_TYPE');
      // Nothing was cached by the refusals.
      expect(a.proposals).toEqual([]);
    });
  });
});
