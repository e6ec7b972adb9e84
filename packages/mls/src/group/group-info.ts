/**
 * Publishing a GroupInfo (RFC 9420 §12.4.3) for external joiners, with the `ratchet_tree`
 * (§12.4.3.3) and `external_pub` (§12.4.3.2, §8) extensions, and the checks a joiner makes on a
 * GroupInfo it fetched: the suite, the ratchet tree (hash, parent hashes, leaves) and the
 * signature of the signer's leaf.
 *
 * @example
 * ```ts
 * const published = createGroupInfo(state); // an MLSMessage of wire format mls_group_info
 * const { state: joined, commit } = joinByExternalCommit({ suite, groupInfo: published, ... });
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { decode, encode } from '@sigil/wire';
import type { CipherSuite } from '../cipher-suite.ts';
import type { MlsMessage } from '../framing/mls-message.ts';
import { confirmationTag, externalKeyPair } from '../key-schedule.ts';
import type { CredentialValidator } from '../tree/leaf-node-validation.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import type { Extension } from '../wire/common.ts';
import { EXTENSION_TYPES, findExtension } from '../wire/extensions.ts';
import { ExternalPub } from '../wire/external.ts';
import type { GroupInfo } from '../wire/group-info.ts';
import type { GroupState } from './group-state.ts';
import { signGroupInfo, verifiedTreeOf } from './welcome.ts';

/** Options of {@link createGroupInfo}. */
export interface CreateGroupInfoOptions {
  /** Whether to include the ratchet tree as the ratchet_tree extension (default true). */
  readonly ratchetTree?: boolean;
  /** Whether to include external_pub, which lets clients join by external Commit (default true). */
  readonly externalPub?: boolean;
}

/**
 * The signed GroupInfo of the current epoch (§12.4.3), as an MLSMessage to publish. With
 * `externalPub` anyone holding it can join by external Commit: publish it only where the
 * application's join policy allows.
 * @throws SigilError `MLS_GROUP_REINITIALIZED` if the group was ended by a ReInit.
 */
export function createGroupInfo(
  state: GroupState,
  options: CreateGroupInfoOptions = {},
): MlsMessage {
  if (state.reinit !== undefined) {
    throw new SigilError('MLS_GROUP_REINITIALIZED', 'the group was reinitialized (§11.2)');
  }
  const { suite, groupContext, epochSecrets } = state;
  const extensions: Extension[] = [];
  if (options.ratchetTree !== false) {
    extensions.push({
      extensionType: EXTENSION_TYPES.ratchet_tree,
      extensionData: state.tree.encode(),
    });
  }
  if (options.externalPub !== false) {
    const externalPub = externalKeyPair(suite, epochSecrets.externalSecret).publicKey;
    extensions.push({
      extensionType: EXTENSION_TYPES.external_pub,
      extensionData: encode(ExternalPub, { externalPub }),
    });
  }
  const groupInfo = signGroupInfo(suite, state.signatureKey, {
    groupContext,
    extensions,
    // The epoch's confirmation tag is MAC(confirmation_key, confirmed_transcript_hash) (§8.2):
    // recomputing it gives the tag of the Commit that started the epoch.
    confirmationTag: confirmationTag(
      suite,
      epochSecrets.confirmationKey,
      groupContext.confirmedTranscriptHash,
    ),
    signer: state.ownLeafIndex,
  });
  return { wireFormat: 'mls_group_info', groupInfo };
}

/** A GroupInfo whose tree and signature were verified, and the tree it describes. */
export interface VerifiedGroupInfo {
  readonly groupInfo: GroupInfo;
  readonly tree: RatchetTree;
}

/**
 * Verifies a fetched GroupInfo as a joiner (§12.4.3.1 steps a joiner can take without the
 * epoch's secrets): the suite, the ratchet tree from the extension or `ratchetTree`, and the
 * signature by the signer's leaf.
 * @throws SigilError `MLS_UNEXPECTED_CONTENT_TYPE` if the message is not a GroupInfo;
 *   `MLS_CIPHER_SUITE_MISMATCH`; `INVALID_ARGUMENT` without a tree;
 *   `MLS_INVALID_GROUP_INFO_SIGNATURE`; the tree codes (`MLS_TREE_HASH_MISMATCH`,
 *   `MLS_INVALID_PARENT_HASH`, ...).
 */
export function verifyGroupInfo(
  suite: CipherSuite,
  message: MlsMessage,
  ratchetTree?: RatchetTree,
  validateCredential?: CredentialValidator,
): VerifiedGroupInfo {
  if (message.wireFormat !== 'mls_group_info') {
    throw new SigilError('MLS_UNEXPECTED_CONTENT_TYPE', 'the message is not a GroupInfo', {
      details: { wireFormat: message.wireFormat },
    });
  }
  const { groupInfo } = message;
  const { groupContext } = groupInfo;
  if (groupContext.cipherSuite !== suite.id) {
    throw new SigilError('MLS_CIPHER_SUITE_MISMATCH', 'the GroupInfo is for another suite');
  }
  const tree = verifiedTreeOf(suite, groupInfo, ratchetTree, validateCredential);
  return { groupInfo, tree };
}

/**
 * The external_pub of a GroupInfo (§12.4.3.2).
 * @throws SigilError `MLS_MISSING_EXTERNAL_PUB` if it has none; a `Codec` error if it does not
 *   parse.
 */
export function externalPubOf(groupInfo: GroupInfo): Uint8Array {
  const extension = findExtension(groupInfo.extensions, EXTENSION_TYPES.external_pub);
  if (extension === undefined) {
    throw new SigilError(
      'MLS_MISSING_EXTERNAL_PUB',
      'the GroupInfo has no external_pub extension: the group does not take external joins',
    );
  }
  return decode(ExternalPub, extension.extensionData).externalPub;
}
