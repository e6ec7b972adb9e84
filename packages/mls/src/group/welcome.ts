/**
 * Welcome messages (RFC 9420 §12.4.3): the signed GroupInfo of the new epoch, encrypted under
 * the welcome key and nonce, and per new member GroupSecrets (joiner_secret, path secret,
 * PSK ids) encrypted with EncryptWithLabel(init_key, "Welcome", encrypted_group_info); and
 * joining from one (§12.4.3.1), verifying the GroupInfo signature, the ratchet tree and the
 * confirmation tag.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { decode, encode } from '@sigil/wire';
import type { CipherSuite } from '../cipher-suite.ts';
import {
  decryptWithLabel,
  deriveSecret,
  encryptWithPreparedContext,
  prepareEncryptContext,
  signWithLabel,
  verifyWithLabel,
} from '../crypto-basics.ts';
import { bytesEqual } from '../internal/bytes.ts';
import {
  type EpochSecrets,
  keyScheduleFromJoiner,
  verifyConfirmationTag,
  welcomeKeyAndNonce,
} from '../key-schedule.ts';
import { computePskSecret } from '../psk.ts';
import { SecretTree } from '../secret-tree.ts';
import { interimTranscriptHash } from '../transcript-hashes.ts';
import type { CredentialValidator } from '../tree/leaf-node-validation.ts';
import { RatchetTree } from '../tree/ratchet-tree.ts';
import { TreePrivateKeys } from '../tree/tree-private-keys.ts';
import { verifyRatchetTree } from '../tree/tree-validation.ts';
import { applyWelcomePathSecret } from '../tree/treekem.ts';
import { commonAncestor, leafToNode } from '../tree-math.ts';
import type { Extension } from '../wire/common.ts';
import { EXTENSION_TYPES, findExtension } from '../wire/extensions.ts';
import type { GroupContext } from '../wire/group-context.ts';
import { encodeGroupInfoTbs, GroupInfo } from '../wire/group-info.ts';
import type { KeyPackage } from '../wire/key-package.ts';
import type { PreSharedKeyId } from '../wire/psk-id.ts';
import { GroupSecrets, type Welcome } from '../wire/welcome.ts';
import { type ExternalPskLookup, resolvePsks } from './epoch.ts';
import type { GroupState } from './group-state.ts';
import { priorGroupOf, withResumptionPsk } from './group-state.ts';
import { type KeyPackagePrivateKeys, keyPackageRef } from './key-package.ts';
import { checkReinitWelcome } from './reinit-psk.ts';

const EMPTY = new Uint8Array(0);

/** Signs a GroupInfo (§12.4.3) as member `signer`. */
export function signGroupInfo(
  suite: CipherSuite,
  signatureKey: Uint8Array,
  fields: {
    readonly groupContext: GroupContext;
    readonly extensions: readonly Extension[];
    readonly confirmationTag: Uint8Array;
    readonly signer: number;
  },
): GroupInfo {
  const signature = signWithLabel(suite, signatureKey, 'GroupInfoTBS', encodeGroupInfoTbs(fields));
  return { ...fields, signature };
}

/** Whether `groupInfo`'s signature verifies under `signerKey` (§12.4.3). */
export function verifyGroupInfoSignature(
  suite: CipherSuite,
  groupInfo: GroupInfo,
  signerKey: Uint8Array,
): boolean {
  return verifyWithLabel(
    suite,
    signerKey,
    'GroupInfoTBS',
    encodeGroupInfoTbs(groupInfo),
    groupInfo.signature,
  );
}

/**
 * The ratchet tree a GroupInfo describes (its ratchet_tree extension, else `ratchetTree`),
 * verified: the GroupInfo signature by the signer's leaf, then the whole tree against the
 * GroupContext (§12.4.3.1).
 * @throws SigilError `INVALID_ARGUMENT` without a tree; `MLS_INVALID_GROUP_INFO_SIGNATURE`;
 *   the tree codes (`MLS_TREE_HASH_MISMATCH`, `MLS_INVALID_PARENT_HASH`, ...).
 */
export function verifiedTreeOf(
  suite: CipherSuite,
  groupInfo: GroupInfo,
  ratchetTree: RatchetTree | undefined,
  validateCredential: CredentialValidator | undefined,
): RatchetTree {
  const { groupContext } = groupInfo;
  const extension = findExtension(groupInfo.extensions, EXTENSION_TYPES.ratchet_tree);
  const tree = extension !== undefined ? RatchetTree.decode(extension.extensionData) : ratchetTree;
  if (tree === undefined) {
    throw new SigilError('INVALID_ARGUMENT', 'no ratchet_tree extension and no tree given');
  }
  const signerKey =
    groupInfo.signer < tree.leafCount ? tree.leafNode(groupInfo.signer)?.signatureKey : undefined;
  if (signerKey === undefined || !verifyGroupInfoSignature(suite, groupInfo, signerKey)) {
    throw new SigilError(
      'MLS_INVALID_GROUP_INFO_SIGNATURE',
      'the GroupInfo signature does not verify (RFC 9420 §12.4.3.1)',
    );
  }
  verifyRatchetTree({
    suite,
    tree,
    groupId: groupContext.groupId,
    treeHash: groupContext.treeHash,
    groupContextExtensions: groupContext.extensions,
    validateCredential,
  });
  return tree;
}

/** Input of {@link createWelcome}. */
export interface CreateWelcomeInput {
  readonly suite: CipherSuite;
  /** The signed GroupInfo of the new epoch. */
  readonly groupInfo: GroupInfo;
  /** The new epoch's secrets (joiner_secret and welcome_secret must be present). */
  readonly epochSecrets: EpochSecrets;
  /** The new members: their leaves and KeyPackages. */
  readonly added: readonly { readonly leafIndex: number; readonly keyPackage: KeyPackage }[];
  /** The committer's path secrets by node (from its UpdatePath), if the Commit had a path. */
  readonly pathSecrets?: ReadonlyMap<number, Uint8Array> | undefined;
  /** The PSKs injected in the new epoch. */
  readonly psks: readonly PreSharedKeyId[];
}

/**
 * Builds the Welcome of a Commit's new members (§12.4.3.1).
 * @throws SigilError `INVALID_ARGUMENT` if the epoch secrets lack the joiner or welcome secret.
 */
export function createWelcome(input: CreateWelcomeInput): Welcome {
  const { suite, groupInfo, epochSecrets } = input;
  const { joinerSecret, welcomeSecret } = epochSecrets;
  if (joinerSecret === undefined || welcomeSecret === undefined) {
    throw new SigilError('INVALID_ARGUMENT', 'a Welcome needs the joiner and welcome secrets');
  }
  const { key, nonce } = welcomeKeyAndNonce(suite, welcomeSecret);
  const encryptedGroupInfo = suite.seal(key, nonce, EMPTY, encode(GroupInfo, groupInfo));
  const signerNode = leafToNode(groupInfo.signer);
  // Every new member's GroupSecrets are sealed under the same EncryptContext("Welcome",
  // encrypted_group_info): hash it once, not once per member (it holds the whole tree).
  const welcomeContext = prepareEncryptContext(suite, 'Welcome', encryptedGroupInfo);
  const secrets = input.added.map(({ leafIndex, keyPackage }) => {
    const pathSecret = input.pathSecrets?.get(commonAncestor(leafToNode(leafIndex), signerNode));
    const groupSecrets: GroupSecrets = {
      joinerSecret,
      pathSecret: pathSecret === undefined ? undefined : { pathSecret },
      psks: input.psks,
    };
    return {
      newMember: keyPackageRef(suite, keyPackage),
      encryptedGroupSecrets: encryptWithPreparedContext(
        suite,
        keyPackage.initKey,
        welcomeContext,
        encode(GroupSecrets, groupSecrets),
      ),
    };
  });
  return { cipherSuite: suite.id, secrets, encryptedGroupInfo };
}

/** The decrypted content of a Welcome for one KeyPackage. */
export interface OpenedWelcome {
  readonly groupSecrets: GroupSecrets;
  readonly groupInfo: GroupInfo;
  /** psk_secret of the GroupSecrets' PSKs (undefined: none). Secret. */
  readonly pskSecret: Uint8Array | undefined;
}

/**
 * Finds and decrypts the GroupSecrets for `keyPackage` and the GroupInfo (§12.4.3.1).
 * @throws SigilError `MLS_CIPHER_SUITE_MISMATCH` if the Welcome's or KeyPackage's suite is not
 *   `suite`; `MLS_WELCOME_NOT_FOR_US` if no entry names the KeyPackage; `HPKE_OPEN_FAILED` or
 *   `AEAD_AUTHENTICATION_FAILED` if a part does not decrypt; `MLS_UNKNOWN_PSK`; a `Codec` error.
 */
export function openWelcome(
  suite: CipherSuite,
  welcome: Welcome,
  keyPackage: KeyPackage,
  initKey: KeyPackagePrivateKeys['init'],
  externalPsks?: ExternalPskLookup,
  reinitFrom?: GroupState,
): OpenedWelcome {
  if (welcome.cipherSuite !== suite.id || keyPackage.cipherSuite !== suite.id) {
    throw new SigilError(
      'MLS_CIPHER_SUITE_MISMATCH',
      "the Welcome is not in the KeyPackage's suite",
    );
  }
  const ref = keyPackageRef(suite, keyPackage);
  const entry = welcome.secrets.find((s) => bytesEqual(s.newMember, ref));
  if (entry === undefined) {
    throw new SigilError(
      'MLS_WELCOME_NOT_FOR_US',
      'the Welcome has no secrets for this KeyPackage',
    );
  }
  const groupSecrets = decode(
    GroupSecrets,
    decryptWithLabel(
      suite,
      initKey,
      'Welcome',
      welcome.encryptedGroupInfo,
      entry.encryptedGroupSecrets,
    ),
  );
  // Resumption PSKs need a prior membership: a joiner holds external ones, and those of the
  // group a ReInit ended if it was a member (§11.2).
  const psks = resolvePsks(
    groupSecrets.psks,
    EMPTY,
    [],
    externalPsks,
    reinitFrom && priorGroupOf(reinitFrom),
  );
  const pskSecret = psks.length > 0 ? computePskSecret(suite, psks) : undefined;
  const prk = suite.extract(
    groupSecrets.joinerSecret,
    pskSecret ?? new Uint8Array(suite.hashLength),
  );
  const welcomeSecret = deriveSecret(suite, prk, 'welcome');
  prk.fill(0);
  const { key, nonce } = welcomeKeyAndNonce(suite, welcomeSecret);
  const groupInfo = decode(GroupInfo, suite.open(key, nonce, EMPTY, welcome.encryptedGroupInfo));
  return { groupSecrets, groupInfo, pskSecret };
}

/** Options of {@link joinFromWelcome}. */
export interface JoinFromWelcomeOptions {
  readonly suite: CipherSuite;
  readonly welcome: Welcome;
  /** The KeyPackage the Welcome was made for, and its private keys. */
  readonly keyPackage: KeyPackage;
  readonly privateKeys: KeyPackagePrivateKeys;
  /** The tree, when the GroupInfo carries no ratchet_tree extension (out of band). */
  readonly ratchetTree?: RatchetTree;
  readonly externalPsks?: ExternalPskLookup;
  /** The application's credential check for every member (§5.3.1). */
  readonly validateCredential?: CredentialValidator;
  /**
   * This member's state of the group a committed ReInit ended, when the Welcome is for the
   * group that replaces it (§11.2): the Welcome's reinit PSK is taken from it and checked.
   */
  readonly reinitFrom?: GroupState;
}

/**
 * Joins a group from a Welcome (§12.4.3.1), verifying the GroupInfo signature, the ratchet
 * tree (hash, parent hashes, leaves), the confirmation tag and the path secret.
 * @throws SigilError the codes of {@link openWelcome}; `INVALID_ARGUMENT` without a tree;
 *   `MLS_INVALID_GROUP_INFO_SIGNATURE`; the tree codes (`MLS_TREE_HASH_MISMATCH`, ...);
 *   `MLS_WELCOME_NOT_FOR_US` if our leaf is not in the tree; `MLS_INVALID_CONFIRMATION_TAG`;
 *   `MLS_PATH_PUBLIC_KEY_MISMATCH`; `MLS_REINIT_MISMATCH` for a reinit PSK that does not link
 *   this group to `reinitFrom` (§11.2).
 */
export function joinFromWelcome(options: JoinFromWelcomeOptions): GroupState {
  const { suite, keyPackage, privateKeys } = options;
  const opened = openWelcome(
    suite,
    options.welcome,
    keyPackage,
    privateKeys.init,
    options.externalPsks,
    options.reinitFrom,
  );
  const { groupInfo, groupSecrets } = opened;
  const groupContext = groupInfo.groupContext;
  if (groupContext.cipherSuite !== suite.id) {
    throw new SigilError('MLS_CIPHER_SUITE_MISMATCH', 'the GroupInfo is for another suite');
  }
  checkReinitWelcome(groupSecrets.psks, groupContext, options.reinitFrom);
  const tree = verifiedTreeOf(suite, groupInfo, options.ratchetTree, options.validateCredential);
  let ownLeafIndex: number | undefined;
  for (const [leafIndex, leafNode] of tree.leaves()) {
    if (
      bytesEqual(leafNode.encryptionKey, keyPackage.leafNode.encryptionKey) &&
      bytesEqual(leafNode.signatureKey, keyPackage.leafNode.signatureKey)
    ) {
      ownLeafIndex = leafIndex;
    }
  }
  if (ownLeafIndex === undefined) {
    throw new SigilError('MLS_WELCOME_NOT_FOR_US', "the tree does not hold the KeyPackage's leaf");
  }
  const epochSecrets = keyScheduleFromJoiner(
    suite,
    groupSecrets.joinerSecret,
    opened.pskSecret,
    groupContext,
  );
  if (
    !verifyConfirmationTag(
      suite,
      epochSecrets.confirmationKey,
      groupContext.confirmedTranscriptHash,
      groupInfo.confirmationTag,
    )
  ) {
    throw new SigilError(
      'MLS_INVALID_CONFIRMATION_TAG',
      'the GroupInfo confirmation tag does not verify (RFC 9420 §12.4.3.1)',
    );
  }
  let treeKeys = TreePrivateKeys.forLeaf(suite, ownLeafIndex, privateKeys.encryption);
  if (groupSecrets.pathSecret !== undefined) {
    treeKeys = applyWelcomePathSecret({
      suite,
      tree,
      privateKeys: treeKeys,
      senderLeafIndex: groupInfo.signer,
      pathSecret: groupSecrets.pathSecret.pathSecret,
    });
  }
  return {
    suite,
    groupContext,
    tree,
    ownLeafIndex,
    signatureKey: privateKeys.signature.secretKey,
    privateKeys: treeKeys,
    epochSecrets,
    secretTree: SecretTree.create(suite, epochSecrets.encryptionSecret, tree.leafCount),
    interimTranscriptHash: interimTranscriptHash(
      suite,
      groupContext.confirmedTranscriptHash,
      groupInfo.confirmationTag,
    ),
    resumptionPsks: withResumptionPsk([], groupContext.epoch, epochSecrets.resumptionPsk),
    proposals: [],
  };
}
