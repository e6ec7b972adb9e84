/**
 * The chain-key KDF of the Double Ratchet (spec/one-to-one.md §5), as Signal defines it:
 *
 * ```
 * KDF_CK(ck) = (ck' = HMAC-SHA256(ck, 0x02), mk = HMAC-SHA256(ck, 0x01))
 * ```
 *
 * Most users won't need this: `ratchetEncrypt` / `ratchetDecrypt` call it.
 *
 * @example
 * ```ts
 * const { chainKey: next, messageKey } = kdfCk(crypto, chainKey);
 * ```
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';

const MESSAGE_KEY_SEED = Uint8Array.of(0x01);
const CHAIN_KEY_SEED = Uint8Array.of(0x02);

/** The output of {@link kdfCk}. */
export interface ChainStep {
  /** The next chain key ck' (32 bytes). */
  readonly chainKey: Uint8Array;
  /** The message key mk of this step (32 bytes), the input of `deriveMessageKeys`. */
  readonly messageKey: Uint8Array;
}

/** KDF_CK (spec §5): one step of a sending or receiving chain. */
export function kdfCk(crypto: CryptoProvider, chainKey: Uint8Array): ChainStep {
  return {
    chainKey: crypto.hmac.mac('sha256', chainKey, CHAIN_KEY_SEED),
    messageKey: crypto.hmac.mac('sha256', chainKey, MESSAGE_KEY_SEED),
  };
}

/** Only the next chain key of KDF_CK, for skipped messages whose key will not be kept. */
export function nextChainKey(crypto: CryptoProvider, chainKey: Uint8Array): Uint8Array {
  return crypto.hmac.mac('sha256', chainKey, CHAIN_KEY_SEED);
}
