/**
 * Past-epoch retention (RFC 9420 §9.2, §15.3) on both backends and both suites: application
 * messages of an epoch this member left still decrypt (for the committer and for a receiver),
 * once each (replays refused, also after persisting); past-epoch handshake messages stay
 * refused; the count and time bounds of limits.ts drop epochs; the stored state keeps the
 * retained epochs and format version 1 still decodes.
 */
import { inspect } from 'node:util';
import { allProviders } from '@sigil/crypto/testing';
import { describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { confirmPendingCommit, createCommit } from '../src/group/commit.ts';
import type { GroupState } from '../src/group/group-state.ts';
import { decodeGroupState, encodeGroupState } from '../src/group/group-state-codec.ts';
import {
  createProposal,
  decryptApplication,
  encryptApplication,
  processProposal,
} from '../src/group/messages.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { joinFromWelcome } from '../src/group/welcome.ts';
import { EPOCH_RETENTION_SECONDS, MAX_RETAINED_EPOCHS } from '../src/limits.ts';
import { client, text, threeMembers, welcomeOf } from './group-setup.ts';
import { codeOf } from './helpers.ts';

const rt = (state: GroupState): GroupState =>
  decodeGroupState(state.suite.provider, encodeGroupState(state));

describe.each(allProviders())('MLS past-epoch retention ($name)', (provider) => {
  describe.each([1, 3])('suite %i', (suiteId) => {
    const suite = getCipherSuite(provider, suiteId);

    it('decrypts a late message of the previous epoch, once, at the committer and a receiver', () => {
      const { a, b, c } = threeMembers(suite);
      const late = encryptApplication(b, text('sent in epoch 1'));
      const commit = createCommit(a);
      const a2 = confirmPendingCommit(commit.state);
      const c2 = processCommit(c, commit.commit).state;
      expect(a2.groupContext.epoch).toBe(2n);
      // Alice also kept epoch 0, which she left by adding Bob and Carol.
      expect(a2.retainedEpochs?.map((e) => e.groupContext.epoch)).toEqual([0n, 1n]);
      // What is kept prints redacted.
      const printed =
        inspect(a2.retainedEpochs, { depth: 10 }) +
        JSON.stringify(a2.retainedEpochs?.[1], (_k, v) =>
          typeof v === 'bigint' ? v.toString() : v,
        );
      const secret = a.epochSecrets.senderDataSecret;
      // Neither as hex nor as the byte list inspect/JSON would print for a plain Uint8Array.
      expect(printed).not.toContain(Buffer.from(secret).toString('hex'));
      expect(printed).not.toContain(Array.from(secret.subarray(0, 8)).join(', '));
      expect(printed).not.toContain(`"0":${secret[0]},"1":${secret[1]},"2":${secret[2]}`);
      expect(printed).toContain('[redacted]');

      for (const receiver of [a2, c2, rt(a2)]) {
        const got = decryptApplication(receiver, late.message);
        expect(got.data).toEqual(text('sent in epoch 1'));
        expect(got.senderLeafIndex).toBe(1);
        // The current epoch is untouched; the retained epoch's key is gone (replay).
        expect(got.state.secretTree).toBe(receiver.secretTree);
        expect(codeOf(() => decryptApplication(got.state, late.message))).toBe('MLS_SECRET_REUSED');
        expect(codeOf(() => decryptApplication(rt(got.state), late.message))).toBe(
          'MLS_SECRET_REUSED',
        );
      }
      // The current epoch still works alongside.
      const now = encryptApplication(c2, text('epoch 2'));
      expect(decryptApplication(a2, now.message).data).toEqual(text('epoch 2'));
    });

    it('attributes a late message to its sender in that epoch, even if the leaf is reused', () => {
      const { a, b, c } = threeMembers(suite);
      const late = encryptApplication(b, text('from bob, sent before his removal'));
      const dave = client(suite, 'dave');
      // One Commit removes Bob and adds Dave, who takes Bob's leaf.
      const commit = createCommit(a, {
        proposals: [
          { proposalType: 'remove', removed: 1 },
          { proposalType: 'add', keyPackage: dave.keyPackage },
        ],
      });
      const c2 = processCommit(c, commit.commit).state;
      const daveLeaf = c2.tree.leafNode(1);
      expect(daveLeaf?.credential).toEqual({ credentialType: 'basic', identity: text('dave') });
      const got = decryptApplication(c2, late.message);
      expect(got.epoch).toBe(1n);
      expect(got.senderLeafIndex).toBe(1);
      expect(got.senderCredential).toEqual({ credentialType: 'basic', identity: text('bob') });
      expect(got.senderSignatureKey).toEqual(b.tree.leafNode(1)?.signatureKey);
      // A message of the current epoch names the current leaf.
      const d = joinFromWelcome({ suite, welcome: welcomeOf(commit.welcome), ...dave });
      const now = decryptApplication(c2, encryptApplication(d, text('hi')).message);
      expect(now.epoch).toBe(2n);
      expect(now.senderCredential).toEqual(daveLeaf?.credential);
    });

    it('keeps a message read before the Commit a replay after it', () => {
      const { a, b } = threeMembers(suite);
      const sent = encryptApplication(b, text('early'));
      const read = decryptApplication(a, sent.message);
      const commit = createCommit(read.state);
      const a2 = confirmPendingCommit(commit.state);
      expect(codeOf(() => decryptApplication(a2, sent.message))).toBe('MLS_SECRET_REUSED');
    });

    it('refuses handshake messages of a past epoch (MLS_WRONG_EPOCH)', () => {
      const { a, b } = threeMembers(suite);
      const privateProposal = createProposal(
        b,
        { proposalType: 'remove', removed: 2 },
        'mls_private_message',
      );
      const publicProposal = createProposal(b, { proposalType: 'remove', removed: 2 });
      const oldCommit = createCommit(b);
      const a2 = confirmPendingCommit(createCommit(a).state);
      expect(codeOf(() => processProposal(a2, privateProposal.message))).toBe('MLS_WRONG_EPOCH');
      expect(codeOf(() => processProposal(a2, publicProposal.message))).toBe('MLS_WRONG_EPOCH');
      expect(codeOf(() => processCommit(a2, oldCommit.commit))).toBe('MLS_WRONG_EPOCH');
      // Handshake content read through decryptApplication is refused the same way.
      expect(codeOf(() => decryptApplication(a2, privateProposal.message))).toBe('MLS_WRONG_EPOCH');
    });

    it(`keeps at most ${MAX_RETAINED_EPOCHS} past epochs`, () => {
      let { a, b } = threeMembers(suite);
      const first = encryptApplication(b, text('epoch 1'));
      for (let i = 0; i < MAX_RETAINED_EPOCHS; i += 1) {
        const commit = createCommit(a);
        b = processCommit(b, commit.commit).state;
        a = confirmPendingCommit(commit.state);
      }
      expect(a.retainedEpochs).toHaveLength(MAX_RETAINED_EPOCHS);
      expect(decryptApplication(a, first.message).data).toEqual(text('epoch 1'));
      const commit = createCommit(a);
      a = confirmPendingCommit(commit.state);
      expect(a.retainedEpochs).toHaveLength(MAX_RETAINED_EPOCHS);
      expect(a.retainedEpochs?.[0]?.groupContext.epoch).toBe(2n);
      expect(codeOf(() => decryptApplication(a, first.message))).toBe('MLS_WRONG_EPOCH');
      expect(codeOf(() => decryptApplication(rt(a), first.message))).toBe('MLS_WRONG_EPOCH');
    });

    it(`drops a past epoch ${EPOCH_RETENTION_SECONDS} seconds after it ended`, () => {
      const { a, b, c } = threeMembers(suite);
      const late = encryptApplication(b, text('late'));
      const commit = createCommit(a);
      const ended = 5000n;
      const a2 = confirmPendingCommit(commit.state, { now: ended });
      const c2 = processCommit(c, commit.commit, { now: ended }).state;
      expect(a2.retainedEpochs?.at(-1)?.endedAt).toBe(ended);
      const edge = ended + EPOCH_RETENTION_SECONDS;
      expect(decryptApplication(a2, late.message, { now: edge }).data).toEqual(text('late'));
      expect(codeOf(() => decryptApplication(c2, late.message, { now: edge + 1n }))).toBe(
        'MLS_WRONG_EPOCH',
      );
      // Without a time, only the count bound applies.
      expect(decryptApplication(c2, late.message).data).toEqual(text('late'));
      // An expired epoch is pruned from the state a later decryption returns.
      const current = encryptApplication(a2, text('epoch 2'));
      expect(decryptApplication(c2, current.message, { now: edge }).state.retainedEpochs).toEqual(
        c2.retainedEpochs,
      );
      const got = decryptApplication(rt(c2), current.message, { now: edge + 1n });
      expect(got.data).toEqual(text('epoch 2'));
      expect(got.state.retainedEpochs).toEqual([]);
      const commit2 = createCommit(a2);
      const a3 = confirmPendingCommit(commit2.state, { now: edge + 1n });
      // Epoch 0 ended at an unknown time: only the count bound drops it.
      expect(a3.retainedEpochs?.map((e) => e.groupContext.epoch)).toEqual([0n, 2n]);
    });

    it('reads a stored state of format version 1', () => {
      const { b } = threeMembers(suite);
      const v2 = encodeGroupState(b);
      // With no proposals, pending Commit, retained epochs or ReInit, version 1 is version 2
      // without its two trailing fields (an empty vector and an absent optional, a byte each).
      expect(v2.subarray(v2.length - 2)).toEqual(new Uint8Array([0, 0]));
      const v1 = Uint8Array.from(v2.subarray(0, v2.length - 2));
      v1[1] = 1;
      const decoded = decodeGroupState(provider, v1);
      expect(decoded.retainedEpochs).toEqual([]);
      expect(encodeGroupState(decoded)).toEqual(v2);
    });
  });
});
