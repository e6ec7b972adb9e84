/**
 * Processing a received Commit (RFC 9420 §12.4.2): unprotect and verify it in the current
 * epoch, resolve and validate its proposals (§12.2), apply them (§12.3), check the path rule,
 * process the UpdatePath (§7.5), enter the new epoch and verify the confirmation tag. Pure:
 * on any failure the caller's state is unchanged; on success a new state is returned.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { MlsMessage } from '../framing/mls-message.ts';
import { bytesEqual } from '../internal/bytes.ts';
import { verifyConfirmationTag } from '../key-schedule.ts';
import { SecretTree } from '../secret-tree.ts';
import { interimTranscriptHash } from '../transcript-hashes.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { TreePrivateKeys } from '../tree/tree-private-keys.ts';
import { processUpdatePath } from '../tree/treekem.ts';
import type { GroupContext } from '../wire/group-context.ts';
import { type ExternalPskLookup, enterEpoch, resolvePsks } from './epoch.ts';
import { unprotectMessage } from './group-framing.ts';
import { type GroupState, withResumptionPsk } from './group-state.ts';
import { applyProposals, pathRequired, resolveProposals, validateProposals } from './proposals.ts';

/** Options of {@link processCommit}. */
export interface ProcessCommitOptions {
  readonly externalPsks?: ExternalPskLookup;
  /** The current time in seconds, for KeyPackage lifetimes (unchecked when omitted). */
  readonly now?: bigint;
}

/** The outcome of {@link processCommit}. */
export interface ProcessedCommit {
  /** The new epoch's state; the old state if this member was removed. */
  readonly state: GroupState;
  /** True if the Commit removed this member: the group is over for it. */
  readonly removedSelf: boolean;
  /** The committer's leaf index. */
  readonly committer: number;
}

/**
 * Processes another member's Commit (§12.4.2).
 * @throws SigilError the framing codes (`MLS_WRONG_EPOCH` for a stale Commit,
 *   `SIGNATURE_INVALID`, `MLS_INVALID_MEMBERSHIP_TAG`, `MLS_UNKNOWN_SENDER` for a removed
 *   member, ...); `MLS_UNEXPECTED_CONTENT_TYPE` if it is not a Commit; `MLS_INVALID_SENDER_TYPE`
 *   for a non-member committer (external commits are not supported yet); `INVALID_ARGUMENT` for
 *   this member's own Commit (use `confirmPendingCommit`); the proposal codes;
 *   `MLS_PATH_REQUIRED`; the UpdatePath codes; `MLS_INVALID_CONFIRMATION_TAG`.
 */
export function processCommit(
  state: GroupState,
  message: MlsMessage,
  options: ProcessCommitOptions = {},
): ProcessedCommit {
  const { suite, groupContext } = state;
  const received = unprotectMessage(state, message);
  const { content } = received.content;
  if (content.contentType !== 'commit') {
    throw new SigilError('MLS_UNEXPECTED_CONTENT_TYPE', 'the message is not a Commit', {
      details: { contentType: content.contentType },
    });
  }
  if (content.sender.senderType !== 'member') {
    throw new SigilError('MLS_INVALID_SENDER_TYPE', 'external commits are not supported yet', {
      details: { senderType: content.sender.senderType },
    });
  }
  const committer = content.sender.leafIndex;
  if (committer === state.ownLeafIndex) {
    throw new SigilError('INVALID_ARGUMENT', 'own Commit: use confirmPendingCommit');
  }
  const { commit } = content;
  const resolved = resolveProposals(commit.proposals, state.proposals, committer);
  validateProposals(
    {
      suite,
      tree: state.tree,
      groupContext,
      committerLeafIndex: committer,
      ...(options.now !== undefined ? { now: options.now } : {}),
    },
    resolved,
  );
  const applied = applyProposals(state.tree, groupContext.extensions, resolved);
  if (applied.removed.includes(state.ownLeafIndex)) {
    return { state, removedSelf: true, committer };
  }
  if (pathRequired(resolved) && commit.path === undefined) {
    throw new SigilError('MLS_PATH_REQUIRED', 'the Commit needs an UpdatePath (RFC 9420 §12.4)');
  }
  const psks = resolvePsks(
    applied.psks,
    groupContext.groupId,
    state.resumptionPsks,
    options.externalPsks,
  );
  const fields: Omit<GroupContext, 'treeHash'> = {
    version: groupContext.version,
    cipherSuite: groupContext.cipherSuite,
    groupId: groupContext.groupId,
    epoch: groupContext.epoch + 1n,
    confirmedTranscriptHash: groupContext.confirmedTranscriptHash,
    extensions: applied.extensions,
  };
  // §12.1.2: if the Commit applies this member's own Update, its leaf key is the proposed one.
  const ownUpdate = (state.pendingUpdates ?? []).find((u) =>
    commit.proposals.some((p) => p.type === 'reference' && bytesEqual(p.reference, u.ref)),
  );
  const ownKeys =
    ownUpdate === undefined
      ? state.privateKeys
      : TreePrivateKeys.forLeaf(suite, state.ownLeafIndex, ownUpdate.encryptionKey);
  const processed =
    commit.path === undefined
      ? undefined
      : processUpdatePath({
          suite,
          tree: applied.tree,
          groupContext: fields,
          excludedLeaves: applied.added.map((a) => a.leafIndex),
          senderLeafIndex: committer,
          updatePath: commit.path,
          privateKeys: ownKeys,
        });
  const tree = processed?.tree ?? applied.tree;
  const provisional = processed?.groupContext ?? { ...fields, treeHash: treeHash(suite, tree) };
  const { groupContext: newContext, epochSecrets } = enterEpoch({
    suite,
    provisional,
    interimTranscriptHash: state.interimTranscriptHash,
    commit: received.content,
    initSecret: state.epochSecrets.initSecret,
    commitSecret: processed?.commitSecret,
    psks,
  });
  const tag = received.content.auth.confirmationTag ?? new Uint8Array(0);
  if (
    !verifyConfirmationTag(
      suite,
      epochSecrets.confirmationKey,
      newContext.confirmedTranscriptHash,
      tag,
    )
  ) {
    throw new SigilError(
      'MLS_INVALID_CONFIRMATION_TAG',
      'the Commit confirmation tag does not verify (RFC 9420 §12.4.2)',
    );
  }
  return {
    state: {
      suite,
      groupContext: newContext,
      tree,
      ownLeafIndex: state.ownLeafIndex,
      signatureKey: state.signatureKey,
      privateKeys: processed?.privateKeys ?? ownKeys.retainMatching(tree),
      epochSecrets,
      secretTree: SecretTree.create(suite, epochSecrets.encryptionSecret, tree.leafCount),
      interimTranscriptHash: interimTranscriptHash(suite, newContext.confirmedTranscriptHash, tag),
      resumptionPsks: withResumptionPsk(
        state.resumptionPsks,
        newContext.epoch,
        epochSecrets.resumptionPsk,
      ),
      proposals: [],
    },
    removedSelf: false,
    committer,
  };
}
