/**
 * Content authentication (RFC 9420 §6.1): signing a FramedContent, finding the key that must
 * have signed it for each sender type, and verifying the signature.
 *
 * | sender_type          | signature key                                      | content type   |
 * | -------------------- | -------------------------------------------------- | -------------- |
 * | member               | LeafNode at leaf_index in the ratchet tree         | any            |
 * | external             | external_senders[sender_index] (GroupContext ext.) | proposal       |
 * | new_member_commit    | leaf_node of the Commit's path                     | commit         |
 * | new_member_proposal  | leaf_node of the KeyPackage in the Add             | proposal (add) |
 *
 * The ratchet tree and the group's extensions live above this layer, so member and external
 * keys come from a {@link SignerKeys} lookup the caller supplies; new-member keys are read from
 * the content itself.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { CipherSuite } from '../cipher-suite.ts';
import { signWithLabel, verifyWithLabel } from '../crypto-basics.ts';
import type { FramedWireFormat } from '../wire/common.ts';
import type { GroupContext } from '../wire/group-context.ts';
import {
  type AuthenticatedContent,
  encodeFramedContentTbs,
  type FramedContent,
} from './framed-content.ts';

/** The signature label of FramedContentTBS (§6.1). */
export const FRAMED_CONTENT_TBS_LABEL = 'FramedContentTBS';

/** Where the signature keys of members and external senders come from. */
export interface SignerKeys {
  /**
   * The `signature_key` of the LeafNode at `leafIndex`, or `undefined` if that leaf is blank or
   * outside the tree.
   */
  member(leafIndex: number): Uint8Array | undefined;
  /**
   * The `signature_key` of `external_senders[senderIndex]`, or `undefined` if there is no such
   * entry. Omit it when the group has no `external_senders` extension.
   */
  external?(senderIndex: number): Uint8Array | undefined;
}

/**
 * SignWithLabel(signatureKey, "FramedContentTBS", FramedContentTBS) (§6.1): the signature of
 * `content` as it will be sent in `wireFormat`. `groupContext` is the current epoch's context,
 * required for member and new_member_commit senders.
 * @throws SigilError `INVALID_ARGUMENT` if the context is required and missing;
 *   `INVALID_KEY_LENGTH` if `signatureKey` is not a 32-byte Ed25519 seed.
 */
export function signFramedContent(
  suite: CipherSuite,
  signatureKey: Uint8Array,
  wireFormat: FramedWireFormat,
  content: FramedContent,
  groupContext: GroupContext | undefined,
): Uint8Array {
  const tbs = encodeFramedContentTbs(wireFormat, content, groupContext);
  return signWithLabel(suite, signatureKey, FRAMED_CONTENT_TBS_LABEL, tbs);
}

/** What {@link authenticateContent} signs. */
export interface ContentToSign {
  /** The wire format the message will be sent in (the signature covers it). */
  readonly wireFormat: FramedWireFormat;
  readonly content: FramedContent;
  /** The sender's signature private key (32-byte Ed25519 seed). */
  readonly signatureKey: Uint8Array;
  /** The current GroupContext: required for member and new_member_commit senders. */
  readonly groupContext?: GroupContext | undefined;
  /**
   * Commits only: computes the confirmation tag from the signature (the signature enters the
   * confirmed transcript hash, which the new epoch's confirmation_key then tags, §8.2).
   */
  readonly confirmationTag?: ((signature: Uint8Array) => Uint8Array) | undefined;
}

/**
 * Signs content and assembles its AuthenticatedContent (§6.1).
 * @throws SigilError `INVALID_ARGUMENT` if a commit lacks `confirmationTag` (or other content
 *   has one), or the group context is required and missing.
 */
export function authenticateContent(
  suite: CipherSuite,
  input: ContentToSign,
): AuthenticatedContent {
  const isCommit = input.content.contentType === 'commit';
  if (isCommit !== (input.confirmationTag !== undefined)) {
    throw new SigilError(
      'INVALID_ARGUMENT',
      'a confirmation tag is required for commits and forbidden otherwise',
    );
  }
  const signature = signFramedContent(
    suite,
    input.signatureKey,
    input.wireFormat,
    input.content,
    input.groupContext,
  );
  const auth = isCommit
    ? { signature, confirmationTag: input.confirmationTag?.(signature) }
    : { signature };
  return { wireFormat: input.wireFormat, content: input.content, auth };
}

function invalidSenderType(message: string, senderType: string): SigilError {
  return new SigilError('MLS_INVALID_SENDER_TYPE', message, { details: { senderType } });
}

/**
 * The key that must have signed `content` (§6.1), after the sender-type rules of the table
 * above.
 * @throws SigilError `MLS_INVALID_SENDER_TYPE` if the sender type may not send this content.
 * @throws SigilError `MLS_UNKNOWN_SENDER` if the member leaf is blank or absent, the external
 *   sender index unknown, or a new member's content carries no leaf node.
 */
export function signerKeyOf(content: FramedContent, signers: SignerKeys): Uint8Array {
  const sender = content.sender;
  let key: Uint8Array | undefined;
  switch (sender.senderType) {
    case 'member':
      key = signers.member(sender.leafIndex);
      break;
    case 'external':
      // §6.1: "The content_type of the message MUST be proposal."
      if (content.contentType !== 'proposal') {
        throw invalidSenderType('an external sender may only send proposals', 'external');
      }
      key = signers.external?.(sender.senderIndex);
      break;
    case 'new_member_commit':
      // §6.1: "The content_type of the message MUST be commit."
      if (content.contentType !== 'commit') {
        throw invalidSenderType(
          'a new_member_commit sender must send a commit',
          'new_member_commit',
        );
      }
      key = content.commit.path?.leafNode.signatureKey;
      break;
    case 'new_member_proposal':
      // §6.1: "The content_type of the message MUST be proposal and the proposal_type of the
      // Proposal MUST be add."
      if (content.contentType !== 'proposal' || content.proposal.proposalType !== 'add') {
        throw invalidSenderType(
          'a new_member_proposal sender must send an add proposal',
          'new_member_proposal',
        );
      }
      key = content.proposal.keyPackage.leafNode.signatureKey;
      break;
  }
  if (key === undefined) {
    throw new SigilError('MLS_UNKNOWN_SENDER', 'the sender has no signature key in this group', {
      details: { senderType: sender.senderType },
    });
  }
  return key;
}

/**
 * Verifies the signature of `authenticated` (§6.1) with the sender's key from `signers`.
 * @throws SigilError `SIGNATURE_INVALID` if it does not verify.
 * @throws SigilError `MLS_INVALID_SENDER_TYPE`, `MLS_UNKNOWN_SENDER` as {@link signerKeyOf}.
 */
export function verifyFramedContent(
  suite: CipherSuite,
  authenticated: AuthenticatedContent,
  groupContext: GroupContext,
  signers: SignerKeys,
): void {
  const key = signerKeyOf(authenticated.content, signers);
  const tbs = encodeFramedContentTbs(authenticated.wireFormat, authenticated.content, groupContext);
  if (!verifyWithLabel(suite, key, FRAMED_CONTENT_TBS_LABEL, tbs, authenticated.auth.signature)) {
    throw new SigilError('SIGNATURE_INVALID', 'the FramedContent signature does not verify');
  }
}
