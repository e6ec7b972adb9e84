/**
 * The checks a new member makes on a Welcome that links its group to an older one through a
 * resumption PSK of usage reinit (RFC 9420 §11.2, §12.4.3.1): there is only one such PSK, the
 * new group is in epoch 1, the PSK names the last epoch of the group the member knows as ended
 * by a ReInit, and the new GroupContext has the ReInit's group_id, version, cipher_suite and
 * extensions.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import { bytesEqual } from '../internal/bytes.ts';
import { Extensions } from '../wire/common.ts';
import type { GroupContext } from '../wire/group-context.ts';
import type { PreSharedKeyId } from '../wire/psk-id.ts';
import type { GroupState } from './group-state.ts';

function mismatch(message: string): never {
  throw new SigilError('MLS_REINIT_MISMATCH', `${message} (RFC 9420 §11.2)`);
}

/**
 * Checks the reinit PSKs of a Welcome against the group it joins and the ended group.
 * Welcomes without one pass unchecked.
 * @throws SigilError `MLS_REINIT_MISMATCH` if a rule of the module comment is broken.
 */
export function checkReinitWelcome(
  psks: readonly PreSharedKeyId[],
  groupContext: GroupContext,
  reinitFrom: GroupState | undefined,
): void {
  const reinitPsks = psks.filter((p) => p.pskType === 'resumption' && p.usage !== 'application');
  if (reinitPsks.length === 0) return;
  const [psk] = reinitPsks;
  if (reinitPsks.length > 1 || psk?.pskType !== 'resumption' || psk.usage !== 'reinit') {
    mismatch('a Welcome carries one reinit PSK at most, and no branch PSK');
  }
  if (groupContext.epoch !== 1n) mismatch('a reinitialized group starts in epoch 1');
  const ended = reinitFrom?.reinit;
  if (reinitFrom === undefined || ended === undefined) {
    mismatch('the reinit PSK names a group not known to be ended by a ReInit');
  }
  if (
    !bytesEqual(psk.pskGroupId, reinitFrom.groupContext.groupId) ||
    psk.pskEpoch !== reinitFrom.groupContext.epoch
  ) {
    mismatch('the reinit PSK is not of the last epoch of the ended group');
  }
  if (
    !bytesEqual(groupContext.groupId, ended.groupId) ||
    groupContext.version !== ended.version ||
    groupContext.cipherSuite !== ended.cipherSuite ||
    !bytesEqual(encode(Extensions, groupContext.extensions), encode(Extensions, ended.extensions))
  ) {
    mismatch('the new group does not have the parameters of the ReInit');
  }
}
