/**
 * `@sigil/mls/public`: what a delivery service may read of MLS messages, with no secret
 * (RFC 9420 §6 framing headers, §10 KeyPackages, §16.4 "Delivery Service"):
 *
 * - {@link readMessageHeader}: the plaintext header of an `MLSMessage`: wire format, and for
 *   PublicMessage / PrivateMessage the group_id, epoch and content_type (§6.2, §6.3: a
 *   PrivateMessage's header fields are in the clear; its sender is encrypted), the sender type
 *   of a PublicMessage, the group and epoch of a GroupInfo (§12.4.3), and the cipher suite of a
 *   Welcome, GroupInfo or KeyPackage. Nothing is decrypted or verified.
 * - {@link validateKeyPackageMessage}: the §10.1 checks of a KeyPackage on its own (version,
 *   supported suite 1 or 3, KeyPackage and leaf signatures, leaf node rules, lifetime when
 *   `now` is given), by the same functions a group member uses (tree/key-package-validation.ts),
 *   and the facts a directory needs: suite, signature key, basic identity and KeyPackageRef.
 *
 * @example
 * ```ts
 * import { readMessageHeader, validateKeyPackageMessage } from '@sigil/mls/public';
 * const header = readMessageHeader(bytes);
 * if (header.wireFormat === 'mls_public_message' && header.contentType === 'commit') { ... }
 * const { signatureKey, identity, ref } = validateKeyPackageMessage(crypto, keyPackageBytes);
 * ```
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { decode } from '@sigil/wire';
import { type CipherSuiteId, getCipherSuite, isSupportedCipherSuite } from './cipher-suite.ts';
import { makeKeyPackageRef } from './crypto-basics.ts';
import { MlsMessage } from './framing/mls-message.ts';
import type { SenderType } from './framing/sender.ts';
import { validateKeyPackage } from './tree/key-package-validation.ts';
import type { ContentType, FramedWireFormat } from './wire/common.ts';

export type { SenderType } from './framing/sender.ts';
export type { ContentType, FramedWireFormat, WireFormat } from './wire/common.ts';

/** The header of a PublicMessage or PrivateMessage (§6.2, §6.3). */
export interface FramedMessageHeader {
  readonly wireFormat: FramedWireFormat;
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly contentType: ContentType;
  /** The sender type of a PublicMessage; absent for a PrivateMessage (its sender is sealed). */
  readonly senderType?: SenderType | undefined;
}

/** The header of a GroupInfo (§12.4.3): the group and epoch it describes. */
export interface GroupInfoHeader {
  readonly wireFormat: 'mls_group_info';
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly cipherSuite: number;
}

/** The header of a Welcome (§12.4.3.1; its group is encrypted) or a KeyPackage (§10). */
export interface UngroupedMessageHeader {
  readonly wireFormat: 'mls_welcome' | 'mls_key_package';
  readonly cipherSuite: number;
}

/** What {@link readMessageHeader} returns, by wire format. */
export type MessageHeader = FramedMessageHeader | GroupInfoHeader | UngroupedMessageHeader;

/**
 * Decodes an encoded `MLSMessage` (§6) and returns its public header. The whole message must
 * parse (no trailing bytes); nothing is decrypted and no signature or MAC is checked.
 * @throws SigilError `UNSUPPORTED_VERSION` if it is not an MLS 1.0 message; a `Codec` error
 *   (`CODEC_TRUNCATED`, `CODEC_TRAILING_BYTES`, `CODEC_INVALID_VALUE`, ...) if it does not parse.
 */
export function readMessageHeader(bytes: Uint8Array): MessageHeader {
  const message = decode(MlsMessage, bytes);
  switch (message.wireFormat) {
    case 'mls_public_message': {
      const { content } = message.publicMessage;
      return {
        wireFormat: message.wireFormat,
        groupId: content.groupId,
        epoch: content.epoch,
        contentType: content.contentType,
        senderType: content.sender.senderType,
      };
    }
    case 'mls_private_message': {
      const { groupId, epoch, contentType } = message.privateMessage;
      return { wireFormat: message.wireFormat, groupId, epoch, contentType };
    }
    case 'mls_group_info': {
      const context = message.groupInfo.groupContext;
      return {
        wireFormat: message.wireFormat,
        groupId: context.groupId,
        epoch: context.epoch,
        cipherSuite: context.cipherSuite,
      };
    }
    case 'mls_welcome':
      return { wireFormat: message.wireFormat, cipherSuite: message.welcome.cipherSuite };
    case 'mls_key_package':
      return { wireFormat: message.wireFormat, cipherSuite: message.keyPackage.cipherSuite };
  }
}

/** The public facts of a valid KeyPackage. */
export interface ValidatedKeyPackage {
  readonly cipherSuite: CipherSuiteId;
  /** The leaf's signature_key (Ed25519 public key, 32 bytes). */
  readonly signatureKey: Uint8Array;
  /** The basic credential's identity bytes. */
  readonly identity: Uint8Array;
  /** MakeKeyPackageRef (§5.2) of the KeyPackage as sent. */
  readonly ref: Uint8Array;
}

/** Bytes of `ProtocolVersion version` and `WireFormat wire_format` before an MLSMessage body. */
const MLS_MESSAGE_PREFIX = 4;

/**
 * Checks an encoded `MLSMessage` carrying a KeyPackage (§10.1) on its own, as a directory can:
 * version mls10, cipher suite 1 or 3, init_key usable, KeyPackage signature, the leaf node's
 * rules for source key_package including its signature (§7.3), init_key != encryption_key, a
 * basic credential, and with `now` (seconds since the Unix epoch) the lifetime. It does not
 * check who the identity is: the caller compares `identity` and `signatureKey` to its own
 * records.
 * @throws SigilError `UNSUPPORTED_VERSION`, a `Codec` code if it does not parse,
 *   `MLS_UNEXPECTED_CONTENT_TYPE` if the message is not a KeyPackage, and the KeyPackage and
 *   LeafNode codes of tree/key-package-validation.ts (`MLS_UNSUPPORTED_CIPHER_SUITE`,
 *   `MLS_INVALID_KEY_PACKAGE_SIGNATURE`, `MLS_INVALID_LEAF_NODE_SIGNATURE`,
 *   `MLS_INVALID_LIFETIME`, ...); `MLS_UNSUPPORTED_CREDENTIAL_TYPE` for a non-basic credential.
 */
export function validateKeyPackageMessage(
  crypto: CryptoProvider,
  bytes: Uint8Array,
  now?: bigint,
): ValidatedKeyPackage {
  const message = decode(MlsMessage, bytes);
  if (message.wireFormat !== 'mls_key_package') {
    throw new SigilError('MLS_UNEXPECTED_CONTENT_TYPE', 'the message is not a KeyPackage', {
      details: { wireFormat: message.wireFormat },
    });
  }
  const { keyPackage } = message;
  const id = keyPackage.cipherSuite;
  // For an unsupported suite, validation against suite 1 reports the version or suite error
  // in validateKeyPackage's own order (the suite is only used after those checks pass).
  const suite = getCipherSuite(crypto, isSupportedCipherSuite(id) ? id : 1);
  validateKeyPackage(suite, keyPackage, now === undefined ? {} : { now });
  const { credential, signatureKey } = keyPackage.leafNode;
  if (credential.credentialType !== 'basic') {
    throw new SigilError(
      'MLS_UNSUPPORTED_CREDENTIAL_TYPE',
      'a KeyPackage for the directory must carry a basic credential',
    );
  }
  return {
    cipherSuite: suite.id,
    signatureKey,
    identity: credential.identity,
    ref: makeKeyPackageRef(suite, bytes.subarray(MLS_MESSAGE_PREFIX)),
  };
}
