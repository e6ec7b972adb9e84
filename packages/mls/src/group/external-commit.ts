/**
 * External Commits (RFC 9420 §12.4.3.2, §8.3, §12.1.6): a client that is not a member joins
 * from a published GroupInfo by committing itself in. It encapsulates to the epoch's
 * external_pub, and the HPKE export is the init_secret of the Commit's key schedule:
 *
 * ```
 * kem_output, context = SetupBaseS(external_pub, "")
 * init_secret = context.export("MLS 1.0 external init secret", KDF.Nh)
 * ```
 *
 * The Commit (sender new_member_commit, a PublicMessage signed with the new leaf's key) holds
 * exactly one ExternalInit carrying kem_output, optionally one Remove of the joiner's own old
 * leaf (resync) and PreSharedKey proposals, nothing by reference, and an UpdatePath from the
 * new leaf, placed at the leftmost blank leaf after the proposals are applied. Members check
 * each rule with its own code (see {@link validateExternalCommitProposals}) and derive the same
 * init_secret with the external private key.
 *
 * @example
 * ```ts
 * const info = createGroupInfo(aliceState);
 * const join = joinByExternalCommit({ suite, groupInfo: info, identity, signatureKeyPair });
 * // send join.commit; once the delivery service accepts it:
 * let me = confirmPendingCommit(join.state);
 * alice = processCommit(alice, join.commit).state;
 * ```
 * @module
 */
import type { KeyPair } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import type { CipherSuite } from '../cipher-suite.ts';
import { authenticateContent } from '../framing/content-auth.ts';
import type { FramedContent } from '../framing/framed-content.ts';
import { MlsMessage } from '../framing/mls-message.ts';
import { protectPublicMessage } from '../framing/public-message.ts';
import { bytesEqual } from '../internal/bytes.ts';
import { confirmationTag, externalKeyPair } from '../key-schedule.ts';
import { SecretTree } from '../secret-tree.ts';
import { interimTranscriptHash } from '../transcript-hashes.ts';
import type { CredentialValidator } from '../tree/leaf-node-validation.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import { createUpdatePath } from '../tree/treekem.ts';
import type { ProposalOrRef } from '../wire/commit.ts';
import type { Extension } from '../wire/common.ts';
import { Credential } from '../wire/credential.ts';
import type { GroupContext } from '../wire/group-context.ts';
import type { Capabilities } from '../wire/leaf-node.ts';
import type { Proposal } from '../wire/proposal.ts';
import { type EnteredEpoch, type ExternalPskLookup, enterEpoch, resolvePsks } from './epoch.ts';
import { externalPubOf, verifyGroupInfo } from './group-info.ts';
import { type GroupState, withResumptionPsk } from './group-state.ts';
import { DEFAULT_CAPABILITIES } from './key-package.ts';
import {
  applyProposals,
  type ResolvedProposal,
  resolveProposals,
  validateProposals,
} from './proposals.ts';

const EMPTY = new Uint8Array(0);

/** The HPKE exporter context of the external init secret (§8.3). */
const EXTERNAL_INIT_LABEL = new TextEncoder().encode('MLS 1.0 external init secret');

/**
 * The committer index proposals of an external Commit are validated with: no member is the
 * committer (its leaf is only placed after the proposals are applied).
 */
export const NO_COMMITTER = -1;

/**
 * The tree with a leaf reserved for an external joiner (§12.4.3.2: "as if it were added with
 * an Add proposal"): the leftmost blank leaf, the tree extended if none. The leaf stays blank:
 * the UpdatePath sets it and overwrites its whole direct path, so no unmerged_leaves entry
 * survives and the result equals an Add followed by the path.
 */
export function reserveLeaf(tree: RatchetTree): { tree: RatchetTree; leafIndex: number } {
  const blank = tree.leftmostBlankLeaf();
  if (blank !== undefined) return { tree, leafIndex: blank };
  return { tree: tree.extended(), leafIndex: tree.leafCount };
}

function sameIdentity(a: Credential, b: Credential): boolean {
  return bytesEqual(encode(Credential, a), encode(Credential, b));
}

/**
 * The proposal rules of an external Commit (§12.2, §12.4.3.2), checked before the common ones
 * of `validateProposals`:
 * - no proposal by reference (`MLS_EXTERNAL_COMMIT_REFERENCE`);
 * - only ExternalInit, Remove and PreSharedKey proposals (`MLS_EXTERNAL_COMMIT_PROPOSAL`);
 * - exactly one ExternalInit (`MLS_EXTERNAL_INIT_COUNT`);
 * - at most one Remove, of a leaf with the joiner's credential (`MLS_EXTERNAL_COMMIT_REMOVE`):
 *   the Sigil policy for "the same identity" is an identical credential.
 * @throws SigilError the codes above.
 */
export function validateExternalCommitProposals(
  list: readonly ProposalOrRef[],
  tree: RatchetTree,
  joinerCredential: Credential | undefined,
): void {
  const proposals: Proposal[] = [];
  for (const entry of list) {
    if (entry.type === 'reference') {
      throw new SigilError(
        'MLS_EXTERNAL_COMMIT_REFERENCE',
        'an external Commit cannot reference proposals (§12.4.3.2)',
      );
    }
    proposals.push(entry.proposal);
  }
  for (const { proposalType } of proposals) {
    if (proposalType !== 'external_init' && proposalType !== 'remove' && proposalType !== 'psk') {
      throw new SigilError(
        'MLS_EXTERNAL_COMMIT_PROPOSAL',
        `an external Commit cannot carry a ${proposalType} proposal (§12.2)`,
      );
    }
  }
  const inits = proposals.filter((p) => p.proposalType === 'external_init').length;
  if (inits !== 1) {
    throw new SigilError(
      'MLS_EXTERNAL_INIT_COUNT',
      'an external Commit needs exactly one ExternalInit (§12.2)',
      { details: { count: inits } },
    );
  }
  const removes = proposals.filter((p) => p.proposalType === 'remove');
  if (removes.length > 1) {
    throw new SigilError(
      'MLS_EXTERNAL_COMMIT_REMOVE',
      'an external Commit removes at most one leaf (§12.4.3.2)',
    );
  }
  for (const { removed } of removes) {
    const old = removed < tree.leafCount ? tree.leafNode(removed) : undefined;
    // A blank or absent leaf is refused by validateProposals (MLS_INVALID_REMOVE).
    if (old !== undefined && joinerCredential !== undefined) {
      if (!sameIdentity(old.credential, joinerCredential)) {
        throw new SigilError(
          'MLS_EXTERNAL_COMMIT_REMOVE',
          "an external Commit may only remove the joiner's own old leaf (§12.4.3.2)",
          { details: { leafIndex: removed } },
        );
      }
    }
  }
}

/**
 * The init_secret a member derives from an external Commit's ExternalInit (§8.3) with the
 * current epoch's external private key.
 * @throws SigilError `INVALID_KEY_LENGTH` or `X25519_LOW_ORDER_POINT` for a bad kem_output.
 */
export function receivedExternalInitSecret(
  state: GroupState,
  proposals: readonly ResolvedProposal[],
): Uint8Array {
  const init = proposals.find((p) => p.proposal.proposalType === 'external_init')?.proposal;
  if (init?.proposalType !== 'external_init') {
    throw new SigilError('MLS_EXTERNAL_INIT_COUNT', 'an external Commit without ExternalInit');
  }
  const { suite } = state;
  return suite.hpke.receiveExport(
    init.kemOutput,
    externalKeyPair(suite, state.epochSecrets.externalSecret),
    EMPTY,
    EXTERNAL_INIT_LABEL,
    suite.hashLength,
  );
}

/** Options of {@link joinByExternalCommit}. */
export interface JoinByExternalCommitOptions {
  readonly suite: CipherSuite;
  /** The group's published GroupInfo (an MLSMessage of wire format mls_group_info). */
  readonly groupInfo: MlsMessage;
  /** The tree, when the GroupInfo carries no ratchet_tree extension (out of band). */
  readonly ratchetTree?: RatchetTree;
  /** The basic credential's identity bytes of the joiner. */
  readonly identity: Uint8Array;
  /** The joiner's signature key pair (Ed25519; secretKey is the seed). */
  readonly signatureKeyPair: KeyPair;
  /** Resync: the leaf index of this client's own old leaf, removed by the same Commit. */
  readonly removeOwnLeaf?: number;
  /** External PSK ids to inject (each gets a fresh nonce); their values from `externalPsks`. */
  readonly pskIds?: readonly Uint8Array[];
  readonly externalPsks?: ExternalPskLookup;
  /** The new leaf's capabilities (default `DEFAULT_CAPABILITIES`). */
  readonly capabilities?: Capabilities;
  /** The new leaf's extensions (default none). */
  readonly leafExtensions?: readonly Extension[];
  readonly authenticatedData?: Uint8Array;
  /** The application's credential check for every member of the fetched tree (§5.3.1). */
  readonly validateCredential?: CredentialValidator;
  /** The current time in seconds, for lifetimes (unchecked when omitted). */
  readonly now?: bigint;
}

/** The result of {@link joinByExternalCommit}. */
export interface ExternalJoin {
  /**
   * The joiner's state, PENDING: `confirmPendingCommit` gives the new epoch's state once the
   * delivery service accepted the Commit; until then nothing can be sent
   * (`MLS_EXTERNAL_JOIN_PENDING`). If the Commit loses, drop the state and join again.
   */
  readonly state: GroupState;
  /** The external Commit to send (a PublicMessage). */
  readonly commit: MlsMessage;
}

/**
 * Joins a group by external Commit (§12.4.3.2) from its published GroupInfo.
 * @throws SigilError the codes of `verifyGroupInfo` (`MLS_INVALID_GROUP_INFO_SIGNATURE`, the
 *   tree codes, ...); `MLS_MISSING_EXTERNAL_PUB`; `MLS_EXTERNAL_COMMIT_REMOVE` if
 *   `removeOwnLeaf` is a leaf of another identity; `MLS_INVALID_REMOVE` if it is blank;
 *   `MLS_UNKNOWN_PSK`; `INVALID_KEY_LENGTH` for a bad signature key.
 */
export function joinByExternalCommit(options: JoinByExternalCommitOptions): ExternalJoin {
  const { suite, signatureKeyPair } = options;
  const { groupInfo, tree } = verifyGroupInfo(
    suite,
    options.groupInfo,
    options.ratchetTree,
    options.validateCredential,
  );
  const groupContext = groupInfo.groupContext;
  const externalPub = externalPubOf(groupInfo);
  const template = {
    signatureKey: signatureKeyPair.publicKey,
    credential: { credentialType: 'basic', identity: Uint8Array.from(options.identity) } as const,
    capabilities: options.capabilities ?? DEFAULT_CAPABILITIES,
    extensions: options.leafExtensions ?? [],
  };
  const { enc, exported: initSecret } = suite.hpke.sendExport(
    externalPub,
    EMPTY,
    EXTERNAL_INIT_LABEL,
    suite.hashLength,
  );
  const proposals: Proposal[] = [{ proposalType: 'external_init', kemOutput: enc }];
  if (options.removeOwnLeaf !== undefined) {
    proposals.push({ proposalType: 'remove', removed: options.removeOwnLeaf });
  }
  for (const pskId of options.pskIds ?? []) {
    proposals.push({
      proposalType: 'psk',
      psk: {
        pskType: 'external',
        pskId: Uint8Array.from(pskId),
        pskNonce: suite.provider.random.bytes(suite.hashLength),
      },
    });
  }
  const list: ProposalOrRef[] = proposals.map((proposal) => ({ type: 'proposal', proposal }));
  validateExternalCommitProposals(list, tree, template.credential);
  const resolved = resolveProposals(list, [], NO_COMMITTER);
  validateProposals(
    {
      suite,
      tree,
      groupContext,
      committerLeafIndex: NO_COMMITTER,
      externalCommit: true,
      ...(options.now !== undefined ? { now: options.now } : {}),
    },
    resolved,
  );
  const applied = applyProposals(tree, groupContext.extensions, resolved);
  const psks = resolvePsks(applied.psks, groupContext.groupId, [], options.externalPsks);
  const reserved = reserveLeaf(applied.tree);
  const fields: Omit<GroupContext, 'treeHash'> = {
    version: groupContext.version,
    cipherSuite: groupContext.cipherSuite,
    groupId: groupContext.groupId,
    epoch: groupContext.epoch + 1n,
    confirmedTranscriptHash: groupContext.confirmedTranscriptHash,
    extensions: applied.extensions,
  };
  const created = createUpdatePath({
    suite,
    tree: reserved.tree,
    groupContext: fields,
    leafIndex: reserved.leafIndex,
    signatureKey: signatureKeyPair.secretKey,
    leafNode: template,
  });
  const content: FramedContent = {
    groupId: groupContext.groupId,
    epoch: groupContext.epoch,
    sender: { senderType: 'new_member_commit' },
    authenticatedData: options.authenticatedData ?? EMPTY,
    contentType: 'commit',
    commit: { proposals: list, path: created.updatePath },
  };
  let entered: EnteredEpoch | undefined;
  const authenticated = authenticateContent(suite, {
    wireFormat: 'mls_public_message',
    content,
    signatureKey: signatureKeyPair.secretKey,
    groupContext,
    confirmationTag: (signature) => {
      entered = enterEpoch({
        suite,
        provisional: created.groupContext,
        interimTranscriptHash: interimTranscriptHash(
          suite,
          groupContext.confirmedTranscriptHash,
          groupInfo.confirmationTag,
        ),
        commit: { wireFormat: 'mls_public_message', content, auth: { signature } },
        initSecret,
        commitSecret: created.commitSecret,
        psks,
      });
      return confirmationTag(
        suite,
        entered.epochSecrets.confirmationKey,
        entered.groupContext.confirmedTranscriptHash,
      );
    },
  });
  const { groupContext: newContext, epochSecrets } = entered as EnteredEpoch;
  const tag = authenticated.auth.confirmationTag as Uint8Array;
  const commit: MlsMessage = {
    wireFormat: 'mls_public_message',
    publicMessage: protectPublicMessage(suite, authenticated, groupContext, undefined),
  };
  const next: GroupState = {
    suite,
    groupContext: newContext,
    tree: created.tree,
    ownLeafIndex: reserved.leafIndex,
    signatureKey: signatureKeyPair.secretKey,
    privateKeys: created.privateKeys,
    epochSecrets,
    secretTree: SecretTree.create(suite, epochSecrets.encryptionSecret, created.tree.leafCount),
    interimTranscriptHash: interimTranscriptHash(suite, newContext.confirmedTranscriptHash, tag),
    resumptionPsks: withResumptionPsk([], newContext.epoch, epochSecrets.resumptionPsk),
    proposals: [],
  };
  return {
    state: {
      ...next,
      pendingCommit: { message: encode(MlsMessage, commit), next, external: true },
    },
    commit,
  };
}
