/**
 * PublicMessage protection (RFC 9420 §6.2): a signed, unencrypted message whose membership tag
 * proves that a member sender knows the epoch's membership_key.
 *
 * ```
 * membership_tag = MAC(membership_key, AuthenticatedContentTBM)
 * ```
 *
 * Receiving checks, in order: group_id (`MLS_WRONG_GROUP_ID`) and epoch (`MLS_WRONG_EPOCH`)
 * against the current GroupContext; no application data (`MLS_APPLICATION_IN_PUBLIC_MESSAGE`);
 * the membership tag of a member sender (`MLS_INVALID_MEMBERSHIP_TAG`); the sender type and
 * signature (`MLS_INVALID_SENDER_TYPE`, `MLS_UNKNOWN_SENDER`, `SIGNATURE_INVALID`). Nothing is
 * returned unless every check passes.
 *
 * @example
 * ```ts
 * const message = protectPublicMessage(suite, authenticated, groupContext, membershipKey);
 * const content = unprotectPublicMessage(suite, message, { groupContext, membershipKey, signers });
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { CipherSuite } from '../cipher-suite.ts';
import type { GroupContext } from '../wire/group-context.ts';
import { type SignerKeys, verifyFramedContent } from './content-auth.ts';
import { type AuthenticatedContent, encodeAuthenticatedContentTbm } from './framed-content.ts';
import type { PublicMessage } from './mls-message.ts';
import { checkGroupAndEpoch } from './validation.ts';

/** What a receiver needs to unprotect a PublicMessage of the current epoch. */
export interface PublicMessageContext {
  /** The group's current GroupContext. */
  readonly groupContext: GroupContext;
  /** The current epoch's membership_key. */
  readonly membershipKey: Uint8Array;
  /** The signature keys of members and external senders. */
  readonly signers: SignerKeys;
}

/** §6.2: "Applications MUST use PrivateMessage to encrypt application messages". */
function refuseApplication(authenticated: { content: { contentType: string } }): void {
  if (authenticated.content.contentType === 'application') {
    throw new SigilError(
      'MLS_APPLICATION_IN_PUBLIC_MESSAGE',
      'application data must be sent as a PrivateMessage',
    );
  }
}

/**
 * Wraps signed content in a PublicMessage, adding the membership tag for a member sender
 * (§6.2). `authenticated` must have been signed for wire format mls_public_message.
 * @throws SigilError `MLS_APPLICATION_IN_PUBLIC_MESSAGE` for application content.
 * @throws SigilError `INVALID_ARGUMENT` if the wire format is not mls_public_message, or a
 *   member's message lacks `groupContext` or `membershipKey`.
 */
export function protectPublicMessage(
  suite: CipherSuite,
  authenticated: AuthenticatedContent,
  groupContext: GroupContext | undefined,
  membershipKey: Uint8Array | undefined,
): PublicMessage {
  if (authenticated.wireFormat !== 'mls_public_message') {
    throw new SigilError('INVALID_ARGUMENT', 'content was signed for another wire format');
  }
  refuseApplication(authenticated);
  const { content, auth } = authenticated;
  if (content.sender.senderType !== 'member') return { content, auth };
  if (membershipKey === undefined) {
    throw new SigilError('INVALID_ARGUMENT', 'a member PublicMessage needs the membership key');
  }
  const tbm = encodeAuthenticatedContentTbm(authenticated, groupContext);
  return { content, auth, membershipTag: suite.mac(membershipKey, tbm) };
}

/**
 * Checks a received PublicMessage (§6.2, §6.1) and returns its AuthenticatedContent. Pure:
 * nothing is stored.
 * @throws SigilError `MLS_WRONG_GROUP_ID`, `MLS_WRONG_EPOCH`,
 *   `MLS_APPLICATION_IN_PUBLIC_MESSAGE`, `MLS_INVALID_MEMBERSHIP_TAG`,
 *   `MLS_INVALID_SENDER_TYPE`, `MLS_UNKNOWN_SENDER` or `SIGNATURE_INVALID` (see the module
 *   comment).
 */
export function unprotectPublicMessage(
  suite: CipherSuite,
  message: PublicMessage,
  context: PublicMessageContext,
): AuthenticatedContent {
  const { groupContext } = context;
  checkGroupAndEpoch(message.content, groupContext);
  refuseApplication(message);
  const authenticated: AuthenticatedContent = {
    wireFormat: 'mls_public_message',
    content: message.content,
    auth: message.auth,
  };
  if (message.content.sender.senderType === 'member') {
    // §6.2: "the application MUST check membership_tag". The codec guarantees a member's
    // message carries one; the MAC is compared in full and in constant time.
    const tbm = encodeAuthenticatedContentTbm(authenticated, groupContext);
    const tag = message.membershipTag ?? new Uint8Array(0);
    if (!suite.verifyMac(context.membershipKey, tbm, tag)) {
      throw new SigilError('MLS_INVALID_MEMBERSHIP_TAG', 'the membership tag does not verify');
    }
  }
  verifyFramedContent(suite, authenticated, groupContext, context.signers);
  return authenticated;
}
