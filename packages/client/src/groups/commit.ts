/**
 * Own group changes through the relay's ordering (groups-api.md, Relay HTTP API 5, 6, 8 and 9):
 * a commit is created on the stored state and, with the GroupInfo of the epoch it starts
 * (ratchet tree and external_pub, so a device that falls behind can rejoin by external commit),
 * STORED as the group's pending commit before it is posted; on 200 it is confirmed
 * (`confirmPendingCommit`) and stored. On `GROUP_EPOCH_MISMATCH` another member's commit won
 * the epoch: the pending commit is discarded, the mailbox processed (the winning commit is
 * queued there) and the change planned again on the new state, up to `GROUP_COMMIT_ATTEMPTS`
 * times. Messages and proposals that lose the epoch the same way are re-encrypted after
 * catching up ({@link withEpochRetry}).
 *
 * A commit whose outcome is unknown (a crash or a network failure after posting) stays pending
 * and is settled before the group's next operation and when the client opens
 * ({@link settlePending}): if the relay is still at its epoch the same bytes are posted again
 * (the relay takes one commit per epoch, so the outcome is the same either way); if the relay
 * moved on, its stored GroupInfo being ours proves the commit won; otherwise the mailbox tells
 * (groups/receive.ts: a commit of the pending epoch means ours lost, traffic of the next epoch
 * that it won); if nothing tells, the device rejoins by external commit (groups/resync.ts).
 *
 * A plan is a function of the state, so a retry re-evaluates it: a device another member already
 * added or removed drops out of it, and an empty plan commits nothing (unless the commit is a
 * key refresh). Every commit also removes the members that asked to leave in the epoch (their
 * self-Remove proposals, by value).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  confirmPendingCommit,
  createCommit,
  createGroupInfo,
  discardPendingCommit,
  encodeMlsMessage,
  type GroupState,
  type KeyPackage,
  type Proposal,
} from '@sigil/mls';
import { bytesEqual } from '../internal/bytes.ts';
import { GROUP_COMMIT_ATTEMPTS } from '../limits.ts';
import type { GroupDeviceRef } from '../relay-api.ts';
import type { Runtime } from '../runtime.ts';
import type { StoreTransaction } from '../store.ts';
import { groupsOf } from './context.ts';
import {
  groupIdOf,
  leafDevices,
  loadEntry,
  type PendingUpload,
  requireEntry,
  saveGroup,
} from './group-record.ts';
import { resyncGroup } from './resync.ts';

/** The change a commit makes: new devices (with KeyPackages) and leaves to remove. */
export interface CommitPlan {
  readonly add: readonly (GroupDeviceRef & { readonly keyPackage: KeyPackage })[];
  /** Leaf indexes (not this device's). */
  readonly removeLeaves: readonly number[];
}

const LOST = Symbol('lost the epoch');

/** An attempt that lost the epoch; `currentEpoch`: the relay's epoch then, when it said. */
interface Lost {
  readonly lost: typeof LOST;
  readonly currentEpoch: bigint | undefined;
}

/** Lost to an own commit left pending meanwhile (settled before the next attempt). */
const UNSETTLED: Lost = { lost: LOST, currentEpoch: undefined };

function isLost(value: unknown): value is Lost {
  return typeof value === 'object' && value !== null && (value as Lost).lost === LOST;
}

/** The clock in seconds, for MLS lifetimes and epoch retention. */
export function nowSeconds(rt: Runtime): bigint {
  return BigInt(Math.floor(rt.clock.now() / 1000));
}

/**
 * Runs `attempt` (which takes the group lock itself) and, when it reports that another commit
 * won the epoch, catches up on the mailbox and runs it again. If the mailbox did not bring this
 * device to the relay's epoch (it missed commits, or lost its state), it rejoins `groupId` by
 * external commit first (groups/resync.ts).
 * @throws SigilError `GROUP_EPOCH_MISMATCH` after the last attempt; whatever `attempt` throws.
 */
export async function withEpochRetry<T>(
  rt: Runtime,
  attempt: (last: boolean) => Promise<T | Lost>,
  groupId?: string,
): Promise<T> {
  for (let i = 1; ; i++) {
    const result = await attempt(i === GROUP_COMMIT_ATTEMPTS);
    if (!isLost(result)) return result;
    if (i >= GROUP_COMMIT_ATTEMPTS) {
      throw new SigilError('GROUP_EPOCH_MISMATCH', 'other members kept changing the group');
    }
    await groupsOf(rt).hooks.catchUp();
    if (groupId !== undefined && result.currentEpoch !== undefined) {
      const entry = await rt.store.transaction((tx) => loadEntry(rt, tx, groupId));
      const behind =
        entry !== undefined &&
        entry.pending === undefined &&
        entry.state.groupContext.epoch < result.currentEpoch;
      if (behind) await resyncGroup(rt, groupId);
    }
  }
}

/** `LOST` (with the relay's epoch) for an epoch mismatch; rethrows anything else. */
export function lostEpoch(err: unknown): Lost {
  if (!SigilError.is(err, 'GROUP_EPOCH_MISMATCH')) throw err;
  const raw = (err.details as { currentEpoch?: unknown } | undefined)?.currentEpoch;
  const currentEpoch = typeof raw === 'string' && /^\d{1,20}$/.test(raw) ? BigInt(raw) : undefined;
  return { lost: LOST, currentEpoch };
}

/**
 * Whether a failed request may still have reached the relay (no answer, or not one the relay
 * gives for a refusal): then a pending commit stays pending.
 */
export function outcomeUnknown(err: unknown): boolean {
  if (!SigilError.is(err)) return true;
  return (
    err.category === 'Storage' ||
    err.category === 'Internal' ||
    err.code === 'RELAY_RESPONSE_INVALID'
  );
}

/** Posts a pending upload as it was made (a commit, or an external join). */
export async function postPending(
  rt: Runtime,
  groupId: string,
  pending: PendingUpload,
): Promise<void> {
  if (pending.external) {
    await rt.api.groupExternalJoin(groupId, {
      epoch: pending.epoch,
      commit: pending.commit,
      groupInfo: pending.groupInfo,
    });
  } else {
    await rt.api.groupCommit(groupId, {
      epoch: pending.epoch,
      commit: pending.commit,
      welcome: pending.welcome,
      groupInfo: pending.groupInfo,
      add: pending.add,
      remove: pending.remove,
    });
  }
}

/** Confirms the pending commit of `state` and stores the new epoch (this device committed now). */
export async function confirmPending(
  rt: Runtime,
  tx: StoreTransaction,
  state: GroupState,
): Promise<GroupState> {
  const next = confirmPendingCommit(state, { now: nowSeconds(rt) });
  await saveGroup(rt, tx, next, { lastCommitAt: rt.clock.now(), sentSinceCommit: 0 });
  return next;
}

/** What {@link settleByRelay} found out. */
type Settled = 'none' | 'confirmed' | 'discarded' | 'gone' | 'unknown';

/**
 * Settles a group's pending commit with the relay alone (under the group lock): posted again
 * while the relay is at its epoch, confirmed when the relay's GroupInfo is the one it carried.
 * @throws SigilError relay codes (network: the commit stays pending).
 */
async function settleByRelay(rt: Runtime, groupId: string): Promise<Settled> {
  const entry = await rt.store.transaction((tx) => loadEntry(rt, tx, groupId));
  const pending = entry?.pending;
  if (entry === undefined || pending === undefined) return 'none';
  let info: { epoch: bigint; groupInfo?: Uint8Array };
  try {
    info = await rt.api.groupInfo(groupId);
    if (info.epoch === pending.epoch) {
      try {
        await postPending(rt, groupId, pending);
        await rt.store.transaction((tx) => confirmPending(rt, tx, entry.state));
        return 'confirmed';
      } catch (err) {
        if (outcomeUnknown(err)) throw err;
        if (!SigilError.is(err, 'GROUP_EPOCH_MISMATCH')) {
          // Refused for good (the request itself): it never took effect. A refused join
          // leaves no state to go back to.
          if (pending.external) {
            await rt.store.transaction((tx) => tx.deleteGroup(groupId));
            return 'gone';
          }
          await rt.store.transaction((tx) => saveGroup(rt, tx, discardPendingCommit(entry.state)));
          return 'discarded';
        }
        info = await rt.api.groupInfo(groupId);
      }
    }
  } catch (err) {
    if (!SigilError.is(err, 'NOT_GROUP_MEMBER') && !SigilError.is(err, 'GROUP_NOT_FOUND')) {
      throw err;
    }
    // The relay no longer has this account in the group: nothing is left to follow.
    await rt.store.transaction((tx) => tx.deleteGroup(groupId));
    return 'gone';
  }
  if (
    info.groupInfo !== undefined &&
    pending.groupInfo !== undefined &&
    info.epoch === pending.epoch + 1n &&
    bytesEqual(info.groupInfo, pending.groupInfo)
  ) {
    await rt.store.transaction((tx) => confirmPending(rt, tx, entry.state));
    return 'confirmed';
  }
  return 'unknown';
}

/**
 * Settles a group's pending commit, if it has one (see the module comment). Resolves once the
 * group has none (or this device is no longer in it).
 * @throws SigilError relay and storage codes (the commit stays pending).
 */
export async function settlePending(rt: Runtime, groupId: string): Promise<void> {
  const context = groupsOf(rt);
  const settled = await context.locked(() => settleByRelay(rt, groupId));
  if (settled === 'gone') rt.emitter.emit('group', { groupId, kind: 'removed' });
  if (settled === 'confirmed') rt.emitter.emit('group', { groupId, kind: 'changed' });
  if (settled !== 'unknown') return;
  // The mailbox holds the answer: the winning commit of the pending epoch, or later traffic.
  await context.hooks.catchUp();
  const entry = await rt.store.transaction((tx) => loadEntry(rt, tx, groupId));
  if (entry?.pending === undefined) return;
  // Nothing told: follow the group again by external commit.
  await resyncGroup(rt, groupId);
}

/** Settles the pending commit of every group that has one (when the client opens); a group's
 * failure is an `error` event. */
export async function settleAllPending(rt: Runtime): Promise<void> {
  const rows = await rt.store.transaction((tx) => tx.listGroups());
  for (const row of rows) {
    try {
      const entry = await rt.store.transaction((tx) => loadEntry(rt, tx, row.groupId));
      if (entry?.pending !== undefined) await settlePending(rt, row.groupId);
    } catch (error) {
      if (SigilError.is(error, 'STORAGE_FAILURE')) throw error;
      // Settled again before the group's next operation.
      rt.emitter.emit('error', {
        code: SigilError.is(error) ? error.code : 'INTERNAL',
        error,
        during: 'group',
      });
    }
  }
}

/** Options of {@link commitPlan}. */
export interface CommitOptions {
  /** Commit even when the plan is empty: an empty commit with an UpdatePath (key refresh). */
  readonly refresh?: boolean;
  /**
   * Runs (awaited) after a commit of this call that added devices, once the new epoch is
   * stored: the group metadata for the joiners goes right after their Welcome.
   */
  readonly afterAdding?: () => Promise<void>;
}

/**
 * Commits `plan(state)` to a group (see the module comment). Resolves with the state after it
 * (the current one when the plan is empty).
 * @throws SigilError `GROUP_NOT_FOUND` (not, or no longer, in the group); `GROUP_EPOCH_MISMATCH`
 *   after the last attempt; MLS proposal codes; relay and storage codes (after a network
 *   failure the commit stays pending and is settled later).
 */
export async function commitPlan(
  rt: Runtime,
  groupId: string,
  plan: (state: GroupState) => CommitPlan | undefined,
  options: CommitOptions = {},
): Promise<GroupState> {
  const context = groupsOf(rt);
  let committed = false;
  let added = false;
  const state = await withEpochRetry(
    rt,
    async () => {
      await settlePending(rt, groupId);
      return context.locked(async () => {
        const entry = await rt.store.transaction((tx) => requireEntry(rt, tx, groupId));
        // A commit left pending meanwhile (another operation's network failure): settle first.
        if (entry.pending !== undefined) return UNSETTLED;
        const current = entry.state;
        const planned = plan(current);
        // Members that asked to leave in this epoch go with any commit.
        const leaving = pendingLeaves(current);
        const removed = new Set([...(planned?.removeLeaves ?? []), ...leaving]);
        const removedDevices = leafDevices(current).filter((l) => removed.has(l.leafIndex));
        const gone = new Set(removedDevices.map((l) => `${l.accountId}/${l.deviceId}`));
        const left = new Set(
          leafDevices(current)
            .filter((l) => leaving.includes(l.leafIndex))
            .map((l) => l.accountId),
        );
        // Nobody is added for a person leaving; a device re-added under the same id (a new key)
        // joins in a later commit: the relay takes a device once per commit.
        const add = (planned?.add ?? []).filter(
          (a) => !left.has(a.accountId) && !gone.has(`${a.accountId}/${a.deviceId}`),
        );
        if (add.length === 0 && removed.size === 0 && options.refresh !== true) return current;
        const proposals: Proposal[] = [
          ...[...removed].map((leaf): Proposal => ({ proposalType: 'remove', removed: leaf })),
          ...add.map((a): Proposal => ({ proposalType: 'add', keyPackage: a.keyPackage })),
        ];
        const created = createCommit(current, {
          proposals,
          includeCachedProposals: false,
          forcePath: true,
          ratchetTreeExtension: true,
          now: nowSeconds(rt),
        });
        const pendingCommit = created.state.pendingCommit as NonNullable<
          GroupState['pendingCommit']
        >;
        const pending: PendingUpload = {
          epoch: current.groupContext.epoch,
          commit: pendingCommit.message,
          welcome: created.welcome === undefined ? undefined : encodeMlsMessage(created.welcome),
          groupInfo: encodeMlsMessage(createGroupInfo(pendingCommit.next)),
          add: add.map((a) => ({ accountId: a.accountId, deviceId: a.deviceId })),
          remove: removedDevices.map((l) => ({ accountId: l.accountId, deviceId: l.deviceId })),
          external: false,
        };
        // Stored before it leaves: a crash from here on is settled by settlePending.
        await rt.store.transaction((tx) => saveGroup(rt, tx, created.state, { pending }));
        try {
          await postPending(rt, groupId, pending);
        } catch (err) {
          if (outcomeUnknown(err)) throw err;
          await rt.store.transaction((tx) =>
            saveGroup(rt, tx, discardPendingCommit(created.state)),
          );
          return lostEpoch(err);
        }
        rt.hooks.afterGroupCommitPosted?.();
        const next = await rt.store.transaction((tx) => confirmPending(rt, tx, created.state));
        committed = true;
        added = add.length > 0;
        return next;
      });
    },
    groupId,
  );
  if (committed) rt.emitter.emit('group', { groupId: groupIdOf(state), kind: 'changed' });
  if (added && options.afterAdding !== undefined) await options.afterAdding();
  return state;
}

/** Leaves of this state whose device matches `match` (never this device's own leaf). */
export function leavesWhere(
  state: GroupState,
  match: (accountId: string, deviceId: number, signatureKey: Uint8Array) => boolean,
): number[] {
  return leafDevices(state)
    .filter((l) => l.leafIndex !== state.ownLeafIndex)
    .filter((l) => match(l.accountId, l.deviceId, l.signatureKey))
    .map((l) => l.leafIndex);
}

/**
 * The leaves to remove for people leaving: a member's cached self-Remove proposal (a leave)
 * takes every leaf of its account (a person leaves with all devices). None when it is this
 * account leaving (the other members commit that).
 */
export function pendingLeaves(state: GroupState): number[] {
  const leaves = leafDevices(state);
  const accounts = new Map(leaves.map((l) => [l.leafIndex, l.accountId]));
  const mine = accounts.get(state.ownLeafIndex);
  const leaving = new Set<string>();
  for (const { proposal, senderLeafIndex } of state.proposals) {
    if (proposal.proposalType !== 'remove' || proposal.removed !== senderLeafIndex) continue;
    const account = accounts.get(senderLeafIndex);
    if (account !== undefined && account !== mine) leaving.add(account);
  }
  return leaves.filter((l) => leaving.has(l.accountId)).map((l) => l.leafIndex);
}
