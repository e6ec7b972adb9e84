/**
 * @sigil/mls: RFC 9420 Messaging Layer Security for Sigil groups, cipher suites 1 and 3.
 *
 * This first layer holds the epoch machinery every MLS group runs on: cipher suites over the
 * `CryptoProvider` (§5.1), the key schedule (§8), PSKs (§8.4), transcript hashes (§8.2), the
 * secret tree (§9), and message framing (§6): decoding `MLSMessage`s, and protecting and
 * unprotecting PublicMessages and PrivateMessages. On top of the ratchet tree (§7) the group
 * layer gives KeyPackages (§10), group creation (§11), proposals and Commits (§12), Welcome
 * (§12.4.3), application messages, and a persistable `GroupState` value; published GroupInfos
 * and external Commits (§12.4.3.2), external senders and join proposals (§12.1.8), ReInit
 * (§11.2), and past epochs kept for late application messages (§15.3). Lower-level pieces
 * (tree math, labelled derivations, wire structs) are internal modules of this package.
 *
 * @example
 * ```ts
 * import { getCryptoProvider } from '@sigil/crypto';
 * import { advanceKeySchedule, getCipherSuite, SecretTree } from '@sigil/mls';
 *
 * const suite = getCipherSuite(getCryptoProvider(), 1);
 * const epoch = advanceKeySchedule(suite, { initSecret, commitSecret, groupContext });
 * const tree = SecretTree.create(suite, epoch.encryptionSecret, leafCount);
 *
 * // A group: Alice creates it and adds Bob, who joins from the Welcome.
 * const alice = createKeyPackage({ suite, identity, lifetime });
 * let a = createGroup({ suite, keyPackage: alice.keyPackage, privateKeys: alice.privateKeys });
 * const add = createCommit(a, { proposals: [{ proposalType: 'add', keyPackage: bobKp }] });
 * a = confirmPendingCommit(add.state); // once the delivery service accepted add.commit
 * let b = joinFromWelcome({ suite, welcome, keyPackage: bobKp, privateKeys: bobKeys });
 * const sent = encryptApplication(a, data); // -> sent.message, sent.state
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
// Groups (§10-§12): KeyPackages, group creation, proposals, commits, Welcome, group state.
export {
  type ConfirmPendingCommitOptions,
  type CreateCommitOptions,
  type CreatedCommit,
  confirmPendingCommit,
  createCommit,
  discardPendingCommit,
} from './group/commit.ts';
export { type CreateGroupOptions, createGroup } from './group/create-group.ts';
export type { ExternalPskLookup } from './group/epoch.ts';
export {
  type ExternalJoin,
  type JoinByExternalCommitOptions,
  joinByExternalCommit,
} from './group/external-commit.ts';
export {
  type CreateExternalProposalOptions,
  type CreateJoinProposalOptions,
  createExternalProposal,
  createJoinProposal,
  externalSendersExtension,
  externalSendersOf,
} from './group/external-senders.ts';
export { type CreateGroupInfoOptions, createGroupInfo } from './group/group-info.ts';
export type {
  CachedProposal,
  GroupState,
  PendingCommit,
  PendingUpdate,
  ReinitParameters,
  ResumptionPsk,
  RetainedEpoch,
  RetainedMember,
} from './group/group-state.ts';
export { decodeGroupState, encodeGroupState } from './group/group-state-codec.ts';
export {
  type CreatedKeyPackage,
  type CreateKeyPackageOptions,
  createKeyPackage,
  DEFAULT_CAPABILITIES,
  KeyPackagePrivateKeys,
  keyPackageRef,
} from './group/key-package.ts';
export {
  createProposal,
  createUpdateProposal,
  type DecryptApplicationOptions,
  decryptApplication,
  type EncryptApplicationOptions,
  encryptApplication,
  processProposal,
  type ReceivedApplication,
  type SentMessage,
} from './group/messages.ts';
export {
  type ProcessCommitOptions,
  type ProcessedCommit,
  processCommit,
} from './group/process-commit.ts';
export {
  type CreateReinitGroupOptions,
  createReinitGroup,
  type ReinitGroup,
} from './group/reinit.ts';
export { type JoinFromWelcomeOptions, joinFromWelcome } from './group/welcome.ts';
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
export {
  EPOCH_RETENTION_SECONDS,
  MAX_GENERATION_JUMP,
  MAX_LEAF_COUNT,
  MAX_RETAINED_EPOCHS,
  OUT_OF_ORDER_WINDOW,
} from './limits.ts';
export { computePskSecret, type PskInput } from './psk.ts';
export { type RatchetKey, type RatchetType, SecretTree } from './secret-tree.ts';
export { confirmedTranscriptHash, interimTranscriptHash } from './transcript-hashes.ts';
export type { Commit } from './wire/commit.ts';
export type { Extension, WireFormat } from './wire/common.ts';
export type { ExternalSender } from './wire/external.ts';
export type { GroupContext } from './wire/group-context.ts';
export type { KeyPackage } from './wire/key-package.ts';
export type { Proposal } from './wire/proposal.ts';
export type { PreSharedKeyId } from './wire/psk-id.ts';
export type { Welcome } from './wire/welcome.ts';

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
