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
} as const satisfies Record<string, ErrorCategory>;

/** A stable error code string. */
export type ErrorCode = keyof typeof ERROR_CODES;
