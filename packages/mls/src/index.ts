/**
 * @sigil/mls: RFC 9420 Messaging Layer Security for Sigil groups, cipher suites 1 and 3.
 *
 * This first layer holds the epoch machinery every MLS group runs on: cipher suites over the
 * `CryptoProvider` (§5.1), the key schedule (§8), PSKs (§8.4), transcript hashes (§8.2), the
 * secret tree (§9), and message framing (§6): decoding `MLSMessage`s, and protecting and
 * unprotecting PublicMessages and PrivateMessages. The ratchet tree, proposals, commits and
 * Welcome processing build on it. Lower-level pieces (tree math, labelled derivations, wire
 * structs) are internal modules of this package.
 *
 * @example
 * ```ts
 * import { getCryptoProvider } from '@sigil/crypto';
 * import { advanceKeySchedule, getCipherSuite, SecretTree } from '@sigil/mls';
 *
 * const suite = getCipherSuite(getCryptoProvider(), 1);
 * const epoch = advanceKeySchedule(suite, { initSecret, commitSecret, groupContext });
 * const tree = SecretTree.create(suite, epoch.encryptionSecret, leafCount);
 * ```
 * @module
 */
import { decode, encode } from '@sigil/wire';
import { MlsMessage } from './framing/mls-message.ts';

export {
  type CipherSuite,
  type CipherSuiteId,
  type CipherSuiteName,
  getCipherSuite,
  isSupportedCipherSuite,
  type SignatureScheme,
} from './cipher-suite.ts';
export {
  authenticateContent,
  type ContentToSign,
  type SignerKeys,
  signFramedContent,
  verifyFramedContent,
} from './framing/content-auth.ts';
export type {
  AuthenticatedContent,
  FramedContent,
  FramedContentAuthData,
  FramedContentBody,
} from './framing/framed-content.ts';
export type { MlsMessage, PrivateMessage, PublicMessage } from './framing/mls-message.ts';
export {
  type PrivateMessageReceiveContext,
  type PrivateMessageSendContext,
  type ProtectedPrivateMessage,
  protectPrivateMessage,
  type UnprotectedPrivateMessage,
  unprotectPrivateMessage,
} from './framing/private-message.ts';
export {
  type PublicMessageContext,
  protectPublicMessage,
  unprotectPublicMessage,
} from './framing/public-message.ts';
export type { Sender, SenderType } from './framing/sender.ts';
export {
  advanceKeySchedule,
  confirmationTag,
  EpochSecrets,
  epochSecretsFromEpochSecret,
  externalKeyPair,
  type KeyScheduleInput,
  keyScheduleFromJoiner,
  mlsExporter,
  verifyConfirmationTag,
} from './key-schedule.ts';
export { MAX_GENERATION_JUMP, MAX_LEAF_COUNT, OUT_OF_ORDER_WINDOW } from './limits.ts';
export { computePskSecret, type PskInput } from './psk.ts';
export { type RatchetKey, type RatchetType, SecretTree } from './secret-tree.ts';
export { confirmedTranscriptHash, interimTranscriptHash } from './transcript-hashes.ts';
export type { Commit } from './wire/commit.ts';
export type { Extension, WireFormat } from './wire/common.ts';
export type { GroupContext } from './wire/group-context.ts';
export type { Proposal } from './wire/proposal.ts';
export type { PreSharedKeyId } from './wire/psk-id.ts';

/**
 * Decodes an MLSMessage (§6).
 * @throws SigilError `UNSUPPORTED_VERSION` if it is not an MLS 1.0 message; a `Codec` error
 *   (`CODEC_TRUNCATED`, `CODEC_INVALID_VALUE`, ...) if the bytes do not parse.
 */
export function decodeMlsMessage(bytes: Uint8Array): MlsMessage {
  return decode(MlsMessage, bytes);
}

/**
 * Encodes an MLSMessage (§6).
 * @throws SigilError `INVALID_ARGUMENT` if a field cannot be encoded.
 */
export function encodeMlsMessage(message: MlsMessage): Uint8Array {
  return encode(MlsMessage, message);
}
