/**
 * PQXDH session setup and the session-layer envelope (spec/one-to-one.md §4): the associated
 * data both parties compute, the initiator's `PreKeyMessage`, and the `SessionMessage` that
 * carries either a `PreKeyMessage` or a plain `RatchetMessage` (§5).
 *
 * ```
 * struct { DeviceCertificateTBS initiator; DeviceCertificateTBS responder;
 *          PublicKey baseKey; } PqxdhAssociatedData;                      // baseKey: EK_A
 * struct {
 *   uint8 version = 1;
 *   DeviceCertificate initiator;
 *   PublicKey responderIdentityKey;   // IK_B, x25519: the device the message is for
 *   uint32 signedPreKeyId;
 *   optional<uint32> oneTimePreKeyId;
 *   uint32 kemPreKeyId;
 *   PublicKey baseKey;                // EK_A, x25519
 *   opaque kemCiphertext<V>;          // CT
 *   RatchetMessage message;
 * } PreKeyMessage;
 * enum { prekey(1), ratchet(2), (255) } SessionMessageType;
 * struct {
 *   SessionMessageType type;
 *   select (type) { case prekey: PreKeyMessage; case ratchet: RatchetMessage; };
 * } SessionMessage;
 * ```
 *
 * Decoding checks syntax only: the version bytes (`UNSUPPORTED_VERSION`), key types and
 * lengths (`UNSUPPORTED_KEY_TYPE`, `INVALID_KEY_LENGTH`), an unknown message type
 * (`CODEC_INVALID_VALUE`). The certificate's signature, the prekey ids, the ciphertext length and
 * everything else are checked by `decryptMessage` in `@sigil/protocol`.
 *
 * @example
 * ```ts
 * const message = decode(SessionMessage, bytes); // { tag: 1, value: PreKeyMessage } or tag 2
 * ```
 * @module
 */
import type { Infer } from '../codec.ts';
import { optional, struct, variant } from '../combinators.ts';
import { opaqueVar, uint8, uint32 } from '../primitives.ts';
import { DeviceCertificate, DeviceCertificateTBS } from './identity.ts';
import { X25519PublicKey } from './keys.ts';
import { RatchetMessage } from './ratchet.ts';
import { ProtocolVersion } from './version.ts';

/**
 * The associated data AD of a PQXDH session (spec §4): both certificate bodies, so AD binds
 * both account keys, device ids and identity keys, and the initiator's base key EK_A, so AD also
 * names the session (a responder finds the session of a repeated PreKeyMessage by it) and the
 * base key's bytes are authenticated (X25519 ignores its top bit). Every message's AEAD
 * authenticates AD.
 */
export const PqxdhAssociatedData = struct({
  /** The initiator's certificate body (A). */
  initiator: DeviceCertificateTBS,
  /** The responder's certificate body (B). */
  responder: DeviceCertificateTBS,
  /** The initiator's ephemeral key EK_A, exactly as sent in the PreKeyMessage. */
  baseKey: X25519PublicKey,
});
/** A decoded {@link PqxdhAssociatedData}. */
export type PqxdhAssociatedData = Infer<typeof PqxdhAssociatedData>;

/** The fields of a `PreKeyMessage` before its ratchet message, in wire order. */
const preKeyMessageFields = {
  /** `uint8 version = 1`. */
  version: ProtocolVersion,
  /** The initiator's device certificate (signed by its account key; verified by the responder). */
  initiator: DeviceCertificate,
  /**
   * The responder's identity key IK_B: the device the message is for. A device that receives
   * a message naming another key rejects it with `IDENTITY_MISMATCH` before any key lookup.
   */
  responderIdentityKey: X25519PublicKey,
  /** The id of the responder's signed prekey SPK_B. */
  signedPreKeyId: uint32,
  /** The id of the responder's one-time prekey OPK_B, if the bundle had one. */
  oneTimePreKeyId: optional(uint32),
  /** The id of the responder's KEM prekey PQPK_B (one-time or last-resort). */
  kemPreKeyId: uint32,
  /** The initiator's ephemeral key EK_A. */
  baseKey: X25519PublicKey,
  /** The KEM ciphertext CT to PQPK_B (1568 bytes for ML-KEM-1024). */
  kemCiphertext: opaqueVar,
} as const;

/**
 * The `PreKeyMessage` fields before `message`. The session layer decodes this part and hands
 * the remaining bytes (the ratchet message, exactly as sent) to the ratchet.
 */
export const PreKeyMessagePrefix = struct(preKeyMessageFields);
/** A decoded {@link PreKeyMessagePrefix}. */
export type PreKeyMessagePrefix = Infer<typeof PreKeyMessagePrefix>;

/**
 * `PreKeyMessage` (spec §4): the initiator wraps every message it sends with these fields until
 * the responder's first reply arrives, so whichever arrives first sets up the session.
 */
export const PreKeyMessage = struct({
  ...preKeyMessageFields,
  /** The ratchet message (§5); the first of the session, or a later one before any reply. */
  message: RatchetMessage,
});
/** A decoded {@link PreKeyMessage}. */
export type PreKeyMessage = Infer<typeof PreKeyMessage>;

/** The `SessionMessageType` enum: which message a `SessionMessage` carries. */
export const SessionMessageType = {
  /** `prekey(1)`: a {@link PreKeyMessage}, which may set up a session. */
  prekey: 1,
  /** `ratchet(2)`: a plain `RatchetMessage` on an existing session. */
  ratchet: 2,
} as const;
/** A known session message type (1 or 2). */
export type SessionMessageType = (typeof SessionMessageType)[keyof typeof SessionMessageType];

/**
 * `SessionMessage` (spec §4): what one device sends another. An unknown type byte is
 * `CODEC_INVALID_VALUE`; the message inside starts with its own version byte.
 */
export const SessionMessage = variant(uint8, {
  [SessionMessageType.prekey]: PreKeyMessage,
  [SessionMessageType.ratchet]: RatchetMessage,
});
/** A decoded {@link SessionMessage}. */
export type SessionMessage = Infer<typeof SessionMessage>;
