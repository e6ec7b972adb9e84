/**
 * Device authentication (DESIGN.md, Relay): the relay hands out a random challenge; the device
 * signs it with its device signing key (DSK) under the label "Sigil/v1/RelayAuth"; a valid
 * signature yields a short-lived bearer token bound to that one device.
 *
 * The signed content binds the relay's origin (a signature made for one relay is useless at
 * another), the challenge id and nonce (single use) and the account and device:
 *
 * ```
 * struct {
 *   opaque origin<V>;        // UTF-8, e.g. "https://relay.example"
 *   opaque challengeId<V>;   // UTF-8, as the relay returned it
 *   opaque nonce<V>;         // 32 random bytes
 *   opaque accountId<V>;     // UTF-8
 *   uint32 deviceId;
 * } RelayAuthContent;
 * signature = SignWithLabel(DSK, "Sigil/v1/RelayAuth", RelayAuthContent)   (spec/one-to-one.md §1.2)
 * ```
 *
 * Tokens: 32 random bytes, base64url; the relay stores only their SHA-256.
 *
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { LABEL_RELAY_AUTH } from '@sigil/protocol/public';
import { encode, type Infer, opaqueVar, struct, uint32 } from '@sigil/wire';

/** The full label of relay authentication signatures (spec/one-to-one.md §1.2). */
export const RELAY_AUTH_LABEL: string = LABEL_RELAY_AUTH;

/** The signed content of a relay authentication. */
export const RelayAuthContent = struct({
  origin: opaqueVar,
  challengeId: opaqueVar,
  nonce: opaqueVar,
  accountId: opaqueVar,
  deviceId: uint32,
});
/** The value of {@link RelayAuthContent}. */
export type RelayAuthContent = Infer<typeof RelayAuthContent>;

const utf8 = new TextEncoder();

/** The bytes a device signs (with label {@link RELAY_AUTH_LABEL}) to answer a challenge. */
export function relayAuthContent(params: {
  origin: string;
  challengeId: string;
  nonce: Uint8Array;
  accountId: string;
  deviceId: number;
}): Uint8Array {
  return encode(RelayAuthContent, {
    origin: utf8.encode(params.origin),
    challengeId: utf8.encode(params.challengeId),
    nonce: params.nonce,
    accountId: utf8.encode(params.accountId),
    deviceId: params.deviceId,
  });
}

/** The stored form of a bearer token: SHA-256 of its bytes. */
export function hashToken(crypto: CryptoProvider, token: Uint8Array): Uint8Array {
  return crypto.hash.digest('sha256', token);
}

/**
 * The account id of an account key: base64url (unpadded) of SHA-256 over the 32-byte Ed25519
 * account key, 43 characters. Anyone holding the key computes it; it reveals nothing else.
 */
export function accountIdOf(crypto: CryptoProvider, accountKey: Uint8Array): string {
  const digest = crypto.hash.digest('sha256', accountKey);
  return Buffer.from(digest).toString('base64url');
}
