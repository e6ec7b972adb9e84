/**
 * The group layer end to end on both backends: a group created, members added by Welcome and
 * removed, path updates, application messages both ways across epochs, and the must-reject
 * cases (stale epoch, bad signature, bad confirmation tag, Welcome not for us, replay, removed
 * member), each with its code.
 */
import { allProviders } from '@sigil/crypto/testing';
import { describe, expect, it } from 'vitest';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import type { MlsMessage } from '../src/framing/mls-message.ts';
import { protectPublicMessage } from '../src/framing/public-message.ts';
import { confirmPendingCommit, createCommit, discardPendingCommit } from '../src/group/commit.ts';
import { createGroup } from '../src/group/create-group.ts';
import type { GroupState } from '../src/group/group-state.ts';
import { decodeGroupState, encodeGroupState } from '../src/group/group-state-codec.ts';
import { type CreatedKeyPackage, createKeyPackage } from '../src/group/key-package.ts';
import {
  createProposal,
  decryptApplication,
  encryptApplication,
  processProposal,
} from '../src/group/messages.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { joinFromWelcome } from '../src/group/welcome.ts';
import { EPOCH_RETENTION_SECONDS } from '../src/limits.ts';
import { codeOf } from './helpers.ts';

const text = (s: string) => new TextEncoder().encode(s);
const lifetime = { notBefore: 0n, notAfter: 2n ** 63n };

function client(suite: CipherSuite, name: string): CreatedKeyPackage {
  return createKeyPackage({ suite, identity: text(name), lifetime });
}

function welcomeOf(message: MlsMessage | undefined) {
  if (message?.wireFormat !== 'mls_welcome') throw new Error('no welcome');
  return message.welcome;
}

/** The state after an encode/decode round trip (checked to re-encode identically). */
function rt(state: GroupState): GroupState {
  const bytes = encodeGroupState(state);
  const decoded = decodeGroupState(state.suite.provider, bytes);
  expect(Buffer.from(encodeGroupState(decoded)).equals(Buffer.from(bytes))).toBe(true);
  return decoded;
}

/** Sends `data` from one member to another, round-tripping both states around it. */
function send(
  from: GroupState,
  to: GroupState,
  data: string,
): { from: GroupState; to: GroupState } {
  const sent = encryptApplication(rt(from), text(data));
  const got = decryptApplication(rt(to), sent.message);
  expect(new TextDecoder().decode(got.data)).toBe(data);
  expect(got.senderLeafIndex).toBe(from.ownLeafIndex);
  return { from: rt(sent.state), to: rt(got.state) };
}

describe.each(allProviders())('MLS group lifecycle ($name)', (provider) => {
  describe.each([1, 3])('suite %i', (suiteId) => {
    const suite = getCipherSuite(provider, suiteId);

    it('creates, adds, updates, removes and exchanges messages across epochs', () => {
      const alice = client(suite, 'alice');
      const bob = client(suite, 'bob');
      const carol = client(suite, 'carol');
      let a = createGroup({ suite, keyPackage: alice.keyPackage, privateKeys: alice.privateKeys });
      expect(a.groupContext.epoch).toBe(0n);

      // Alice adds Bob and Carol in one Commit.
      const add = createCommit(a, {
        proposals: [
          { proposalType: 'add', keyPackage: bob.keyPackage },
          { proposalType: 'add', keyPackage: carol.keyPackage },
        ],
      });
      expect(add.state.pendingCommit).toBeDefined();
      expect(add.state.groupContext.epoch).toBe(0n);
      a = confirmPendingCommit(add.state);
      expect(a.groupContext.epoch).toBe(1n);
      const welcome = welcomeOf(add.welcome);
      let b = joinFromWelcome({ suite, welcome, ...bob });
      let c = joinFromWelcome({ suite, welcome, ...carol });
      expect(b.epochSecrets.epochAuthenticator).toEqual(a.epochSecrets.epochAuthenticator);
      expect(c.epochSecrets.epochAuthenticator).toEqual(a.epochSecrets.epochAuthenticator);
      expect([b.ownLeafIndex, c.ownLeafIndex]).toEqual([1, 2]);

      // Messages in every direction.
      ({ from: a, to: b } = send(a, b, 'hello bob'));
      ({ from: b, to: c } = send(b, c, 'hi carol'));
      ({ from: c, to: a } = send(c, a, 'hi alice'));

      // Bob commits a path update as a PrivateMessage.
      const update = createCommit(rt(b), { wireFormat: 'mls_private_message' });
      a = processCommit(rt(a), update.commit).state;
      c = processCommit(c, update.commit).state;
      b = confirmPendingCommit(rt(update.state));
      expect(a.groupContext.epoch).toBe(2n);
      expect(a.epochSecrets.epochAuthenticator).toEqual(b.epochSecrets.epochAuthenticator);
      expect(c.epochSecrets.epochAuthenticator).toEqual(b.epochSecrets.epochAuthenticator);
      ({ from: a, to: c } = send(a, c, 'epoch 2'));
      ({ from: c, to: b } = send(c, b, 'epoch 2 too'));

      // Carol proposes removing Bob; Alice commits it by reference.
      const proposal = createProposal(c, { proposalType: 'remove', removed: 1 });
      c = proposal.state;
      a = processProposal(a, proposal.message);
      const bBefore = processProposal(b, proposal.message);
      const remove = createCommit(rt(a));
      const bobView = processCommit(bBefore, remove.commit);
      expect(bobView.removedSelf).toBe(true);
      c = processCommit(c, remove.commit).state;
      a = confirmPendingCommit(rt(remove.state), { now: 1000n });
      expect(a.tree.leafNode(1)).toBeUndefined();
      expect(c.epochSecrets.epochAuthenticator).toEqual(a.epochSecrets.epochAuthenticator);
      ({ from: a, to: c } = send(a, c, 'bob is gone'));
      ({ from: c, to: a } = send(c, a, 'indeed'));

      // Bob, removed, cannot send in the new epoch (his epoch is stale). A message of the epoch
      // he was still a member of is read while Alice retains that epoch (§15.3), not after.
      const stale = encryptApplication(b, text('still here?'));
      const late = 1000n + EPOCH_RETENTION_SECONDS;
      expect(decryptApplication(a, stale.message, { now: late }).data).toEqual(text('still here?'));
      expect(codeOf(() => decryptApplication(a, stale.message, { now: late + 1n }))).toBe(
        'MLS_WRONG_EPOCH',
      );
      // Even knowing the new epoch's number, a removed member's message is refused.
      const ghost: GroupState = { ...bBefore, groupContext: a.groupContext };
      const fromGhost = createProposal(ghost, { proposalType: 'remove', removed: 2 });
      expect(codeOf(() => processProposal(a, fromGhost.message))).toBe('MLS_UNKNOWN_SENDER');
    });

    it('rejects what it must, each with its code, and keeps the state unchanged', () => {
      const alice = client(suite, 'alice');
      const bob = client(suite, 'bob');
      const carol = client(suite, 'carol');
      let a = createGroup({ suite, keyPackage: alice.keyPackage, privateKeys: alice.privateKeys });
      const add = createCommit(a, {
        proposals: [
          { proposalType: 'add', keyPackage: bob.keyPackage },
          { proposalType: 'add', keyPackage: carol.keyPackage },
        ],
      });
      a = confirmPendingCommit(add.state);
      const welcome = welcomeOf(add.welcome);
      let b = joinFromWelcome({ suite, welcome, ...bob });
      const c = joinFromWelcome({ suite, welcome, ...carol });

      // Welcome not for us.
      const dave = client(suite, 'dave');
      expect(codeOf(() => joinFromWelcome({ suite, welcome, ...dave }))).toBe(
        'MLS_WELCOME_NOT_FOR_US',
      );

      // Replayed application message.
      const sent = encryptApplication(a, text('once'));
      const first = decryptApplication(b, sent.message);
      expect(codeOf(() => decryptApplication(first.state, sent.message))).toBe('MLS_SECRET_REUSED');
      b = first.state;

      // A Commit with a bad confirmation tag, and one with a bad signature: the membership
      // tag is recomputed (as a member could), so the later checks are reached.
      const update = createCommit(a);
      if (update.commit.wireFormat !== 'mls_public_message') throw new Error('public expected');
      const pm = update.commit.publicMessage;
      const flip = (bytes: Uint8Array, at: number) => {
        const out = Uint8Array.from(bytes);
        out[at] = (out[at] as number) ^ 1;
        return out;
      };
      const reframe = (auth: {
        signature: Uint8Array;
        confirmationTag?: Uint8Array;
      }): MlsMessage => ({
        wireFormat: 'mls_public_message',
        publicMessage: protectPublicMessage(
          suite,
          { wireFormat: 'mls_public_message', content: pm.content, auth },
          a.groupContext,
          a.epochSecrets.membershipKey,
        ),
      });
      const { signature } = pm.auth;
      const tag = pm.auth.confirmationTag as Uint8Array;
      expect(
        codeOf(() => processCommit(b, reframe({ signature, confirmationTag: flip(tag, 0) }))),
      ).toBe('MLS_INVALID_CONFIRMATION_TAG');
      expect(
        codeOf(() =>
          processCommit(b, reframe({ signature: flip(signature, 5), confirmationTag: tag })),
        ),
      ).toBe('SIGNATURE_INVALID');
      // Without the membership key, tampering is caught by the membership tag.
      const unframed: MlsMessage = {
        wireFormat: 'mls_public_message',
        publicMessage: { ...pm, auth: { signature, confirmationTag: flip(tag, 0) } },
      };
      expect(codeOf(() => processCommit(b, unframed))).toBe('MLS_INVALID_MEMBERSHIP_TAG');

      // Valid commit processes; then the same commit is stale.
      const b2 = processCommit(b, update.commit).state;
      expect(codeOf(() => processCommit(b2, update.commit))).toBe('MLS_WRONG_EPOCH');
      // The failed attempts changed nothing: b still processes it.
      expect(processCommit(b, update.commit).state.groupContext.epoch).toBe(2n);
      expect(discardPendingCommit(update.state).pendingCommit).toBeUndefined();
      void c;
    });
  });
});
