/**
 * Group creation (RFC 9420 §11): a one-member tree holding the creator's leaf, epoch 0 with a
 * random epoch_secret, an empty confirmed transcript hash, and the interim transcript hash
 * from the epoch's confirmation tag.
 *
 * @module
 */
import type { CipherSuite } from '../cipher-suite.ts';
import { confirmationTag, epochSecretsFromEpochSecret } from '../key-schedule.ts';
import { SecretTree } from '../secret-tree.ts';
import { interimTranscriptHash } from '../transcript-hashes.ts';
import { validateKeyPackage } from '../tree/key-package-validation.ts';
import { RatchetTree } from '../tree/ratchet-tree.ts';
import { treeHash } from '../tree/tree-hash.ts';
import { TreePrivateKeys } from '../tree/tree-private-keys.ts';
import type { Extension } from '../wire/common.ts';
import { PROTOCOL_VERSION_MLS10 } from '../wire/common.ts';
import type { GroupContext } from '../wire/group-context.ts';
import type { KeyPackage } from '../wire/key-package.ts';
import type { GroupState } from './group-state.ts';
import { withResumptionPsk } from './group-state.ts';
import type { KeyPackagePrivateKeys } from './key-package.ts';

/** Options of {@link createGroup}. */
export interface CreateGroupOptions {
  readonly suite: CipherSuite;
  /** The group id; 16 random bytes by default. */
  readonly groupId?: Uint8Array;
  /** The creator's KeyPackage (its LeafNode becomes leaf 0) and private keys. */
  readonly keyPackage: KeyPackage;
  readonly privateKeys: KeyPackagePrivateKeys;
  /** GroupContext extensions of epoch 0 (default none). */
  readonly extensions?: readonly Extension[];
}

/**
 * Creates a group of one member at epoch 0 (§11).
 * @throws SigilError the KeyPackage codes (§10.1) if the creator's KeyPackage is invalid.
 */
export function createGroup(options: CreateGroupOptions): GroupState {
  const { suite, keyPackage } = options;
  const extensions = options.extensions ?? [];
  validateKeyPackage(suite, keyPackage, { groupContextExtensions: extensions });
  const tree = RatchetTree.create(keyPackage.leafNode);
  const groupContext: GroupContext = {
    version: PROTOCOL_VERSION_MLS10,
    cipherSuite: suite.id,
    groupId: options.groupId ?? suite.provider.random.bytes(16),
    epoch: 0n,
    treeHash: treeHash(suite, tree),
    confirmedTranscriptHash: new Uint8Array(0),
    extensions,
  };
  const epochSecrets = epochSecretsFromEpochSecret(
    suite,
    suite.provider.random.bytes(suite.hashLength),
  );
  const tag = confirmationTag(
    suite,
    epochSecrets.confirmationKey,
    groupContext.confirmedTranscriptHash,
  );
  return {
    suite,
    groupContext,
    tree,
    ownLeafIndex: 0,
    signatureKey: options.privateKeys.signature.secretKey,
    privateKeys: TreePrivateKeys.forLeaf(suite, 0, options.privateKeys.encryption),
    epochSecrets,
    secretTree: SecretTree.create(suite, epochSecrets.encryptionSecret, tree.leafCount),
    interimTranscriptHash: interimTranscriptHash(suite, groupContext.confirmedTranscriptHash, tag),
    resumptionPsks: withResumptionPsk([], 0n, epochSecrets.resumptionPsk),
    proposals: [],
  };
}
