/**
 * ReInit (RFC 9420 §11.2, §12.1.5) on both backends: a ReInit proposed and committed alone
 * ends the group for everyone (nothing more is sent, proposed or committed, also after
 * persisting); a member creates the replacement group (here moving from suite 1 to suite 3
 * and back) and the others join it from the Welcome, linked by the reinit resumption PSK; a
 * Welcome that names the PSK without a matching ended group, or for a group that does not
 * match the ReInit, is refused.
 */
import { allProviders } from '@sigil/crypto/testing';
import { describe, expect, it } from 'vitest';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import { confirmPendingCommit, createCommit } from '../src/group/commit.ts';
import { createGroup } from '../src/group/create-group.ts';
import { createGroupInfo } from '../src/group/group-info.ts';
import type { GroupState } from '../src/group/group-state.ts';
import { decodeGroupState, encodeGroupState } from '../src/group/group-state-codec.ts';
import {
  createProposal,
  decryptApplication,
  encryptApplication,
  processProposal,
} from '../src/group/messages.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { createReinitGroup } from '../src/group/reinit.ts';
import { joinFromWelcome } from '../src/group/welcome.ts';
import type { Proposal } from '../src/wire/proposal.ts';
import { client, text, threeMembers, welcomeOf } from './group-setup.ts';
import { codeOf } from './helpers.ts';

const rt = (state: GroupState): GroupState =>
  decodeGroupState(state.suite.provider, encodeGroupState(state));

/** Alice, Bob and Carol after Bob proposed and Alice committed a ReInit to `to`. */
function ended(suite: CipherSuite, to: number) {
  const { a, b, c } = threeMembers(suite);
  const reinit: Proposal = {
    proposalType: 'reinit',
    groupId: suite.provider.random.bytes(16),
    version: 1,
    cipherSuite: to,
    extensions: [],
  };
  const proposed = createProposal(b, reinit);
  const commit = createCommit(processProposal(a, proposed.message));
  return {
    a: confirmPendingCommit(commit.state),
    b: processCommit(proposed.state, commit.commit).state,
    c: processCommit(processProposal(c, proposed.message), commit.commit).state,
    before: { a, c },
    commit,
    reinit,
  };
}

describe.each(allProviders())('MLS ReInit ($name)', (provider) => {
  describe.each([
    [1, 3],
    [3, 1],
  ])('suite %i to suite %i', (fromId, toId) => {
    const suite = getCipherSuite(provider, fromId);
    const newSuite = getCipherSuite(provider, toId);

    it('ends the group for every member once committed', () => {
      const { a, b, c, before, commit, reinit } = ended(suite, toId);
      for (const member of [a, b, c, rt(b)]) {
        expect(member.reinit?.cipherSuite).toBe(toId);
        expect(member.groupContext.epoch).toBe(2n);
        expect(codeOf(() => encryptApplication(member, text('still there?')))).toBe(
          'MLS_GROUP_REINITIALIZED',
        );
        expect(codeOf(() => createCommit(member))).toBe('MLS_GROUP_REINITIALIZED');
        expect(codeOf(() => createProposal(member, { proposalType: 'remove', removed: 1 }))).toBe(
          'MLS_GROUP_REINITIALIZED',
        );
        expect(codeOf(() => createGroupInfo(member))).toBe('MLS_GROUP_REINITIALIZED');
      }
      // A message of the last epoch of the old group is refused too, as any Commit.
      const late = createCommit(before.c);
      expect(codeOf(() => processCommit(b, late.commit))).toBe('MLS_GROUP_REINITIALIZED');
      const stale = createProposal(before.a, { proposalType: 'remove', removed: 2 });
      expect(codeOf(() => processProposal(c, stale.message))).toBe('MLS_GROUP_REINITIALIZED');
      // A ReInit is committed alone.
      expect(
        codeOf(() =>
          createCommit(before.a, {
            proposals: [reinit, { proposalType: 'remove', removed: 2 }],
          }),
        ),
      ).toBe('MLS_REINIT_NOT_ALONE');
      expect(commit.welcome).toBeUndefined();
    });

    it('links the new group to the old one through the reinit PSK', () => {
      const { a, b, c } = ended(suite, toId);
      const [alice2, bob2, carol2] = ['alice', 'bob', 'carol'].map((n) => client(newSuite, n));
      if (alice2 === undefined || bob2 === undefined || carol2 === undefined) throw new Error();
      const created = createReinitGroup({
        state: rt(a),
        ...alice2,
        memberKeyPackages: [bob2.keyPackage, carol2.keyPackage],
      });
      expect(created.state.suite.id).toBe(toId);
      expect(created.state.groupContext.groupId).toEqual(a.reinit?.groupId);
      expect(created.state.groupContext.epoch).toBe(1n);
      const welcome = welcomeOf(created.welcome);
      // The PSK is only held by members of the ended group.
      expect(codeOf(() => joinFromWelcome({ suite: newSuite, welcome, ...bob2 }))).toBe(
        'MLS_UNKNOWN_PSK',
      );
      const bNew = joinFromWelcome({ suite: newSuite, welcome, ...bob2, reinitFrom: rt(b) });
      const cNew = joinFromWelcome({ suite: newSuite, welcome, ...carol2, reinitFrom: c });
      expect(bNew.epochSecrets.epochAuthenticator).toEqual(
        created.state.epochSecrets.epochAuthenticator,
      );
      const sent = encryptApplication(bNew, text('in the new group'));
      expect(decryptApplication(created.state, sent.message).data).toEqual(
        text('in the new group'),
      );
      expect(decryptApplication(cNew, sent.message).data).toEqual(text('in the new group'));
      // Only an ended group can be replaced.
      expect(
        codeOf(() => createReinitGroup({ state: created.state, ...alice2, memberKeyPackages: [] })),
      ).toBe('INVALID_ARGUMENT');
    });

    it('refuses a Welcome whose group does not match the ReInit', () => {
      const { a, b } = ended(suite, toId);
      const [alice2, bob2] = ['alice', 'bob'].map((n) => client(newSuite, n));
      if (alice2 === undefined || bob2 === undefined) throw new Error();
      // Alice starts a group with another id yet names the old group's reinit PSK.
      const reinitPsk: Proposal = {
        proposalType: 'psk',
        psk: {
          pskType: 'resumption',
          usage: 'reinit',
          pskGroupId: a.groupContext.groupId,
          pskEpoch: a.groupContext.epoch,
          pskNonce: provider.random.bytes(32),
        },
      };
      const other = createGroup({ suite: newSuite, ...alice2 });
      const commit = createCommit(other, {
        reinitFrom: a,
        proposals: [{ proposalType: 'add', keyPackage: bob2.keyPackage }, reinitPsk],
      });
      const welcome = welcomeOf(commit.welcome);
      expect(
        codeOf(() => joinFromWelcome({ suite: newSuite, welcome, ...bob2, reinitFrom: b })),
      ).toBe('MLS_REINIT_MISMATCH');
      // Outside a reinitialization, a reinit PSK proposal is refused (§12.1.4).
      expect(codeOf(() => createCommit(other, { proposals: [reinitPsk] }))).toBe(
        'MLS_UNSUPPORTED_PROPOSAL',
      );
    });
  });
});
