/**
 * The device's answer to the relay's login challenge (packages/relay/README.md, Authentication):
 * `SignWithLabel(DSK, "Sigil/v1/RelayAuth", RelayAuthContent)` with
 *
 * ```
 * struct { opaque origin<V>; opaque challengeId<V>; opaque nonce<V>; opaque accountId<V>;
 *          uint32 deviceId; } RelayAuthContent;
 * ```
 *
 * The origin binds the signature to one relay. (The relay builds the same bytes in its
 * `relayAuthContent`; a client test checks the two agree.)
 *
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import type { DeviceIdentity } from '@sigil/protocol';
import { LABEL_RELAY_AUTH } from '@sigil/protocol/public';
import { encode, opaqueVar, struct, uint32 } from '@sigil/wire';
import type { ChallengeSigner } from '../relay-api.ts';
import { utf8 } from './bytes.ts';

/** The signed content of a relay login. */
export const RelayAuthContent = struct({
  origin: opaqueVar,
  challengeId: opaqueVar,
  nonce: opaqueVar,
  accountId: opaqueVar,
  deviceId: uint32,
});

/** A {@link ChallengeSigner} for `device` of `accountId`. */
export function challengeSigner(
  crypto: CryptoProvider,
  device: DeviceIdentity,
  accountId: string,
): ChallengeSigner {
  return ({ origin, challengeId, nonce }) =>
    device.sign(
      crypto,
      LABEL_RELAY_AUTH,
      encode(RelayAuthContent, {
        origin: utf8(origin),
        challengeId: utf8(challengeId),
        nonce,
        accountId: utf8(accountId),
        deviceId: device.deviceId,
      }),
    );
}
