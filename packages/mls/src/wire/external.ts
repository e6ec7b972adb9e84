/**
 * The bodies of the `external_pub` GroupInfo extension (RFC 9420 §12.4.3.2) and the
 * `external_senders` GroupContext extension (§12.1.8.1).
 *
 * ```
 * struct { HPKEPublicKey external_pub; } ExternalPub;
 * struct { SignaturePublicKey signature_key; Credential credential; } ExternalSender;
 * ExternalSender external_senders<V>;
 * ```
 *
 * @module
 */
import { type Infer, struct, vector } from '@sigil/wire';
import { HpkePublicKey, SignaturePublicKey } from './common.ts';
import { Credential } from './credential.ts';

/** `ExternalPub` (§12.4.3.2): the epoch's external HPKE public key (from external_secret). */
export const ExternalPub = struct({ externalPub: HpkePublicKey });
/** A decoded {@link ExternalPub}. */
export type ExternalPub = Infer<typeof ExternalPub>;

/** `ExternalSender` (§12.1.8.1): a party outside the group allowed to send proposals. */
export const ExternalSender = struct({
  /** The key its proposals are signed with. */
  signatureKey: SignaturePublicKey,
  credential: Credential,
});
/** A decoded {@link ExternalSender}. */
export type ExternalSender = Infer<typeof ExternalSender>;

/** The `external_senders` extension body: `ExternalSender external_senders<V>`. */
export const ExternalSenders = vector(ExternalSender);
