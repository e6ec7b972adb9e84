/**
 * A member's MLS group state (RFC 9420 §8, §9, §12): everything needed to send and receive in
 * the current epoch, as an immutable value. Every operation of the group layer takes a state
 * and returns a new one; a failed operation throws and the caller keeps the old state.
 *
 * @module
 */
import type { KeyPair, SecretBytes } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import type { CipherSuite } from '../cipher-suite.ts';
import type { EpochSecrets } from '../key-schedule.ts';
import type { SecretTree } from '../secret-tree.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import type { TreePrivateKeys } from '../tree/tree-private-keys.ts';
import type { Extension } from '../wire/common.ts';
import type { Credential } from '../wire/credential.ts';
import type { GroupContext } from '../wire/group-context.ts';
import type { Proposal } from '../wire/proposal.ts';

/** How many past epochs' resumption PSKs a state keeps (§8.6). */
export const RESUMPTION_PSK_EPOCHS = 16;

/** A proposal received (or sent) in the current epoch, for Commits that reference it (§12.4). */
export interface CachedProposal {
  /** MakeProposalRef of the AuthenticatedContent that carried it (§5.2). */
  readonly ref: Uint8Array;
  readonly proposal: Proposal;
  /**
   * The proposer's leaf index for a member; its index in the external_senders extension for an
   * external sender; 0 for a new_member_proposal (§12.1.8).
   */
  readonly senderLeafIndex: number;
  /** Who proposed it (§6): a member unless told otherwise. */
  readonly senderType?: 'member' | 'external' | 'new_member_proposal' | undefined;
}

/** A resumption PSK of a past (or the current) epoch (§8.6). Secret. */
export interface ResumptionPsk {
  readonly epoch: bigint;
  readonly psk: Uint8Array;
}

/** An Update proposal this member sent in the epoch, with its new leaf key (§12.1.2). */
export interface PendingUpdate {
  /** The proposal's ProposalRef. */
  readonly ref: Uint8Array;
  /** The HPKE key pair of the proposed LeafNode's encryption_key. Secret. */
  readonly encryptionKey: KeyPair;
}

/** A Commit this member created and has not yet seen confirmed by the delivery service. */
export interface PendingCommit {
  /** The encoded MLSMessage of the Commit, as sent. */
  readonly message: Uint8Array;
  /** The state the group moves to once the Commit is confirmed. */
  readonly next: GroupState;
  /**
   * True for an external Commit by which this client joins (§12.4.3.2): there is no earlier
   * state to go back to, and nothing can be sent until the Commit is confirmed.
   */
  readonly external?: boolean | undefined;
}

/**
 * What a member keeps of an epoch it has left, to read that epoch's late application messages
 * (§15.3, bounded by `MAX_RETAINED_EPOCHS` and `EPOCH_RETENTION_SECONDS`). Secret.
 */
export interface RetainedEpoch {
  /** The epoch's GroupContext (signatures of its messages cover it). */
  readonly groupContext: GroupContext;
  /** The epoch's sender_data_secret (prints redacted). */
  readonly senderDataSecret: SecretBytes;
  /** The epoch's secret tree as it was when the epoch ended, advanced by late messages since. */
  readonly secretTree: SecretTree;
  /** The epoch's members by leaf index (undefined: blank leaf). */
  readonly members: readonly (RetainedMember | undefined)[];
  /** When the epoch ended (seconds since the Unix epoch), if the caller said. */
  readonly endedAt?: bigint | undefined;
}

/** A member of a retained epoch: what authenticates and identifies its messages. */
export interface RetainedMember {
  readonly signatureKey: Uint8Array;
  readonly credential: Credential;
}

/** The parameters of the ReInit proposal that ended a group (§11.2, §12.1.5). */
export interface ReinitParameters {
  readonly groupId: Uint8Array;
  readonly version: number;
  readonly cipherSuite: number;
  readonly extensions: readonly Extension[];
}

/** One member's state of one group in one epoch. Secrets inside print redacted. */
export interface GroupState {
  readonly suite: CipherSuite;
  /** GroupContext of the current epoch. */
  readonly groupContext: GroupContext;
  /** The ratchet tree of the current epoch. */
  readonly tree: RatchetTree;
  /** This member's leaf index. */
  readonly ownLeafIndex: number;
  /** This member's signature private key (Ed25519 seed). Secret. */
  readonly signatureKey: Uint8Array;
  /** This member's private keys of its leaf and direct path. */
  readonly privateKeys: TreePrivateKeys;
  /** The current epoch's key-schedule output. */
  readonly epochSecrets: EpochSecrets;
  /** The current epoch's secret tree (advanced as messages are sent and received). */
  readonly secretTree: SecretTree;
  /** interim_transcript_hash of the current epoch (§8.2). */
  readonly interimTranscriptHash: Uint8Array;
  /** Resumption PSKs of the current and recent epochs, newest last. */
  readonly resumptionPsks: readonly ResumptionPsk[];
  /** Proposals received in the current epoch (§12.4: referenced by Commits). */
  readonly proposals: readonly CachedProposal[];
  /** Update proposals this member sent in the current epoch (their leaf keys). */
  readonly pendingUpdates?: readonly PendingUpdate[] | undefined;
  /** This member's own Commit awaiting confirmation, if any. */
  readonly pendingCommit?: PendingCommit | undefined;
  /** Past epochs kept for late application messages, oldest first (§15.3). */
  readonly retainedEpochs?: readonly RetainedEpoch[] | undefined;
  /** Set once a ReInit was committed: the group is ended and only links to its successor. */
  readonly reinit?: ReinitParameters | undefined;
}

/** The current epoch number. */
export function epochOf(state: GroupState): bigint {
  return state.groupContext.epoch;
}

/** The resumption PSK list after entering an epoch: the new one appended, old ones dropped. */
export function withResumptionPsk(
  psks: readonly ResumptionPsk[],
  epoch: bigint,
  psk: Uint8Array,
): ResumptionPsk[] {
  return [...psks, { epoch, psk }].slice(-RESUMPTION_PSK_EPOCHS);
}

/**
 * Checks that this member may send in `state`.
 * @throws SigilError `MLS_GROUP_REINITIALIZED` once a ReInit was committed (§11.2);
 *   `MLS_EXTERNAL_JOIN_PENDING` while the external Commit that joined the group is unconfirmed.
 */
export function assertCanSend(state: GroupState): void {
  if (state.reinit !== undefined) {
    throw new SigilError(
      'MLS_GROUP_REINITIALIZED',
      'the group was reinitialized (RFC 9420 §11.2): use the new group',
    );
  }
  if (state.pendingCommit?.external === true) {
    throw new SigilError(
      'MLS_EXTERNAL_JOIN_PENDING',
      'the external Commit that joins the group is not confirmed yet',
    );
  }
}

/** The group `state` ended, as a source of resumption PSKs for its successor (§11.2). */
export function priorGroupOf(state: GroupState): {
  readonly groupId: Uint8Array;
  readonly resumptionPsks: readonly ResumptionPsk[];
} {
  return { groupId: state.groupContext.groupId, resumptionPsks: state.resumptionPsks };
}
