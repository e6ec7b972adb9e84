/**
 * Store interfaces of the one-to-one protocol (STYLE.md §3): `@sigil/protocol` defines them and
 * never implements them; the client SDK does (node:sqlite, IndexedDB, memory for tests). The
 * protocol core itself does no I/O: `startSession`, `encryptMessage` and `decryptMessage` take
 * and return values, and the application moves them between these stores and the core.
 *
 * Rules every implementation must follow:
 * - Getters resolve to `undefined` when the value is absent and reject only on I/O failure
 *   (with a `SigilError` `STORAGE_FAILURE`, the cause attached).
 * - Receiving is one transaction: the new session record, the deletion of the consumed one-time
 *   prekeys, the recorded last-resort use and the plaintext the application keeps are committed
 *   together, and only then is the relay acknowledged. A crash before the commit must leave the
 *   old record and every prekey in place, so the redelivered message decrypts again.
 * - One-time prekeys are deleted only after a successful decrypt (`consumed` of
 *   `decryptMessage`), never when they are looked up: a forged message must not burn them.
 * - Records and prekey secrets hold secret keys: store them sealed (`sealSessionRecord`) or in
 *   storage that is itself encrypted.
 *
 * @example
 * ```ts
 * const incoming = parseIncoming(bytes);
 * const record = await sessionStore.loadSession(from);
 * let prekeys: PreKeySecrets | undefined;
 * let seen = false;
 * if (incoming.kind === 'prekey') {
 *   const ids = incoming.prekeyIds;
 *   prekeys = {
 *     signedPreKey: await preKeyStore.loadSignedPreKey(ids.signedPreKeyId),
 *     oneTimePreKey: ids.oneTimePreKeyId === undefined ? undefined
 *       : await preKeyStore.loadOneTimePreKey(ids.oneTimePreKeyId),
 *     kemPreKey: await preKeyStore.loadKemPreKey(ids.kemPreKeyId),
 *   };
 *   const hash = crypto.hash.digest('sha256', incoming.kemCiphertext);
 *   seen = await preKeyStore.hasLastResortUse(ids.kemPreKeyId, hash);
 * }
 * const result = decryptMessage(ctx, { local, record, message: incoming, prekeys,
 *   seenLastResort: () => seen });
 * // one transaction: storeSession, removeOneTimePreKey / removeKemPreKey / recordLastResortUse
 * // from result.consumed, the plaintext; then acknowledge the relay
 * ```
 * @module
 */
import type { DeviceIdentity } from './identity/device.ts';
import type { KemPreKeyPair } from './prekeys/kem-pre-key.ts';
import type { OneTimePreKeyPair } from './prekeys/one-time-pre-key.ts';
import type { SignedPreKeyPair } from './prekeys/signed-pre-key.ts';
import type { SessionRecord } from './session/session-record.ts';

/** A peer device: the application's stable account identifier and the device id. */
export interface PeerAddress {
  /** The peer account's stable identifier (e.g. its relay account id). Opaque to the protocol. */
  readonly account: string;
  /** The device id, 1..2^31-1. */
  readonly deviceId: number;
}

/** The session records of this device, one per peer device. */
export interface SessionStore {
  /**
   * The record held for `address`, or `undefined` if there is none.
   * @throws SigilError `STORAGE_FAILURE` on I/O failure only.
   */
  loadSession(address: PeerAddress): Promise<SessionRecord | undefined>;
  /**
   * Replaces the record for `address`. The implementer must write it atomically (a reader
   * never sees half a record) and, when receiving, in the same transaction as the prekey
   * changes of that message.
   * @throws SigilError `STORAGE_FAILURE`.
   */
  storeSession(address: PeerAddress, record: SessionRecord): Promise<void>;
}

/** This device's prekey secrets, by id (spec §3). */
export interface PreKeyStore {
  /** The signed prekey with `id`, or `undefined`. Keep a rotated-out one for a while. */
  loadSignedPreKey(id: number): Promise<SignedPreKeyPair | undefined>;
  /** The one-time prekey with `id`, or `undefined` once it was removed. */
  loadOneTimePreKey(id: number): Promise<OneTimePreKeyPair | undefined>;
  /** The KEM prekey (one-time or last-resort) with `id`, or `undefined`. */
  loadKemPreKey(id: number): Promise<KemPreKeyPair | undefined>;
  /**
   * Deletes a one-time prekey. Call it only with `consumed.oneTimePreKeyId` of a successful
   * `decryptMessage`, after (or with) storing the new record.
   */
  removeOneTimePreKey(id: number): Promise<void>;
  /**
   * Deletes a one-time KEM prekey (`consumed.kemPreKeyId`). The implementer must never delete
   * the last-resort KEM prekey through this method.
   */
  removeKemPreKey(id: number): Promise<void>;
  /**
   * Whether this (last-resort KEM prekey id, SHA-256 of the PQXDH ciphertext) pair was
   * accepted before. The implementer must keep every recorded pair for as long as the
   * last-resort prekey exists: a pair it forgets lets a replayed first message set up a
   * session again. (`decryptMessage` takes the answer synchronously, through `seenLastResort`.)
   */
  hasLastResortUse(kemPreKeyId: number, ciphertextHash: Uint8Array): Promise<boolean>;
  /** Records `consumed.lastResortUse` of a successful `decryptMessage`. */
  recordLastResortUse(kemPreKeyId: number, ciphertextHash: Uint8Array): Promise<void>;
}

/** This device's identity and the account keys it trusts (trust decisions: issue 5, client). */
export interface IdentityStore {
  /** This device's keys and certificate. Holds secrets. */
  getLocalDevice(): Promise<DeviceIdentity>;
  /**
   * The account key (32-byte Ed25519) trusted for `account`, or `undefined` before first
   * contact. Pass it to `verifyPreKeyBundle` and check `peer.accountKey` of received messages
   * against it.
   */
  getTrustedAccountKey(account: string): Promise<Uint8Array | undefined>;
  /**
   * Trusts `accountKey` for `account` (first contact, or after the user verified a changed
   * safety number). The implementer must never call this on its own when a key changes: a
   * changed key is shown to the user first.
   */
  saveTrustedAccountKey(account: string, accountKey: Uint8Array): Promise<void>;
}
