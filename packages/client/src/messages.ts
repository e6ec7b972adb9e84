/**
 * Stored messages: the `Content` format (`@sigil/wire/formats` content.ts) of what the client
 * sends, and the conversion of stored rows (sealed per message, `message` kind, row id
 * `<senderAccountId>/<messageId>`) to the public {@link Message}.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { decode, encode } from '@sigil/wire';
import { Content, ContentType, PROTOCOL_VERSION } from '@sigil/wire/formats';
import { fromHex, toHex, utf8 } from './internal/bytes.ts';
import { MAX_MESSAGE_BYTES } from './limits.ts';
import type { Services } from './runtime.ts';
import type { MessageRow, NewMessageRow } from './store.ts';
import type { Message, MessageBody } from './types.ts';

/** The conversation id of a group's messages is this prefix and the group id. */
export const GROUP_CONVERSATION_PREFIX = 'group:';

/** The row id that seals a message body. */
export function messageRowId(senderAccountId: string, messageId: string): string {
  return `${senderAccountId}/${messageId}`;
}

/**
 * A new `Content` for a message body, with a fresh 16-byte id and the current time.
 * @throws SigilError `PAYLOAD_TOO_LARGE` above MAX_MESSAGE_BYTES; `INVALID_ARGUMENT` for a
 *   body that is neither a well-formed string nor bytes.
 */
export function newContent(services: Services, body: string | Uint8Array): Content {
  let value: Content['body'];
  if (typeof body === 'string') {
    if (!body.isWellFormed()) throw new SigilError('INVALID_ARGUMENT', 'text must be well-formed');
    if (utf8(body).length > MAX_MESSAGE_BYTES) throw tooLarge();
    value = { tag: ContentType.text, value: { text: body } };
  } else if (body instanceof Uint8Array) {
    if (body.length > MAX_MESSAGE_BYTES) throw tooLarge();
    value = { tag: ContentType.bytes, value: { data: body.slice() } };
  } else {
    throw new SigilError('INVALID_ARGUMENT', 'a message is a string or a Uint8Array');
  }
  return controlContent(services, value);
}

/** A new `Content` with any body (a control message: resend request, receipt). */
export function controlContent(services: Services, body: Content['body']): Content {
  return {
    version: PROTOCOL_VERSION,
    messageId: services.random(16),
    sentAt: BigInt(Math.floor(services.clock.now())),
    destination: undefined,
    body,
  };
}

function tooLarge(): SigilError {
  return new SigilError('PAYLOAD_TOO_LARGE', 'the message is too large', {
    details: { maxBytes: MAX_MESSAGE_BYTES },
  });
}

/** The encoded content. */
export function encodeContent(content: Content): Uint8Array {
  return encode(Content, content);
}

/** The public body of a text or bytes content, or `undefined` for a control content. */
export function bodyOf(content: Content): MessageBody | undefined {
  const { body } = content;
  if (body.tag === ContentType.text) return { type: 'text', text: body.value.text };
  if (body.tag === ContentType.bytes) return { type: 'bytes', data: body.value.data };
  return undefined;
}

/** A stored row of a text or bytes content, sealed. */
export function messageRow(
  services: Services,
  params: Omit<NewMessageRow, 'content' | 'messageId'> & {
    content: Content;
    plaintext: Uint8Array;
  },
): NewMessageRow {
  const messageId = toHex(params.content.messageId);
  return {
    contactId: params.contactId,
    direction: params.direction,
    senderAccountId: params.senderAccountId,
    senderDeviceId: params.senderDeviceId,
    messageId,
    sentAt: params.sentAt,
    receivedAt: params.receivedAt,
    content: services.sealer.seal(
      'message',
      messageRowId(params.senderAccountId, messageId),
      params.plaintext,
    ),
  };
}

/** The public message of a stored row. @throws SigilError `RECORD_AUTHENTICATION_FAILED`. */
export function toMessage(services: Services, row: MessageRow): Message {
  const plaintext = services.sealer.open(
    'message',
    messageRowId(row.senderAccountId, row.messageId),
    row.content,
  );
  const body = bodyOf(decode(Content, plaintext));
  if (body === undefined) throw new SigilError('INTERNAL', 'a stored message has no body');
  return {
    seq: row.seq,
    contactId: row.contactId,
    direction: row.direction,
    id: row.messageId,
    sender: { accountId: row.senderAccountId, deviceId: row.senderDeviceId },
    sentAt: row.sentAt,
    receivedAt: row.receivedAt,
    body,
    ...(row.contactId.startsWith(GROUP_CONVERSATION_PREFIX)
      ? { groupId: row.contactId.slice(GROUP_CONVERSATION_PREFIX.length) }
      : {}),
  };
}

/** The 16 bytes of a hex message id. @throws SigilError `INVALID_ARGUMENT`. */
export function messageIdBytes(id: string): Uint8Array {
  const bytes = fromHex(id);
  if (bytes.length !== 16)
    throw new SigilError('INVALID_ARGUMENT', 'a message id is 32 hex digits');
  return bytes;
}
