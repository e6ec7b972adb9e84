/**
 * The parameter and result types of the session layer (spec/one-to-one.md §4):
 * `startSession`, `encryptMessage` and `decryptMessage` in session-cipher.ts, which re-exports
 * them.
 * @module
 */
import type { DeviceIdentity } from '../identity/device.ts';
import type { KemPreKeyPair } from '../prekeys/kem-pre-key.ts';
import type { OneTimePreKeyPair } from '../prekeys/one-time-pre-key.ts';
import type { SignedPreKeyPair } from '../prekeys/signed-pre-key.ts';
import type { VerifiedDeviceCertificate } from '../public/verify-identity.ts';
import type { VerifiedPreKeyBundle } from '../public/verify-prekeys.ts';
import type { EncryptOptions } from '../ratchet/double-ratchet.ts';
import type { IncomingMessage } from './incoming.ts';
import type { SessionRecord } from './session-record.ts';

/** Inputs of `startSession`. */
export interface StartSessionParams {
  /** This device (IK_A, and the certificate the PreKeyMessages carry). */
  readonly local: DeviceIdentity;
  /** The peer device's bundle, checked by `verifyPreKeyBundle` against the trusted account key. */
  readonly bundle: VerifiedPreKeyBundle;
  /** The record held for that peer device, if any; its current session gets archived. */
  readonly record?: SessionRecord | undefined;
}

/** Options of `encryptMessage`. */
export type EncryptMessageOptions = EncryptOptions;

/** The result of `encryptMessage`. */
export interface EncryptMessageResult {
  /** The record to persist. */
  readonly record: SessionRecord;
  /** The encoded `SessionMessage` to send. */
  readonly message: Uint8Array;
}

/** The prekey secrets a `PreKeyMessage` names, as the caller's store returned them. */
export interface PreKeySecrets {
  /** The signed prekey with id `prekeyIds.signedPreKeyId`, if the store still has it. */
  readonly signedPreKey?: SignedPreKeyPair | undefined;
  /** The one-time prekey with id `prekeyIds.oneTimePreKeyId`, if named and still stored. */
  readonly oneTimePreKey?: OneTimePreKeyPair | undefined;
  /** The KEM prekey with id `prekeyIds.kemPreKeyId`, if the store still has it. */
  readonly kemPreKey?: KemPreKeyPair | undefined;
}

/** One use of a last-resort KEM prekey: accepted once (spec §4). */
export interface LastResortUse {
  /** The last-resort KEM prekey's id. */
  readonly kemPreKeyId: number;
  /** SHA-256 of the PQXDH ciphertext (32 bytes). */
  readonly ciphertextHash: Uint8Array;
}

/**
 * The uses of last-resort KEM prekeys the caller has recorded: a predicate, or a list.
 * `decryptMessage` rejects a use found here with `DUPLICATE_MESSAGE`.
 */
export type SeenLastResort =
  | ((kemPreKeyId: number, ciphertextHash: Uint8Array) => boolean)
  | readonly LastResortUse[];

/** Inputs of `decryptMessage`. */
export interface DecryptMessageParams {
  /** This device. */
  readonly local: DeviceIdentity;
  /** The record held for the sending device, or `undefined` if there is none. */
  readonly record: SessionRecord | undefined;
  /** The received bytes, or what `parseIncoming` made of them. */
  readonly message: Uint8Array | IncomingMessage;
  /** For a `PreKeyMessage`: the prekeys it names, looked up by `prekeyIds`. */
  readonly prekeys?: PreKeySecrets | undefined;
  /**
   * For a `PreKeyMessage` that sets up a session: called with the initiator's verified
   * certificate before any key is used. Throw (e.g. a `SigilError` `IDENTITY_MISMATCH`) to
   * refuse a peer; trust on first use is the application's policy.
   */
  readonly peerCheck?: ((peer: VerifiedDeviceCertificate) => void) | undefined;
  /**
   * Required when a `PreKeyMessage` uses a last-resort KEM prekey (else `INVALID_ARGUMENT`):
   * the uses recorded so far. Record `consumed.lastResortUse` after a successful decrypt.
   */
  readonly seenLastResort?: SeenLastResort | undefined;
}

/** Who sent a message: the peer device of the session that decrypted it. */
export interface SessionPeer {
  /** The peer's account key AK (32-byte Ed25519): check it against the trusted contact. */
  readonly accountKey: Uint8Array;
  /** The peer's device id. */
  readonly deviceId: number;
  /** The peer device's identity key IK (32-byte X25519). */
  readonly identityKey: Uint8Array;
}

/** What a successful decrypt used up: delete or record these after persisting the record. */
export interface ConsumedPreKeys {
  /** Delete this one-time prekey. */
  readonly oneTimePreKeyId?: number;
  /** Delete this one-time KEM prekey (never set for a last-resort one). */
  readonly kemPreKeyId?: number;
  /** Record this last-resort use, so a replay is rejected. */
  readonly lastResortUse?: LastResortUse;
}

/** The result of `decryptMessage`. */
export interface DecryptMessageResult {
  /** The record to persist before acknowledging the message. */
  readonly record: SessionRecord;
  /** The plaintext. */
  readonly plaintext: Uint8Array;
  /** The sending device. */
  readonly peer: SessionPeer;
  /** The initiator's verified certificate when this message set up a new session. */
  readonly certificate: VerifiedDeviceCertificate | undefined;
  /** Whether this message set up a new session (a new or reinstalled peer device, or a reset). */
  readonly newSession: boolean;
  /** The prekeys to delete and the last-resort use to record (empty unless `newSession`). */
  readonly consumed: ConsumedPreKeys;
}
