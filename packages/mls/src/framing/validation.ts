/**
 * The checks every received MLS message passes before any key is touched: it must belong to
 * this group and to its current epoch (RFC 9420 §6.3.1, §6.3.2, §12.1 "the epoch field of the
 * enclosing FramedContent is equal to the epoch field of the current GroupContext", §12.4.2).
 * Messages of other epochs are the caller's to route (e.g. to a kept previous-epoch state).
 *
 * @module
 */
import { constantTimeEqual } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import type { GroupContext } from '../wire/group-context.ts';

/**
 * Checks `message.groupId` and `message.epoch` against the group's current context.
 * @throws SigilError `MLS_WRONG_GROUP_ID` if the group differs.
 * @throws SigilError `MLS_WRONG_EPOCH` if the epoch differs (details: message and group epoch).
 */
export function checkGroupAndEpoch(
  message: { readonly groupId: Uint8Array; readonly epoch: bigint },
  groupContext: GroupContext,
): void {
  if (!constantTimeEqual(message.groupId, groupContext.groupId)) {
    throw new SigilError('MLS_WRONG_GROUP_ID', 'the message is for another group');
  }
  if (message.epoch !== groupContext.epoch) {
    throw new SigilError('MLS_WRONG_EPOCH', 'the message is for another epoch', {
      details: { epoch: message.epoch.toString(), current: groupContext.epoch.toString() },
    });
  }
}
