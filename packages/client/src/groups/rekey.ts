/**
 * Post-compromise security in groups (RFC 9420 §16.6; groups-api.md, SDK): a key refresh is
 * an empty commit with an UpdatePath, which replaces this device's leaf and path secrets, so
 * whoever copied its group secrets can no longer follow the group from the next epoch on.
 * `refreshGroupKeys` does it on request; the SDK does it by itself when this device has not
 * committed in a group for `GROUP_REKEY_INTERVAL_MS` (counted from its last commit, or from
 * joining) or sent `GROUP_REKEY_AFTER_MESSAGES` messages there since. The background loop
 * checks every `GROUP_REKEY_CHECK_INTERVAL_MS` and when the client opens, after settling the
 * own commits a crash left pending (groups/commit.ts).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { GroupState } from '@sigil/mls';
import {
  GROUP_REKEY_AFTER_MESSAGES,
  GROUP_REKEY_CHECK_INTERVAL_MS,
  GROUP_REKEY_INTERVAL_MS,
} from '../limits.ts';
import type { Runtime } from '../runtime.ts';
import { commitPlan, settleAllPending } from './commit.ts';
import { groupsOf } from './context.ts';
import { loadEntry } from './group-record.ts';

/**
 * Refreshes this device's keys in a group: an empty commit with an UpdatePath. Resolves with
 * the state after it.
 * @throws SigilError `GROUP_NOT_FOUND`; `GROUP_EPOCH_MISMATCH` (after retries); relay and
 *   storage codes.
 */
export function refreshGroupKeys(rt: Runtime, groupId: string): Promise<GroupState> {
  return groupsOf(rt).single(`rekey:${groupId}`, () =>
    commitPlan(rt, groupId, () => undefined, { refresh: true }),
  );
}

/** Starts a key refresh of a group in the background (a failure is an `error` event). */
export function refreshInBackground(rt: Runtime, groupId: string): void {
  groupsOf(rt).run(rt, () => refreshGroupKeys(rt, groupId));
}

/** The groups whose keys are due a refresh (see the module comment). */
export async function dueGroups(rt: Runtime): Promise<string[]> {
  const now = rt.clock.now();
  return rt.store.transaction(async (tx) => {
    const due: string[] = [];
    for (const row of await tx.listGroups()) {
      const entry = await loadEntry(rt, tx, row.groupId);
      if (entry === undefined || entry.pending !== undefined) continue;
      if (
        now - entry.lastCommitAt >= GROUP_REKEY_INTERVAL_MS ||
        entry.sentSinceCommit >= GROUP_REKEY_AFTER_MESSAGES
      ) {
        due.push(row.groupId);
      }
    }
    return due;
  });
}

function report(rt: Runtime, error: unknown): void {
  rt.emitter.emit('error', {
    code: SigilError.is(error) ? error.code : 'INTERNAL',
    error,
    during: 'group',
  });
}

/** Refreshes the keys of every due group; a group's failure is an `error` event. */
export async function refreshDueGroups(rt: Runtime): Promise<number> {
  let refreshed = 0;
  for (const groupId of await dueGroups(rt)) {
    try {
      await refreshGroupKeys(rt, groupId);
      refreshed++;
    } catch (error) {
      if (SigilError.is(error, 'STORAGE_FAILURE') && groupsOf(rt).stopped) return refreshed;
      report(rt, error);
    }
  }
  return refreshed;
}

/**
 * The group upkeep loop of an open client: settles pending own commits, then refreshes due
 * keys now and every `GROUP_REKEY_CHECK_INTERVAL_MS` until the client closes.
 */
export function startGroupUpkeep(rt: Runtime): void {
  const context = groupsOf(rt);
  context.run(rt, async () => {
    try {
      await settleAllPending(rt);
    } catch (error) {
      report(rt, error);
    }
    do {
      await refreshDueGroups(rt);
    } while (await context.sleep(GROUP_REKEY_CHECK_INTERVAL_MS));
  });
}
