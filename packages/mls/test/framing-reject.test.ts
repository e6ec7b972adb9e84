/**
 * Must-reject tests of message framing (RFC 9420 §6), on both backends: every forged, replayed,
 * misdirected or malformed message is refused with its own code, and a refused PrivateMessage
 * leaves the receiver's secret tree as it was (the genuine message still decrypts afterwards
 * with the very same tree value).
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { decode, encode, opaqueVar, uint64, Writer } from '@sigil/wire';
import { describe, expect, it } from 'vitest';
import type { AuthenticatedContent } from '../src/framing/framed-content.ts';
import { authDataCodec, encodeBody } from '../src/framing/framed-content.ts';
import { MlsMessage, type PrivateMessage, PublicMessage } from '../src/framing/mls-message.ts';
import {
  type PrivateMessageReceiveContext,
  protectPrivateMessage,
  unprotectPrivateMessage,
} from '../src/framing/private-message.ts';
import { protectPublicMessage, unprotectPublicMessage } from '../src/framing/public-message.ts';
import { SenderData, SenderDataAad, senderDataKeyAndNonce } from '../src/framing/sender-data.ts';
import { MAX_GENERATION_JUMP, OUT_OF_ORDER_WINDOW } from '../src/limits.ts';
import type { SecretTree } from '../src/secret-tree.ts';
import { ContentType } from '../src/wire/common.ts';
import { app, BLANK_LEAF, type Group, makeGroup, remove } from './group-fixture.ts';
import { codeOf, hex } from './helpers.ts';

function flip(bytes: Uint8Array, index: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[index] = (out[index] as number) ^ 0x01;
  return out;
}

/** A member's PrivateMessage of `text` at the sender tree's next generation. */
function send(group: Group, sender: SecretTree, text: string, leaf = 1) {
  return protectPrivateMessage(group.suite, group.content(leaf, 'mls_private_message', app(text)), {
    secretTree: sender,
    senderDataSecret: group.epoch.senderDataSecret,
  });
}

function receiveContext(group: Group, tree: SecretTree): PrivateMessageReceiveContext {
  return {
    groupContext: group.groupContext,
    secretTree: tree,
    senderDataSecret: group.epoch.senderDataSecret,
    signers: group.signers,
  };
}

function textOf(content: AuthenticatedContent): string {
  const c = content.content;
  return c.contentType === 'application' ? new TextDecoder().decode(c.applicationData) : '?';
}

describe.each(allProviders())(
  'PublicMessage must-reject ($name backend)',
  (provider: CryptoProvider) => {
    const group = makeGroup(provider);
    const { suite, groupContext } = group;
    const membershipKey = group.epoch.membershipKey;
    const context = { groupContext, membershipKey, signers: group.signers };
    const authenticated = group.content(1, 'mls_public_message', remove(2));
    const message = protectPublicMessage(suite, authenticated, groupContext, membershipKey);

    it('accepts the genuine message', () => {
      const got = unprotectPublicMessage(suite, message, context);
      expect(hex(encode(PublicMessage, { ...got, membershipTag: message.membershipTag }))).toBe(
        hex(encode(PublicMessage, message)),
      );
    });

    it('bad membership tag -> MLS_INVALID_MEMBERSHIP_TAG', () => {
      const tag = message.membershipTag ?? new Uint8Array(0);
      const forged = { ...message, membershipTag: flip(tag, 0) };
      expect(codeOf(() => unprotectPublicMessage(suite, forged, context))).toBe(
        'MLS_INVALID_MEMBERSHIP_TAG',
      );
      const truncated = { ...message, membershipTag: tag.subarray(0, 16) };
      expect(codeOf(() => unprotectPublicMessage(suite, truncated, context))).toBe(
        'MLS_INVALID_MEMBERSHIP_TAG',
      );
      const otherKey = { ...context, membershipKey: flip(membershipKey, 3) };
      expect(codeOf(() => unprotectPublicMessage(suite, message, otherKey))).toBe(
        'MLS_INVALID_MEMBERSHIP_TAG',
      );
    });

    it('wrong epoch -> MLS_WRONG_EPOCH; wrong group -> MLS_WRONG_GROUP_ID', () => {
      const nextEpoch = { ...context, groupContext: { ...groupContext, epoch: 8n } };
      expect(codeOf(() => unprotectPublicMessage(suite, message, nextEpoch))).toBe(
        'MLS_WRONG_EPOCH',
      );
      const old = group.content(1, 'mls_public_message', remove(2), { epoch: 6n });
      const oldMessage = protectPublicMessage(suite, old, groupContext, membershipKey);
      expect(codeOf(() => unprotectPublicMessage(suite, oldMessage, context))).toBe(
        'MLS_WRONG_EPOCH',
      );
      const otherGroup = {
        ...context,
        groupContext: { ...groupContext, groupId: new Uint8Array(16) },
      };
      expect(codeOf(() => unprotectPublicMessage(suite, message, otherGroup))).toBe(
        'MLS_WRONG_GROUP_ID',
      );
    });

    it('bad signature -> SIGNATURE_INVALID, even under a valid membership tag', () => {
      const tampered: AuthenticatedContent = {
        ...authenticated,
        auth: { signature: flip(authenticated.auth.signature, 5) },
      };
      const forged = protectPublicMessage(suite, tampered, groupContext, membershipKey);
      expect(codeOf(() => unprotectPublicMessage(suite, forged, context))).toBe(
        'SIGNATURE_INVALID',
      );
      // Signed by leaf 2 but claiming leaf 1.
      const impostor = group.content(2, 'mls_public_message', remove(0));
      const relabelled = protectPublicMessage(
        suite,
        {
          ...impostor,
          content: { ...impostor.content, sender: { senderType: 'member', leafIndex: 1 } },
        },
        groupContext,
        membershipKey,
      );
      expect(codeOf(() => unprotectPublicMessage(suite, relabelled, context))).toBe(
        'SIGNATURE_INVALID',
      );
    });

    it('blank sender leaf -> MLS_UNKNOWN_SENDER', () => {
      const fromBlank: AuthenticatedContent = {
        ...authenticated,
        content: {
          ...authenticated.content,
          sender: { senderType: 'member', leafIndex: BLANK_LEAF },
        },
      };
      const forged = protectPublicMessage(suite, fromBlank, groupContext, membershipKey);
      expect(codeOf(() => unprotectPublicMessage(suite, forged, context))).toBe(
        'MLS_UNKNOWN_SENDER',
      );
    });

    it('sender types that may not send this content -> MLS_INVALID_SENDER_TYPE', () => {
      const external: PublicMessage = {
        content: {
          ...authenticated.content,
          ...app('x'),
          sender: { senderType: 'external', senderIndex: 0 },
        },
        auth: { signature: authenticated.auth.signature },
      };
      // Application data is refused first; a commit from an external sender by the sender rule.
      expect(codeOf(() => unprotectPublicMessage(suite, external, context))).toBe(
        'MLS_APPLICATION_IN_PUBLIC_MESSAGE',
      );
      const externalCommit: PublicMessage = {
        content: {
          ...authenticated.content,
          contentType: 'commit',
          commit: { proposals: [], path: undefined },
          sender: { senderType: 'external', senderIndex: 0 },
        },
        auth: { signature: authenticated.auth.signature, confirmationTag: new Uint8Array(32) },
      };
      expect(codeOf(() => unprotectPublicMessage(suite, externalCommit, context))).toBe(
        'MLS_INVALID_SENDER_TYPE',
      );
      const newMemberRemove: PublicMessage = {
        content: { ...authenticated.content, sender: { senderType: 'new_member_proposal' } },
        auth: authenticated.auth,
      };
      expect(codeOf(() => unprotectPublicMessage(suite, newMemberRemove, context))).toBe(
        'MLS_INVALID_SENDER_TYPE',
      );
      const unknownExternal: PublicMessage = {
        content: { ...authenticated.content, sender: { senderType: 'external', senderIndex: 9 } },
        auth: authenticated.auth,
      };
      expect(codeOf(() => unprotectPublicMessage(suite, unknownExternal, context))).toBe(
        'MLS_UNKNOWN_SENDER',
      );
    });

    it('application data as a PublicMessage -> MLS_APPLICATION_IN_PUBLIC_MESSAGE (both ways)', () => {
      const content = group.content(1, 'mls_public_message', app('hello'));
      expect(codeOf(() => protectPublicMessage(suite, content, groupContext, membershipKey))).toBe(
        'MLS_APPLICATION_IN_PUBLIC_MESSAGE',
      );
      const handMade: PublicMessage = {
        content: content.content,
        auth: content.auth,
        membershipTag: new Uint8Array(32),
      };
      const bytes = encode(MlsMessage, {
        wireFormat: 'mls_public_message',
        publicMessage: handMade,
      });
      const back = decode(MlsMessage, bytes);
      if (back.wireFormat !== 'mls_public_message') throw new Error('wrong wire format');
      expect(codeOf(() => unprotectPublicMessage(suite, back.publicMessage, context))).toBe(
        'MLS_APPLICATION_IN_PUBLIC_MESSAGE',
      );
    });

    it('malformed bytes -> codec errors; another version -> UNSUPPORTED_VERSION', () => {
      const bytes = encode(MlsMessage, {
        wireFormat: 'mls_public_message',
        publicMessage: message,
      });
      expect(codeOf(() => decode(MlsMessage, bytes.subarray(0, bytes.length - 1)))).toBe(
        'CODEC_TRUNCATED',
      );
      expect(codeOf(() => decode(MlsMessage, new Uint8Array([...bytes, 0])))).toBe(
        'CODEC_TRAILING_BYTES',
      );
      const v2 = Uint8Array.from(bytes);
      v2[1] = 2;
      expect(codeOf(() => decode(MlsMessage, v2))).toBe('UNSUPPORTED_VERSION');
      const badFormat = Uint8Array.from(bytes);
      badFormat[3] = 9;
      expect(codeOf(() => decode(MlsMessage, badFormat))).toBe('CODEC_INVALID_VALUE');
    });
  },
);

describe.each(allProviders())(
  'PrivateMessage must-reject ($name backend)',
  (provider: CryptoProvider) => {
    const group = makeGroup(provider);
    const { suite } = group;
    const genuine = send(group, group.tree(), 'hello');
    const receiver = group.tree();
    const ctx = receiveContext(group, receiver);

    /** The refused message left `tree` usable: the genuine message still decrypts with it. */
    function stillDecrypts(tree: SecretTree): void {
      const got = unprotectPrivateMessage(suite, genuine.message, receiveContext(group, tree));
      expect(textOf(got.authenticatedContent)).toBe('hello');
    }

    it('accepts the genuine message; the receiver tree is not modified', () => {
      const before = receiver.storedNodeCount;
      const got = unprotectPrivateMessage(suite, genuine.message, ctx);
      expect(textOf(got.authenticatedContent)).toBe('hello');
      expect(got.generation).toBe(0);
      expect(receiver.storedNodeCount).toBe(before);
      expect(got.secretTree).not.toBe(receiver);
    });

    it('tampered ciphertext or sender data -> AEAD_AUTHENTICATION_FAILED, no state change', () => {
      const m = genuine.message;
      const last = m.ciphertext.length - 1;
      const variants: [string, PrivateMessage][] = [
        ['ciphertext sample', { ...m, ciphertext: flip(m.ciphertext, 0) }],
        [
          'ciphertext tail (sender data still opens)',
          { ...m, ciphertext: flip(m.ciphertext, last) },
        ],
        ['encrypted sender data', { ...m, encryptedSenderData: flip(m.encryptedSenderData, 2) }],
        ['authenticated data', { ...m, authenticatedData: new Uint8Array([1]) }],
        ['content type', { ...m, contentType: 'proposal' }],
      ];
      for (const [what, forged] of variants) {
        expect(
          codeOf(() => unprotectPrivateMessage(suite, forged, ctx)),
          what,
        ).toBe('AEAD_AUTHENTICATION_FAILED');
      }
      stillDecrypts(receiver);
    });

    it('wrong epoch -> MLS_WRONG_EPOCH; wrong group -> MLS_WRONG_GROUP_ID', () => {
      const m = genuine.message;
      expect(codeOf(() => unprotectPrivateMessage(suite, { ...m, epoch: m.epoch + 1n }, ctx))).toBe(
        'MLS_WRONG_EPOCH',
      );
      const later = { ...ctx, groupContext: { ...ctx.groupContext, epoch: 8n } };
      expect(codeOf(() => unprotectPrivateMessage(suite, m, later))).toBe('MLS_WRONG_EPOCH');
      expect(
        codeOf(() => unprotectPrivateMessage(suite, { ...m, groupId: new Uint8Array(16) }, ctx)),
      ).toBe('MLS_WRONG_GROUP_ID');
      stillDecrypts(receiver);
    });

    it('replay (reused generation) -> MLS_SECRET_REUSED', () => {
      const first = unprotectPrivateMessage(suite, genuine.message, ctx);
      const again = receiveContext(group, first.secretTree);
      expect(codeOf(() => unprotectPrivateMessage(suite, genuine.message, again))).toBe(
        'MLS_SECRET_REUSED',
      );
    });

    it('out of order within the window works; older -> MLS_GENERATION_TOO_OLD', () => {
      let sender = group.tree();
      const sent: PrivateMessage[] = [];
      for (let i = 0; i <= OUT_OF_ORDER_WINDOW + 1; i++) {
        const s = send(group, sender, `m${i}`);
        sender = s.secretTree;
        sent.push(s.message);
      }
      let tree = group.tree();
      for (const i of [3, 1, 4, 0, 2]) {
        const got = unprotectPrivateMessage(
          suite,
          sent[i] as PrivateMessage,
          receiveContext(group, tree),
        );
        expect(textOf(got.authenticatedContent)).toBe(`m${i}`);
        tree = got.secretTree;
      }
      // Jump to the newest, generation 129: the ratchet moves to 130 and keeps the keys of
      // generations 130 - 128 = 2 and up that were never read (5..128).
      const newest = unprotectPrivateMessage(
        suite,
        sent[OUT_OF_ORDER_WINDOW + 1] as PrivateMessage,
        receiveContext(group, tree),
      );
      tree = newest.secretTree;
      const late = unprotectPrivateMessage(
        suite,
        sent[5] as PrivateMessage,
        receiveContext(group, tree),
      );
      expect(textOf(late.authenticatedContent)).toBe('m5');
      const at = (i: number) => () =>
        unprotectPrivateMessage(
          suite,
          sent[i] as PrivateMessage,
          receiveContext(group, late.secretTree),
        );
      expect(codeOf(at(0))).toBe('MLS_GENERATION_TOO_OLD');
      expect(codeOf(at(1))).toBe('MLS_GENERATION_TOO_OLD');
      expect(codeOf(at(3))).toBe('MLS_SECRET_REUSED');
      expect(codeOf(at(5))).toBe('MLS_SECRET_REUSED');
      expect(textOf(at(6)().authenticatedContent)).toBe('m6');
    });

    it('a generation too far ahead -> MLS_GENERATION_TOO_FAR, no state change', () => {
      let sender = group.tree();
      for (let i = 0; i <= MAX_GENERATION_JUMP; i++) sender = sender.nextKey(1, 'application').tree;
      const far = send(group, sender, 'far');
      expect(far.generation).toBe(MAX_GENERATION_JUMP + 1);
      expect(codeOf(() => unprotectPrivateMessage(suite, far.message, ctx))).toBe(
        'MLS_GENERATION_TOO_FAR',
      );
      stillDecrypts(receiver);
      // Exactly at the limit is accepted.
      let edge = group.tree();
      for (let i = 0; i < MAX_GENERATION_JUMP; i++) edge = edge.nextKey(1, 'application').tree;
      const atLimit = send(group, edge, 'edge');
      expect(
        textOf(unprotectPrivateMessage(suite, atLimit.message, ctx).authenticatedContent),
      ).toBe('edge');
    });

    it('bad signature or blank sender -> SIGNATURE_INVALID / MLS_UNKNOWN_SENDER, no state change', () => {
      const swapped = {
        ...ctx,
        signers: { member: (leaf: number) => group.signers.member(leaf === 1 ? 2 : leaf) },
      };
      expect(codeOf(() => unprotectPrivateMessage(suite, genuine.message, swapped))).toBe(
        'SIGNATURE_INVALID',
      );
      const blank = { ...ctx, signers: { member: () => undefined } };
      expect(codeOf(() => unprotectPrivateMessage(suite, genuine.message, blank))).toBe(
        'MLS_UNKNOWN_SENDER',
      );
      stillDecrypts(receiver);
    });

    it('non-zero padding -> PADDING_INVALID, no state change', () => {
      // Build a PrivateMessage by hand whose padding holds a 1 (protectPrivateMessage never does).
      const content = group.content(1, 'mls_private_message', app('padded'));
      const step = group.tree().nextKey(1, 'application');
      const w = new Writer();
      encodeBody(w, content.content);
      authDataCodec('application').encode(w, content.auth);
      w.writeBytes(new Uint8Array([0, 0, 1, 0]));
      const aad = new Writer();
      opaqueVar.encode(aad, content.content.groupId);
      uint64.encode(aad, content.content.epoch);
      ContentType.encode(aad, 'application');
      opaqueVar.encode(aad, content.content.authenticatedData);
      const reuseGuard = new Uint8Array(4);
      const ciphertext = suite.seal(step.key, step.nonce, aad.finish(), w.finish());
      const keys = senderDataKeyAndNonce(suite, group.epoch.senderDataSecret, ciphertext);
      const header = {
        groupId: content.content.groupId,
        epoch: content.content.epoch,
        contentType: 'application' as const,
      };
      const message: PrivateMessage = {
        ...header,
        authenticatedData: content.content.authenticatedData,
        ciphertext,
        encryptedSenderData: suite.seal(
          keys.key,
          keys.nonce,
          encode(SenderDataAad, header),
          encode(SenderData, { leafIndex: 1, generation: 0, reuseGuard }),
        ),
      };
      expect(codeOf(() => unprotectPrivateMessage(suite, message, ctx))).toBe('PADDING_INVALID');
      stillDecrypts(receiver);
    });

    it('protect refuses non-member senders and content signed for PublicMessage', () => {
      const content = group.content(1, 'mls_private_message', app('x'));
      const external: AuthenticatedContent = {
        ...content,
        content: { ...content.content, sender: { senderType: 'new_member_commit' } },
      };
      const sendCtx = { secretTree: group.tree(), senderDataSecret: group.epoch.senderDataSecret };
      expect(codeOf(() => protectPrivateMessage(suite, external, sendCtx))).toBe(
        'MLS_INVALID_SENDER_TYPE',
      );
      const publicSigned = group.content(1, 'mls_public_message', app('x'));
      expect(codeOf(() => protectPrivateMessage(suite, publicSigned, sendCtx))).toBe(
        'INVALID_ARGUMENT',
      );
      expect(
        codeOf(() => protectPrivateMessage(suite, content, { ...sendCtx, paddingLength: -1 })),
      ).toBe('INVALID_ARGUMENT');
      // Content signed for a PrivateMessage does not verify if re-sent as a PublicMessage.
      const relabelled = protectPublicMessage(
        suite,
        { ...group.content(1, 'mls_private_message', remove(2)), wireFormat: 'mls_public_message' },
        group.groupContext,
        group.epoch.membershipKey,
      );
      expect(
        codeOf(() =>
          unprotectPublicMessage(suite, relabelled, {
            groupContext: group.groupContext,
            membershipKey: group.epoch.membershipKey,
            signers: group.signers,
          }),
        ),
      ).toBe('SIGNATURE_INVALID');
    });
  },
);
