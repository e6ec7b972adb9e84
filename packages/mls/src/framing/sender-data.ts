/**
 * Sender data (RFC 9420 §6.3.2): the SenderData a PrivateMessage encrypts to hide who sent
 * it, its associated data, and the key and nonce derived from sender_data_secret and a sample
 * of the content ciphertext.
 *
 * ```
 * struct { uint32 leaf_index; uint32 generation; opaque reuse_guard[4]; } SenderData;
 * struct { opaque group_id<V>; uint64 epoch; ContentType content_type; } SenderDataAAD;
 *
 * ciphertext_sample = ciphertext[0..KDF.Nh-1]     (the whole ciphertext if shorter)
 * sender_data_key   = ExpandWithLabel(sender_data_secret, "key",   ciphertext_sample, AEAD.Nk)
 * sender_data_nonce = ExpandWithLabel(sender_data_secret, "nonce", ciphertext_sample, AEAD.Nn)
 * ```
 *
 * @module
 */
import { type Infer, opaque, opaqueVar, struct, uint32, uint64 } from '@sigil/wire';
import type { CipherSuite } from '../cipher-suite.ts';
import { expandWithLabel } from '../crypto-basics.ts';
import { ContentType } from '../wire/common.ts';

/** Length of the reuse guard XORed into the content nonce (§6.3.1). */
export const REUSE_GUARD_LENGTH = 4;

/** `SenderData` (§6.3.2). */
export const SenderData = struct({
  /** The sender's leaf index. */
  leafIndex: uint32,
  /** The generation of the sender's ratchet that encrypted the content. */
  generation: uint32,
  /** Four fresh random bytes XORed into the first four bytes of the content nonce. */
  reuseGuard: opaque(REUSE_GUARD_LENGTH),
});
/** A decoded {@link SenderData}. */
export type SenderData = Infer<typeof SenderData>;

/** `SenderDataAAD` (§6.3.2): the first three fields of the PrivateMessage. */
export const SenderDataAad = struct({
  groupId: opaqueVar,
  epoch: uint64,
  contentType: ContentType,
});
/** A {@link SenderDataAad} value. */
export type SenderDataAad = Infer<typeof SenderDataAad>;

/**
 * sender_data_key and sender_data_nonce for a content `ciphertext` (§6.3.2), sampled from its
 * first KDF.Nh bytes.
 */
export function senderDataKeyAndNonce(
  suite: CipherSuite,
  senderDataSecret: Uint8Array,
  ciphertext: Uint8Array,
): { key: Uint8Array; nonce: Uint8Array } {
  const sample = ciphertext.subarray(0, suite.hashLength);
  return {
    key: expandWithLabel(suite, senderDataSecret, 'key', sample, suite.keyLength),
    nonce: expandWithLabel(suite, senderDataSecret, 'nonce', sample, suite.nonceLength),
  };
}
