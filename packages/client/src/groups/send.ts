/**
 * Sending an MLS application message to a group (groups-api.md, SDK): the plaintext (an encoded
 * `Content`) is encrypted in the current epoch, the advanced secret tree stored before the
 * message leaves, and the message posted; an epoch lost to another member's commit is caught
 * up and the message encrypted again. Used for chat messages and for group metadata
 * (groups/metadata.ts). Enough messages on the same keys start a key refresh (groups/rekey.ts).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { encodeMlsMessage, encryptApplication } from '@sigil/mls';
import { GROUP_REKEY_AFTER_MESSAGES } from '../limits.ts';
import type { Runtime } from '../runtime.ts';
import { lostEpoch, settlePending, withEpochRetry } from './commit.ts';
import { groupsOf } from './context.ts';
import { requireEntry, saveGroup } from './group-record.ts';
import { refreshInBackground } from './rekey.ts';

/**
 * Encrypts `plaintext` for a group and posts it (see the module comment). `counted`: whether it
 * counts towards the key refresh after GROUP_REKEY_AFTER_MESSAGES sent messages (chat messages
 * do; the group metadata sent after commits and renames does not).
 * @throws SigilError `GROUP_NOT_FOUND`, `GROUP_EPOCH_MISMATCH` (after retries), relay and
 *   storage codes.
 */
export async function sendApplication(
  rt: Runtime,
  groupId: string,
  plaintext: Uint8Array,
  counted = true,
): Promise<void> {
  const context = groupsOf(rt);
  let sentCount = 0;
  await withEpochRetry(
    rt,
    async () => {
      await settlePending(rt, groupId);
      return context.locked(async () => {
        const sent = await rt.store.transaction(async (tx) => {
          const entry = await requireEntry(rt, tx, groupId);
          if (entry.pending !== undefined) return undefined;
          const out = encryptApplication(entry.state, plaintext);
          sentCount = entry.sentSinceCommit + (counted ? 1 : 0);
          // The advanced secret tree is stored before the message leaves (no key reuse).
          await saveGroup(rt, tx, out.state, { sentSinceCommit: sentCount });
          return out.message;
        });
        // A commit left pending meanwhile: settled on the next attempt.
        if (sent === undefined) return lostEpoch(new SigilError('GROUP_EPOCH_MISMATCH', 'pending'));
        try {
          await rt.api.groupMessage(groupId, encodeMlsMessage(sent));
        } catch (err) {
          return lostEpoch(err);
        }
        return true;
      });
    },
    groupId,
  );
  // Post-compromise security: enough messages on the same keys, a key refresh follows.
  if (counted && sentCount >= GROUP_REKEY_AFTER_MESSAGES) refreshInBackground(rt, groupId);
}
