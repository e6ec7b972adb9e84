/**
 * The content structures of RFC 9420 §6 and §6.1: `FramedContent`, `FramedContentAuthData`,
 * `AuthenticatedContent`, and the `FramedContentTBS` and `AuthenticatedContentTBM` encodings
 * that signatures and membership tags cover.
 *
 * ```
 * struct {
 *     opaque group_id<V>;  uint64 epoch;  Sender sender;  opaque authenticated_data<V>;
 *     ContentType content_type;
 *     select (FramedContent.content_type) {
 *         case application: opaque application_data<V>;
 *         case proposal:    Proposal proposal;
 *         case commit:      Commit commit;
 *     };
 * } FramedContent;
 * struct {
 *     opaque signature<V>;       // SignWithLabel(., "FramedContentTBS", FramedContentTBS)
 *     select (FramedContent.content_type) {
 *         case commit: MAC confirmation_tag;
 *         case application: case proposal: struct{};
 *     };
 * } FramedContentAuthData;
 * struct { WireFormat wire_format; FramedContent content; FramedContentAuthData auth; }
 *     AuthenticatedContent;
 * struct {
 *     ProtocolVersion version = mls10;  WireFormat wire_format;  FramedContent content;
 *     select (FramedContentTBS.content.sender.sender_type) {
 *         case member: case new_member_commit:           GroupContext context;
 *         case external: case new_member_proposal:       struct{};
 *     };
 * } FramedContentTBS;
 * struct { FramedContentTBS content_tbs; FramedContentAuthData auth; } AuthenticatedContentTBM;
 * ```
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { type Codec, encode, opaqueVar, type Reader, uint64, Writer } from '@sigil/wire';
import { Commit } from '../wire/commit.ts';
import {
  ContentType,
  type FramedWireFormat,
  Mac,
  PROTOCOL_VERSION_MLS10,
  ProtocolVersion,
  WireFormat,
} from '../wire/common.ts';
import { encodeGroupContext, type GroupContext } from '../wire/group-context.ts';
import { Proposal } from '../wire/proposal.ts';
import { Sender } from './sender.ts';

/** The content of a message, selected by its content type (§6). */
export type FramedContentBody =
  | { readonly contentType: 'application'; readonly applicationData: Uint8Array }
  | { readonly contentType: 'proposal'; readonly proposal: Proposal }
  | { readonly contentType: 'commit'; readonly commit: Commit };

/** A decoded `FramedContent` (§6). */
export type FramedContent = {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly sender: Sender;
  /** Application data authenticated with, but not encrypted by, the message. */
  readonly authenticatedData: Uint8Array;
} & FramedContentBody;

/** A decoded `FramedContentAuthData` (§6.1). */
export interface FramedContentAuthData {
  /** SignWithLabel(., "FramedContentTBS", FramedContentTBS). */
  readonly signature: Uint8Array;
  /** MAC(confirmation_key, confirmed_transcript_hash): present exactly for commits. */
  readonly confirmationTag?: Uint8Array | undefined;
}

/** A decoded `AuthenticatedContent` (§6). */
export interface AuthenticatedContent {
  /** The wire format the message is (or will be) sent in; covered by the signature. */
  readonly wireFormat: FramedWireFormat;
  readonly content: FramedContent;
  readonly auth: FramedContentAuthData;
}

/**
 * Encodings of Commits, cached per object: a Commit's FramedContent is encoded for its
 * signature, its membership tag, the confirmed transcript hash and the MLSMessage, and with an
 * UpdatePath to a large group it holds one HPKE ciphertext per member (~80 bytes each). Commits
 * are immutable values once built or decoded (like GroupContext, see `encodeGroupContext`).
 */
const commitEncodings = new WeakMap<Commit, Uint8Array>();

function encodedCommit(commit: Commit): Uint8Array {
  let bytes = commitEncodings.get(commit);
  if (bytes === undefined) {
    bytes = encode(Commit, commit);
    commitEncodings.set(commit, bytes);
  }
  return bytes;
}

/**
 * Writes the body selected by the content type, without the selector itself (FramedContent
 * writes `content_type` before it; PrivateMessageContent takes it from the PrivateMessage).
 */
export function encodeBody(writer: Writer, body: FramedContentBody): void {
  switch (body.contentType) {
    case 'application':
      opaqueVar.encode(writer, body.applicationData);
      return;
    case 'proposal':
      Proposal.encode(writer, body.proposal);
      return;
    case 'commit':
      writer.writeBytes(encodedCommit(body.commit));
      return;
    default:
      throw new SigilError('INVALID_ARGUMENT', 'unknown content type');
  }
}

/** Reads the body of content type `contentType` (the selector already read). */
export function decodeBody(reader: Reader, contentType: ContentType): FramedContentBody {
  switch (contentType) {
    case 'application':
      return { contentType, applicationData: opaqueVar.decode(reader) };
    case 'proposal':
      return { contentType, proposal: Proposal.decode(reader) };
    case 'commit':
      return { contentType, commit: Commit.decode(reader) };
  }
}

/** The `FramedContent` codec (§6). */
export const FramedContent: Codec<FramedContent> = {
  encode(writer: Writer, value: FramedContent): void {
    opaqueVar.encode(writer, value.groupId);
    uint64.encode(writer, value.epoch);
    Sender.encode(writer, value.sender);
    opaqueVar.encode(writer, value.authenticatedData);
    ContentType.encode(writer, value.contentType);
    encodeBody(writer, value);
  },
  decode(reader: Reader): FramedContent {
    const groupId = opaqueVar.decode(reader);
    const epoch = uint64.decode(reader);
    const sender = Sender.decode(reader);
    const authenticatedData = opaqueVar.decode(reader);
    const body = decodeBody(reader, ContentType.decode(reader));
    return { groupId, epoch, sender, authenticatedData, ...body };
  },
};

/**
 * The `FramedContentAuthData` codec for content of type `contentType` (§6.1): the
 * confirmation tag is present exactly for commits.
 * @throws SigilError `INVALID_ARGUMENT` on encode if the tag's presence does not match.
 */
export function framedContentAuthData(contentType: ContentType): Codec<FramedContentAuthData> {
  const isCommit = contentType === 'commit';
  return {
    encode(writer: Writer, value: FramedContentAuthData): void {
      opaqueVar.encode(writer, value.signature);
      if (isCommit !== (value.confirmationTag !== undefined)) {
        throw new SigilError(
          'INVALID_ARGUMENT',
          'a confirmation tag is required for commits and forbidden otherwise',
        );
      }
      if (value.confirmationTag !== undefined) Mac.encode(writer, value.confirmationTag);
    },
    decode(reader: Reader): FramedContentAuthData {
      const signature = opaqueVar.decode(reader);
      return isCommit ? { signature, confirmationTag: Mac.decode(reader) } : { signature };
    },
  };
}

const authCodecs = {
  application: framedContentAuthData('application'),
  proposal: framedContentAuthData('proposal'),
  commit: framedContentAuthData('commit'),
} as const;

/** The cached auth-data codec of a content type. */
export function authDataCodec(contentType: ContentType): Codec<FramedContentAuthData> {
  return authCodecs[contentType];
}

/** The `AuthenticatedContent` codec (§6). */
export const AuthenticatedContent: Codec<AuthenticatedContent> = {
  encode(writer: Writer, value: AuthenticatedContent): void {
    WireFormat.encode(writer, value.wireFormat);
    FramedContent.encode(writer, value.content);
    authDataCodec(value.content.contentType).encode(writer, value.auth);
  },
  decode(reader: Reader): AuthenticatedContent {
    const at = reader.offset;
    const wireFormat = WireFormat.decode(reader);
    if (wireFormat !== 'mls_public_message' && wireFormat !== 'mls_private_message') {
      throw reader.error('CODEC_INVALID_VALUE', 'wire format carries no framed content', {
        offset: at,
      });
    }
    const content = FramedContent.decode(reader);
    const auth = authDataCodec(content.contentType).decode(reader);
    return { wireFormat, content, auth };
  },
};

/** Whether a sender's FramedContentTBS includes the GroupContext (§6.1). */
export function tbsHasContext(content: FramedContent): boolean {
  const type = content.sender.senderType;
  return type === 'member' || type === 'new_member_commit';
}

/**
 * A first guess at the size of a FramedContentTBS, so that the common application message is
 * encoded without growing the buffer: the fixed fields, the (cached) GroupContext encoding, the
 * authenticated data and the application data (other bodies start at 256 bytes and grow).
 */
function tbsCapacity(content: FramedContent, groupContext: GroupContext | undefined): number {
  const contextLength =
    groupContext !== undefined && tbsHasContext(content)
      ? encodeGroupContext(groupContext).length
      : 0;
  const bodyLength =
    content.contentType === 'application' ? content.applicationData.length + 8 : 256;
  return (
    64 + content.groupId.length + content.authenticatedData.length + bodyLength + contextLength
  );
}

function writeTbs(
  writer: Writer,
  wireFormat: FramedWireFormat,
  content: FramedContent,
  groupContext: GroupContext | undefined,
): void {
  ProtocolVersion.encode(writer, PROTOCOL_VERSION_MLS10);
  WireFormat.encode(writer, wireFormat);
  FramedContent.encode(writer, content);
  if (tbsHasContext(content)) {
    if (groupContext === undefined) {
      throw new SigilError('INVALID_ARGUMENT', 'a member signature covers the group context');
    }
    writer.writeBytes(encodeGroupContext(groupContext));
  }
}

/**
 * The encoded `FramedContentTBS` (§6.1). `groupContext` is required for `member` and
 * `new_member_commit` senders and ignored for the others.
 * @throws SigilError `INVALID_ARGUMENT` if it is required and missing.
 */
export function encodeFramedContentTbs(
  wireFormat: FramedWireFormat,
  content: FramedContent,
  groupContext: GroupContext | undefined,
): Uint8Array {
  const writer = new Writer({ initialCapacity: tbsCapacity(content, groupContext) });
  writeTbs(writer, wireFormat, content, groupContext);
  return writer.finish();
}

/**
 * The encoded `AuthenticatedContentTBM` (§6.2): FramedContentTBS followed by the auth data,
 * the input of the membership tag.
 * @throws SigilError `INVALID_ARGUMENT` as {@link encodeFramedContentTbs}.
 */
export function encodeAuthenticatedContentTbm(
  authenticated: AuthenticatedContent,
  groupContext: GroupContext | undefined,
): Uint8Array {
  const writer = new Writer({ initialCapacity: 256 });
  writeTbs(writer, authenticated.wireFormat, authenticated.content, groupContext);
  authDataCodec(authenticated.content.contentType).encode(writer, authenticated.auth);
  return writer.finish();
}
