/**
 * The rules both storage engines apply to group operations (contract "Relay HTTP API" 5-9),
 * so sqlite/groups.ts and postgres/groups.ts decide alike: who may act on a group, at which
 * epoch, and how member lists are keyed.
 *
 * @module
 */
import type { GroupMember, GroupRecord, GroupRefusal } from './relay-store.ts';

/** A member's key in sets and maps: `${accountId}/${deviceId}`. */
export const memberKey = (m: GroupMember): string => `${m.accountId}/${m.deviceId}`;

/**
 * Why `sender` may not act on `group` at `epoch` (undefined: it may). `member`: the sender
 * device must be a member; `external`: a device of the sender's account must be. An `epoch`
 * of undefined skips the epoch check.
 */
export function groupRefusal(
  group: GroupRecord | undefined,
  sender: GroupMember,
  epoch: bigint | undefined,
  kind: 'member' | 'external',
): GroupRefusal | undefined {
  if (group === undefined) return { status: 'not-found' };
  const isMember =
    kind === 'member'
      ? group.members.some((m) => memberKey(m) === memberKey(sender))
      : group.members.some((m) => m.accountId === sender.accountId);
  if (!isMember) return { status: 'not-member' };
  if (epoch !== undefined && epoch !== group.epoch) {
    return { status: 'epoch-mismatch', currentEpoch: group.epoch };
  }
  return undefined;
}

/** `members` without duplicates, first occurrence kept, order otherwise unchanged. */
export function uniqueMembers(members: readonly GroupMember[]): GroupMember[] {
  return [...new Map(members.map((m) => [memberKey(m), m])).values()];
}
