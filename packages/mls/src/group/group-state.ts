/**
 * A member's MLS group state (RFC 9420 §8, §9, §12): everything needed to send and receive in
 * the current epoch, as an immutable value. Every operation of the group layer takes a state
 * and returns a new one; a failed operation throws and the caller keeps the old state.
 *
 * @module
 */
import type { KeyPair } from '@sigil/crypto';
import type { CipherSuite } from '../cipher-suite.ts';
import type { EpochSecrets } from '../key-schedule.ts';
import type { SecretTree } from '../secret-tree.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import type { TreePrivateKeys } from '../tree/tree-private-keys.ts';
import type { GroupContext } from '../wire/group-context.ts';
import type { Proposal } from '../wire/proposal.ts';

/** How many past epochs' resumption PSKs a state keeps (§8.6). */
export const RESUMPTION_PSK_EPOCHS = 16;

/** A proposal received (or sent) in the current epoch, for Commits that reference it (§12.4). */
export interface CachedProposal {
  /** MakeProposalRef of the AuthenticatedContent that carried it (§5.2). */
  readonly ref: Uint8Array;
  readonly proposal: Proposal;
  /** The proposer's leaf index. */
  readonly senderLeafIndex: number;
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
