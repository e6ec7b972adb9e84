/**
 * The table of stable error codes. Each code belongs to exactly one category (STYLE.md §6):
 *
 * - `Usage`: the caller broke the API contract (wrong length, unsupported algorithm).
 * - `Validation`: a payload from outside is well-formed but not acceptable (low-order point,
 *   public key that fails the FIPS 203 input check).
 * - `Codec`: bytes do not parse (truncated, trailing, non-minimal).
 * - `CryptoVerification`: authentication failed (AEAD tag, signature, MAC).
 * - `Storage`: a dependency (database, file system) failed.
 * - `Internal`: should never happen; please report.
 *
 * Codes are part of the public contract: they never change meaning and are never reused.
 * New codes are appended. The relay maps them to HTTP statuses in one table.
 *
 * @module
 */

export type ErrorCategory =
  | 'Usage'
  | 'Validation'
  | 'Codec'
  | 'CryptoVerification'
  | 'Storage'
  | 'Internal';

/** Every code Sigil raises, with its category. */
export const ERROR_CODES = {
  // Usage: contract violations by the caller.
  INVALID_ARGUMENT: 'Usage',
  INVALID_KEY_LENGTH: 'Usage',
  INVALID_NONCE_LENGTH: 'Usage',
  INVALID_OUTPUT_LENGTH: 'Usage',
  UNSUPPORTED_ALGORITHM: 'Usage',
  CIPHER_ALREADY_USED: 'Usage',

  // Validation: well-formed input that must not be accepted.
  X25519_LOW_ORDER_POINT: 'Validation',
  MLKEM_INVALID_ENCAPSULATION_KEY: 'Validation',
  MLKEM_INVALID_CIPHERTEXT_LENGTH: 'Validation',
  MLKEM_INVALID_DECAPSULATION_KEY: 'Validation',
  ED25519_INVALID_PUBLIC_KEY: 'Validation',

  // Codec: bytes that do not parse.
  CODEC_TRUNCATED: 'Codec',
  CODEC_TRAILING_BYTES: 'Codec',
  CODEC_NON_MINIMAL_VARINT: 'Codec',
  CODEC_INVALID_VARINT: 'Codec',
  CODEC_LENGTH_TOO_LARGE: 'Codec',
  CODEC_INVALID_VALUE: 'Codec',

  // CryptoVerification: authentication failures.
  AEAD_AUTHENTICATION_FAILED: 'CryptoVerification',
  SIGNATURE_INVALID: 'CryptoVerification',
  HPKE_OPEN_FAILED: 'CryptoVerification',

  // HPKE usage.
  HPKE_MESSAGE_LIMIT_REACHED: 'Usage',
  HPKE_EXPORT_ONLY: 'Usage',
  HPKE_INVALID_PSK: 'Usage',

  // Protocol (one-to-one): identities, prekeys, PQXDH, Double Ratchet, records.
  UNSUPPORTED_VERSION: 'Validation',
  UNSUPPORTED_KEY_TYPE: 'Validation',
  DEVICE_LIST_STALE: 'Validation',
  DEVICE_NOT_ON_LIST: 'Validation',
  IDENTITY_MISMATCH: 'Validation',
  PQXDH_KEM_REQUIRED: 'Validation',
  PREKEY_NOT_FOUND: 'Validation',
  SESSION_NOT_FOUND: 'Validation',
  DUPLICATE_MESSAGE: 'Validation',
  RATCHET_JUMP_TOO_LARGE: 'Validation',
  MESSAGE_AUTHENTICATION_FAILED: 'CryptoVerification',
  PADDING_INVALID: 'Validation',
  RECORD_AUTHENTICATION_FAILED: 'CryptoVerification',

  // Storage and internal.
  STORAGE_FAILURE: 'Storage',
  INTERNAL: 'Internal',

  // Relay (packages/relay): request outcomes a client can act on; HTTP statuses in
  // packages/relay/src/errors.ts.
  REQUEST_INVALID: 'Validation',
  UNAUTHENTICATED: 'Validation',
  FORBIDDEN: 'Validation',
  NOT_FOUND: 'Validation',
  CONFLICT: 'Validation',
  RATE_LIMITED: 'Validation',
  PAYLOAD_TOO_LARGE: 'Validation',
  DEVICE_SET_MISMATCH: 'Validation',
  USERNAME_TAKEN: 'Validation',
  UNAVAILABLE: 'Storage',
  /** Groups: no group with this id on the relay. */
  GROUP_NOT_FOUND: 'Validation',
  /** Groups: a group with this id already exists. */
  GROUP_EXISTS: 'Validation',
  /** Groups: the message or commit is not for the group's current epoch (details.currentEpoch). */
  GROUP_EPOCH_MISMATCH: 'Validation',
  /** Groups: the calling device (or, where it suffices, its account) is not a group member. */
  NOT_GROUP_MEMBER: 'Validation',
  /** MLS KeyPackage upload: not a valid KeyPackage of the uploading device. */
  KEY_PACKAGE_INVALID: 'Validation',
  /** MLS KeyPackage upload: the device would store more one-time KeyPackages than allowed. */
  KEY_PACKAGE_LIMIT: 'Validation',

  // MLS (packages/mls, RFC 9420): message framing and the secret tree. Each code is one rule;
  // the section is cited where the rule is enforced. Bad AEAD tags, signatures and padding use
  // AEAD_AUTHENTICATION_FAILED, SIGNATURE_INVALID and PADDING_INVALID.
  /** §6.3.1/§6.3.2: the message's group_id is not the group's. */
  MLS_WRONG_GROUP_ID: 'Validation',
  /** §6.3/§12.4.2: the message's epoch is not the group's current epoch. */
  MLS_WRONG_EPOCH: 'Validation',
  /** §6.2: the membership_tag of a member's PublicMessage does not verify. */
  MLS_INVALID_MEMBERSHIP_TAG: 'CryptoVerification',
  /** §6.3.2/§6.1: the sender is not a non-blank leaf (or a known external sender). */
  MLS_UNKNOWN_SENDER: 'Validation',
  /** §6.1/§6.3.2: this sender type may not send this content type or wire format. */
  MLS_INVALID_SENDER_TYPE: 'Validation',
  /** §6.2: application data sent as a PublicMessage (it MUST be a PrivateMessage). */
  MLS_APPLICATION_IN_PUBLIC_MESSAGE: 'Validation',
  /** §9.1: a generation further ahead of the ratchet than the forward-jump limit. */
  MLS_GENERATION_TOO_FAR: 'Validation',
  /** §9.2: a generation older than the out-of-order window; its key was deleted. */
  MLS_GENERATION_TOO_OLD: 'Validation',
  /** §9.2: the key of this generation was already used (a replay) and deleted. */
  MLS_SECRET_REUSED: 'Validation',
  /** §8.4/§12.1.4: a PreSharedKeyID whose psk_nonce is not KDF.Nh bytes. */
  MLS_INVALID_PSK_NONCE: 'Validation',

  // MLS ratchet tree and TreeKEM (packages/mls/src/tree): one code per validation rule.
  /** §12.4.3.3: a ratchet_tree that is not a tree (trailing blank, node of the wrong type). */
  MLS_MALFORMED_RATCHET_TREE: 'Validation',
  /** §12.4.3.1/§12.4.3.3: the root tree hash differs from the GroupContext's tree_hash. */
  MLS_TREE_HASH_MISMATCH: 'Validation',
  /** §7.9.2: a parent node not parent-hash valid, or a commit leaf whose parent_hash is wrong. */
  MLS_INVALID_PARENT_HASH: 'Validation',
  /** §12.4.3.1: an unmerged_leaves entry that is not a non-blank descendant leaf, or is missing. */
  MLS_INVALID_UNMERGED_LEAVES: 'Validation',
  /** §7.3/§12.4.2/§12.4.3.1: an encryption_key that another node of the tree already holds. */
  MLS_DUPLICATE_ENCRYPTION_KEY: 'Validation',
  /** §7.3: a signature_key that another member's leaf already holds. */
  MLS_DUPLICATE_SIGNATURE_KEY: 'Validation',
  /** §5.1.1/§10: an HPKE or signature public key that is not a key of the cipher suite. */
  MLS_INVALID_PUBLIC_KEY: 'Validation',
  /** §7.3: a LeafNode whose signature does not verify under its signature_key. */
  MLS_INVALID_LEAF_NODE_SIGNATURE: 'CryptoVerification',
  /** §7.3: a leaf_node_source other than the one the LeafNode's context requires. */
  MLS_INVALID_LEAF_NODE_SOURCE: 'Validation',
  /** §5.3.1/§7.3: the application's Authentication Service rejected the credential. */
  MLS_CREDENTIAL_REJECTED: 'Validation',
  /** §7.2/§7.3/§13.3: a credential type not supported by the leaf itself or by every member. */
  MLS_UNSUPPORTED_CREDENTIAL_TYPE: 'Validation',
  /** §7.2/§7.3: a non-default LeafNode extension its capabilities do not list. */
  MLS_UNSUPPORTED_LEAF_NODE_EXTENSION: 'Validation',
  /** §13.4: a list of extensions holding two extensions of the same type. */
  MLS_DUPLICATE_EXTENSION: 'Validation',
  /** §7.3/§11.1: a LeafNode lacking a capability the group's required_capabilities requires. */
  MLS_MISSING_REQUIRED_CAPABILITY: 'Validation',
  /** §7.2/§7.3: the time is outside the LeafNode's lifetime, or the lifetime is too long. */
  MLS_INVALID_LIFETIME: 'Validation',
  /** §7.3/§12.4.2: an Update or Commit LeafNode that keeps the replaced leaf's encryption_key. */
  MLS_ENCRYPTION_KEY_NOT_UPDATED: 'Validation',
  /** §10.1: a KeyPackage whose signature does not verify. */
  MLS_INVALID_KEY_PACKAGE_SIGNATURE: 'CryptoVerification',
  /** §10.1: a cipher suite Sigil does not implement (it implements 1 and 3). */
  MLS_UNSUPPORTED_CIPHER_SUITE: 'Validation',
  /** §10.1/§12.4.3.1: a cipher suite other than the group's. */
  MLS_CIPHER_SUITE_MISMATCH: 'Validation',
  /** §10.1: a KeyPackage whose init_key equals its leaf's encryption_key. */
  MLS_INIT_KEY_IS_ENCRYPTION_KEY: 'Validation',
  /** §12.1.3: a Remove whose removed index is not a non-blank leaf. */
  MLS_INVALID_REMOVE: 'Validation',
  /** §7.6: UpdatePath nodes or ciphertexts that do not match the filtered direct path. */
  MLS_INVALID_UPDATE_PATH: 'Validation',
  /** §7.5: the receiver holds no private key for any node of its copath resolution. */
  MLS_NO_PATH_DECRYPTION_KEY: 'Validation',
  /** §7.5: a public key derived from the decrypted path secret differs from the UpdatePath's. */
  MLS_PATH_PUBLIC_KEY_MISMATCH: 'Validation',

  // MLS group layer (packages/mls/src/group): proposals, commits, Welcome, group state.
  /** §12.4.2/§6.1: a Commit's confirmation_tag (or a GroupInfo's) does not verify. */
  MLS_INVALID_CONFIRMATION_TAG: 'CryptoVerification',
  /** §12.4.3: a GroupInfo whose signature does not verify under the signer's leaf key. */
  MLS_INVALID_GROUP_INFO_SIGNATURE: 'CryptoVerification',
  /** §12.4.3.1: no EncryptedGroupSecrets names our KeyPackage, or our leaf is not in the tree. */
  MLS_WELCOME_NOT_FOR_US: 'Validation',
  /** §12.4: a Commit references a proposal this member has not received in the epoch. */
  MLS_UNKNOWN_PROPOSAL_REF: 'Validation',
  /** §12.4: a Commit without a path where the proposals require one. */
  MLS_PATH_REQUIRED: 'Validation',
  /** §12.2: an Update or Remove proposal for the committer's own leaf. */
  MLS_COMMITTER_IN_PROPOSAL: 'Validation',
  /** §12.2: two Update/Remove proposals for the same leaf. */
  MLS_CONFLICTING_PROPOSALS: 'Validation',
  /** §12.2: two Add proposals for the same client, or an Add of a current member. */
  MLS_DUPLICATE_ADD: 'Validation',
  /** §12.2: two PreSharedKey proposals with the same PreSharedKeyID. */
  MLS_DUPLICATE_PSK: 'Validation',
  /** §12.2: more than one GroupContextExtensions proposal. */
  MLS_MULTIPLE_GROUP_CONTEXT_EXTENSIONS: 'Validation',
  /** §12.1: a proposal type this implementation does not handle yet (ReInit, ExternalInit). */
  MLS_UNSUPPORTED_PROPOSAL: 'Validation',
  /** §8.4: a PreSharedKeyID whose PSK this member does not hold. */
  MLS_UNKNOWN_PSK: 'Validation',
  /** §6: content of a type the operation does not accept (e.g. application data as a Commit). */
  MLS_UNEXPECTED_CONTENT_TYPE: 'Validation',
  /** §12.4: confirming or discarding a commit when none is pending. */
  MLS_NO_PENDING_COMMIT: 'Usage',

  // SFrame (packages/mls/src/sframe, RFC 9605): media frame encryption. Bad tags use
  // AEAD_AUTHENTICATION_FAILED; unknown cipher suites UNSUPPORTED_ALGORITHM.
  /** §4.3: an SFrame header that does not parse (truncated, non-minimal KID or CTR encoding). */
  SFRAME_HEADER_INVALID: 'Codec',
  /** §4.4.1/§4.4.4: no key for the header's KID (or none usable in this direction). */
  SFRAME_UNKNOWN_KEY_ID: 'Validation',
  /** §7.4/§9.3: a frame whose (KID, CTR) was already accepted within the replay window. */
  SFRAME_REPLAY: 'Validation',
  /** §9.3: a frame whose CTR is older than the replay window (it can no longer be checked). */
  SFRAME_COUNTER_TOO_OLD: 'Validation',
  /** §7.4/§9.1: the send key's counter is used up (CTR would exceed 2^64 - 1). */
  SFRAME_COUNTER_EXHAUSTED: 'Usage',
  /** §4.4.1/§9.1: a key is already installed under this KID (reinstalling could reuse nonces). */
  SFRAME_KEY_ID_IN_USE: 'Usage',
  // MLS groups (packages/mls/src/group): ReInit (§11.2), external commits (§12.4.3.2) and
  // external senders (§12.1.8.1).
  /** §11.2: the group was ended by a committed ReInit: nothing more may be sent or committed. */
  MLS_GROUP_REINITIALIZED: 'Usage',
  /** §12.2: a Commit with a ReInit proposal and any other proposal. */
  MLS_REINIT_NOT_ALONE: 'Validation',
  /** §12.1.5: a ReInit to a lower protocol version or an unsupported cipher suite. */
  MLS_INVALID_REINIT: 'Validation',
  /** §11.2: a reinitialized group that does not match the ReInit, or a wrong reinit PSK. */
  MLS_REINIT_MISMATCH: 'Validation',
  /** §12.2: an external Commit without exactly one ExternalInit proposal. */
  MLS_EXTERNAL_INIT_COUNT: 'Validation',
  /** §12.1.6: an ExternalInit proposal outside an external Commit. */
  MLS_UNEXPECTED_EXTERNAL_INIT: 'Validation',
  /** §12.2: an external Commit with a proposal other than ExternalInit, Remove, PreSharedKey. */
  MLS_EXTERNAL_COMMIT_PROPOSAL: 'Validation',
  /** §12.4.3.2: an external Commit that names proposals by reference. */
  MLS_EXTERNAL_COMMIT_REFERENCE: 'Validation',
  /** §12.4.3.2: an external Commit removing more than one leaf, or a leaf of another identity. */
  MLS_EXTERNAL_COMMIT_REMOVE: 'Validation',
  /** §12.4.3.2: a GroupInfo without the external_pub extension (external joins disabled). */
  MLS_MISSING_EXTERNAL_PUB: 'Validation',
  /** §12.4.3.2: sending in a group joined by an external Commit not yet confirmed. */
  MLS_EXTERNAL_JOIN_PENDING: 'Usage',
  /** §12.1.8.1: an external sender's proposal of a type external senders may not send. */
  MLS_EXTERNAL_PROPOSAL_NOT_ALLOWED: 'Validation',

  // Client (packages/client): outcomes an application or the CLI acts on.
  /** A contact's account key changed; sending is blocked until the user accepts the change. */
  IDENTITY_CHANGED: 'Validation',
  /** The local store holds no account (create one, or join an account, first). */
  NO_LOCAL_ACCOUNT: 'Usage',
  /** The local store already holds an account. */
  ACCOUNT_EXISTS: 'Usage',
  /** The operation needs an open client (`open()` or `createAccount()` first). */
  CLIENT_NOT_OPEN: 'Usage',
  /** No such contact in the local store. */
  CONTACT_NOT_FOUND: 'Usage',
  /** The relay could not be reached (network failure or timeout). */
  RELAY_UNREACHABLE: 'Storage',
  /** The relay answered something that does not follow its API. */
  RELAY_RESPONSE_INVALID: 'Validation',
  /** The storage key (or passphrase) does not open this profile's store. */
  STORAGE_KEY_INVALID: 'CryptoVerification',
  /** The profile's storage key is protected by a passphrase and none was given. */
  PASSPHRASE_REQUIRED: 'Usage',
  /** The storage key file can be read by other users (it must be mode 0600). */
  STORAGE_KEY_INSECURE: 'Validation',
  /** A device to add to a group has no usable KeyPackage on the relay (details.deviceIds). */
  KEY_PACKAGE_NOT_FOUND: 'Validation',
} as const satisfies Record<string, ErrorCategory>;

/** A stable error code string. */
export type ErrorCode = keyof typeof ERROR_CODES;
