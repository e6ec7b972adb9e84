/**
 * PrivateMessage protection (RFC 9420 §6.3): content encrypted under the sender's ratchet key
 * from the secret tree, and sender data encrypted under keys derived from sender_data_secret.
 *
 * ```
 * struct {
 *     select (PrivateMessage.content_type) {
 *         case application: opaque application_data<V>;
 *         case proposal:    Proposal proposal;
 *         case commit:      Commit commit;
 *     };
 *     FramedContentAuthData auth;
 *     opaque padding[length_of_padding];            // all zero
 * } PrivateMessageContent;
 * struct { opaque group_id<V>; uint64 epoch; ContentType content_type;
 *          opaque authenticated_data<V>; } PrivateContentAAD;
 *
 * content nonce = ratchet_nonce XOR (reuse_guard || 0...)     (§6.3.1)
 * ```
 *
 * Application content uses the sender's application ratchet, proposals and commits its
 * handshake ratchet. Receiving checks, in order: group_id and epoch (`MLS_WRONG_GROUP_ID`,
 * `MLS_WRONG_EPOCH`); the sender data AEAD (`AEAD_AUTHENTICATION_FAILED`); that the sender is
 * a non-blank leaf (`MLS_UNKNOWN_SENDER`); the generation (`MLS_GENERATION_TOO_FAR`,
 * `MLS_GENERATION_TOO_OLD`, `MLS_SECRET_REUSED`); the content AEAD
 * (`AEAD_AUTHENTICATION_FAILED`); the padding (`PADDING_INVALID`); the signature
 * (`SIGNATURE_INVALID`). The secret tree is a value: the caller's tree is untouched whatever
 * happens, and the advanced tree is returned only with the verified content.
 *
 * @example
 * ```ts
 * const sent = protectPrivateMessage(suite, authenticated, { secretTree, senderDataSecret });
 * const got = unprotectPrivateMessage(suite, sent.message, {
 *   groupContext, secretTree: peerTree, senderDataSecret, signers });
 * peerTree = got.secretTree; // store, then wipe got.consumed
 * ```
 * @module
 */
import { isAllZero } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { decode, encode, opaqueVar, Reader, uint64, Writer } from '@sigil/wire';
import type { CipherSuite } from '../cipher-suite.ts';
import type { RatchetType, SecretTree } from '../secret-tree.ts';
import { ContentType } from '../wire/common.ts';
import type { GroupContext } from '../wire/group-context.ts';
import { type SignerKeys, verifyFramedContent } from './content-auth.ts';
import {
  type AuthenticatedContent,
  authDataCodec,
  decodeBody,
  encodeBody,
  type FramedContent,
} from './framed-content.ts';
import type { PrivateMessage } from './mls-message.ts';
import { REUSE_GUARD_LENGTH, SenderData, senderDataKeyAndNonce } from './sender-data.ts';
import { checkGroupAndEpoch } from './validation.ts';

/** What a sender needs to protect a PrivateMessage. */
export interface PrivateMessageSendContext {
  /** The current epoch's secret tree; the sender's ratchet is taken from it. */
  readonly secretTree: SecretTree;
  /** The current epoch's sender_data_secret. */
  readonly senderDataSecret: Uint8Array;
  /** Zero bytes appended to hide the content length (§6.3.1); 0 by default. */
  readonly paddingLength?: number;
}

/** What a receiver needs to unprotect a PrivateMessage of the current epoch. */
export interface PrivateMessageReceiveContext {
  /** The group's current GroupContext. */
  readonly groupContext: GroupContext;
  /** The current epoch's secret tree. Not modified. */
  readonly secretTree: SecretTree;
  /** The current epoch's sender_data_secret. */
  readonly senderDataSecret: Uint8Array;
  /** The signature keys of the members (`member` returns undefined for blank leaves). */
  readonly signers: SignerKeys;
}

/** The result of protecting a message. */
export interface ProtectedPrivateMessage {
  readonly message: PrivateMessage;
  /** The sender's tree after using one generation: store it before sending. */
  readonly secretTree: SecretTree;
  /** The generation used. */
  readonly generation: number;
  /** Secrets the new tree no longer holds; wipe them once it is stored. */
  readonly consumed: readonly Uint8Array[];
}

/** The result of unprotecting a message. */
export interface UnprotectedPrivateMessage {
  /** The verified content (wire format mls_private_message). */
  readonly authenticatedContent: AuthenticatedContent;
  /** The receiver's tree with this generation's key deleted: store it. */
  readonly secretTree: SecretTree;
  /** The generation the message was sent at. */
  readonly generation: number;
  /** Secrets the new tree no longer holds; wipe them once it is stored. */
  readonly consumed: readonly Uint8Array[];
}

function ratchetTypeOf(contentType: ContentType): RatchetType {
  return contentType === 'application' ? 'application' : 'handshake';
}

/**
 * The encoded PrivateContentAAD (§6.3.1) and SenderDataAAD (§6.3.2), from one encoding: the
 * latter is the first three fields of the former (group_id, epoch, content_type), so it is a
 * view of its prefix. Both are only read (as AEAD associated data).
 */
function aadsOf(message: {
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly contentType: ContentType;
  readonly authenticatedData: Uint8Array;
}): { readonly content: Uint8Array; readonly senderData: Uint8Array } {
  const writer = new Writer({
    initialCapacity: message.groupId.length + message.authenticatedData.length + 24,
  });
  opaqueVar.encode(writer, message.groupId);
  uint64.encode(writer, message.epoch);
  ContentType.encode(writer, message.contentType);
  const senderDataLength = writer.length;
  opaqueVar.encode(writer, message.authenticatedData);
  const content = writer.finish();
  return { content, senderData: content.subarray(0, senderDataLength) };
}

/** ratchet nonce XOR (reuse_guard || zeros) (§6.3.1), as a fresh array. */
function guardNonce(nonce: Uint8Array, reuseGuard: Uint8Array): Uint8Array {
  const out = Uint8Array.from(nonce);
  for (let i = 0; i < REUSE_GUARD_LENGTH; i++) {
    out[i] = (out[i] as number) ^ (reuseGuard[i] as number);
  }
  return out;
}

/**
 * Encrypts signed content as a PrivateMessage (§6.3) with the next generation of the sender's
 * ratchet. `authenticated` must have been signed for wire format mls_private_message by a
 * member sender.
 * @throws SigilError `MLS_INVALID_SENDER_TYPE` if the sender is not a member (§6.3.2).
 * @throws SigilError `INVALID_ARGUMENT` if the wire format is not mls_private_message or the
 *   padding length is not a non-negative integer.
 * @throws SigilError `MLS_UNKNOWN_SENDER` if the sender's leaf is outside the secret tree.
 */
export function protectPrivateMessage(
  suite: CipherSuite,
  authenticated: AuthenticatedContent,
  context: PrivateMessageSendContext,
): ProtectedPrivateMessage {
  const { content, auth } = authenticated;
  if (authenticated.wireFormat !== 'mls_private_message') {
    throw new SigilError('INVALID_ARGUMENT', 'content was signed for another wire format');
  }
  // §6.3.2: "the sender MUST verify Sender.sender_type is member".
  if (content.sender.senderType !== 'member') {
    throw new SigilError('MLS_INVALID_SENDER_TYPE', 'only members send PrivateMessages', {
      details: { senderType: content.sender.senderType },
    });
  }
  const paddingLength = context.paddingLength ?? 0;
  if (!Number.isSafeInteger(paddingLength) || paddingLength < 0) {
    throw new SigilError('INVALID_ARGUMENT', 'padding length must be a non-negative integer');
  }
  const leafIndex = content.sender.leafIndex;
  const step = context.secretTree.nextKey(leafIndex, ratchetTypeOf(content.contentType));

  const writer = new Writer({ initialCapacity: 128 + paddingLength });
  encodeBody(writer, content);
  authDataCodec(content.contentType).encode(writer, auth);
  // The codec writes no prefix for the padding: the receiver takes what follows auth.
  writer.writeBytes(new Uint8Array(paddingLength));
  const plaintext = writer.finish();

  // §6.3.1: a fresh reuse guard per message, in case ratchet state is ever lost and reused.
  const reuseGuard = suite.provider.random.bytes(REUSE_GUARD_LENGTH);
  const nonce = guardNonce(step.nonce, reuseGuard);
  const aads = aadsOf(content);
  const ciphertext = suite.seal(step.key, nonce, aads.content, plaintext);
  plaintext.fill(0);
  nonce.fill(0);

  const senderData = encode(SenderData, { leafIndex, generation: step.generation, reuseGuard });
  const senderKeys = senderDataKeyAndNonce(suite, context.senderDataSecret, ciphertext);
  const encryptedSenderData = suite.seal(
    senderKeys.key,
    senderKeys.nonce,
    aads.senderData,
    senderData,
  );
  senderKeys.key.fill(0);

  return {
    message: {
      groupId: content.groupId,
      epoch: content.epoch,
      contentType: content.contentType,
      authenticatedData: content.authenticatedData,
      encryptedSenderData,
      ciphertext,
    },
    secretTree: step.tree,
    generation: step.generation,
    consumed: step.consumed,
  };
}

/** Opens the sender data (§6.3.2). */
function openSenderData(
  suite: CipherSuite,
  message: PrivateMessage,
  senderDataSecret: Uint8Array,
  aad: Uint8Array,
): SenderData {
  const keys = senderDataKeyAndNonce(suite, senderDataSecret, message.ciphertext);
  try {
    return decode(SenderData, suite.open(keys.key, keys.nonce, aad, message.encryptedSenderData));
  } finally {
    keys.key.fill(0);
  }
}

/**
 * Decrypts and verifies a PrivateMessage (§6.3) and returns its content with the advanced
 * secret tree. `context.secretTree` is never modified.
 * @throws SigilError `MLS_WRONG_GROUP_ID`, `MLS_WRONG_EPOCH`, `AEAD_AUTHENTICATION_FAILED`,
 *   `MLS_UNKNOWN_SENDER`, `MLS_GENERATION_TOO_FAR`, `MLS_GENERATION_TOO_OLD`,
 *   `MLS_SECRET_REUSED`, `PADDING_INVALID`, `SIGNATURE_INVALID` (see the module comment), or a
 *   `Codec` error for a decrypted payload that does not parse.
 */
export function unprotectPrivateMessage(
  suite: CipherSuite,
  message: PrivateMessage,
  context: PrivateMessageReceiveContext,
): UnprotectedPrivateMessage {
  const { groupContext, signers } = context;
  checkGroupAndEpoch(message, groupContext);
  const aads = aadsOf(message);
  const senderData = openSenderData(suite, message, context.senderDataSecret, aads.senderData);
  const { leafIndex, generation } = senderData;
  // §6.3.2: "the recipient MUST verify that the leaf index ... identifies a non-blank node".
  if (signers.member(leafIndex) === undefined) {
    throw new SigilError('MLS_UNKNOWN_SENDER', 'the sender leaf is blank or outside the tree', {
      details: { leafIndex },
    });
  }
  const step = context.secretTree.keyFor(leafIndex, ratchetTypeOf(message.contentType), generation);
  const nonce = guardNonce(step.nonce, senderData.reuseGuard);
  const plaintext = suite.open(step.key, nonce, aads.content, message.ciphertext);
  nonce.fill(0);

  let body: ReturnType<typeof decodeBody>;
  let auth: AuthenticatedContent['auth'];
  try {
    const reader = new Reader(plaintext);
    body = decodeBody(reader, message.contentType);
    auth = authDataCodec(message.contentType).decode(reader);
    // §6.3.1: the padding is whatever follows auth, and it MUST be all zero bytes.
    if (!isAllZero(plaintext.subarray(reader.offset))) {
      throw new SigilError('PADDING_INVALID', 'PrivateMessage padding is not all zero');
    }
  } finally {
    plaintext.fill(0);
  }
  const content: FramedContent = {
    groupId: message.groupId,
    epoch: message.epoch,
    sender: { senderType: 'member', leafIndex },
    authenticatedData: message.authenticatedData,
    ...body,
  };
  const authenticatedContent: AuthenticatedContent = {
    wireFormat: 'mls_private_message',
    content,
    auth,
  };
  verifyFramedContent(suite, authenticatedContent, groupContext, signers);
  return {
    authenticatedContent,
    secretTree: step.tree,
    generation,
    consumed: step.consumed,
  };
}
