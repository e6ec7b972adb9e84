/**
 * The first phase of receiving (spec/one-to-one.md §4): parsing a `SessionMessage` without any
 * key, so that the caller can fetch what decryption needs from its (asynchronous) stores: the
 * session record of the sender and, for a `PreKeyMessage`, the prekeys it names. The second
 * phase is `decryptMessage` (session-cipher.ts), which is synchronous.
 *
 * Parsing is cheap for plain ratchet messages (one byte is read; the ratchet decodes the rest
 * while decrypting). A `PreKeyMessage` is decoded in full, so bytes that do not parse are
 * rejected here, before any store is asked for a key.
 *
 * @example
 * ```ts
 * const incoming = parseIncoming(bytes);
 * if (incoming.kind === 'prekey') {
 *   const { signedPreKeyId, oneTimePreKeyId, kemPreKeyId } = incoming.prekeyIds;
 *   // fetch those prekeys from the store, then decryptMessage(ctx, { message: incoming, ... })
 * }
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { decode, Reader } from '@sigil/wire';
import {
  type DeviceCertificate,
  PreKeyMessagePrefix,
  RatchetMessage,
  SessionMessageType,
} from '@sigil/wire/formats';

/** The prekey ids a `PreKeyMessage` names: the caller looks these up in its prekey store. */
export interface PrekeyIds {
  /** The responder's signed prekey SPK_B. */
  readonly signedPreKeyId: number;
  /** The responder's one-time prekey OPK_B, if the initiator's bundle had one. */
  readonly oneTimePreKeyId: number | undefined;
  /** The responder's KEM prekey PQPK_B (one-time or last-resort). */
  readonly kemPreKeyId: number;
}

/** A parsed `PreKeyMessage`: its public fields, none of them authenticated yet. */
export interface IncomingPreKeyMessage {
  /** `'prekey'`: the message may set up a new session. */
  readonly kind: 'prekey';
  /** The prekeys to fetch before `decryptMessage`. */
  readonly prekeyIds: PrekeyIds;
  /** EK_A (32 bytes). */
  readonly baseKey: Uint8Array;
  /**
   * The initiator's certificate, NOT verified yet (`decryptMessage` verifies it). Use it only to
   * find the sender's session record (its account key and device id).
   */
  readonly initiator: DeviceCertificate;
  /** The identity key of the device the message is for (32 bytes). */
  readonly responderIdentityKey: Uint8Array;
  /** CT. */
  readonly kemCiphertext: Uint8Array;
  /** The inner `RatchetMessage` bytes, exactly as sent (a view into the input). */
  readonly ratchetMessage: Uint8Array;
}

/** A parsed plain ratchet message: it decrypts only on an existing session. */
export interface IncomingRatchetMessage {
  /** `'ratchet'`. */
  readonly kind: 'ratchet';
  /** The `RatchetMessage` bytes (a view into the input; decoded while decrypting). */
  readonly ratchetMessage: Uint8Array;
}

/** The result of {@link parseIncoming}. */
export type IncomingMessage = IncomingPreKeyMessage | IncomingRatchetMessage;

/** Objects made by {@link parseIncoming}, so `decryptMessage` can refuse hand-built ones. */
const parsedMessages = new WeakSet<IncomingMessage>();

/** Whether `value` came from {@link parseIncoming}. */
export function isParsedIncoming(value: unknown): value is IncomingMessage {
  return (
    typeof value === 'object' && value !== null && parsedMessages.has(value as IncomingMessage)
  );
}

/**
 * Parses a `SessionMessage` (spec §4) without any key. Do not modify `bytes` afterwards: the
 * result holds views into it.
 *
 * @throws SigilError `CODEC_TRUNCATED` for empty input; `CODEC_INVALID_VALUE` for an unknown
 *   message type; for a `PreKeyMessage` every decoding error of its fields and of its inner
 *   ratchet message (`UNSUPPORTED_VERSION`, `UNSUPPORTED_KEY_TYPE`, `INVALID_KEY_LENGTH`,
 *   `Codec` codes); `INVALID_ARGUMENT` if `bytes` is not a Uint8Array.
 */
export function parseIncoming(bytes: Uint8Array): IncomingMessage {
  if (!(bytes instanceof Uint8Array)) {
    throw new SigilError('INVALID_ARGUMENT', 'message must be a Uint8Array');
  }
  if (bytes.length === 0) throw new SigilError('CODEC_TRUNCATED', 'empty message');
  const type = bytes[0];
  let parsed: IncomingMessage;
  if (type === SessionMessageType.ratchet) {
    parsed = { kind: 'ratchet', ratchetMessage: bytes.subarray(1) };
  } else if (type === SessionMessageType.prekey) {
    const body = bytes.subarray(1);
    const reader = new Reader(body);
    const prefix = PreKeyMessagePrefix.decode(reader);
    const ratchetMessage = body.subarray(reader.offset);
    decode(RatchetMessage, ratchetMessage); // bytes that do not parse fail here, not later
    parsed = {
      kind: 'prekey',
      prekeyIds: {
        signedPreKeyId: prefix.signedPreKeyId,
        oneTimePreKeyId: prefix.oneTimePreKeyId,
        kemPreKeyId: prefix.kemPreKeyId,
      },
      baseKey: prefix.baseKey.key,
      initiator: prefix.initiator,
      responderIdentityKey: prefix.responderIdentityKey.key,
      kemCiphertext: prefix.kemCiphertext,
      ratchetMessage,
    };
  } else {
    throw new SigilError('CODEC_INVALID_VALUE', 'unknown session message type', {
      details: { offset: 0 },
    });
  }
  parsedMessages.add(parsed);
  return parsed;
}
