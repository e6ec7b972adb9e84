/**
 * Prekeys and bundles (spec/one-to-one.md §3): the signed X25519 prekey, X25519 one-time
 * prekeys, signed ML-KEM prekeys (one-time and last-resort), and the bundle the relay hands an
 * initiator.
 *
 * ```
 * struct { uint32 id; PublicKey key; uint64 createdAt; } SignedPreKeyTBS;          // x25519
 * struct { SignedPreKeyTBS tbs; opaque signature<V>; } SignedPreKey;
 * struct { uint32 id; PublicKey key; } OneTimePreKey;                                // x25519
 * enum { one_time(1), last_resort(2), (255) } KemPreKeyKind;
 * struct { uint32 id; KemPreKeyKind kind; PublicKey key; uint64 createdAt; } KemPreKeyTBS;
 * struct { KemPreKeyTBS tbs; opaque signature<V>; } KemPreKey;
 * struct { DeviceCertificate device; SignedPreKey signedPreKey;
 *          optional<OneTimePreKey> oneTimePreKey; KemPreKey kemPreKey; } PreKeyBundle;
 * ```
 *
 * Decoding checks syntax only: X25519 key fields must be X25519 (`UNSUPPORTED_KEY_TYPE`,
 * `INVALID_KEY_LENGTH`); an unknown `KemPreKeyKind` is `CODEC_INVALID_VALUE`. The KEM prekey's
 * key is a generic typed key (any known type, length checked) so that the KEM can change without
 * a new format; `verifyKemPreKey` / `verifyPreKeyBundle` in `@sigil/protocol/public` require
 * ML-KEM-1024 and check every signature.
 *
 * @example
 * ```ts
 * const bundle = decode(PreKeyBundle, bytes); // then verifyPreKeyBundle(crypto, bundle, ak)
 * ```
 * @module
 */
import type { Infer } from '../codec.ts';
import { enumOf, optional, struct } from '../combinators.ts';
import { opaqueVar, uint8, uint32, uint64 } from '../primitives.ts';
import { DeviceCertificate } from './identity.ts';
import { PublicKey, X25519PublicKey } from './keys.ts';

/** `SignedPreKeyTBS` (spec §3): what the device signing key signs for a signed prekey. */
export const SignedPreKeyTBS = struct({
  /** The prekey id, chosen by the device; a PreKeyMessage names it. */
  id: uint32,
  /** The X25519 signed prekey SPK. */
  key: X25519PublicKey,
  /** Creation time, milliseconds since the Unix epoch (for rotation). */
  createdAt: uint64,
});
/** A decoded {@link SignedPreKeyTBS}. */
export type SignedPreKeyTBS = Infer<typeof SignedPreKeyTBS>;

/**
 * `SignedPreKey` (spec §3): the TBS and `SignWithLabel(DSK, "SignedPreKey", tbs)`.
 * Unverified: use `verifySignedPreKey`.
 */
export const SignedPreKey = struct({ tbs: SignedPreKeyTBS, signature: opaqueVar });
/** A decoded, unverified {@link SignedPreKey}. */
export type SignedPreKey = Infer<typeof SignedPreKey>;

/** `OneTimePreKey` (spec §3): an unsigned X25519 one-time prekey OPK. */
export const OneTimePreKey = struct({
  /** The prekey id. */
  id: uint32,
  /** The X25519 public key. */
  key: X25519PublicKey,
});
/** A decoded {@link OneTimePreKey}. */
export type OneTimePreKey = Infer<typeof OneTimePreKey>;

/** The `KemPreKeyKind` enum of spec §3. */
export const KemPreKeyKind = {
  /** `one_time(1)`: handed out at most once by the relay, deleted after use. */
  oneTime: 1,
  /** `last_resort(2)`: served when no one-time KEM prekey is left; kept after use. */
  lastResort: 2,
} as const;
/** A known KEM prekey kind (1 or 2). */
export type KemPreKeyKind = (typeof KemPreKeyKind)[keyof typeof KemPreKeyKind];

/** `KemPreKeyKind` on the wire (`uint8`); unknown values are `CODEC_INVALID_VALUE`. */
export const KemPreKeyKindCodec = enumOf(uint8, [
  KemPreKeyKind.oneTime,
  KemPreKeyKind.lastResort,
] as const);

/** `KemPreKeyTBS` (spec §3): what the device signing key signs for a KEM prekey. */
export const KemPreKeyTBS = struct({
  /** The prekey id. */
  id: uint32,
  /** One-time or last-resort. */
  kind: KemPreKeyKindCodec,
  /** The KEM encapsulation key PQPK; Sigil v1 requires ML-KEM-1024 at verification. */
  key: PublicKey,
  /** Creation time, milliseconds since the Unix epoch. */
  createdAt: uint64,
});
/** A decoded {@link KemPreKeyTBS}. */
export type KemPreKeyTBS = Infer<typeof KemPreKeyTBS>;

/**
 * `KemPreKey` (spec §3): the TBS and `SignWithLabel(DSK, "KemPreKey", tbs)`.
 * Unverified: use `verifyKemPreKey`.
 */
export const KemPreKey = struct({ tbs: KemPreKeyTBS, signature: opaqueVar });
/** A decoded, unverified {@link KemPreKey}. */
export type KemPreKey = Infer<typeof KemPreKey>;

/**
 * `PreKeyBundle` (spec §3): what the relay serves for one device. The KEM prekey is mandatory
 * on the wire (a bundle without one does not decode); `verifyPreKeyBundle` also rejects a KEM
 * prekey that is not ML-KEM-1024 (`PQXDH_KEM_REQUIRED`).
 */
export const PreKeyBundle = struct({
  /** The device's certificate, signed by the account key. */
  device: DeviceCertificate,
  /** The signed X25519 prekey. */
  signedPreKey: SignedPreKey,
  /** An X25519 one-time prekey, if the relay had one left. */
  oneTimePreKey: optional(OneTimePreKey),
  /** A one-time KEM prekey if the relay had one, else the last-resort KEM prekey. */
  kemPreKey: KemPreKey,
});
/** A decoded, unverified {@link PreKeyBundle}. */
export type PreKeyBundle = Infer<typeof PreKeyBundle>;
