/**
 * Session records (spec/one-to-one.md §7): every session with one peer device, the current one
 * and the archived ones (newest first, at most MAX_ARCHIVED_SESSIONS), as the versioned
 * `SessionRecordV1` of `@sigil/wire/formats`, optionally sealed under a caller's 32-byte key.
 *
 * The runtime {@link SessionRecord} is not the record (STYLE.md §4): it holds live
 * `RatchetState`s; {@link encodeSessionRecord} / {@link decodeSessionRecord} convert.
 *
 * Sealed form: `nonce (12 bytes, from ctx.random) || AES-256-GCM(key, nonce, record,
 * aad = "Sigil/v1/SessionRecord")`. The nonce is random because one key seals many versions
 * of many records; at 2^32 seals per key the collision probability stays below 2^-32.
 *
 * @example
 * ```ts
 * const sealed = sealSessionRecord(ctx, storageKey, encodeSessionRecord(record));
 * const again = decodeSessionRecord(openSessionRecord(ctx, storageKey, sealed));
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { decode, encode } from '@sigil/wire';
import {
  type PeerIdentityV1,
  type PendingPreKeyMessageV1,
  SESSION_RECORD_VERSION,
  SessionRecordV1,
  type SessionStateV1,
} from '@sigil/wire/formats';
import { type ProtocolContext, resolveContext } from '../context.ts';
import { LABEL_SESSION_RECORD } from '../labels.ts';
import { MAX_ARCHIVED_SESSIONS } from '../limits.ts';
import {
  type RatchetState,
  ratchetStateFromRecord,
  ratchetStateToRecord,
} from '../ratchet/ratchet-state.ts';

const RECORD_AAD = new TextEncoder().encode(LABEL_SESSION_RECORD);
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

/** One session with one peer device. */
export interface SessionState {
  /** The peer device as PQXDH authenticated it. */
  readonly peer: PeerIdentityV1;
  /** What the initiator repeats around every message until the first reply; else undefined. */
  readonly pendingPreKey: PendingPreKeyMessageV1 | undefined;
  /** The Double Ratchet; it also holds the session's associated data. */
  readonly ratchet: RatchetState;
}

/** Every session with one peer device. */
export interface SessionRecord {
  /** The session new messages go out on. */
  readonly current: SessionState | undefined;
  /** Earlier sessions, newest first, at most MAX_ARCHIVED_SESSIONS. */
  readonly archived: readonly SessionState[];
}

/** A record without any session. */
export const EMPTY_SESSION_RECORD: SessionRecord = { current: undefined, archived: [] };

/**
 * The record with `session` as its current session; the previous current session (if any) is
 * archived first in line, and the oldest archived sessions beyond MAX_ARCHIVED_SESSIONS are
 * dropped.
 */
export function promoteSession(record: SessionRecord, session: SessionState): SessionRecord {
  const archived =
    record.current === undefined ? record.archived : [record.current, ...record.archived];
  return { current: session, archived: archived.slice(0, MAX_ARCHIVED_SESSIONS) };
}

function stateToWire(session: SessionState): SessionStateV1 {
  return {
    peer: session.peer,
    associatedData: session.ratchet.associatedData,
    pendingPreKey: session.pendingPreKey,
    ratchet: ratchetStateToRecord(session.ratchet),
  };
}

function stateFromWire(session: SessionStateV1): SessionState {
  return {
    peer: session.peer,
    pendingPreKey: session.pendingPreKey,
    ratchet: ratchetStateFromRecord(session.ratchet, session.associatedData),
  };
}

/**
 * Encodes a record as `SessionRecordV1`. The bytes hold secret keys: seal them
 * ({@link sealSessionRecord}) unless the storage is itself encrypted.
 * @throws SigilError `INVALID_ARGUMENT` if a field cannot be encoded (a caller bug).
 */
export function encodeSessionRecord(record: SessionRecord): Uint8Array {
  return encode(SessionRecordV1, {
    version: SESSION_RECORD_VERSION,
    current: record.current === undefined ? undefined : stateToWire(record.current),
    archivedSessions: record.archived.map(stateToWire),
  });
}

/**
 * Decodes a `SessionRecordV1`. Archived sessions beyond MAX_ARCHIVED_SESSIONS (written under a
 * larger limit) are dropped, oldest first.
 * @throws SigilError `UNSUPPORTED_VERSION` for a record version other than 1; `Codec` codes,
 *   `UNSUPPORTED_KEY_TYPE` or `INVALID_KEY_LENGTH` for bytes that do not parse.
 */
export function decodeSessionRecord(bytes: Uint8Array): SessionRecord {
  const record = decode(SessionRecordV1, bytes);
  return {
    current: record.current === undefined ? undefined : stateFromWire(record.current),
    archived: record.archivedSessions.slice(0, MAX_ARCHIVED_SESSIONS).map(stateFromWire),
  };
}

/**
 * Seals encoded record bytes under a caller's 32-byte key with AES-256-GCM (spec §7). Draws 12
 * bytes (the nonce) from `ctx.random`.
 * @throws SigilError `INVALID_KEY_LENGTH` if `key` is not 32 bytes.
 */
export function sealSessionRecord(
  ctx: ProtocolContext,
  key: Uint8Array,
  recordBytes: Uint8Array,
): Uint8Array {
  const resolved = resolveContext(ctx);
  const nonce = resolved.random(NONCE_LENGTH);
  const sealed = resolved.crypto.aead.seal('aes-256-gcm', key, nonce, recordBytes, RECORD_AAD);
  const out = new Uint8Array(NONCE_LENGTH + sealed.length);
  out.set(nonce, 0);
  out.set(sealed, NONCE_LENGTH);
  return out;
}

/**
 * Opens what {@link sealSessionRecord} sealed and returns the record bytes.
 * @throws SigilError `RECORD_AUTHENTICATION_FAILED` for a wrong key or altered or truncated
 *   bytes; `INVALID_KEY_LENGTH` if `key` is not 32 bytes.
 */
export function openSessionRecord(
  ctx: ProtocolContext,
  key: Uint8Array,
  sealed: Uint8Array,
): Uint8Array {
  const { crypto } = ctx;
  if (sealed.length < NONCE_LENGTH + TAG_LENGTH) {
    // Check the key first so a wrong-size key is reported as such whatever the input.
    if (key.length !== 32) throw new SigilError('INVALID_KEY_LENGTH', 'key must be 32 bytes');
    throw new SigilError('RECORD_AUTHENTICATION_FAILED', 'sealed record is too short');
  }
  try {
    return crypto.aead.open(
      'aes-256-gcm',
      key,
      sealed.subarray(0, NONCE_LENGTH),
      sealed.subarray(NONCE_LENGTH),
      RECORD_AAD,
    );
  } catch (err) {
    if (SigilError.is(err, 'AEAD_AUTHENTICATION_FAILED')) {
      throw new SigilError('RECORD_AUTHENTICATION_FAILED', 'session record did not authenticate', {
        cause: err,
      });
    }
    throw err;
  }
}
