/**
 * `Sender` (RFC 9420 §6): who sent a message, a group member by leaf index, a preconfigured
 * external sender, or a new member joining by proposal or by external commit.
 *
 * ```
 * enum { reserved(0), member(1), external(2), new_member_proposal(3),
 *        new_member_commit(4), (255) } SenderType;
 * struct {
 *     SenderType sender_type;
 *     select (Sender.sender_type) {
 *         case member:              uint32 leaf_index;
 *         case external:            uint32 sender_index;
 *         case new_member_commit:
 *         case new_member_proposal: struct{};
 *     };
 * } Sender;
 * ```
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { type Codec, type Reader, uint8, uint32, type Writer } from '@sigil/wire';

/** SenderType values (§6). */
export const SENDER_TYPES = {
  member: 1,
  external: 2,
  new_member_proposal: 3,
  new_member_commit: 4,
} as const;

/** A SenderType name. */
export type SenderType = keyof typeof SENDER_TYPES;

/** A decoded `Sender` (§6). */
export type Sender =
  | {
      readonly senderType: 'member';
      /** The sender's leaf index in the ratchet tree. */
      readonly leafIndex: number;
    }
  | {
      readonly senderType: 'external';
      /** Index into the group's `external_senders` extension. */
      readonly senderIndex: number;
    }
  | { readonly senderType: 'new_member_proposal' }
  | { readonly senderType: 'new_member_commit' };

/** The `Sender` codec (§6). */
export const Sender: Codec<Sender> = {
  encode(writer: Writer, value: Sender): void {
    switch (value.senderType) {
      case 'member':
        uint8.encode(writer, SENDER_TYPES.member);
        uint32.encode(writer, value.leafIndex);
        return;
      case 'external':
        uint8.encode(writer, SENDER_TYPES.external);
        uint32.encode(writer, value.senderIndex);
        return;
      case 'new_member_proposal':
        uint8.encode(writer, SENDER_TYPES.new_member_proposal);
        return;
      case 'new_member_commit':
        uint8.encode(writer, SENDER_TYPES.new_member_commit);
        return;
      default:
        throw new SigilError('INVALID_ARGUMENT', 'unknown sender type');
    }
  },
  decode(reader: Reader): Sender {
    const at = reader.offset;
    switch (uint8.decode(reader)) {
      case SENDER_TYPES.member:
        return { senderType: 'member', leafIndex: uint32.decode(reader) };
      case SENDER_TYPES.external:
        return { senderType: 'external', senderIndex: uint32.decode(reader) };
      case SENDER_TYPES.new_member_proposal:
        return { senderType: 'new_member_proposal' };
      case SENDER_TYPES.new_member_commit:
        return { senderType: 'new_member_commit' };
      default:
        throw reader.error('CODEC_INVALID_VALUE', 'unknown sender type', { offset: at });
    }
  },
};
