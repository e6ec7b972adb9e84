/**
 * @sigil/protocol: Sigil's one-to-one protocol core (spec/one-to-one.md), without I/O. Every
 * operation takes a `ProtocolContext` ({ crypto, random?, now? }) and returns values; the
 * application keeps them in its stores (interfaces in this package, implementations in the
 * client).
 *
 * - Identities (§2): `createAccount`, `createDevice`, `createDeviceList`.
 * - Prekeys (§3): `generateSignedPreKey`, `generateOneTimePreKeys`, `generateKemPreKeys`,
 *   `generateLastResortKemPreKey`, `buildPreKeyBundle`; checked with `verifyPreKeyBundle`.
 * - Sessions (§4, §5, §7): `startSession`, `encryptMessage`, `parseIncoming` then
 *   `decryptMessage`; records with `encodeSessionRecord` / `sealSessionRecord`.
 * - Safety numbers (§8), padding (§6), limits (§5.1), store interfaces.
 *
 * The relay and other holders of no secret import `@sigil/protocol/public` instead (signature
 * and bundle verification, labels, decode helpers).
 *
 * @example
 * ```ts
 * import { decodePreKeyBundle, encryptMessage, startSession, verifyPreKeyBundle } from
 *   '@sigil/protocol';
 * const bundle = verifyPreKeyBundle(crypto, decodePreKeyBundle(bytes), trustedAccountKey);
 * let record = startSession({ crypto }, { local: myDevice, bundle });
 * const { record: next, message } = encryptMessage({ crypto }, record, plaintext);
 * ```
 * @module
 */

// Context (randomness and time are injected).
export { type ProtocolContext, unsafeDeterministicRandom } from './context.ts';
// PQXDH handshake constant.
export { MLKEM_1024_CIPHERTEXT_LENGTH } from './handshake/pqxdh.ts';
// Identities (§2).
export {
  AccountIdentity,
  type AccountIdentityRecord,
  createAccount,
} from './identity/account.ts';
export {
  certifyDevice,
  createDevice,
  createDeviceKeys,
  type DeviceCertificateRequest,
  DeviceIdentity,
  type DeviceIdentityRecord,
  type DeviceKeys,
} from './identity/device.ts';
export { createDeviceList, type DeviceListEntry } from './identity/device-list.ts';
// Limits (§5.1).
export {
  MAX_ARCHIVED_SESSIONS,
  MAX_FORWARD_JUMP,
  MAX_RECEIVER_CHAINS,
  MAX_STORED_SKIPPED_KEYS,
  MAX_UNACKNOWLEDGED_SESSION_AGE_MS,
  PQ_STEP_INTERVAL,
} from './limits.ts';
// Padding (§6).
export {
  PADDING_BUCKET,
  PADDING_LARGE_BLOCK,
  PADDING_SMALL_LIMIT,
  pad,
  paddedLength,
  unpad,
} from './padding.ts';
// Prekeys (§3).
export { buildPreKeyBundle, type PreKeyBundleParts } from './prekeys/bundle.ts';
export { MAX_PRE_KEY_BATCH, MAX_PRE_KEY_ID } from './prekeys/ids.ts';
export {
  generateKemPreKeys,
  generateLastResortKemPreKey,
  KemPreKeyPair,
  type KemPreKeyRecord,
} from './prekeys/kem-pre-key.ts';
export {
  generateOneTimePreKeys,
  OneTimePreKeyPair,
  type OneTimePreKeyRecord,
} from './prekeys/one-time-pre-key.ts';
export {
  generateSignedPreKey,
  SignedPreKeyPair,
  type SignedPreKeyRecord,
} from './prekeys/signed-pre-key.ts';
// Public verification (also at '@sigil/protocol/public').
export {
  decodeDeviceCertificate,
  decodePreKeyBundle,
  decodeSignedDeviceList,
} from './public/decode.ts';
export {
  findDevice,
  requireDeviceOnList,
  type VerifiedDeviceCertificate,
  type VerifiedDeviceList,
  type VerifySignedDeviceListOptions,
  verifyDeviceCertificate,
  verifySignedDeviceList,
} from './public/verify-identity.ts';
export {
  type BundleOneTimePreKey,
  type VerifiedKemPreKey,
  type VerifiedPreKeyBundle,
  type VerifiedSignedPreKey,
  verifyPreKeyBundle,
} from './public/verify-prekeys.ts';
// The Double Ratchet (§5), for callers that manage sessions themselves. Most users won't need it.
export {
  type DecryptResult,
  type EncryptOptions,
  type EncryptResult,
  type InitiatorParams,
  initializeInitiator,
  initializeResponder,
  type ResponderParams,
  ratchetDecrypt,
  ratchetEncrypt,
} from './ratchet/double-ratchet.ts';
export {
  RatchetState,
  ratchetStateFromRecord,
  ratchetStateToRecord,
} from './ratchet/ratchet-state.ts';
// Safety numbers (§8).
export {
  accountFingerprint,
  compareQrPayload,
  computeSafetyNumber,
  FINGERPRINT_LENGTH,
  QR_PAYLOAD_LENGTH,
  SAFETY_NUMBER_DIGITS,
  SAFETY_NUMBER_ITERATIONS,
  SAFETY_NUMBER_VERSION,
  type SafetyNumber,
  type SafetyNumberParty,
} from './safety-number.ts';
// Sessions (§4, §7).
export {
  type IncomingMessage,
  type IncomingPreKeyMessage,
  type IncomingRatchetMessage,
  type PrekeyIds,
  parseIncoming,
} from './session/incoming.ts';
export {
  type ConsumedPreKeys,
  type DecryptMessageParams,
  type DecryptMessageResult,
  decryptMessage,
  type EncryptMessageOptions,
  type EncryptMessageResult,
  encryptMessage,
  type LastResortUse,
  type PreKeySecrets,
  type SeenLastResort,
  type SessionPeer,
  type StartSessionParams,
  startSession,
} from './session/session-cipher.ts';
export {
  decodeSessionRecord,
  EMPTY_SESSION_RECORD,
  encodeSessionRecord,
  openSessionRecord,
  promoteSession,
  type SessionRecord,
  type SessionState,
  sealSessionRecord,
} from './session/session-record.ts';
// Store interfaces (implemented by the client SDK).
export type { IdentityStore, PeerAddress, PreKeyStore, SessionStore } from './storage.ts';
