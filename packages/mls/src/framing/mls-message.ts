/**
 * The messages of RFC 9420 §6: `PublicMessage` (§6.2), `PrivateMessage` (§6.3) and the
 * `MLSMessage` envelope every MLS message travels in.
 *
 * ```
 * struct {
 *     FramedContent content;
 *     FramedContentAuthData auth;
 *     select (PublicMessage.content.sender.sender_type) {
 *         case member: MAC membership_tag;
 *         case external: case new_member_commit: case new_member_proposal: struct{};
 *     };
 * } PublicMessage;
 * struct {
 *     opaque group_id<V>;  uint64 epoch;  ContentType content_type;
 *     opaque authenticated_data<V>;  opaque encrypted_sender_data<V>;  opaque ciphertext<V>;
 * } PrivateMessage;
 * struct {
 *     ProtocolVersion version = mls10;
 *     WireFormat wire_format;
 *     select (MLSMessage.wire_format) {
 *         case mls_public_message:  PublicMessage public_message;
 *         case mls_private_message: PrivateMessage private_message;
 *         case mls_welcome:         Welcome welcome;
 *         case mls_group_info:      GroupInfo group_info;
 *         case mls_key_package:     KeyPackage key_package;
 *     };
 * } MLSMessage;
 * ```
 *
 * Decoding an MLSMessage whose version is not mls10 raises `UNSUPPORTED_VERSION`.
 *
 * @example
 * ```ts
 * const message = decode(MlsMessage, bytes);
 * if (message.wireFormat === 'mls_private_message') unprotectPrivateMessage(...);
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  type Codec,
  type Infer,
  opaqueVar,
  type Reader,
  struct,
  uint64,
  type Writer,
} from '@sigil/wire';
import {
  ContentType,
  Mac,
  PROTOCOL_VERSION_MLS10,
  ProtocolVersion,
  WireFormat,
} from '../wire/common.ts';
import { GroupInfo } from '../wire/group-info.ts';
import { KeyPackage } from '../wire/key-package.ts';
import { Welcome } from '../wire/welcome.ts';
import { authDataCodec, FramedContent, type FramedContentAuthData } from './framed-content.ts';

/** A decoded `PublicMessage` (§6.2). */
export interface PublicMessage {
  readonly content: FramedContent;
  readonly auth: FramedContentAuthData;
  /** MAC(membership_key, AuthenticatedContentTBM): present exactly for member senders. */
  readonly membershipTag?: Uint8Array | undefined;
}

/** The `PublicMessage` codec (§6.2). */
export const PublicMessage: Codec<PublicMessage> = {
  encode(writer: Writer, value: PublicMessage): void {
    FramedContent.encode(writer, value.content);
    authDataCodec(value.content.contentType).encode(writer, value.auth);
    const isMember = value.content.sender.senderType === 'member';
    if (isMember !== (value.membershipTag !== undefined)) {
      throw new SigilError(
        'INVALID_ARGUMENT',
        'a membership tag is required for member senders and forbidden otherwise',
      );
    }
    if (value.membershipTag !== undefined) Mac.encode(writer, value.membershipTag);
  },
  decode(reader: Reader): PublicMessage {
    const content = FramedContent.decode(reader);
    const auth = authDataCodec(content.contentType).decode(reader);
    if (content.sender.senderType !== 'member') return { content, auth };
    return { content, auth, membershipTag: Mac.decode(reader) };
  },
};

/** `PrivateMessage` (§6.3). */
export const PrivateMessage = struct({
  groupId: opaqueVar,
  epoch: uint64,
  contentType: ContentType,
  authenticatedData: opaqueVar,
  /** SenderData, AEAD-encrypted under keys derived from sender_data_secret (§6.3.2). */
  encryptedSenderData: opaqueVar,
  /** PrivateMessageContent, AEAD-encrypted under the sender's ratchet key (§6.3.1). */
  ciphertext: opaqueVar,
});
/** A decoded {@link PrivateMessage}. */
export type PrivateMessage = Infer<typeof PrivateMessage>;

/** A decoded `MLSMessage` (§6); its version is always mls10. */
export type MlsMessage =
  | { readonly wireFormat: 'mls_public_message'; readonly publicMessage: PublicMessage }
  | { readonly wireFormat: 'mls_private_message'; readonly privateMessage: PrivateMessage }
  | { readonly wireFormat: 'mls_welcome'; readonly welcome: Welcome }
  | { readonly wireFormat: 'mls_group_info'; readonly groupInfo: GroupInfo }
  | { readonly wireFormat: 'mls_key_package'; readonly keyPackage: KeyPackage };

/** The `MLSMessage` codec (§6). */
export const MlsMessage: Codec<MlsMessage> = {
  encode(writer: Writer, value: MlsMessage): void {
    ProtocolVersion.encode(writer, PROTOCOL_VERSION_MLS10);
    WireFormat.encode(writer, value.wireFormat);
    switch (value.wireFormat) {
      case 'mls_public_message':
        PublicMessage.encode(writer, value.publicMessage);
        return;
      case 'mls_private_message':
        PrivateMessage.encode(writer, value.privateMessage);
        return;
      case 'mls_welcome':
        Welcome.encode(writer, value.welcome);
        return;
      case 'mls_group_info':
        GroupInfo.encode(writer, value.groupInfo);
        return;
      case 'mls_key_package':
        KeyPackage.encode(writer, value.keyPackage);
        return;
      default:
        throw new SigilError('INVALID_ARGUMENT', 'unknown wire format');
    }
  },
  decode(reader: Reader): MlsMessage {
    const at = reader.offset;
    const version = ProtocolVersion.decode(reader);
    if (version !== PROTOCOL_VERSION_MLS10) {
      throw new SigilError('UNSUPPORTED_VERSION', 'not an MLS 1.0 message', {
        details: { version, offset: at },
      });
    }
    const wireFormat = WireFormat.decode(reader);
    switch (wireFormat) {
      case 'mls_public_message':
        return { wireFormat, publicMessage: PublicMessage.decode(reader) };
      case 'mls_private_message':
        return { wireFormat, privateMessage: PrivateMessage.decode(reader) };
      case 'mls_welcome':
        return { wireFormat, welcome: Welcome.decode(reader) };
      case 'mls_group_info':
        return { wireFormat, groupInfo: GroupInfo.decode(reader) };
      case 'mls_key_package':
        return { wireFormat, keyPackage: KeyPackage.decode(reader) };
    }
  },
};
