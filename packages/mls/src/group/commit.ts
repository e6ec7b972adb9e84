/**
 * Creating a Commit (RFC 9420 §12.4.1): the proposals (by value, plus every proposal cached in
 * the epoch by reference), validated (§12.2) and applied (§12.3); an UpdatePath when required
 * (or wanted) with the new members excluded from the copath resolutions; the new GroupContext,
 * key schedule (commit_secret, psk_secret), confirmation tag and transcript hashes; the signed
 * Commit as a PublicMessage or PrivateMessage; and the Welcome for new members.
 *
 * The Commit stays PENDING: the returned state is the current epoch with `pendingCommit` set.
 * Once the delivery service confirms it, {@link confirmPendingCommit} moves to the new epoch;
 * {@link discardPendingCommit} drops it (e.g. another member's Commit won).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import { MlsMessage } from '../framing/mls-message.ts';
import { confirmationTag, type EpochSecrets } from '../key-schedule.ts';
import { SecretTree } from '../secret-tree.ts';
import { interimTranscriptHash } from '../transcript-hashes.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { createUpdatePath } from '../tree/treekem.ts';
import type { ProposalOrRef } from '../wire/commit.ts';
import type { FramedWireFormat } from '../wire/common.ts';
import { EXTENSION_TYPES } from '../wire/extensions.ts';
import type { GroupContext } from '../wire/group-context.ts';
import type { Proposal } from '../wire/proposal.ts';
import { type EnteredEpoch, type ExternalPskLookup, enterEpoch, resolvePsks } from './epoch.ts';
import { retainEndingEpoch } from './epoch-retention.ts';
import { ownContent, protectOwn, signOwnContent } from './group-framing.ts';
import { assertCanSend, type GroupState, priorGroupOf, withResumptionPsk } from './group-state.ts';
import { applyProposals, pathRequired, resolveProposals, validateProposals } from './proposals.ts';
import { createWelcome, signGroupInfo } from './welcome.ts';

/** Options of {@link createCommit}. */
export interface CreateCommitOptions {
  /** Proposals sent by value in the Commit (default none). */
  readonly proposals?: readonly Proposal[];
  /** Whether to commit every proposal cached in the epoch, by reference (default true). */
  readonly includeCachedProposals?: boolean;
  /** Whether to include an UpdatePath when not required (default true: fresh keys). */
  readonly forcePath?: boolean;
  /** The wire format of the Commit (default mls_public_message). */
  readonly wireFormat?: FramedWireFormat;
  readonly authenticatedData?: Uint8Array;
  /** Whether the Welcome's GroupInfo carries the ratchet_tree extension (default true). */
  readonly ratchetTreeExtension?: boolean;
  readonly externalPsks?: ExternalPskLookup;
  /** The current time in seconds, for KeyPackage lifetimes (unchecked when omitted). */
  readonly now?: bigint;
  /**
   * The group a committed ReInit ended, when this is the first Commit of the group that
   * replaces it (§11.2): its resumption PSKs may be named, with usage reinit. Most callers use
   * `createReinitGroup`, which sets it.
   */
  readonly reinitFrom?: GroupState;
}

/** The result of {@link createCommit}. */
export interface CreatedCommit {
  /** The current epoch's state with the Commit pending. */
  readonly state: GroupState;
  /** The Commit to send. */
  readonly commit: MlsMessage;
  /** The Welcome for the new members, if the Commit adds any. */
  readonly welcome?: MlsMessage | undefined;
}

/**
 * Creates a Commit (§12.4.1).
 * A pending Commit already in `state` is replaced. Every proposal cached in the epoch is
 * committed by reference unless `includeCachedProposals` is false.
 * @throws SigilError `MLS_GROUP_REINITIALIZED`, `MLS_EXTERNAL_JOIN_PENDING` (see
 *   `assertCanSend`); the proposal codes of `validateProposals` (`MLS_DUPLICATE_ADD`,
 *   `MLS_COMMITTER_IN_PROPOSAL`, KeyPackage codes, ...); `MLS_UNKNOWN_PSK`.
 */
export function createCommit(state: GroupState, options: CreateCommitOptions = {}): CreatedCommit {
  assertCanSend(state);
  const { suite, groupContext } = state;
  const byValue: ProposalOrRef[] = (options.proposals ?? []).map((proposal) => ({
    type: 'proposal',
    proposal,
  }));
  const byRef: ProposalOrRef[] =
    options.includeCachedProposals === false
      ? []
      : state.proposals
          // §12.4: the committer does not commit its own Updates (its path replaces its leaf).
          .filter(
            (c) => c.proposal.proposalType !== 'update' || c.senderLeafIndex !== state.ownLeafIndex,
          )
          .map((c) => ({ type: 'reference', reference: c.ref }));
  const list = [...byRef, ...byValue];
  const resolved = resolveProposals(list, state.proposals, state.ownLeafIndex);
  validateProposals(
    {
      suite,
      tree: state.tree,
      groupContext,
      committerLeafIndex: state.ownLeafIndex,
      allowReinitPsk: options.reinitFrom?.reinit !== undefined,
      ...(options.now !== undefined ? { now: options.now } : {}),
    },
    resolved,
  );
  const applied = applyProposals(state.tree, groupContext.extensions, resolved);
  const psks = resolvePsks(
    applied.psks,
    groupContext.groupId,
    state.resumptionPsks,
    options.externalPsks,
    options.reinitFrom && priorGroupOf(options.reinitFrom),
  );
  const fields: Omit<GroupContext, 'treeHash'> = {
    version: groupContext.version,
    cipherSuite: groupContext.cipherSuite,
    groupId: groupContext.groupId,
    epoch: groupContext.epoch + 1n,
    confirmedTranscriptHash: groupContext.confirmedTranscriptHash,
    extensions: applied.extensions,
  };
  const withPath = pathRequired(resolved) || options.forcePath !== false;
  const created = withPath
    ? createUpdatePath({
        suite,
        tree: applied.tree,
        groupContext: fields,
        leafIndex: state.ownLeafIndex,
        signatureKey: state.signatureKey,
        excludedLeaves: applied.added.map((a) => a.leafIndex),
      })
    : undefined;
  const tree = created?.tree ?? applied.tree;
  const provisional = created?.groupContext ?? { ...fields, treeHash: treeHash(suite, tree) };
  const wireFormat = options.wireFormat ?? 'mls_public_message';
  const content = ownContent(
    state,
    { contentType: 'commit', commit: { proposals: list, path: created?.updatePath } },
    options.authenticatedData,
  );
  let entered: EnteredEpoch | undefined;
  const authenticated = signOwnContent(state, wireFormat, content, (signature) => {
    entered = enterEpoch({
      suite,
      provisional,
      interimTranscriptHash: state.interimTranscriptHash,
      commit: { wireFormat, content, auth: { signature } },
      initSecret: state.epochSecrets.initSecret,
      commitSecret: created?.commitSecret,
      psks,
    });
    return confirmationTag(
      suite,
      entered.epochSecrets.confirmationKey,
      entered.groupContext.confirmedTranscriptHash,
    );
  });
  const { groupContext: newContext, epochSecrets } = entered as EnteredEpoch;
  const tag = authenticated.auth.confirmationTag as Uint8Array;
  const sent = protectOwn(state, authenticated);
  const next: GroupState = {
    suite,
    groupContext: newContext,
    tree,
    ownLeafIndex: state.ownLeafIndex,
    signatureKey: state.signatureKey,
    privateKeys: created?.privateKeys ?? state.privateKeys.retainMatching(tree),
    epochSecrets,
    secretTree: SecretTree.create(suite, epochSecrets.encryptionSecret, tree.leafCount),
    interimTranscriptHash: interimTranscriptHash(suite, newContext.confirmedTranscriptHash, tag),
    resumptionPsks: withResumptionPsk(
      state.resumptionPsks,
      newContext.epoch,
      epochSecrets.resumptionPsk,
    ),
    proposals: [],
    reinit: applied.reinit,
  };
  const welcome =
    applied.added.length === 0
      ? undefined
      : welcomeMessage(state, next, epochSecrets, tag, {
          added: applied.added,
          pathSecrets: created?.pathSecrets,
          psks: applied.psks,
          ratchetTreeExtension: options.ratchetTreeExtension !== false,
        });
  return {
    state: { ...sent.state, pendingCommit: { message: encode(MlsMessage, sent.message), next } },
    commit: sent.message,
    welcome,
  };
}

function welcomeMessage(
  state: GroupState,
  next: GroupState,
  epochSecrets: EpochSecrets,
  tag: Uint8Array,
  parts: Pick<Parameters<typeof createWelcome>[0], 'added' | 'pathSecrets' | 'psks'> & {
    readonly ratchetTreeExtension: boolean;
  },
): MlsMessage {
  const groupInfo = signGroupInfo(state.suite, state.signatureKey, {
    groupContext: next.groupContext,
    extensions: parts.ratchetTreeExtension
      ? [{ extensionType: EXTENSION_TYPES.ratchet_tree, extensionData: next.tree.encode() }]
      : [],
    confirmationTag: tag,
    signer: state.ownLeafIndex,
  });
  const welcome = createWelcome({
    suite: state.suite,
    groupInfo,
    epochSecrets,
    added: parts.added,
    pathSecrets: parts.pathSecrets,
    psks: parts.psks,
  });
  return { wireFormat: 'mls_welcome', welcome };
}

/** Options of {@link confirmPendingCommit}. */
export interface ConfirmPendingCommitOptions {
  /** The current time in seconds: when the left epoch ended, for its retention (§15.3). */
  readonly now?: bigint;
}

/**
 * The new epoch's state once this member's pending Commit is confirmed. The epoch left is
 * retained for late application messages (see `MAX_RETAINED_EPOCHS`).
 * @throws SigilError `MLS_NO_PENDING_COMMIT` if none is pending.
 */
export function confirmPendingCommit(
  state: GroupState,
  options: ConfirmPendingCommitOptions = {},
): GroupState {
  if (state.pendingCommit === undefined) {
    throw new SigilError('MLS_NO_PENDING_COMMIT', 'there is no pending Commit to confirm');
  }
  const { next, external } = state.pendingCommit;
  // An external joiner never was in the previous epoch: there is nothing to retain.
  if (external === true) return next;
  return { ...next, retainedEpochs: retainEndingEpoch(state, options.now) };
}

/**
 * The state without its pending Commit (the epoch does not change).
 * @throws SigilError `MLS_NO_PENDING_COMMIT` if none is pending; `INVALID_ARGUMENT` for an
 *   external Commit that joins the group (there is no earlier state: drop the state instead).
 */
export function discardPendingCommit(state: GroupState): GroupState {
  if (state.pendingCommit === undefined) {
    throw new SigilError('MLS_NO_PENDING_COMMIT', 'there is no pending Commit to discard');
  }
  if (state.pendingCommit.external === true) {
    throw new SigilError(
      'INVALID_ARGUMENT',
      'a refused external join leaves no group state: drop it and join again',
    );
  }
  return { ...state, pendingCommit: undefined };
}
