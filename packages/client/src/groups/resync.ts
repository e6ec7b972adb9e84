/**
 * Self-healing group membership (the "no unable to decrypt" rule; groups-api.md, Relay HTTP
 * API 7 and 9; RFC 9420 §12.4.3.2): a device that can no longer follow a group (a commit that
 * does not process, traffic of an epoch it never reached, an own commit whose outcome stayed
 * unknown) rejoins it by external commit. It fetches the GroupInfo the relay keeps (every SDK
 * commit uploads the new epoch's, with the ratchet tree and external_pub), checks every leaf
 * against its account's verified device list (as for a Welcome), joins with a Remove of its
 * own old leaf in the same commit, and posts it to `external-join` (stored first as the
 * group's pending external commit, like any own commit). Another commit winning the epoch
 * (`GROUP_EPOCH_MISMATCH`) means a newer GroupInfo: it is fetched and the join made again.
 * Messages of the epochs skipped are lost; the `group` event `resynced` says so.
 *
 * The other members check the joiner in groups/receive.ts: its leaf must be a device on its
 * account's verified list, and the account already a member.
 *
 * A new device of a member account does not join this way: it does not know the account's
 * groups (the relay has no list of them), so a member adds it when it notices the device list
 * change (groups/operations.ts).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  createGroupInfo,
  DEFAULT_CAPABILITIES,
  decodeMlsMessage,
  type ExternalJoin,
  encodeMlsMessage,
  type GroupState,
  joinByExternalCommit,
  type MlsMessage,
} from '@sigil/mls';
import { GROUP_COMMIT_ATTEMPTS, GROUP_NAME_EXTENSION } from '../limits.ts';
import type { Runtime } from '../runtime.ts';
import { confirmPending, nowSeconds, outcomeUnknown, postPending } from './commit.ts';
import { groupsOf } from './context.ts';
import { leafDevices, type PendingUpload, parseIdentity, saveGroup } from './group-record.ts';
import { deviceIdentity, groupSuite } from './key-packages.ts';
import { checkDevices } from './members.ts';

/** This device's leaves in a state other than its own (an old leaf left behind). */
function oldOwnLeaves(rt: Runtime, state: GroupState): number[] {
  return leafDevices(state)
    .filter(
      (l) =>
        l.leafIndex !== state.ownLeafIndex &&
        l.accountId === rt.state.accountId &&
        l.deviceId === rt.device.deviceId,
    )
    .map((l) => l.leafIndex);
}

/**
 * An external join of the group `groupInfo` describes that removes this device's old leaf if
 * the tree still has one (found by a first join without removal, which is not sent).
 */
function externalJoin(rt: Runtime, groupInfo: MlsMessage): ExternalJoin {
  const join = (removeOwnLeaf?: number) =>
    joinByExternalCommit({
      suite: groupSuite(rt),
      groupInfo,
      identity: deviceIdentity(rt.state.accountId, rt.device.deviceId),
      signatureKeyPair: rt.device.signingKeyPair,
      capabilities: { ...DEFAULT_CAPABILITIES, extensions: [GROUP_NAME_EXTENSION] },
      validateCredential: (credential) =>
        credential.credentialType === 'basic' && parseIdentity(credential.identity) !== undefined,
      now: nowSeconds(rt),
      ...(removeOwnLeaf === undefined ? {} : { removeOwnLeaf }),
    });
  const probe = join();
  const [old] = oldOwnLeaves(rt, probe.state);
  return old === undefined ? probe : join(old);
}

type Outcome = 'joined' | 'lost' | 'gone';

/** One attempt (under the group lock). */
async function resyncOnce(rt: Runtime, groupId: string): Promise<Outcome> {
  let info: { epoch: bigint; groupInfo?: Uint8Array };
  try {
    info = await rt.api.groupInfo(groupId);
  } catch (err) {
    if (!SigilError.is(err, 'NOT_GROUP_MEMBER') && !SigilError.is(err, 'GROUP_NOT_FOUND')) {
      throw err;
    }
    await rt.store.transaction((tx) => tx.deleteGroup(groupId));
    return 'gone';
  }
  if (info.groupInfo === undefined) {
    throw new SigilError(
      'MLS_MISSING_EXTERNAL_PUB',
      'the relay has no GroupInfo of this group: it cannot be rejoined until a member commits',
      { details: { groupId } },
    );
  }
  const message = decodeMlsMessage(info.groupInfo);
  if (message.wireFormat !== 'mls_group_info') {
    throw new SigilError('MLS_UNEXPECTED_CONTENT_TYPE', "the relay's GroupInfo is not one");
  }
  const epoch = message.groupInfo.groupContext.epoch;
  // A GroupInfo of an older epoch than the relay's (a commit without one) cannot be used.
  if (epoch !== info.epoch) {
    throw new SigilError('MLS_MISSING_EXTERNAL_PUB', "the relay's GroupInfo is out of date", {
      details: { groupId },
    });
  }
  const join = externalJoin(rt, message);
  const pendingCommit = join.state.pendingCommit as NonNullable<GroupState['pendingCommit']>;
  // Every member must be a device on its account's signed list (network: lists are fetched).
  await checkDevices(
    rt,
    leafDevices(pendingCommit.next).filter((l) => l.leafIndex !== join.state.ownLeafIndex),
  );
  const pending: PendingUpload = {
    epoch,
    commit: pendingCommit.message,
    groupInfo: encodeMlsMessage(createGroupInfo(pendingCommit.next)),
    add: [],
    remove: [],
    external: true,
  };
  // The old state (which could not follow the group) is replaced by the pending join.
  await rt.store.transaction((tx) => saveGroup(rt, tx, join.state, { pending }));
  try {
    await postPending(rt, groupId, pending);
  } catch (err) {
    if (outcomeUnknown(err)) throw err;
    if (SigilError.is(err, 'GROUP_EPOCH_MISMATCH')) return 'lost';
    await rt.store.transaction((tx) => tx.deleteGroup(groupId));
    throw err;
  }
  await rt.store.transaction((tx) => confirmPending(rt, tx, join.state));
  return 'joined';
}

/**
 * Rejoins a group by external commit (see the module comment); one at a time per group.
 * Emits `group` `resynced` (or `removed` when the relay no longer has this account in it).
 * @throws SigilError `MLS_MISSING_EXTERNAL_PUB` (the relay has no usable GroupInfo);
 *   `IDENTITY_MISMATCH` (a member is not its account's device); `GROUP_EPOCH_MISMATCH` after
 *   `GROUP_COMMIT_ATTEMPTS`; MLS, relay and storage codes.
 */
export function resyncGroup(rt: Runtime, groupId: string): Promise<void> {
  const context = groupsOf(rt);
  return context.single(`resync:${groupId}`, async () => {
    for (let attempt = 1; ; attempt++) {
      const outcome = await context.locked(() => resyncOnce(rt, groupId));
      if (outcome === 'gone') {
        rt.emitter.emit('group', { groupId, kind: 'removed' });
        return;
      }
      if (outcome === 'joined') {
        rt.emitter.emit('group', { groupId, kind: 'resynced' });
        return;
      }
      if (attempt >= GROUP_COMMIT_ATTEMPTS) {
        throw new SigilError('GROUP_EPOCH_MISMATCH', 'other members kept changing the group');
      }
    }
  });
}
