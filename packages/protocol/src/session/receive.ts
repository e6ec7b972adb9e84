/**
 * Receiving on the session layer (spec/one-to-one.md §4): which session decrypts a message, and
 * the responder's side of PQXDH that sets up a new session from a `PreKeyMessage`. Internal:
 * `decryptMessage` (session-cipher.ts) is the entry point and documents the rules.
 *
 * Every function here is pure: it returns the new record and what it consumed, or throws and
 * changes nothing.
 * @module
 */
import { constantTimeEqual } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { decode } from '@sigil/wire';
import { KemPreKeyKind, KeyType, type PeerIdentityV1, RatchetMessage } from '@sigil/wire/formats';
import type { ProtocolContext } from '../context.ts';
import { pqxdhAssociatedData, pqxdhRespond, requireKemCiphertext } from '../handshake/pqxdh.ts';
import {
  type VerifiedDeviceCertificate,
  verifyDeviceCertificate,
} from '../public/verify-identity.ts';
import {
  type DecryptResult,
  initializeResponder,
  ratchetDecrypt,
} from '../ratchet/double-ratchet.ts';
import { equalBytes, ratchetStateToRecord } from '../ratchet/ratchet-state.ts';
import type { IncomingPreKeyMessage } from './incoming.ts';
import { promoteSession, type SessionRecord, type SessionState } from './session-record.ts';
import type {
  ConsumedPreKeys,
  DecryptMessageParams,
  DecryptMessageResult,
  LastResortUse,
  SeenLastResort,
  SessionPeer,
} from './session-types.ts';

/**
 * A `PreKeyMessage` (spec §4): the recipient check, then the session with the message's AD if
 * there is one, else a new session.
 * @throws SigilError see `decryptMessage`.
 */
export function decryptPreKeyMessage(
  ctx: ProtocolContext,
  params: DecryptMessageParams,
  record: SessionRecord,
  incoming: IncomingPreKeyMessage,
): DecryptMessageResult {
  if (!constantTimeEqual(incoming.responderIdentityKey, params.local.identityKey)) {
    throw new SigilError('IDENTITY_MISMATCH', 'PreKeyMessage is meant for another device');
  }
  const associatedData = pqxdhAssociatedData(
    incoming.initiator.tbs,
    params.local.certificate.tbs,
    incoming.baseKey,
  );
  const holder = sessionIndexWithAd(record, associatedData);
  if (holder !== undefined) {
    const session = sessionAt(record, holder);
    const decrypted = ratchetDecrypt(ctx, session.ratchet, incoming.ratchetMessage);
    return accept(record, holder, session, decrypted);
  }
  return sessionFromPreKeyMessage(ctx, params, record, incoming);
}

/** A new session from a `PreKeyMessage` (the responder's side of spec §4). */
function sessionFromPreKeyMessage(
  ctx: ProtocolContext,
  params: DecryptMessageParams,
  record: SessionRecord,
  incoming: IncomingPreKeyMessage,
): DecryptMessageResult {
  const { crypto } = ctx;
  const initiator = verifyDeviceCertificate(crypto, incoming.initiator);
  params.peerCheck?.(initiator);

  const ids = incoming.prekeyIds;
  const prekeys = params.prekeys ?? {};
  const signedPreKey = requirePreKey(prekeys.signedPreKey, ids.signedPreKeyId, 'signed');
  const oneTimePreKey =
    ids.oneTimePreKeyId === undefined
      ? undefined
      : requirePreKey(prekeys.oneTimePreKey, ids.oneTimePreKeyId, 'one-time');
  const kemPreKey = requirePreKey(prekeys.kemPreKey, ids.kemPreKeyId, 'KEM');
  requireKemCiphertext(incoming.kemCiphertext);

  let lastResortUse: LastResortUse | undefined;
  if (kemPreKey.kind === KemPreKeyKind.lastResort) {
    const ciphertextHash = crypto.hash.digest('sha256', incoming.kemCiphertext);
    if (seenBefore(params.seenLastResort, kemPreKey.id, ciphertextHash)) {
      throw new SigilError('DUPLICATE_MESSAGE', 'last-resort KEM prekey use already accepted');
    }
    lastResortUse = { kemPreKeyId: kemPreKey.id, ciphertextHash };
  }

  const { sharedSecret, associatedData } = pqxdhRespond(crypto, {
    local: params.local,
    initiator,
    baseKey: incoming.baseKey,
    kemCiphertext: incoming.kemCiphertext,
    signedPreKey,
    oneTimePreKey,
    kemPreKey,
  });
  let decrypted: DecryptResult;
  try {
    const ratchet = initializeResponder(ctx, {
      sharedSecret,
      associatedData,
      ownRatchetKeyPair: signedPreKey.keyPair,
    });
    decrypted = ratchetDecrypt(ctx, ratchet, incoming.ratchetMessage);
  } finally {
    sharedSecret.fill(0);
  }

  const session: SessionState = {
    peer: peerIdentity(initiator),
    pendingPreKey: undefined,
    ratchet: decrypted.state,
  };
  const consumed: ConsumedPreKeys = {
    ...(oneTimePreKey === undefined ? {} : { oneTimePreKeyId: oneTimePreKey.id }),
    ...(lastResortUse === undefined
      ? { kemPreKeyId: kemPreKey.id }
      : { lastResortUse: lastResortUse }),
  };
  return {
    record: promoteSession(record, session),
    plaintext: decrypted.plaintext,
    peer: sessionPeer(session.peer),
    certificate: initiator,
    newSession: true,
    consumed,
  };
}

/**
 * A plain ratchet message (spec §4): the current session, else the archived session holding its
 * chain, else the archived sessions newest first.
 * @throws SigilError `SESSION_NOT_FOUND` without any session; the errors of `ratchetDecrypt`.
 */
export function decryptRatchetMessage(
  ctx: ProtocolContext,
  record: SessionRecord,
  bytes: Uint8Array,
): DecryptMessageResult {
  const { current, archived } = record;
  if (current === undefined && archived.length === 0) {
    throw new SigilError('SESSION_NOT_FOUND', 'no session with this device');
  }
  let firstError: SigilError | undefined;
  if (current !== undefined) {
    try {
      return accept(record, CURRENT, current, ratchetDecrypt(ctx, current.ratchet, bytes));
    } catch (err) {
      firstError = sessionError(err);
    }
  }
  // Parsed fine above (a parse error is thrown at once), or parse errors surface here.
  const ratchetKey = decode(RatchetMessage, bytes).header.ratchetKey.key;
  if (current !== undefined && holdsChain(current, ratchetKey)) throw firstError;
  const holder = archived.findIndex((session) => holdsChain(session, ratchetKey));
  if (holder >= 0) {
    const session = archived[holder] as SessionState;
    return accept(record, holder, session, ratchetDecrypt(ctx, session.ratchet, bytes));
  }
  for (let i = 0; i < archived.length; i++) {
    const session = archived[i] as SessionState;
    try {
      return accept(record, i, session, ratchetDecrypt(ctx, session.ratchet, bytes));
    } catch (err) {
      const error = sessionError(err);
      firstError ??= error;
    }
  }
  throw firstError;
}

/** Index of the current session in {@link accept}'s terms. */
const CURRENT = -1;

/** The record after `session` (current, or archived at `index`) decrypted: it becomes current. */
function accept(
  record: SessionRecord,
  index: number,
  session: SessionState,
  decrypted: DecryptResult,
): DecryptMessageResult {
  // Any message from the peer on this session answers the PreKeyMessages (spec §4).
  const updated: SessionState = { ...session, pendingPreKey: undefined, ratchet: decrypted.state };
  const next =
    index === CURRENT
      ? { current: updated, archived: record.archived }
      : promoteSession(
          { current: record.current, archived: record.archived.filter((_, i) => i !== index) },
          updated,
        );
  return {
    record: next,
    plaintext: decrypted.plaintext,
    peer: sessionPeer(session.peer),
    certificate: undefined,
    newSession: false,
    consumed: {},
  };
}

/** Rethrows errors about the bytes themselves (every session would fail alike). */
function sessionError(err: unknown): SigilError {
  if (!(err instanceof SigilError)) throw err;
  if (
    err.category === 'Codec' ||
    err.code === 'UNSUPPORTED_VERSION' ||
    err.code === 'UNSUPPORTED_KEY_TYPE' ||
    err.code === 'INVALID_KEY_LENGTH' ||
    err.code === 'INVALID_ARGUMENT'
  ) {
    throw err;
  }
  return err;
}

/** Whether a session has a receiving chain under the peer ratchet key `ratchetKey`. */
function holdsChain(session: SessionState, ratchetKey: Uint8Array): boolean {
  return ratchetStateToRecord(session.ratchet).receiverChains.some((chain) =>
    equalBytes(chain.ratchetKey, ratchetKey),
  );
}

/** The session (CURRENT or an archived index) whose AD is `associatedData`, if any. */
function sessionIndexWithAd(record: SessionRecord, associatedData: Uint8Array): number | undefined {
  const matches = (session: SessionState): boolean =>
    equalBytes(session.ratchet.associatedData, associatedData);
  if (record.current !== undefined && matches(record.current)) return CURRENT;
  const index = record.archived.findIndex(matches);
  return index >= 0 ? index : undefined;
}

function sessionAt(record: SessionRecord, index: number): SessionState {
  return (index === CURRENT ? record.current : record.archived[index]) as SessionState;
}

/** The prekey the caller looked up, after checking it is the one the message names. */
function requirePreKey<T extends { readonly id: number }>(
  prekey: T | undefined,
  id: number,
  kind: string,
): T {
  if (prekey === undefined) {
    throw new SigilError('PREKEY_NOT_FOUND', `${kind} prekey not found`, { details: { id } });
  }
  if (prekey.id !== id) {
    throw new SigilError(
      'INVALID_ARGUMENT',
      `${kind} prekey has another id than the message names`,
    );
  }
  return prekey;
}

function seenBefore(
  seen: SeenLastResort | undefined,
  kemPreKeyId: number,
  ciphertextHash: Uint8Array,
): boolean {
  if (seen === undefined) {
    throw new SigilError(
      'INVALID_ARGUMENT',
      'seenLastResort is required to accept a last-resort KEM prekey',
    );
  }
  if (typeof seen === 'function') return seen(kemPreKeyId, ciphertextHash);
  return seen.some(
    (use) => use.kemPreKeyId === kemPreKeyId && equalBytes(use.ciphertextHash, ciphertextHash),
  );
}

/** The record form of a verified certificate's device. */
export function peerIdentity(cert: VerifiedDeviceCertificate): PeerIdentityV1 {
  return {
    accountKey: { type: KeyType.ed25519, key: cert.accountKey },
    deviceId: cert.deviceId,
    identityKey: { type: KeyType.x25519, key: cert.identityKey },
  };
}

function sessionPeer(peer: PeerIdentityV1): SessionPeer {
  return {
    accountKey: peer.accountKey.key,
    deviceId: peer.deviceId,
    identityKey: peer.identityKey.key,
  };
}
