/**
 * Past-epoch retention (RFC 9420 §9.2, §15.3): when a member moves to a new epoch it keeps, for
 * a bounded time, what it needs to read application messages of the epoch it left (its secret
 * tree, sender_data_secret, GroupContext and the members' signature keys), so a message sent
 * just before a Commit and delivered after it still decrypts. Only application messages: a
 * Proposal or Commit of a past epoch stays refused with `MLS_WRONG_EPOCH` (§12.1, §12.4.2).
 *
 * Bounds (limits.ts): at most `MAX_RETAINED_EPOCHS` epochs, each dropped
 * `EPOCH_RETENTION_SECONDS` after it ended when the caller passes the current time. The kept
 * secret tree deletes each key once used, so a replay fails with `MLS_SECRET_REUSED` as in the
 * current epoch.
 *
 * @example
 * ```ts
 * const next = confirmPendingCommit(state, { now }); // the old epoch is retained
 * const got = decryptApplication(next, lateMessage, { now }); // a message of the old epoch
 * ```
 * @module
 */
import { SecretBytes } from '@sigil/crypto';
import type { SignerKeys } from '../framing/content-auth.ts';
import type { AuthenticatedContent } from '../framing/framed-content.ts';
import type { PrivateMessage } from '../framing/mls-message.ts';
import { unprotectPrivateMessage } from '../framing/private-message.ts';
import { bytesEqual } from '../internal/bytes.ts';
import { EPOCH_RETENTION_SECONDS, MAX_RETAINED_EPOCHS } from '../limits.ts';
import type { GroupState, RetainedEpoch, RetainedMember } from './group-state.ts';

/** The retained epochs still within the time bound at `now` (all of them without `now`). */
export function pruneRetainedEpochs(
  epochs: readonly RetainedEpoch[] | undefined,
  now?: bigint,
): readonly RetainedEpoch[] {
  const list = epochs ?? [];
  const kept = list.filter(
    (e) =>
      now === undefined || e.endedAt === undefined || now - e.endedAt <= EPOCH_RETENTION_SECONDS,
  );
  return kept.slice(Math.max(0, kept.length - MAX_RETAINED_EPOCHS));
}

/** `state` with the retained epochs expired at `now` dropped (the same state if none is). */
export function withPrunedEpochs(state: GroupState, now: bigint | undefined): GroupState {
  const before = state.retainedEpochs ?? [];
  const after = pruneRetainedEpochs(before, now);
  return after.length === before.length ? state : { ...state, retainedEpochs: after };
}

/**
 * The retained epochs of the state that follows `state` once its epoch ends at `now`: the
 * current epoch appended (its secret tree as it is now, so messages already read stay
 * replays), and those beyond either bound dropped.
 */
export function retainEndingEpoch(state: GroupState, now?: bigint): readonly RetainedEpoch[] {
  const members: (RetainedMember | undefined)[] = new Array(state.tree.leafCount).fill(undefined);
  for (const [leaf, { signatureKey, credential }] of state.tree.leaves()) {
    members[leaf] = { signatureKey, credential };
  }
  const ending: RetainedEpoch = {
    groupContext: state.groupContext,
    senderDataSecret: new SecretBytes(state.epochSecrets.senderDataSecret),
    secretTree: state.secretTree,
    members,
    endedAt: now,
  };
  return pruneRetainedEpochs([...(state.retainedEpochs ?? []), ending], now);
}

/** The result of {@link unprotectRetained}. */
export interface RetainedContent {
  readonly content: AuthenticatedContent;
  /** The sender as it was in the message's epoch (its leaf may since be blank or reused). */
  readonly sender: RetainedMember;
  /** The state with the retained epoch's secret tree advanced and expired epochs dropped. */
  readonly state: GroupState;
}

/**
 * Unprotects an application PrivateMessage of a retained past epoch, or returns undefined if
 * the message is not one (another content type, the current epoch, or an epoch not retained,
 * e.g. expired at `now`): the caller then applies the current epoch's checks, which refuse it.
 * @throws SigilError the PrivateMessage codes (`MLS_SECRET_REUSED` for a replay,
 *   `MLS_UNKNOWN_SENDER`, `SIGNATURE_INVALID`, `AEAD_AUTHENTICATION_FAILED`, ...).
 */
export function unprotectRetained(
  state: GroupState,
  message: PrivateMessage,
  now?: bigint,
): RetainedContent | undefined {
  if (message.contentType !== 'application' || message.epoch === state.groupContext.epoch) {
    return undefined;
  }
  const epochs = pruneRetainedEpochs(state.retainedEpochs, now);
  const index = epochs.findIndex(
    (e) =>
      e.groupContext.epoch === message.epoch && bytesEqual(e.groupContext.groupId, message.groupId),
  );
  const retained = epochs[index];
  if (retained === undefined) return undefined;
  const signers: SignerKeys = { member: (leaf) => retained.members[leaf]?.signatureKey };
  const result = unprotectPrivateMessage(state.suite, message, {
    groupContext: retained.groupContext,
    secretTree: retained.secretTree,
    senderDataSecret: retained.senderDataSecret.expose(),
    signers,
  });
  const updated = epochs.map((e, i) =>
    i === index ? { ...retained, secretTree: result.secretTree } : e,
  );
  const { leafIndex } = result.authenticatedContent.content.sender as { leafIndex: number };
  return {
    content: result.authenticatedContent,
    sender: retained.members[leafIndex] as RetainedMember,
    state: { ...state, retainedEpochs: updated },
  };
}
