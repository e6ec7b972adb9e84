/**
 * Double Ratchet messages (spec/one-to-one.md §5): the header every message carries, the
 * post-quantum `KemStep` of §5.2, and the message itself.
 *
 * ```
 * struct { opaque ciphertext<V>; PublicKey nextKey; } KemStep;            // nextKey: ml_kem_1024
 * struct {
 *   PublicKey ratchetKey;          // x25519: the sender's current ratchet public key
 *   uint32 previousCounter;        // PN
 *   uint32 counter;                // N
 *   optional<KemStep> kem;         // §5.2
 * } RatchetHeader;
 * struct { uint8 version = 1; RatchetHeader header; opaque body<V>; } RatchetMessage;
 * ```
 *
 * Decoding checks syntax only: the version (`UNSUPPORTED_VERSION`), the key types
 * (`UNSUPPORTED_KEY_TYPE`) and key lengths (`INVALID_KEY_LENGTH`). The length of
 * `kem.ciphertext` (empty, or 1568 bytes for ML-KEM-1024) is checked by the ratchet when it
 * decapsulates (`MLKEM_INVALID_CIPHERTEXT_LENGTH`), and everything else by authentication.
 *
 * @example
 * ```ts
 * const message = decode(RatchetMessage, bytes); // then ratchetDecrypt in @sigil/protocol
 * ```
 * @module
 */
import type { Infer } from '../codec.ts';
import { optional, struct } from '../combinators.ts';
import { opaqueVar, uint32 } from '../primitives.ts';
import { MlKem1024PublicKey, X25519PublicKey } from './keys.ts';
import { ProtocolVersion } from './version.ts';

/**
 * `KemStep` (spec §5.2): carried by every message of a chain that starts with a post-quantum
 * step, so a chain whose first message is lost still heals.
 */
export const KemStep = struct({
  /**
   * The ML-KEM-1024 ciphertext to the peer's last advertised KEM key (1568 bytes), or empty
   * when the chain only advertises `nextKey` (the first chain of each party).
   */
  ciphertext: opaqueVar,
  /** The sender's fresh KEM ratchet public key, for the peer's next step. */
  nextKey: MlKem1024PublicKey,
});
/** A decoded {@link KemStep}. */
export type KemStep = Infer<typeof KemStep>;

/** `RatchetHeader` (spec §5): authenticated as part of the AEAD's associated data. */
export const RatchetHeader = struct({
  /** The sender's current ratchet public key (X25519), DHs in the Double Ratchet spec. */
  ratchetKey: X25519PublicKey,
  /** Number of messages in the sender's previous sending chain (PN). */
  previousCounter: uint32,
  /** Number of this message in its sending chain, from 0 (N). */
  counter: uint32,
  /** The post-quantum step of this message's chain, if any (§5.2). */
  kem: optional(KemStep),
});
/** A decoded {@link RatchetHeader}. */
export type RatchetHeader = Infer<typeof RatchetHeader>;

/**
 * `RatchetMessage` (spec §5): `body = AES-256-GCM(key, nonce, pad(plaintext),
 * aad = AD || encode(header))`.
 */
export const RatchetMessage = struct({
  /** `uint8 version = 1`; any other value is `UNSUPPORTED_VERSION`. */
  version: ProtocolVersion,
  /** The header. */
  header: RatchetHeader,
  /** The AEAD ciphertext and tag. */
  body: opaqueVar,
});
/** A decoded {@link RatchetMessage}. */
export type RatchetMessage = Infer<typeof RatchetMessage>;
