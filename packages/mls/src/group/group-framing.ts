/**
 * Sending and receiving framed content on a group state (RFC 9420 §6): signs content as this
 * member and protects it as a PublicMessage (membership tag) or PrivateMessage (secret tree),
 * and unprotects a received MLSMessage against the state. Pure: the advanced secret tree is
 * returned in a new state.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { authenticateContent, type SignerKeys } from '../framing/content-auth.ts';
import type {
  AuthenticatedContent,
  FramedContent,
  FramedContentBody,
} from '../framing/framed-content.ts';
import type { MlsMessage } from '../framing/mls-message.ts';
import { protectPrivateMessage, unprotectPrivateMessage } from '../framing/private-message.ts';
import { protectPublicMessage, unprotectPublicMessage } from '../framing/public-message.ts';
import type { FramedWireFormat } from '../wire/common.ts';
import { externalSendersOf } from './external-senders.ts';
import { assertCanSend, type GroupState } from './group-state.ts';

/**
 * The signature keys of the current members (blank leaves have none) and of the external
 * senders the GroupContext lists (§12.1.8.1).
 */
export function memberSigners(state: GroupState): SignerKeys {
  return {
    member: (leaf) =>
      leaf < state.tree.leafCount ? state.tree.leafNode(leaf)?.signatureKey : undefined,
    external: (index) => externalSendersOf(state.groupContext.extensions)[index]?.signatureKey,
  };
}

/**
 * Content from this member in the current epoch, ready to sign.
 * @throws SigilError `MLS_GROUP_REINITIALIZED`, `MLS_EXTERNAL_JOIN_PENDING` (see
 *   `assertCanSend`).
 */
export function ownContent(
  state: GroupState,
  body: FramedContentBody,
  authenticatedData: Uint8Array = new Uint8Array(0),
): FramedContent {
  assertCanSend(state);
  return {
    groupId: state.groupContext.groupId,
    epoch: state.groupContext.epoch,
    sender: { senderType: 'member', leafIndex: state.ownLeafIndex },
    authenticatedData,
    ...body,
  };
}

/** Signs `content` as this member for `wireFormat` (§6.1). */
export function signOwnContent(
  state: GroupState,
  wireFormat: FramedWireFormat,
  content: FramedContent,
  confirmationTag?: (signature: Uint8Array) => Uint8Array,
): AuthenticatedContent {
  return authenticateContent(state.suite, {
    wireFormat,
    content,
    signatureKey: state.signatureKey,
    groupContext: state.groupContext,
    confirmationTag,
  });
}

/** The result of {@link protectOwn}. */
export interface ProtectedContent {
  readonly message: MlsMessage;
  /** The state with the secret tree advanced (PrivateMessage) or unchanged. */
  readonly state: GroupState;
}

/** Protects signed content as the MLSMessage of its wire format (§6.2, §6.3). */
export function protectOwn(
  state: GroupState,
  authenticated: AuthenticatedContent,
  paddingLength = 0,
): ProtectedContent {
  const { suite } = state;
  if (authenticated.wireFormat === 'mls_public_message') {
    const publicMessage = protectPublicMessage(
      suite,
      authenticated,
      state.groupContext,
      state.epochSecrets.membershipKey,
    );
    return { message: { wireFormat: 'mls_public_message', publicMessage }, state };
  }
  const protectedMessage = protectPrivateMessage(suite, authenticated, {
    secretTree: state.secretTree,
    senderDataSecret: state.epochSecrets.senderDataSecret,
    paddingLength,
  });
  return {
    message: { wireFormat: 'mls_private_message', privateMessage: protectedMessage.message },
    state: { ...state, secretTree: protectedMessage.secretTree },
  };
}

/** The result of {@link unprotectMessage}. */
export interface ReceivedContent {
  readonly content: AuthenticatedContent;
  /** The state with the secret tree advanced (PrivateMessage) or unchanged. */
  readonly state: GroupState;
}

/**
 * Unprotects and verifies a PublicMessage or PrivateMessage of the current epoch (§6).
 * @throws SigilError `MLS_WRONG_EPOCH`, `MLS_WRONG_GROUP_ID`, `MLS_UNKNOWN_SENDER` (e.g. a
 *   removed member), `MLS_INVALID_MEMBERSHIP_TAG`, `SIGNATURE_INVALID`, `MLS_SECRET_REUSED`
 *   (a replay) and the other framing codes; `MLS_UNEXPECTED_CONTENT_TYPE` for a Welcome,
 *   GroupInfo or KeyPackage.
 */
export function unprotectMessage(state: GroupState, message: MlsMessage): ReceivedContent {
  const { suite } = state;
  const signers = memberSigners(state);
  if (message.wireFormat === 'mls_public_message') {
    const { content } = message.publicMessage;
    // A removed (or never present) member's leaf is blank: refuse before any MAC check.
    if (
      content.epoch === state.groupContext.epoch &&
      content.sender.senderType === 'member' &&
      signers.member(content.sender.leafIndex) === undefined
    ) {
      throw new SigilError('MLS_UNKNOWN_SENDER', 'the sender is not a member of the group', {
        details: { leafIndex: content.sender.leafIndex },
      });
    }
    const authenticated = unprotectPublicMessage(suite, message.publicMessage, {
      groupContext: state.groupContext,
      membershipKey: state.epochSecrets.membershipKey,
      signers,
    });
    return { content: authenticated, state };
  }
  if (message.wireFormat === 'mls_private_message') {
    const result = unprotectPrivateMessage(suite, message.privateMessage, {
      groupContext: state.groupContext,
      secretTree: state.secretTree,
      senderDataSecret: state.epochSecrets.senderDataSecret,
      signers,
    });
    return {
      content: result.authenticatedContent,
      state: { ...state, secretTree: result.secretTree },
    };
  }
  throw new SigilError('MLS_UNEXPECTED_CONTENT_TYPE', 'not a framed message', {
    details: { wireFormat: message.wireFormat },
  });
}
