/**
 * Session records (spec/one-to-one.md §7): the persisted form of every one-to-one session with
 * one peer device, the current one and the archived ones, with the Double Ratchet state of §5.
 *
 * ```
 * struct { opaque publicKey[32]; opaque secretKey[32]; } X25519KeyPairV1;
 * struct { opaque publicKey[1568]; opaque seed[64]; } MlKem1024KeyPairV1;
 * struct { uint32 counter; opaque messageKey[32]; } SkippedMessageKeyV1;
 * struct { opaque ratchetKey[32]; opaque chainKey[32]; uint32 nextCounter;
 *          SkippedMessageKeyV1 skippedKeys<V>; } ReceiverChainV1;
 * struct { opaque chainKey[32]; uint32 nextCounter; optional<KemStep> kem; } SenderChainV1;
 * struct {
 *   opaque rootKey[32]; X25519KeyPairV1 ratchetKeyPair; optional<SenderChainV1> senderChain;
 *   uint32 previousCounter; ReceiverChainV1 receiverChains<V>;
 *   optional<MlKem1024KeyPairV1> kemKeyPair; optional<opaque peerKemKey[1568]>;
 *   uint32 chainsSinceKemStep; bool kemStepRequested;
 * } RatchetStateV1;
 * struct { PublicKey accountKey; uint32 deviceId; PublicKey identityKey; } PeerIdentityV1;
 * struct { DeviceCertificate initiator; uint32 signedPreKeyId; optional<uint32> oneTimePreKeyId;
 *          uint32 kemPreKeyId; PublicKey baseKey; opaque kemCiphertext<V>;
 *          uint64 createdAt; } PendingPreKeyMessageV1;
 * struct { PeerIdentityV1 peer; opaque associatedData<V>;
 *          optional<PendingPreKeyMessageV1> pendingPreKey; RatchetStateV1 ratchet; } SessionStateV1;
 * struct { uint8 version = 1; optional<SessionStateV1> current;
 *          SessionStateV1 archivedSessions<V>; } SessionRecordV1;
 * ```
 *
 * A record holds secret keys in the clear: store it sealed (`sealSessionRecord` in
 * `@sigil/protocol`) or in storage that is itself encrypted. The version byte is the record
 * format's own, not the protocol's: a later release that adds fields writes version 2 and keeps
 * reading version 1, giving the new fields defaults (STYLE.md §4). Decoding any version but 1
 * raises `UNSUPPORTED_VERSION`.
 *
 * @example
 * ```ts
 * const record = decode(SessionRecordV1, bytes); // then decodeSessionRecord in @sigil/protocol
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { Codec, Infer } from '../codec.ts';
import { enumOf, map, optional, struct, vector } from '../combinators.ts';
import { opaque, opaqueVar, uint8, uint32, uint64 } from '../primitives.ts';
import type { Reader } from '../reader.ts';
import type { Writer } from '../writer.ts';
import { DeviceCertificate, DeviceId } from './identity.ts';
import { Ed25519PublicKey, X25519PublicKey } from './keys.ts';
import { KemStep } from './ratchet.ts';

/** The one session-record format version this code reads and writes: 1. */
export const SESSION_RECORD_VERSION = 1;

/**
 * `uint8 version = 1` of a session record.
 * @throws SigilError on decode `UNSUPPORTED_VERSION` for any other byte, `CODEC_TRUNCATED`
 *   at the end of input; on encode `INVALID_ARGUMENT` for any other value.
 */
export const SessionRecordVersion: Codec<typeof SESSION_RECORD_VERSION> = {
  encode(writer: Writer, value: typeof SESSION_RECORD_VERSION): void {
    if (value !== SESSION_RECORD_VERSION) {
      throw new SigilError('INVALID_ARGUMENT', 'session record version must be 1');
    }
    writer.writeUint8(value);
  },
  decode(reader: Reader): typeof SESSION_RECORD_VERSION {
    const at = reader.offset;
    const value = reader.readUint8();
    if (value !== SESSION_RECORD_VERSION) {
      throw reader.error('UNSUPPORTED_VERSION', 'unsupported session record version', {
        offset: at,
        version: value,
      });
    }
    return SESSION_RECORD_VERSION;
  },
};

/** `bool` as `uint8` 0 or 1; any other byte is `CODEC_INVALID_VALUE`. */
const bool: Codec<boolean> = map(
  enumOf(uint8, [0, 1] as const),
  (value) => value === 1,
  (value) => (value ? 1 : 0),
);

/** An X25519 key pair: the ratchet key pair DHs. */
export const X25519KeyPairV1 = struct({
  /** The 32-byte public key. */
  publicKey: opaque(32),
  /** The 32-byte secret key. */
  secretKey: opaque(32),
});
/** A decoded {@link X25519KeyPairV1}. */
export type X25519KeyPairV1 = Infer<typeof X25519KeyPairV1>;

/** An ML-KEM-1024 key pair in seed form (FIPS 203 §3.3): the KEM ratchet key of §5.2. */
export const MlKem1024KeyPairV1 = struct({
  /** The 1568-byte encapsulation key. */
  publicKey: opaque(1568),
  /** The 64-byte key-generation seed d || z. */
  seed: opaque(64),
});
/** A decoded {@link MlKem1024KeyPairV1}. */
export type MlKem1024KeyPairV1 = Infer<typeof MlKem1024KeyPairV1>;

/** A message key kept for a message that has not arrived yet (a skipped message). */
export const SkippedMessageKeyV1 = struct({
  /** The message's counter N in its chain. */
  counter: uint32,
  /** The 32-byte message key mk (input of MessageKeys, spec §5). */
  messageKey: opaque(32),
});
/** A decoded {@link SkippedMessageKeyV1}. */
export type SkippedMessageKeyV1 = Infer<typeof SkippedMessageKeyV1>;

/** One receiving chain: the messages the peer sends under one of its ratchet keys. */
export const ReceiverChainV1 = struct({
  /** The peer's X25519 ratchet public key that opened the chain (DHr). */
  ratchetKey: opaque(32),
  /** The chain key CKr for message `nextCounter`. */
  chainKey: opaque(32),
  /** Counter of the next message not yet derived (Nr). */
  nextCounter: uint32,
  /**
   * Keys of skipped messages of this chain, below `nextCounter`. Order is significant:
   * ascending counter, oldest first; the oldest are trimmed first when the session stores more
   * than MAX_STORED_SKIPPED_KEYS over all its chains.
   */
  skippedKeys: vector(SkippedMessageKeyV1),
});
/** A decoded {@link ReceiverChainV1}. */
export type ReceiverChainV1 = Infer<typeof ReceiverChainV1>;

/** The current sending chain. Its ratchet key is the state's `ratchetKeyPair`. */
export const SenderChainV1 = struct({
  /** The chain key CKs for message `nextCounter`. */
  chainKey: opaque(32),
  /** Counter of the next message to send (Ns). */
  nextCounter: uint32,
  /** The post-quantum step every message of this chain carries, if it has one (§5.2). */
  kem: optional(KemStep),
});
/** A decoded {@link SenderChainV1}. */
export type SenderChainV1 = Infer<typeof SenderChainV1>;

/** The Double Ratchet state of one session (spec §5, §5.2). */
export const RatchetStateV1 = struct({
  /** The root key RK. */
  rootKey: opaque(32),
  /** The current X25519 ratchet key pair (DHs). */
  ratchetKeyPair: X25519KeyPairV1,
  /**
   * The current sending chain; absent when the next message must start a new one (after a new
   * peer ratchet key arrived, or before the responder's first reply).
   */
  senderChain: optional(SenderChainV1),
  /** PN: the length of the previous sending chain, sent in every header of the current one. */
  previousCounter: uint32,
  /**
   * Receiving chains, at most MAX_RECEIVER_CHAINS. Order is significant: oldest first, the
   * newest (the peer's current ratchet key) last; the oldest is trimmed first.
   */
  receiverChains: vector(ReceiverChainV1),
  /** This party's KEM ratchet key pair, once it has advertised one (§5.2). */
  kemKeyPair: optional(MlKem1024KeyPairV1),
  /** The last ML-KEM-1024 key the peer advertised, once it has (§5.2). */
  peerKemKey: optional(opaque(1568)),
  /** Sending chains this party has started since its last KEM step (§5.2, PQ_STEP_INTERVAL). */
  chainsSinceKemStep: uint32,
  /** Whether the application asked for a post-quantum step at the next sending chain. */
  kemStepRequested: bool,
});
/** A decoded {@link RatchetStateV1}. */
export type RatchetStateV1 = Infer<typeof RatchetStateV1>;

/** Who the session is with: the peer device as PQXDH authenticated it (spec §2, §4). */
export const PeerIdentityV1 = struct({
  /** The peer's account key AK (Ed25519). */
  accountKey: Ed25519PublicKey,
  /** The peer's device id. */
  deviceId: DeviceId,
  /** The peer device's identity key IK (X25519). */
  identityKey: X25519PublicKey,
});
/** A decoded {@link PeerIdentityV1}. */
export type PeerIdentityV1 = Infer<typeof PeerIdentityV1>;

/**
 * What the initiator repeats around every message until the peer's first reply (spec §4): the
 * `PreKeyMessage` fields other than `version` and `message`.
 */
export const PendingPreKeyMessageV1 = struct({
  /** The initiator's own device certificate. */
  initiator: DeviceCertificate,
  /** The responder's signed prekey id. */
  signedPreKeyId: uint32,
  /** The responder's one-time prekey id, if one was used. */
  oneTimePreKeyId: optional(uint32),
  /** The responder's KEM prekey id. */
  kemPreKeyId: uint32,
  /** The initiator's ephemeral key EK_A (X25519). */
  baseKey: X25519PublicKey,
  /** The KEM ciphertext CT of PQXDH. */
  kemCiphertext: opaqueVar,
  /** When the session was set up, milliseconds since the Unix epoch (to expire it unanswered). */
  createdAt: uint64,
});
/** A decoded {@link PendingPreKeyMessageV1}. */
export type PendingPreKeyMessageV1 = Infer<typeof PendingPreKeyMessageV1>;

/** One session with one peer device. */
export const SessionStateV1 = struct({
  /** The peer device. */
  peer: PeerIdentityV1,
  /** The session's associated data AD (spec §4), prefixed to every header in the AEAD's AAD. */
  associatedData: opaqueVar,
  /** Present on the initiator until the first reply arrives. */
  pendingPreKey: optional(PendingPreKeyMessageV1),
  /** The Double Ratchet. */
  ratchet: RatchetStateV1,
});
/** A decoded {@link SessionStateV1}. */
export type SessionStateV1 = Infer<typeof SessionStateV1>;

/** `SessionRecordV1` (spec §7): every session with one peer device. */
export const SessionRecordV1 = struct({
  /** `uint8 version = 1`; any other value is `UNSUPPORTED_VERSION`. */
  version: SessionRecordVersion,
  /** The session new messages are sent on; absent once it has been archived or deleted. */
  current: optional(SessionStateV1),
  /**
   * Earlier sessions, kept to decrypt messages still in flight. Order is significant: newest
   * first; the oldest are trimmed beyond MAX_ARCHIVED_SESSIONS.
   */
  archivedSessions: vector(SessionStateV1),
});
/** A decoded {@link SessionRecordV1}. */
export type SessionRecordV1 = Infer<typeof SessionRecordV1>;
