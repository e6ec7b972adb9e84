/**
 * Loader of the RFC 9420 messages vectors (data/mls/messages.json): serialized MLSMessages,
 * ratchet trees, GroupSecrets, each proposal body and a Commit, for the codecs to decode and
 * re-encode byte for byte. Suite-independent.
 * @module
 */
import { fromHex } from '../hex.ts';
import { type Hex, load } from './common.ts';

/** The fields of one messages.json case, in file order. */
export const MLS_MESSAGES_FIELDS = [
  'mls_welcome',
  'mls_group_info',
  'mls_key_package',
  'ratchet_tree',
  'group_secrets',
  'add_proposal',
  'update_proposal',
  'remove_proposal',
  'pre_shared_key_proposal',
  're_init_proposal',
  'external_init_proposal',
  'group_context_extensions_proposal',
  'commit',
  'public_message_application',
  'public_message_proposal',
  'public_message_commit',
  'private_message',
] as const;

/** A field of a messages.json case. */
export type MlsMessagesField = (typeof MLS_MESSAGES_FIELDS)[number];

/** One messages.json case: every field decoded from hex. */
export type MlsMessagesCase = { readonly index: number } & Readonly<
  Record<MlsMessagesField, Uint8Array>
>;

/** Every case of mls/messages.json. */
export function loadMlsMessages(): readonly MlsMessagesCase[] {
  const file = 'mls/messages.json';
  return load<Record<string, Hex>>(file).map((raw, index) => {
    const decoded: Record<string, Uint8Array> = {};
    for (const field of MLS_MESSAGES_FIELDS) {
      const hex = raw[field];
      if (typeof hex !== 'string') throw new Error(`${file}: case ${index} lacks ${field}`);
      decoded[field] = fromHex(hex);
    }
    return { index, ...decoded } as MlsMessagesCase;
  });
}
