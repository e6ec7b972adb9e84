/**
 * Content (the plaintext of a one-to-one message, packages/client): what a client puts inside a
 * session-encrypted `SessionMessage` (spec/one-to-one.md §4-§6). The relay never sees it; it is
 * padded and encrypted by the ratchet like any plaintext.
 *
 * ```
 * enum { text(1), bytes(2), resend_request(3), receipt(4), group_metadata(5), (255) } ContentType;
 * enum { delivered(1), read(2), (255) } ReceiptType;
 * struct {
 *   uint8 version = 1;
 *   opaque messageId[16];              // random; the receiver drops a second (sender, messageId)
 *   uint64 sentAt;                     // ms since the epoch, the sender's clock
 *   optional<opaque destination<V>>;   // sync copy only: the UTF-8 account id it was sent to
 *   ContentType type;
 *   select (type) {
 *     case text:           opaque text<V>;                 // UTF-8, well-formed
 *     case bytes:          opaque data<V>;
 *     case resend_request: opaque envelopeHashes[32]<V>;   // SHA-256 of undecryptable envelopes
 *     case receipt:        ReceiptType receiptType; opaque messageIds[16]<V>;
 *     case group_metadata: uint8 version = 1; opaque name<1..256>;  // UTF-8, well-formed
 *   } body;
 * } Content;
 * ```
 *
 * - `destination` is set only on the copies a sender's client sends to its own other devices
 *   (sync copies), so they file the message under the right conversation; a receiver ignores
 *   it on content from any other account.
 * - A `resend_request` names envelopes by SHA-256 of the exact `SessionMessage` bytes the relay
 *   delivered: only the device that sent them can match them against its resend buffer, and the
 *   hash reveals nothing about the plaintext.
 * - A `group_metadata` content is sent only inside a group (an MLS application message): the
 *   group's name, which the relay must not see. It is never shown or stored as a message.
 *
 * Decoding is strict: `version` other than 1 is `UNSUPPORTED_VERSION`, an unknown type or
 * receipt type, text that is not well-formed UTF-8, an empty hash or id list, or a group name
 * that is empty or longer than 256 bytes is `CODEC_INVALID_VALUE` (a group metadata version
 * other than 1 is `UNSUPPORTED_VERSION`); other bad bytes get the usual `Codec` codes.
 *
 * @example
 * ```ts
 * const bytes = encode(Content, {
 *   version: 1, messageId, sentAt: 1_700_000_000_000n, destination: undefined,
 *   body: { tag: ContentType.text, value: { text: 'hello' } },
 * });
 * const content = decode(Content, bytes);
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { Codec, Infer } from '../codec.ts';
import { enumOf, optional, struct, variant, vector } from '../combinators.ts';
import { opaque, opaqueVar, uint8, uint64 } from '../primitives.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import { ProtocolVersion } from './version.ts';

/** Length of a message id: 16 random bytes. */
export const MESSAGE_ID_LENGTH = 16;
/** Length of an envelope hash in a resend request: SHA-256. */
export const ENVELOPE_HASH_LENGTH = 32;
/** Longest group name in a `group_metadata` content, UTF-8 bytes. */
export const MAX_GROUP_NAME_BYTES = 256;

/** The `ContentType` enum. */
export const ContentType = {
  /** `text(1)`: UTF-8 text. */
  text: 1,
  /** `bytes(2)`: opaque application bytes. */
  bytes: 2,
  /** `resend_request(3)`: "I could not decrypt these envelopes of yours; send them again". */
  resendRequest: 3,
  /** `receipt(4)`: delivered or read receipts for message ids. */
  receipt: 4,
  /** `group_metadata(5)`: a group's name, inside the group's end-to-end encrypted traffic. */
  groupMetadata: 5,
} as const;
/** A known content type. */
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

/** The `ReceiptType` enum. */
export const ReceiptType = {
  /** `delivered(1)`. */
  delivered: 1,
  /** `read(2)`. */
  read: 2,
} as const;
/** A known receipt type. */
export type ReceiptType = (typeof ReceiptType)[keyof typeof ReceiptType];

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/**
 * `opaque text<V>` holding well-formed UTF-8, as a string.
 * @throws SigilError on decode `CODEC_INVALID_VALUE` for bytes that are not UTF-8; on encode
 *   `INVALID_ARGUMENT` for a string with lone surrogates (it would not round-trip).
 */
export const Utf8Text: Codec<string> = {
  encode(writer: Writer, value: string): void {
    if (typeof value !== 'string' || !value.isWellFormed()) {
      throw new SigilError('INVALID_ARGUMENT', 'text must be a well-formed string');
    }
    opaqueVar.encode(writer, utf8Encoder.encode(value));
  },
  decode(reader: Reader): string {
    const at = reader.offset;
    const bytes = opaqueVar.decode(reader);
    try {
      return utf8Decoder.decode(bytes);
    } catch {
      throw reader.error('CODEC_INVALID_VALUE', 'text is not valid UTF-8', { offset: at });
    }
  },
};

/** A vector that must hold at least one item (an empty list has no meaning here). */
function nonEmpty<T>(codec: Codec<readonly T[]>): Codec<readonly T[]> {
  return {
    encode(writer: Writer, value: readonly T[]): void {
      if (Array.isArray(value) && value.length === 0) {
        throw new SigilError('INVALID_ARGUMENT', 'list must not be empty');
      }
      codec.encode(writer, value);
    },
    decode(reader: Reader): readonly T[] {
      const at = reader.offset;
      const value = codec.decode(reader);
      if (value.length === 0) {
        throw reader.error('CODEC_INVALID_VALUE', 'list must not be empty', { offset: at });
      }
      return value;
    },
  };
}

/** The body of a `resend_request`. */
export const ResendRequest = struct({
  /** SHA-256 of each `SessionMessage` the requester could not decrypt (at least one). */
  envelopeHashes: nonEmpty(vector(opaque(ENVELOPE_HASH_LENGTH))),
});
/** A decoded {@link ResendRequest}. */
export type ResendRequest = Infer<typeof ResendRequest>;

/** The body of a `receipt`. */
export const Receipt = struct({
  /** Delivered or read. */
  receiptType: enumOf(uint8, [ReceiptType.delivered, ReceiptType.read] as const),
  /** The message ids the receipt is for (at least one). */
  messageIds: nonEmpty(vector(opaque(MESSAGE_ID_LENGTH))),
});
/** A decoded {@link Receipt}. */
export type Receipt = Infer<typeof Receipt>;

/** `opaque name<1..256>` holding well-formed UTF-8: a group name. */
const GroupName: Codec<string> = {
  encode(writer: Writer, value: string): void {
    if (typeof value !== 'string' || value.length === 0) {
      throw new SigilError('INVALID_ARGUMENT', 'a group name must not be empty');
    }
    if (utf8Encoder.encode(value).length > MAX_GROUP_NAME_BYTES) {
      throw new SigilError('INVALID_ARGUMENT', 'the group name is too long', {
        details: { maxBytes: MAX_GROUP_NAME_BYTES },
      });
    }
    Utf8Text.encode(writer, value);
  },
  decode(reader: Reader): string {
    const at = reader.offset;
    const value = Utf8Text.decode(reader);
    const length = utf8Encoder.encode(value).length;
    if (length === 0 || length > MAX_GROUP_NAME_BYTES) {
      throw reader.error('CODEC_INVALID_VALUE', 'a group name is 1 to 256 bytes', { offset: at });
    }
    return value;
  },
};

/** The body of a `group_metadata`: what the members of a group know about it besides MLS. */
export const GroupMetadata = struct({
  /** `uint8 version = 1`: later versions may add fields. */
  version: ProtocolVersion,
  /** The group's name (1 to 256 bytes of UTF-8). */
  name: GroupName,
});
/** A decoded {@link GroupMetadata}. */
export type GroupMetadata = Infer<typeof GroupMetadata>;

/** The body of a `Content`, selected by its type. */
export const ContentBody = variant(
  enumOf(uint8, [
    ContentType.text,
    ContentType.bytes,
    ContentType.resendRequest,
    ContentType.receipt,
    ContentType.groupMetadata,
  ] as const),
  {
    [ContentType.text]: struct({ text: Utf8Text }),
    [ContentType.bytes]: struct({ data: opaqueVar }),
    [ContentType.resendRequest]: ResendRequest,
    [ContentType.receipt]: Receipt,
    [ContentType.groupMetadata]: GroupMetadata,
  },
);
/** A decoded {@link ContentBody}: `{ tag: ContentType, value }`. */
export type ContentBody = Infer<typeof ContentBody>;

/** `Content`: the plaintext of every one-to-one message a client sends (see the module comment). */
export const Content = struct({
  /** `uint8 version = 1`. */
  version: ProtocolVersion,
  /** 16 random bytes; with the sender's account it identifies the message for deduplication. */
  messageId: opaque(MESSAGE_ID_LENGTH),
  /** When the sender sent it, ms since the epoch (the sender's clock; not authenticated time). */
  sentAt: uint64,
  /** Sync copies only: the account id (UTF-8) of the conversation the message belongs to. */
  destination: optional(Utf8Text),
  /** What the message carries. */
  body: ContentBody,
});
/** A decoded {@link Content}. */
export type Content = Infer<typeof Content>;
