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
import { encodeLeafNodeTbs, type LeafNode } from '../wire/leaf-node.ts';
import type { Proposal } from '../wire/proposal.ts';
import { ownContent, protectOwn, signOwnContent, unprotectMessage } from './group-framing.ts';
import type { GroupState } from './group-state.ts';
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
  readonly senderLeafIndex: number;
}

/**
 * Decrypts and verifies an application message of the current epoch (§6.3).
 * @throws SigilError the framing codes (`MLS_SECRET_REUSED` for a replay, `MLS_WRONG_EPOCH`,
 *   `MLS_UNKNOWN_SENDER`, `SIGNATURE_INVALID`, `AEAD_AUTHENTICATION_FAILED`, ...);
 *   `MLS_UNEXPECTED_CONTENT_TYPE` if it is not application data.
 */
export function decryptApplication(state: GroupState, message: MlsMessage): ReceivedApplication {
  const received = unprotectMessage(state, message);
  const { content } = received.content;
  if (content.contentType !== 'application' || content.sender.senderType !== 'member') {
    throw new SigilError('MLS_UNEXPECTED_CONTENT_TYPE', 'the message is not application data');
  }
  return {
    state: received.state,
    data: content.applicationData,
    authenticatedData: content.authenticatedData,
    senderLeafIndex: content.sender.leafIndex,
  };
}

/**
 * Sends a proposal (§12.1) and caches it in the sender's state, so its own Commit may include
 * it. Update proposals go through {@link createUpdateProposal} (which keeps the new leaf key).
 * @throws SigilError `MLS_UNSUPPORTED_PROPOSAL` for update, reinit and external_init.
 */
export function createProposal(
  state: GroupState,
  proposal: Proposal,
  wireFormat: FramedWireFormat = 'mls_public_message',
): SentMessage {
  if (!['add', 'remove', 'psk', 'group_context_extensions'].includes(proposal.proposalType)) {
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
 * Receives a member's proposal (§12.1) and caches it by ProposalRef for the epoch's Commit.
 * @throws SigilError the framing codes; `MLS_UNEXPECTED_CONTENT_TYPE` if it is not a proposal;
 *   `MLS_INVALID_SENDER_TYPE` for a non-member proposer (external proposals come later).
 */
export function processProposal(state: GroupState, message: MlsMessage): GroupState {
  const received = unprotectMessage(state, message);
  const { content } = received.content;
  if (content.contentType !== 'proposal') {
    throw new SigilError('MLS_UNEXPECTED_CONTENT_TYPE', 'the message is not a proposal');
  }
  if (content.sender.senderType !== 'member') {
    throw new SigilError('MLS_INVALID_SENDER_TYPE', 'external proposals are not supported yet');
  }
  const cached = {
    ref: proposalRef(state.suite, received.content),
    proposal: content.proposal,
    senderLeafIndex: content.sender.leafIndex,
  };
  return { ...received.state, proposals: [...state.proposals, cached] };
}
