/**
 * The session layer (spec/one-to-one.md §4, §5, §7): PQXDH session setup on top of the Double
 * Ratchet, and the session records that hold every session with one peer device. Pure and
 * synchronous (STYLE.md §3): every function takes a `SessionRecord` and returns a new one plus
 * what it used up; a call that throws changes nothing. The caller persists the new record (and
 * deletes the consumed prekeys) before it acknowledges a message.
 *
 * - {@link startSession}: PQXDH against a verified bundle; the new session becomes current and
 *   the previous current one is archived (this is also "session reset").
 * - {@link encryptMessage}: on the current session. Until the peer's first reply every message
 *   is a `PreKeyMessage` (it repeats the PQXDH fields), afterwards a plain `RatchetMessage`.
 * - `parseIncoming` (incoming.ts) then {@link decryptMessage}: receiving in two phases, so the
 *   caller can fetch the session record and the prekeys a `PreKeyMessage` names from
 *   asynchronous stores in between.
 *
 * Which session decrypts (spec §4):
 * - a plain message: the current session; else the archived session that holds the message's
 *   chain; else the archived sessions newest first (a new chain of an older session). A session
 *   that decrypts becomes current, which makes simultaneous initiation converge.
 * - a `PreKeyMessage`: first `responderIdentityKey` must be this device's identity key
 *   (`IDENTITY_MISMATCH`, before any key lookup). A session whose AD is the message's (same
 *   certificates, same base key EK_A) decrypts it: the initiator repeats the PQXDH fields on
 *   every message until the first reply, so this is a retransmission of the pending wrapper (a
 *   true duplicate is `DUPLICATE_MESSAGE` from the ratchet; its other outer fields are not used
 *   again). Otherwise the message sets up a new session: the initiator's certificate
 *   (`SIGNATURE_INVALID`, then the caller's `peerCheck`), the prekeys by id (`PREKEY_NOT_FOUND`),
 *   the ciphertext (`PQXDH_KEM_REQUIRED` if empty, `MLKEM_INVALID_CIPHERTEXT_LENGTH`), a
 *   last-resort KEM prekey's (kemPreKeyId, SHA-256(CT)) not seen before (`DUPLICATE_MESSAGE`),
 *   SK, and the inner message must decrypt. A replay whose session is gone and whose one-time
 *   prekey was deleted is therefore `PREKEY_NOT_FOUND`.
 *
 * A message meant for another device names another identity key: `IDENTITY_MISMATCH`. If the
 * field were rewritten to this device's key, SK and AD would still be another device's and the
 * message fails with `MESSAGE_AUTHENTICATION_FAILED` (or `PREKEY_NOT_FOUND` for unknown ids).
 *
 * Randomness: {@link startSession} draws 32 bytes (EK_A), 32 (ML-KEM `m`), then the ratchet's
 * 32 (ratchet secret) and 64 (KEM seed); {@link encryptMessage} draws what `ratchetEncrypt`
 * draws; {@link decryptMessage} draws nothing.
 *
 * @example
 * ```ts
 * let aliceRecord = startSession(ctx, { local: alice, bundle: verifiedBobBundle });
 * const sent = encryptMessage(ctx, aliceRecord, utf8('hi'));
 * aliceRecord = sent.record;
 * const incoming = parseIncoming(sent.message); // look up incoming.prekeyIds
 * const got = decryptMessage(ctx, { local: bob, record: undefined, message: incoming, prekeys,
 *   seenLastResort });
 * // persist got.record, delete got.consumed one-time prekeys, then acknowledge
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import {
  KeyType,
  type PeerIdentityV1,
  type PendingPreKeyMessageV1,
  PROTOCOL_VERSION,
  PreKeyMessagePrefix,
  SessionMessageType,
} from '@sigil/wire/formats';
import { type ProtocolContext, resolveContext } from '../context.ts';
import { pqxdhInitiate } from '../handshake/pqxdh.ts';
import { timestamp } from '../identity/device.ts';
import { MAX_UNACKNOWLEDGED_SESSION_AGE_MS } from '../limits.ts';
import { initializeInitiator, ratchetEncrypt } from '../ratchet/double-ratchet.ts';
import { type IncomingMessage, isParsedIncoming, parseIncoming } from './incoming.ts';
import { decryptPreKeyMessage, decryptRatchetMessage, peerIdentity } from './receive.ts';
import {
  EMPTY_SESSION_RECORD,
  promoteSession,
  type SessionRecord,
  type SessionState,
} from './session-record.ts';
import type {
  DecryptMessageParams,
  DecryptMessageResult,
  EncryptMessageOptions,
  EncryptMessageResult,
  StartSessionParams,
} from './session-types.ts';

export type {
  ConsumedPreKeys,
  DecryptMessageParams,
  DecryptMessageResult,
  EncryptMessageOptions,
  EncryptMessageResult,
  LastResortUse,
  PreKeySecrets,
  SeenLastResort,
  SessionPeer,
  StartSessionParams,
} from './session-types.ts';

/**
 * Sets up a session with the bundle's device (PQXDH initiator, spec §4) and makes it the
 * record's current session; the previous current session is archived, so its in-flight
 * messages still decrypt. Draws 32 + 32 + 32 + 64 bytes (see the module comment).
 *
 * @throws SigilError `X25519_LOW_ORDER_POINT` for a low-order key in the bundle;
 *   `MLKEM_INVALID_ENCAPSULATION_KEY` for a KEM prekey that fails the FIPS 203 check.
 */
export function startSession(ctx: ProtocolContext, params: StartSessionParams): SessionRecord {
  const { local, bundle } = params;
  const resolved = resolveContext(ctx);
  const handshake = pqxdhInitiate(resolved, local, bundle);
  let session: SessionState;
  try {
    session = {
      peer: peerIdentity(bundle.device),
      pendingPreKey: {
        initiator: local.certificate,
        signedPreKeyId: bundle.signedPreKey.id,
        oneTimePreKeyId: bundle.oneTimePreKey?.id,
        kemPreKeyId: bundle.kemPreKey.id,
        baseKey: { type: KeyType.x25519, key: handshake.baseKey },
        kemCiphertext: handshake.kemCiphertext,
        createdAt: timestamp(resolved.now()),
      },
      ratchet: initializeInitiator(resolved, {
        sharedSecret: handshake.sharedSecret,
        associatedData: handshake.associatedData,
        peerRatchetKey: bundle.signedPreKey.publicKey,
      }),
    };
  } finally {
    handshake.sharedSecret.fill(0);
  }
  return promoteSession(params.record ?? EMPTY_SESSION_RECORD, session);
}

/**
 * Encrypts on the record's current session: a `PreKeyMessage` while the peer has not replied,
 * else a plain `RatchetMessage`, both inside a `SessionMessage`.
 *
 * @throws SigilError `SESSION_NOT_FOUND` if the record has no current session, or if the
 *   current session was never answered and is older than MAX_UNACKNOWLEDGED_SESSION_AGE_MS (start
 *   a new one from a fresh bundle); the errors of `ratchetEncrypt`.
 */
export function encryptMessage(
  ctx: ProtocolContext,
  record: SessionRecord | undefined,
  plaintext: Uint8Array,
  options: EncryptMessageOptions = {},
): EncryptMessageResult {
  const session = record?.current;
  if (record === undefined || session === undefined) {
    throw new SigilError('SESSION_NOT_FOUND', 'no current session with this device');
  }
  const pending = session.pendingPreKey;
  if (pending !== undefined) {
    const age = (ctx.now ?? Date.now)() - Number(pending.createdAt);
    if (age > MAX_UNACKNOWLEDGED_SESSION_AGE_MS) {
      throw new SigilError('SESSION_NOT_FOUND', 'the session was never answered and has expired');
    }
  }
  const sent = ratchetEncrypt(ctx, session.ratchet, plaintext, options);
  const prefix =
    pending === undefined ? RATCHET_PREFIX : preKeyMessagePrefix(pending, session.peer);
  const message = new Uint8Array(prefix.length + sent.message.length);
  message.set(prefix, 0);
  message.set(sent.message, prefix.length);
  return {
    record: { current: { ...session, ratchet: sent.state }, archived: record.archived },
    message,
  };
}

/**
 * Decrypts a `SessionMessage` (bytes, or the result of `parseIncoming`) with the sessions of
 * `record`, or sets up a new session from a `PreKeyMessage` (see the module comment for which
 * session decrypts and the order of the checks). On any failure it throws and nothing changes:
 * the given record stays valid and no prekey is consumed.
 *
 * @throws SigilError `SESSION_NOT_FOUND` for a plain message without any session;
 *   `IDENTITY_MISMATCH` for a `PreKeyMessage` meant for another device, or whatever `peerCheck`
 *   throws; `SIGNATURE_INVALID` for a bad initiator certificate; `PREKEY_NOT_FOUND`;
 *   `PQXDH_KEM_REQUIRED`; `MLKEM_INVALID_CIPHERTEXT_LENGTH`; `DUPLICATE_MESSAGE` (a message
 *   already decrypted, or a last-resort use seen before); `X25519_LOW_ORDER_POINT`; every error of
 *   `parseIncoming` and `ratchetDecrypt` (`MESSAGE_AUTHENTICATION_FAILED`,
 *   `RATCHET_JUMP_TOO_LARGE`, `UNSUPPORTED_VERSION`, `Codec` codes, ...); `INVALID_ARGUMENT` for
 *   a hand-built message object, prekeys whose ids differ from the message's, or a last-resort
 *   use without `seenLastResort`.
 */
export function decryptMessage(
  ctx: ProtocolContext,
  params: DecryptMessageParams,
): DecryptMessageResult {
  const incoming = incomingOf(params.message);
  const record = params.record ?? EMPTY_SESSION_RECORD;
  if (incoming.kind === 'ratchet')
    return decryptRatchetMessage(ctx, record, incoming.ratchetMessage);
  return decryptPreKeyMessage(ctx, params, record, incoming);
}

function incomingOf(message: Uint8Array | IncomingMessage): IncomingMessage {
  if (message instanceof Uint8Array) return parseIncoming(message);
  if (!isParsedIncoming(message)) {
    throw new SigilError('INVALID_ARGUMENT', 'message must be bytes or a parseIncoming result');
  }
  return message;
}

const RATCHET_PREFIX = Uint8Array.of(SessionMessageType.ratchet);
/** `type || PreKeyMessagePrefix` per pending session (the same for all its messages). */
const prefixCache = new WeakMap<PendingPreKeyMessageV1, Uint8Array>();

function preKeyMessagePrefix(pending: PendingPreKeyMessageV1, peer: PeerIdentityV1): Uint8Array {
  let prefix = prefixCache.get(pending);
  if (prefix === undefined) {
    const fields = encode(PreKeyMessagePrefix, {
      version: PROTOCOL_VERSION,
      initiator: pending.initiator,
      responderIdentityKey: peer.identityKey,
      signedPreKeyId: pending.signedPreKeyId,
      oneTimePreKeyId: pending.oneTimePreKeyId,
      kemPreKeyId: pending.kemPreKeyId,
      baseKey: pending.baseKey,
      kemCiphertext: pending.kemCiphertext,
    });
    prefix = new Uint8Array(1 + fields.length);
    prefix[0] = SessionMessageType.prekey;
    prefix.set(fields, 1);
    prefixCache.set(pending, prefix);
  }
  return prefix;
}
