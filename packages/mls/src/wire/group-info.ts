/**
 * `GroupInfo` (RFC 9420 §12.4.3): the signed description of a group's current epoch that a
 * Welcome carries (encrypted) and an external joiner fetches, and the `GroupInfoTBS` its
 * signature covers.
 *
 * ```
 * struct {
 *     GroupContext group_context;
 *     Extension extensions<V>;
 *     MAC confirmation_tag;
 *     uint32 signer;
 *     opaque signature<V>;   // SignWithLabel(., "GroupInfoTBS", GroupInfoTBS)
 * } GroupInfo;
 * ```
 *
 * @module
 */
import { encode, type Infer, opaqueVar, struct, uint32 } from '@sigil/wire';
import { Extensions, Mac } from './common.ts';
import { GroupContext } from './group-context.ts';

const groupInfoFields = {
  groupContext: GroupContext,
  /** GroupInfo extensions (e.g. ratchet_tree, external_pub). */
  extensions: Extensions,
  /** The confirmation tag of the Commit that started the epoch. */
  confirmationTag: Mac,
  /** Leaf index of the member who signed. */
  signer: uint32,
};

/** `GroupInfoTBS` (§12.4.3): every GroupInfo field but the signature. */
export const GroupInfoTbs = struct(groupInfoFields);
/** A decoded {@link GroupInfoTbs}. */
export type GroupInfoTbs = Infer<typeof GroupInfoTbs>;

/** `GroupInfo` (§12.4.3). */
export const GroupInfo = struct({ ...groupInfoFields, signature: opaqueVar });
/** A decoded {@link GroupInfo}. */
export type GroupInfo = Infer<typeof GroupInfo>;

/** The encoded GroupInfoTBS of `groupInfo` (the content its signature covers). */
export function encodeGroupInfoTbs(groupInfo: GroupInfoTbs): Uint8Array {
  return encode(GroupInfoTbs, groupInfo);
}
