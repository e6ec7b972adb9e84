/**
 * Processing a received Commit (RFC 9420 §12.4.2): unprotect and verify it in the current
 * epoch, resolve and validate its proposals (§12.2), apply them (§12.3), check the path rule,
 * process the UpdatePath (§7.5), enter the new epoch and verify the confirmation tag. External
 * Commits (sender new_member_commit, §12.4.3.2) pass their own rules first, place the joiner
 * at the leftmost blank leaf and take init_secret from the ExternalInit (§8.3). The epoch left
 * is retained for late application messages (§15.3); a committed ReInit ends the group (§11.2).
 * Pure: on any failure the caller's state is unchanged; on success a new state is returned.
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
import type { LeafNode } from '../wire/leaf-node.ts';
import { type ExternalPskLookup, enterEpoch, resolvePsks } from './epoch.ts';
import { retainEndingEpoch } from './epoch-retention.ts';
import {
  NO_COMMITTER,
  receivedExternalInitSecret,
  reserveLeaf,
  validateExternalCommitProposals,
} from './external-commit.ts';
import { unprotectMessage } from './group-framing.ts';
import { type GroupState, withResumptionPsk } from './group-state.ts';
import { applyProposals, pathRequired, resolveProposals, validateProposals } from './proposals.ts';

/** Options of {@link processCommit}. */
export interface ProcessCommitOptions {
  readonly externalPsks?: ExternalPskLookup;
  /**
   * The current time in seconds, for KeyPackage lifetimes and the retention of the epoch left
   * (unchecked when omitted).
   */
  readonly now?: bigint;
  /**
   * The application's check of every leaf the Commit adds or updates (Add and Update
   * proposals, the committer's UpdatePath leaf, an external joiner's leaf), called before the
   * Commit is applied: throw to reject it (the state stays as it was). `joiner` is true for
   * the leaf of an external Commit's joiner.
   */
  readonly validateCredential?: CommitLeafValidator;
}

/** See {@link ProcessCommitOptions.validateCredential}. */
export type CommitLeafValidator = (leaf: LeafNode, leafIndex: number, joiner: boolean) => void;

/** Calls `check` for every leaf that `tree` (after the proposals) or the path adds or changes. */
function checkNewLeaves(
  check: CommitLeafValidator,
  before: GroupState['tree'],
  tree: GroupState['tree'],
  path: { leaf: LeafNode; leafIndex: number; joiner: boolean } | undefined,
): void {
  for (const [leafIndex, leaf] of tree.leaves()) {
    if (leafIndex === path?.leafIndex) continue;
    const old = leafIndex < before.leafCount ? before.leafNode(leafIndex) : undefined;
    // A changed leaf always has a new encryption key (§7.3).
    if (old === undefined || !bytesEqual(old.encryptionKey, leaf.encryptionKey)) {
      check(leaf, leafIndex, false);
    }
  }
  if (path !== undefined) check(path.leaf, path.leafIndex, path.joiner);
}

/** The outcome of {@link processCommit}. */
export interface ProcessedCommit {
  /** The new epoch's state; the old state if this member was removed. */
  readonly state: GroupState;
  /** True if the Commit removed this member: the group is over for it. */
  readonly removedSelf: boolean;
  /** The committer's leaf index (for an external Commit, the joiner's new leaf). */
  readonly committer: number;
  /** True for an external Commit (a new member joined, or a member resynchronized). */
  readonly external: boolean;
}

/** §12.4.3.2: an external Commit carries a path (checked before its signature needs one). */
function refusePathlessExternalCommit(message: MlsMessage): void {
  if (message.wireFormat !== 'mls_public_message') return;
  const { content } = message.publicMessage;
  if (
    content.sender.senderType === 'new_member_commit' &&
    content.contentType === 'commit' &&
    content.commit.path === undefined
  ) {
    throw new SigilError('MLS_PATH_REQUIRED', 'an external Commit needs an UpdatePath (§12.4.3.2)');
  }
}

/**
 * Processes another member's Commit, or an external Commit (§12.4.2, §12.4.3.2).
 * @throws SigilError `MLS_GROUP_REINITIALIZED` if a ReInit already ended the group; the
 *   framing codes (`MLS_WRONG_EPOCH` for a stale Commit, `SIGNATURE_INVALID`,
 *   `MLS_INVALID_MEMBERSHIP_TAG`, `MLS_UNKNOWN_SENDER` for a removed member, ...);
 *   `MLS_UNEXPECTED_CONTENT_TYPE` if it is not a Commit; `INVALID_ARGUMENT` for this member's
 *   own Commit (use `confirmPendingCommit`); for external Commits
 *   `MLS_EXTERNAL_COMMIT_REFERENCE`, `MLS_EXTERNAL_COMMIT_PROPOSAL`, `MLS_EXTERNAL_INIT_COUNT`,
 *   `MLS_EXTERNAL_COMMIT_REMOVE`; the proposal codes (`MLS_UNEXPECTED_EXTERNAL_INIT`,
 *   `MLS_REINIT_NOT_ALONE`, ...); `MLS_PATH_REQUIRED`; the UpdatePath codes;
 *   `MLS_INVALID_CONFIRMATION_TAG`.
 */
export function processCommit(
  state: GroupState,
  message: MlsMessage,
  options: ProcessCommitOptions = {},
): ProcessedCommit {
  const { suite, groupContext } = state;
  if (state.reinit !== undefined) {
    throw new SigilError('MLS_GROUP_REINITIALIZED', 'the group was reinitialized (§11.2)');
  }
  refusePathlessExternalCommit(message);
  const received = unprotectMessage(state, message);
  const { content } = received.content;
  if (content.contentType !== 'commit') {
    throw new SigilError('MLS_UNEXPECTED_CONTENT_TYPE', 'the message is not a Commit', {
      details: { contentType: content.contentType },
    });
  }
  const { commit } = content;
  const external = content.sender.senderType === 'new_member_commit';
  if (content.sender.senderType !== 'member' && !external) {
    // Unreachable: content authentication admits only these two senders for a Commit (§6.1).
    throw new SigilError('MLS_INVALID_SENDER_TYPE', 'only members and joiners commit', {
      details: { senderType: content.sender.senderType },
    });
  }
  let committer = content.sender.senderType === 'member' ? content.sender.leafIndex : NO_COMMITTER;
  if (committer === state.ownLeafIndex) {
    throw new SigilError('INVALID_ARGUMENT', 'own Commit: use confirmPendingCommit');
  }
  if (external) {
    validateExternalCommitProposals(commit.proposals, state.tree, commit.path?.leafNode.credential);
  }
  const resolved = resolveProposals(commit.proposals, state.proposals, committer);
  validateProposals(
    {
      suite,
      tree: state.tree,
      groupContext,
      committerLeafIndex: committer,
      externalCommit: external,
      ...(options.now !== undefined ? { now: options.now } : {}),
    },
    resolved,
  );
  const applied = applyProposals(state.tree, groupContext.extensions, resolved);
  // §12.4.3.2: the joiner's leaf is the leftmost blank one once the proposals are applied.
  const reserved = external ? reserveLeaf(applied.tree) : undefined;
  if (reserved !== undefined) committer = reserved.leafIndex;
  if (applied.removed.includes(state.ownLeafIndex)) {
    return { state, removedSelf: true, committer, external };
  }
  if (options.validateCredential !== undefined) {
    const path = commit.path && {
      leaf: commit.path.leafNode,
      leafIndex: committer,
      joiner: external,
    };
    checkNewLeaves(options.validateCredential, state.tree, applied.tree, path);
  }
  if (pathRequired(resolved) && commit.path === undefined) {
    throw new SigilError('MLS_PATH_REQUIRED', 'the Commit needs an UpdatePath (RFC 9420 §12.4)');
  }
  const initSecret = external
    ? receivedExternalInitSecret(state, resolved)
    : state.epochSecrets.initSecret;
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
          tree: reserved?.tree ?? applied.tree,
          groupContext: fields,
          excludedLeaves: applied.added.map((a) => a.leafIndex),
          senderLeafIndex: committer,
          updatePath: commit.path,
          privateKeys: ownKeys,
          // A joiner's leaf was never checked as a KeyPackage's: check the group's
          // required_capabilities on it here (§7.3, §12.4.3.2).
          ...(external
            ? { leafNodeValidation: { groupContextExtensions: applied.extensions } }
            : {}),
        });
  const tree = processed?.tree ?? applied.tree;
  const provisional = processed?.groupContext ?? { ...fields, treeHash: treeHash(suite, tree) };
  const { groupContext: newContext, epochSecrets } = enterEpoch({
    suite,
    provisional,
    interimTranscriptHash: state.interimTranscriptHash,
    commit: received.content,
    initSecret,
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
      retainedEpochs: retainEndingEpoch(received.state, options.now),
      reinit: applied.reinit,
    },
    removedSelf: false,
    committer,
    external,
  };
}
