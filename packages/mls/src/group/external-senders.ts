/**
 * External proposals (RFC 9420 §12.1.8): proposals from outside the group. A party listed in
 * the group's `external_senders` GroupContext extension (§12.1.8.1), e.g. a delivery or
 * moderation service, signs proposals as sender `external` with its index in that list; a
 * client that wants to join signs an Add of its own KeyPackage as `new_member_proposal`.
 * Both are PublicMessages without a membership tag, verified against the listed key (or the
 * KeyPackage's), cached by members like any proposal, and committed by reference.
 *
 * External senders may propose Add, Remove, PreSharedKey, ReInit and GroupContextExtensions
 * (§17.4, "External" column); not Update (they have no leaf) nor ExternalInit.
 *
 * @example
 * ```ts
 * const extensions = [externalSendersExtension([{ signatureKey, credential }])];
 * const group = createGroup({ suite, keyPackage, privateKeys, extensions });
 * const message = createExternalProposal({ suite, groupId, epoch, senderIndex: 0,
 *   signatureKey: serviceSeed, proposal: { proposalType: 'remove', removed: 2 } });
 * state = processProposal(state, message); // then createCommit(state) commits it
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { decode, encode } from '@sigil/wire';
import type { CipherSuite } from '../cipher-suite.ts';
import { authenticateContent } from '../framing/content-auth.ts';
import type { FramedContent } from '../framing/framed-content.ts';
import type { MlsMessage } from '../framing/mls-message.ts';
import { protectPublicMessage } from '../framing/public-message.ts';
import type { Extension } from '../wire/common.ts';
import { EXTENSION_TYPES, findExtension } from '../wire/extensions.ts';
import { type ExternalSender, ExternalSenders } from '../wire/external.ts';
import type { KeyPackage } from '../wire/key-package.ts';
import type { Proposal } from '../wire/proposal.ts';

const EMPTY = new Uint8Array(0);

/** The proposal types an external sender may send (§17.4). */
const EXTERNAL_PROPOSAL_TYPES: ReadonlySet<Proposal['proposalType']> = new Set([
  'add',
  'remove',
  'psk',
  'reinit',
  'group_context_extensions',
]);

/**
 * The `external_senders` GroupContext extension listing `senders` (§12.1.8.1); a sender's
 * index in the list is its `sender_index`.
 * @throws SigilError `INVALID_ARGUMENT` if a field cannot be encoded.
 */
export function externalSendersExtension(senders: readonly ExternalSender[]): Extension {
  return {
    extensionType: EXTENSION_TYPES.external_senders,
    extensionData: encode(ExternalSenders, senders),
  };
}

/**
 * The external senders a GroupContext's extensions list (none without the extension).
 * @throws SigilError a `Codec` error if the extension does not parse.
 */
export function externalSendersOf(extensions: readonly Extension[]): readonly ExternalSender[] {
  const extension = findExtension(extensions, EXTENSION_TYPES.external_senders);
  return extension === undefined ? [] : decode(ExternalSenders, extension.extensionData);
}

/**
 * Checks that an external sender may send `proposal` (§17.4).
 * @throws SigilError `MLS_EXTERNAL_PROPOSAL_NOT_ALLOWED` for Update and ExternalInit.
 */
export function checkExternalProposalType(proposal: Proposal): void {
  if (!EXTERNAL_PROPOSAL_TYPES.has(proposal.proposalType)) {
    throw new SigilError(
      'MLS_EXTERNAL_PROPOSAL_NOT_ALLOWED',
      `an external sender cannot propose ${proposal.proposalType} (§12.1.8)`,
    );
  }
}

/** Options of {@link createExternalProposal}. */
export interface CreateExternalProposalOptions {
  readonly suite: CipherSuite;
  /** The group and its current epoch (e.g. from its GroupInfo). */
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  /** The sender's index in the group's external_senders extension. */
  readonly senderIndex: number;
  /** The sender's signature private key (Ed25519 seed) for the listed signature_key. */
  readonly signatureKey: Uint8Array;
  readonly proposal: Proposal;
  readonly authenticatedData?: Uint8Array;
}

/**
 * A proposal from an external sender (§12.1.8.1), as a PublicMessage.
 * @throws SigilError `MLS_EXTERNAL_PROPOSAL_NOT_ALLOWED` for Update and ExternalInit;
 *   `INVALID_KEY_LENGTH` for a bad signature key.
 */
export function createExternalProposal(options: CreateExternalProposalOptions): MlsMessage {
  checkExternalProposalType(options.proposal);
  return signedPublicProposal(options.suite, options.signatureKey, {
    groupId: options.groupId,
    epoch: options.epoch,
    sender: { senderType: 'external', senderIndex: options.senderIndex },
    authenticatedData: options.authenticatedData ?? EMPTY,
    contentType: 'proposal',
    proposal: options.proposal,
  });
}

/** Options of {@link createJoinProposal}. */
export interface CreateJoinProposalOptions {
  readonly suite: CipherSuite;
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  /** The joiner's KeyPackage (its leaf's signature key signs the proposal). */
  readonly keyPackage: KeyPackage;
  /** The KeyPackage's signature private key (Ed25519 seed). */
  readonly signatureKey: Uint8Array;
  readonly authenticatedData?: Uint8Array;
}

/**
 * A client's request to be added (§12.1.8): an Add of its own KeyPackage, sent as
 * new_member_proposal in a PublicMessage for a member to commit.
 * @throws SigilError `INVALID_KEY_LENGTH` for a bad signature key.
 */
export function createJoinProposal(options: CreateJoinProposalOptions): MlsMessage {
  return signedPublicProposal(options.suite, options.signatureKey, {
    groupId: options.groupId,
    epoch: options.epoch,
    sender: { senderType: 'new_member_proposal' },
    authenticatedData: options.authenticatedData ?? EMPTY,
    contentType: 'proposal',
    proposal: { proposalType: 'add', keyPackage: options.keyPackage },
  });
}

function signedPublicProposal(
  suite: CipherSuite,
  signatureKey: Uint8Array,
  content: FramedContent,
): MlsMessage {
  // §6.1: FramedContentTBS of external and new_member_proposal senders has no GroupContext.
  const authenticated = authenticateContent(suite, {
    wireFormat: 'mls_public_message',
    content,
    signatureKey,
  });
  return {
    wireFormat: 'mls_public_message',
    publicMessage: protectPublicMessage(suite, authenticated, undefined, undefined),
  };
}
