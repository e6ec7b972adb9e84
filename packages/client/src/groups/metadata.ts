/**
 * Group metadata (spec/one-to-one.md §10, `group_metadata`): a group's name is user content, so
 * it travels only inside the group's end-to-end encrypted traffic, as an MLS application
 * message whose plaintext is a `Content` of type `group_metadata`, and never in the
 * GroupContext (the relay stores a GroupInfo, hence the GroupContext, of every epoch).
 *
 * - The committer of every commit that adds devices sends the name right after it (the relay
 *   queues the Welcome before later group traffic, so a joiner learns it); `renameGroup` sends a
 *   new one.
 * - A receiver stores the name with the group state in the envelope's transaction
 *   (groups/receive.ts) and emits `group` `changed`; it is never shown or kept as a message.
 * - Until a name is known, a joined group's name is '' (a legacy GroupContext name is shown for
 *   groups created before, groups/group-record.ts).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { type Content, ContentType, MAX_GROUP_NAME_BYTES } from '@sigil/wire/formats';
import { utf8 } from '../internal/bytes.ts';
import { controlContent, encodeContent } from '../messages.ts';
import type { Runtime } from '../runtime.ts';
import { groupsOf } from './context.ts';
import { groupName, loadEntry, saveGroup } from './group-record.ts';
import { sendApplication } from './send.ts';

/**
 * Checks a group name given by the user: a well-formed string, not blank, at most
 * MAX_GROUP_NAME_BYTES (256) bytes of UTF-8.
 * @throws SigilError `INVALID_ARGUMENT`.
 */
export function checkGroupName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !name.isWellFormed() || name.trim() === '') {
    throw new SigilError('INVALID_ARGUMENT', 'a group needs a name');
  }
  if (utf8(name).length > MAX_GROUP_NAME_BYTES) {
    throw new SigilError('INVALID_ARGUMENT', 'the group name is too long', {
      details: { maxBytes: MAX_GROUP_NAME_BYTES },
    });
  }
}

/** The encoded `group_metadata` content carrying `name`. */
export function metadataPlaintext(rt: Runtime, name: string): Uint8Array {
  return encodeContent(
    controlContent(rt, { tag: ContentType.groupMetadata, value: { version: 1, name } }),
  );
}

/** The name a `group_metadata` content carries, or `undefined` for any other content. */
export function metadataName(content: Content): string | undefined {
  return content.body.tag === ContentType.groupMetadata ? content.body.value.name : undefined;
}

/**
 * Sends the group's name (the stored one, else a legacy GroupContext one) to its members; does
 * nothing while no name is known.
 * @throws SigilError `GROUP_NOT_FOUND`, `GROUP_EPOCH_MISMATCH` (after retries), relay and
 *   storage codes.
 */
export async function announceName(rt: Runtime, groupId: string): Promise<void> {
  const entry = await rt.store.transaction((tx) => loadEntry(rt, tx, groupId));
  if (entry === undefined) return;
  const name = groupName(entry.state, entry.name);
  if (name === '') return;
  await sendApplication(rt, groupId, metadataPlaintext(rt, name), false);
}

/**
 * {@link announceName} after a commit that added devices: the commit stands either way, so a
 * failure is reported as an `error` event (`during: 'group'`), not thrown (storage failures
 * excepted).
 */
export async function announceAfterAdding(rt: Runtime, groupId: string): Promise<void> {
  try {
    await announceName(rt, groupId);
  } catch (error) {
    if (SigilError.is(error, 'STORAGE_FAILURE')) throw error;
    rt.emitter.emit('error', {
      code: SigilError.is(error) ? error.code : 'INTERNAL',
      error,
      during: 'group',
    });
  }
}

/**
 * Renames a group: the new name is sent to every member device, then stored here. Emits
 * `group` (`changed`).
 * @throws SigilError `INVALID_ARGUMENT` for a bad name; `GROUP_NOT_FOUND`;
 *   `GROUP_EPOCH_MISMATCH` (after retries); relay and storage codes (the stored name is then
 *   unchanged).
 */
export async function renameGroup(rt: Runtime, groupId: string, name: string): Promise<void> {
  checkGroupName(name);
  await sendApplication(rt, groupId, metadataPlaintext(rt, name), false);
  const stored = await groupsOf(rt).locked(() =>
    rt.store.transaction(async (tx) => {
      const entry = await loadEntry(rt, tx, groupId);
      if (entry === undefined) return false;
      await saveGroup(rt, tx, entry.state, { name });
      return true;
    }),
  );
  if (stored) rt.emitter.emit('group', { groupId, kind: 'changed' });
}
