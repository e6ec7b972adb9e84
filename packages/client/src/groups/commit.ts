/**
 * Own group changes through the relay's ordering (groups-api.md, Relay HTTP API 5, 6 and 8):
 * a commit is created on the stored state, posted with the epoch it was made in, and on 200
 * confirmed (`confirmPendingCommit`) and stored; on `GROUP_EPOCH_MISMATCH` another member's
 * commit won the epoch: the pending commit is discarded (never stored), the mailbox processed
 * (the winning commit is queued there) and the change planned again on the new state, up to
 * `GROUP_COMMIT_ATTEMPTS` times. Messages and proposals that lose the epoch the same way are
 * re-encrypted after catching up ({@link withEpochRetry}).
 *
 * A plan is a function of the state, so a retry re-evaluates it: a device another member already
 * added or removed drops out of it, and an empty plan commits nothing. Every commit also removes
 * the members that asked to leave in the epoch (their self-Remove proposals, by value).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  confirmPendingCommit,
  createCommit,
  encodeMlsMessage,
  type GroupState,
  type KeyPackage,
  type Proposal,
} from '@sigil/mls';
import { GROUP_COMMIT_ATTEMPTS } from '../limits.ts';
import type { GroupDeviceRef } from '../relay-api.ts';
import type { Runtime } from '../runtime.ts';
import { groupsOf } from './context.ts';
import { groupIdOf, leafDevices, requireGroup, saveGroup } from './group-record.ts';

/** The change a commit makes: new devices (with KeyPackages) and leaves to remove. */
export interface CommitPlan {
  readonly add: readonly (GroupDeviceRef & { readonly keyPackage: KeyPackage })[];
  /** Leaf indexes (not this device's). */
  readonly removeLeaves: readonly number[];
}

const LOST = Symbol('lost the epoch');

/**
 * Runs `attempt` (which takes the group lock itself) and, when it reports that another commit
 * won the epoch, catches up on the mailbox and runs it again.
 * @throws SigilError `GROUP_EPOCH_MISMATCH` after the last attempt; whatever `attempt` throws.
 */
export async function withEpochRetry<T>(
  rt: Runtime,
  attempt: (last: boolean) => Promise<T | typeof LOST>,
): Promise<T> {
  for (let i = 1; ; i++) {
    const result = await attempt(i === GROUP_COMMIT_ATTEMPTS);
    if (result !== LOST) return result;
    if (i >= GROUP_COMMIT_ATTEMPTS) {
      throw new SigilError('GROUP_EPOCH_MISMATCH', 'other members kept changing the group');
    }
    await groupsOf(rt).hooks.catchUp();
  }
}

/** `LOST` for an epoch mismatch; rethrows anything else. */
export function lostEpoch(err: unknown): typeof LOST {
  if (SigilError.is(err, 'GROUP_EPOCH_MISMATCH')) return LOST;
  throw err;
}

/**
 * Commits `plan(state)` to a group (see the module comment). Resolves with the state after it
 * (the current one when the plan is empty).
 * @throws SigilError `GROUP_NOT_FOUND` (not, or no longer, in the group); `GROUP_EPOCH_MISMATCH`
 *   after the last attempt; MLS proposal codes; relay and storage codes.
 */
export async function commitPlan(
  rt: Runtime,
  groupId: string,
  plan: (state: GroupState) => CommitPlan | undefined,
): Promise<GroupState> {
  const context = groupsOf(rt);
  let committed = false;
  const state = await withEpochRetry(rt, () =>
    context.locked(async () => {
      const current = await rt.store.transaction((tx) => requireGroup(rt, tx, groupId));
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
      if (add.length === 0 && removed.size === 0) return current;
      const proposals: Proposal[] = [
        ...[...removed].map((leaf): Proposal => ({ proposalType: 'remove', removed: leaf })),
        ...add.map((a): Proposal => ({ proposalType: 'add', keyPackage: a.keyPackage })),
      ];
      const created = createCommit(current, {
        proposals,
        includeCachedProposals: false,
        ratchetTreeExtension: true,
        now: BigInt(Math.floor(rt.clock.now() / 1000)),
      });
      try {
        await rt.api.groupCommit(groupId, {
          epoch: current.groupContext.epoch,
          commit: encodeMlsMessage(created.commit),
          welcome: created.welcome === undefined ? undefined : encodeMlsMessage(created.welcome),
          add: add.map((a) => ({ accountId: a.accountId, deviceId: a.deviceId })),
          remove: removedDevices.map((l) => ({ accountId: l.accountId, deviceId: l.deviceId })),
        });
      } catch (err) {
        return lostEpoch(err);
      }
      const next = confirmPendingCommit(created.state);
      await rt.store.transaction((tx) => saveGroup(rt, tx, next));
      committed = true;
      return next;
    }),
  );
  if (committed) rt.emitter.emit('group', { groupId: groupIdOf(state), kind: 'changed' });
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
