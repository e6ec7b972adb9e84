/**
 * `Welcome` (RFC 9420 §12.4.3.1) and the `GroupSecrets` each new member decrypts from it.
 *
 * ```
 * struct { opaque path_secret<V>; } PathSecret;
 * struct {
 *   opaque joiner_secret<V>;
 *   optional<PathSecret> path_secret;
 *   PreSharedKeyID psks<V>;
 * } GroupSecrets;
 * struct { KeyPackageRef new_member; HPKECiphertext encrypted_group_secrets; } EncryptedGroupSecrets;
 * struct {
 *   CipherSuite cipher_suite;
 *   EncryptedGroupSecrets secrets<V>;
 *   opaque encrypted_group_info<V>;
 * } Welcome;
 * ```
 *
 * @module
 */
import { type Infer, opaqueVar, optional, struct, vector } from '@sigil/wire';
import { CipherSuiteCode, HashReference, HpkeCiphertext } from './common.ts';
import { PreSharedKeyId } from './psk-id.ts';

/** `PathSecret` (§12.4.3.1). */
export const PathSecret = struct({ pathSecret: opaqueVar });
/** A decoded {@link PathSecret}. */
export type PathSecret = Infer<typeof PathSecret>;

/** `GroupSecrets` (§12.4.3.1): encrypted with EncryptWithLabel(init_key, "Welcome", ...). */
export const GroupSecrets = struct({
  joinerSecret: opaqueVar,
  /** The path secret of the lowest common ancestor of the committer and the new member. */
  pathSecret: optional(PathSecret),
  psks: vector(PreSharedKeyId),
});
/** A decoded {@link GroupSecrets}. */
export type GroupSecrets = Infer<typeof GroupSecrets>;

/** `EncryptedGroupSecrets` (§12.4.3.1). */
export const EncryptedGroupSecrets = struct({
  /** KeyPackageRef of the new member's KeyPackage. */
  newMember: HashReference,
  encryptedGroupSecrets: HpkeCiphertext,
});
/** A decoded {@link EncryptedGroupSecrets}. */
export type EncryptedGroupSecrets = Infer<typeof EncryptedGroupSecrets>;

/** `Welcome` (§12.4.3.1). */
export const Welcome = struct({
  cipherSuite: CipherSuiteCode,
  secrets: vector(EncryptedGroupSecrets),
  /** The GroupInfo, encrypted under welcome_key and welcome_nonce. */
  encryptedGroupInfo: opaqueVar,
});
/** A decoded {@link Welcome}. */
export type Welcome = Infer<typeof Welcome>;
