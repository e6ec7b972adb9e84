/**
 * Application messages and standalone proposals on a group state (RFC 9420 §6.3, §12.1):
 * application data is always a PrivateMessage under the secret tree (a replay fails with
 * `MLS_SECRET_REUSED`); proposals are sent as Public- or PrivateMessages and cached in the
 * epoch by ProposalRef for a later Commit to reference.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { signWithLabel } from '../crypto-basics.ts';
import type { MlsMessage } from '../framing/mls-message.ts';
import type { FramedWireFormat } from '../wire/common.ts';
import type { Credential } from '../wire/credential.ts';
import { encodeLeafNodeTbs, type LeafNode } from '../wire/leaf-node.ts';
import type { Proposal } from '../wire/proposal.ts';
import { unprotectRetained, withPrunedEpochs } from './epoch-retention.ts';
import { checkExternalProposalType } from './external-senders.ts';
import { ownContent, protectOwn, signOwnContent, unprotectMessage } from './group-framing.ts';
import type { CachedProposal, GroupState } from './group-state.ts';
import { proposalRef } from './proposals.ts';

/** Options of {@link encryptApplication}. */
export interface EncryptApplicationOptions {
  readonly authenticatedData?: Uint8Array;
  /** Zero bytes of padding (§6.3.1); 0 by default. */
  readonly paddingLength?: number;
}

/** A sent message and the state to keep afterwards. */
export interface SentMessage {
  readonly state: GroupState;
  readonly message: MlsMessage;
}

/** Encrypts application data as a PrivateMessage of the current epoch (§6.3). */
export function encryptApplication(
  state: GroupState,
  data: Uint8Array,
  options: EncryptApplicationOptions = {},
): SentMessage {
  const content = ownContent(
    state,
    { contentType: 'application', applicationData: data },
    options.authenticatedData,
  );
  return protectOwn(
    state,
    signOwnContent(state, 'mls_private_message', content),
    options.paddingLength,
  );
}

/** A decrypted application message. */
export interface ReceivedApplication {
  readonly state: GroupState;
  readonly data: Uint8Array;
  readonly authenticatedData: Uint8Array;
  /** The epoch the message was sent in (a past one if it was retained, §15.3). */
  readonly epoch: bigint;
  /** The sender's leaf index in that epoch. */
  readonly senderLeafIndex: number;
  /**
   * The sender's signature key and credential in that epoch: attribute the message by these,
   * not by `senderLeafIndex` in the current tree (for a past epoch the leaf may since be blank
   * or another member's).
   */
  readonly senderSignatureKey: Uint8Array;
  readonly senderCredential: Credential;
}

/** Options of {@link decryptApplication}. */
export interface DecryptApplicationOptions {
  /**
   * The current time in seconds since the Unix epoch: past epochs that ended more than
   * `EPOCH_RETENTION_SECONDS` ago are dropped (unchecked when omitted).
   */
  readonly now?: bigint;
}

/**
 * Decrypts and verifies an application message of the current epoch (§6.3), or of a past
 * epoch this member still retains (§15.3, see `MAX_RETAINED_EPOCHS`).
 * @throws SigilError the framing codes (`MLS_SECRET_REUSED` for a replay, `MLS_WRONG_EPOCH`
 *   for an epoch neither current nor retained, `MLS_UNKNOWN_SENDER`, `SIGNATURE_INVALID`,
 *   `AEAD_AUTHENTICATION_FAILED`, ...); `MLS_UNEXPECTED_CONTENT_TYPE` if it is not application
 *   data.
 */
export function decryptApplication(
  state: GroupState,
  message: MlsMessage,
  options: DecryptApplicationOptions = {},
): ReceivedApplication {
  const current = withPrunedEpochs(state, options.now);
  const retained =
    message.wireFormat === 'mls_private_message'
      ? unprotectRetained(current, message.privateMessage, options.now)
      : undefined;
  const received = retained ?? unprotectMessage(current, message);
  const { content } = received.content;
  if (content.contentType !== 'application' || content.sender.senderType !== 'member') {
    throw new SigilError('MLS_UNEXPECTED_CONTENT_TYPE', 'the message is not application data');
  }
  // Verified against this leaf, so it is non-blank in the message's epoch.
  const sender = retained?.sender ?? (current.tree.leafNode(content.sender.leafIndex) as LeafNode);
  return {
    state: received.state,
    data: content.applicationData,
    authenticatedData: content.authenticatedData,
    epoch: content.epoch,
    senderLeafIndex: content.sender.leafIndex,
    senderSignatureKey: sender.signatureKey,
    senderCredential: sender.credential,
  };
}

/**
 * Sends a proposal (§12.1) and caches it in the sender's state, so its own Commit may include
 * it. Update proposals go through {@link createUpdateProposal} (which keeps the new leaf key).
 * @throws SigilError `MLS_UNSUPPORTED_PROPOSAL` for update and external_init (an Update
 *   goes through {@link createUpdateProposal}; ExternalInit only exists in external Commits).
 */
export function createProposal(
  state: GroupState,
  proposal: Proposal,
  wireFormat: FramedWireFormat = 'mls_public_message',
): SentMessage {
  if (
    !['add', 'remove', 'psk', 'reinit', 'group_context_extensions'].includes(proposal.proposalType)
  ) {
    throw new SigilError(
      'MLS_UNSUPPORTED_PROPOSAL',
      `sending ${proposal.proposalType} proposals is not supported yet`,
    );
  }
  const authenticated = signOwnContent(
    state,
    wireFormat,
    ownContent(state, { contentType: 'proposal', proposal }),
  );
  const sent = protectOwn(state, authenticated);
  const cached = {
    ref: proposalRef(state.suite, authenticated),
    proposal,
    senderLeafIndex: state.ownLeafIndex,
  };
  return {
    message: sent.message,
    state: { ...sent.state, proposals: [...state.proposals, cached] },
  };
}

/**
 * Sends an Update proposal (§12.1.2) replacing this member's leaf with a fresh encryption key
 * (same credential, capabilities and extensions), keeping the new private key in the state so
 * a Commit by another member that applies it can be processed.
 * @throws SigilError `INVALID_ARGUMENT` if this member's leaf is blank (not a member).
 */
export function createUpdateProposal(
  state: GroupState,
  wireFormat: FramedWireFormat = 'mls_public_message',
): SentMessage {
  const { suite } = state;
  const current = state.tree.leafNode(state.ownLeafIndex);
  if (current === undefined) throw new SigilError('INVALID_ARGUMENT', 'not a member');
  const encryptionKey = suite.hpke.generateKeyPair();
  const unsigned: LeafNode = {
    encryptionKey: encryptionKey.publicKey,
    signatureKey: current.signatureKey,
    credential: current.credential,
    capabilities: current.capabilities,
    leafNodeSource: 'update',
    extensions: current.extensions,
    signature: new Uint8Array(0),
  };
  const tbs = encodeLeafNodeTbs(unsigned, {
    groupId: state.groupContext.groupId,
    leafIndex: state.ownLeafIndex,
  });
  const leafNode: LeafNode = {
    ...unsigned,
    signature: signWithLabel(suite, state.signatureKey, 'LeafNodeTBS', tbs),
  };
  const proposal: Proposal = { proposalType: 'update', leafNode };
  const authenticated = signOwnContent(
    state,
    wireFormat,
    ownContent(state, { contentType: 'proposal', proposal }),
  );
  const sent = protectOwn(state, authenticated);
  const ref = proposalRef(suite, authenticated);
  return {
    message: sent.message,
    state: {
      ...sent.state,
      proposals: [...state.proposals, { ref, proposal, senderLeafIndex: state.ownLeafIndex }],
      pendingUpdates: [...(state.pendingUpdates ?? []), { ref, encryptionKey }],
    },
  };
}

/**
 * Receives a proposal (§12.1) from a member, an external sender listed in the group's
 * external_senders extension, or a client asking to join (new_member_proposal, §12.1.8), and
 * caches it by ProposalRef for the epoch's Commit.
 * @throws SigilError the framing codes (`MLS_UNKNOWN_SENDER` for an unlisted external sender,
 *   `MLS_INVALID_SENDER_TYPE` for a new member proposing anything but its own Add,
 *   `SIGNATURE_INVALID`, ...); `MLS_UNEXPECTED_CONTENT_TYPE` if it is not a proposal;
 *   `MLS_EXTERNAL_PROPOSAL_NOT_ALLOWED` for an external Update or ExternalInit;
 *   `MLS_GROUP_REINITIALIZED` once a ReInit ended the group.
 */
export function processProposal(state: GroupState, message: MlsMessage): GroupState {
  if (state.reinit !== undefined) {
    throw new SigilError('MLS_GROUP_REINITIALIZED', 'the group was reinitialized (§11.2)');
  }
  const received = unprotectMessage(state, message);
  const { content } = received.content;
  if (content.contentType !== 'proposal') {
    throw new SigilError('MLS_UNEXPECTED_CONTENT_TYPE', 'the message is not a proposal');
  }
  const { sender } = content;
  if (sender.senderType === 'new_member_commit') {
    // Unreachable: content authentication refuses it for a proposal (§6.1).
    throw new SigilError('MLS_INVALID_SENDER_TYPE', 'a new_member_commit sender proposed');
  }
  if (sender.senderType !== 'member') checkExternalProposalType(content.proposal);
  const cached: CachedProposal = {
    ref: proposalRef(state.suite, received.content),
    proposal: content.proposal,
    senderLeafIndex:
      sender.senderType === 'member'
        ? sender.leafIndex
        : sender.senderType === 'external'
          ? sender.senderIndex
          : 0,
    ...(sender.senderType === 'member' ? {} : { senderType: sender.senderType }),
  };
  return { ...received.state, proposals: [...state.proposals, cached] };
}
