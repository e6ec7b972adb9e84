/**
 * Proposals in a Commit (RFC 9420 §12.1-§12.3): resolving ProposalOrRef lists against the
 * proposals cached in the epoch, validating the list (§12.2, one error code per rule), the
 * path-required rule (§12.4), and applying the proposals to the tree in §12.3 order.
 *
 * Supported: Add, Update, Remove, PreSharedKey, ReInit (alone, §12.1.5), ExternalInit (only in
 * external Commits, §12.1.6; their other rules are in external-commit.ts) and
 * GroupContextExtensions.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import { type CipherSuite, isSupportedCipherSuite } from '../cipher-suite.ts';
import { makeProposalRef } from '../crypto-basics.ts';
import { AuthenticatedContent } from '../framing/framed-content.ts';
import { ByteStringSet, bytesEqual } from '../internal/bytes.ts';
import { validateKeyPackage } from '../tree/key-package-validation.ts';
import {
  checkExtensionList,
  checkRequiredCapabilities,
  validateLeafNode,
} from '../tree/leaf-node-validation.ts';
import { addLeaf, isMember, removeLeaf, updateLeaf } from '../tree/leaf-operations.ts';
import type { RatchetTree } from '../tree/ratchet-tree.ts';
import type { ProposalOrRef } from '../wire/commit.ts';
import type { Extension } from '../wire/common.ts';
import type { GroupContext } from '../wire/group-context.ts';
import type { KeyPackage } from '../wire/key-package.ts';
import type { Proposal } from '../wire/proposal.ts';
import { PreSharedKeyId } from '../wire/psk-id.ts';
import type { CachedProposal, ReinitParameters } from './group-state.ts';

/** A proposal of a Commit with its proposer. */
export interface ResolvedProposal {
  readonly proposal: Proposal;
  /** The proposer's leaf index (the committer for proposals by value). */
  readonly senderLeafIndex: number;
}

/** MakeProposalRef (§5.2) of the AuthenticatedContent that carries a proposal. */
export function proposalRef(suite: CipherSuite, content: AuthenticatedContent): Uint8Array {
  return makeProposalRef(suite, encode(AuthenticatedContent, content));
}

/**
 * The proposals a Commit's list names: by value (proposed by the committer) or by reference to
 * a proposal cached in the epoch (§12.4).
 * @throws SigilError `MLS_UNKNOWN_PROPOSAL_REF` for a reference to no cached proposal.
 */
export function resolveProposals(
  list: readonly ProposalOrRef[],
  cache: readonly CachedProposal[],
  committerLeafIndex: number,
): ResolvedProposal[] {
  return list.map((entry) => {
    if (entry.type === 'proposal') {
      return { proposal: entry.proposal, senderLeafIndex: committerLeafIndex };
    }
    const cached = cache.find((c) => bytesEqual(c.ref, entry.reference));
    if (cached === undefined) {
      throw new SigilError('MLS_UNKNOWN_PROPOSAL_REF', 'the Commit references an unknown proposal');
    }
    return { proposal: cached.proposal, senderLeafIndex: cached.senderLeafIndex };
  });
}

/** §12.4: a path is required unless every proposal is an Add, PreSharedKey or ReInit. */
export function pathRequired(proposals: readonly ResolvedProposal[]): boolean {
  if (proposals.length === 0) return true;
  return proposals.some(
    ({ proposal }) => !['add', 'psk', 'reinit'].includes(proposal.proposalType),
  );
}

function reject(
  code:
    | 'MLS_COMMITTER_IN_PROPOSAL'
    | 'MLS_CONFLICTING_PROPOSALS'
    | 'MLS_DUPLICATE_ADD'
    | 'MLS_DUPLICATE_PSK'
    | 'MLS_MULTIPLE_GROUP_CONTEXT_EXTENSIONS'
    | 'MLS_UNSUPPORTED_PROPOSAL',
  message: string,
  details?: Record<string, number>,
): never {
  throw new SigilError(code, `${message} (RFC 9420 §12.2)`, details ? { details } : {});
}

/** What proposals are validated against. */
export interface ProposalValidationContext {
  readonly suite: CipherSuite;
  readonly tree: RatchetTree;
  readonly groupContext: GroupContext;
  readonly committerLeafIndex: number;
  /** The current time (seconds) for KeyPackage lifetimes; unchecked when omitted. */
  readonly now?: bigint;
  /** True for an external Commit (§12.4.3.2): ExternalInit is allowed. */
  readonly externalCommit?: boolean;
  /** True for the first Commit of a reinitialized group (§11.2): reinit PSKs are allowed. */
  readonly allowReinitPsk?: boolean;
}

/**
 * Validates the proposal list of a Commit (§12.1.x, §12.2).
 * @throws SigilError `MLS_UNSUPPORTED_PROPOSAL`, `MLS_COMMITTER_IN_PROPOSAL`,
 *   `MLS_CONFLICTING_PROPOSALS`, `MLS_DUPLICATE_ADD`, `MLS_DUPLICATE_PSK`,
 *   `MLS_MULTIPLE_GROUP_CONTEXT_EXTENSIONS`, `MLS_INVALID_REMOVE`, `MLS_INVALID_PSK_NONCE`,
 *   `MLS_REINIT_NOT_ALONE`, `MLS_INVALID_REINIT`, `MLS_UNEXPECTED_EXTERNAL_INIT`, and the
 *   KeyPackage (§10.1) and LeafNode (§7.3) codes.
 */
export function validateProposals(
  context: ProposalValidationContext,
  proposals: readonly ResolvedProposal[],
): void {
  const { suite, tree, groupContext, committerLeafIndex } = context;
  const touched = new Set<number>();
  const addedKeys = new ByteStringSet();
  const pskIds: Uint8Array[] = [];
  let extensions: readonly Extension[] = groupContext.extensions;
  let gceCount = 0;
  for (const { proposal } of proposals) {
    if (proposal.proposalType === 'group_context_extensions') {
      gceCount += 1;
      if (gceCount > 1) {
        reject('MLS_MULTIPLE_GROUP_CONTEXT_EXTENSIONS', 'more than one GroupContextExtensions');
      }
      checkExtensionList(proposal.extensions);
      extensions = proposal.extensions;
    }
  }
  for (const { proposal, senderLeafIndex } of proposals) {
    switch (proposal.proposalType) {
      case 'add': {
        validateKeyPackage(suite, proposal.keyPackage, {
          tree,
          groupContextExtensions: extensions,
          ...(context.now !== undefined ? { now: context.now } : {}),
        });
        const key = proposal.keyPackage.leafNode.signatureKey;
        if (addedKeys.has(key)) {
          reject('MLS_DUPLICATE_ADD', 'two Add proposals for the same client');
        }
        addedKeys.add(key);
        break;
      }
      case 'update':
        // §12.1.2: "An Update proposal MUST NOT be sent by the committer" (by reference or value).
        if (senderLeafIndex === committerLeafIndex) {
          reject('MLS_COMMITTER_IN_PROPOSAL', 'the committer cannot commit its own Update');
        }
        if (touched.has(senderLeafIndex)) {
          reject('MLS_CONFLICTING_PROPOSALS', 'two Update/Remove proposals for one leaf', {
            leafIndex: senderLeafIndex,
          });
        }
        touched.add(senderLeafIndex);
        validateLeafNode({
          suite,
          leafNode: proposal.leafNode,
          context: 'update',
          groupId: groupContext.groupId,
          leafIndex: senderLeafIndex,
          tree,
          groupContextExtensions: extensions,
        });
        break;
      case 'remove':
        if (!isMember(tree, proposal.removed)) {
          throw new SigilError('MLS_INVALID_REMOVE', 'the removed leaf is not a member (§12.1.3)', {
            details: { leafIndex: proposal.removed },
          });
        }
        if (proposal.removed === committerLeafIndex) {
          reject('MLS_COMMITTER_IN_PROPOSAL', 'the committer cannot remove itself');
        }
        if (touched.has(proposal.removed)) {
          reject('MLS_CONFLICTING_PROPOSALS', 'two Update/Remove proposals for one leaf', {
            leafIndex: proposal.removed,
          });
        }
        touched.add(proposal.removed);
        break;
      case 'psk': {
        if (proposal.psk.pskNonce.length !== suite.hashLength) {
          throw new SigilError(
            'MLS_INVALID_PSK_NONCE',
            `psk_nonce must be ${suite.hashLength} bytes`,
          );
        }
        // §12.1.4: a resumption PSK in a PreSharedKey proposal must have usage application,
        // except reinit in the first Commit of a reinitialized group (§11.2).
        if (
          proposal.psk.pskType === 'resumption' &&
          proposal.psk.usage !== 'application' &&
          !(proposal.psk.usage === 'reinit' && context.allowReinitPsk === true)
        ) {
          reject(
            'MLS_UNSUPPORTED_PROPOSAL',
            'a PreSharedKey proposal with a non-application resumption usage',
          );
        }
        const id = encode(PreSharedKeyId, proposal.psk);
        if (pskIds.some((other) => bytesEqual(other, id))) {
          reject('MLS_DUPLICATE_PSK', 'two PreSharedKey proposals with the same PreSharedKeyID');
        }
        pskIds.push(id);
        break;
      }
      case 'group_context_extensions':
        // §12.1.7: every member must support the new extensions (required_capabilities).
        for (const [, leafNode] of tree.leaves()) checkRequiredCapabilities(leafNode, extensions);
        break;
      case 'reinit':
        // §12.2: "If a ReInit proposal is present, there MUST NOT be any other proposals".
        if (proposals.length !== 1) {
          throw new SigilError(
            'MLS_REINIT_NOT_ALONE',
            'a ReInit must be the only proposal (§12.2)',
          );
        }
        // §12.1.5: no downgrade of the protocol version; Sigil only moves to suites it has.
        if (
          proposal.version < groupContext.version ||
          !isSupportedCipherSuite(proposal.cipherSuite)
        ) {
          throw new SigilError(
            'MLS_INVALID_REINIT',
            'a ReInit to a lower version or an unsupported suite (§12.1.5)',
            { details: { version: proposal.version, cipherSuite: proposal.cipherSuite } },
          );
        }
        checkExtensionList(proposal.extensions);
        break;
      case 'external_init':
        // §12.1.6: "This proposal can only be used in that context" (an external Commit).
        if (context.externalCommit !== true) {
          throw new SigilError(
            'MLS_UNEXPECTED_EXTERNAL_INIT',
            "an ExternalInit in a member's Commit (§12.1.6)",
          );
        }
        break;
      default: {
        // Unreachable for decoded proposals (unknown types do not decode); kept for safety.
        const unknown: { readonly proposalType: string } = proposal;
        reject('MLS_UNSUPPORTED_PROPOSAL', `${unknown.proposalType} proposals are not supported`);
      }
    }
  }
}

/** The outcome of {@link applyProposals}. */
export interface AppliedProposals {
  readonly tree: RatchetTree;
  /** The GroupContext extensions of the new epoch. */
  readonly extensions: readonly Extension[];
  /** The new members' leaf indices and KeyPackages, in Add order. */
  readonly added: readonly { readonly leafIndex: number; readonly keyPackage: KeyPackage }[];
  /** The leaves removed. */
  readonly removed: readonly number[];
  /** The PreSharedKeyIDs to inject, in proposal order. */
  readonly psks: readonly PreSharedKeyId[];
  /** The committed ReInit's parameters (§11.2): the new epoch ends the group. */
  readonly reinit?: ReinitParameters | undefined;
}

/**
 * Applies validated proposals to `tree` in the order of §12.3: GroupContextExtensions,
 * Updates, Removes, Adds; PreSharedKeys are collected for the key schedule.
 */
export function applyProposals(
  tree: RatchetTree,
  extensions: readonly Extension[],
  proposals: readonly ResolvedProposal[],
): AppliedProposals {
  let next = tree;
  let nextExtensions = extensions;
  const ofType = <T extends Proposal['proposalType']>(type: T) =>
    proposals.filter((p) => p.proposal.proposalType === type) as (ResolvedProposal & {
      proposal: Extract<Proposal, { proposalType: T }>;
    })[];
  for (const { proposal } of ofType('group_context_extensions'))
    nextExtensions = proposal.extensions;
  for (const { proposal, senderLeafIndex } of ofType('update')) {
    next = updateLeaf(next, senderLeafIndex, proposal.leafNode);
  }
  const removed: number[] = [];
  for (const { proposal } of ofType('remove')) {
    next = removeLeaf(next, proposal.removed);
    removed.push(proposal.removed);
  }
  const added: { leafIndex: number; keyPackage: KeyPackage }[] = [];
  for (const { proposal } of ofType('add')) {
    const result = addLeaf(next, proposal.keyPackage.leafNode);
    next = result.tree;
    added.push({ leafIndex: result.leafIndex, keyPackage: proposal.keyPackage });
  }
  const psks = ofType('psk').map(({ proposal }) => proposal.psk);
  const reinit = ofType('reinit').map(({ proposal }) => ({
    groupId: proposal.groupId,
    version: proposal.version,
    cipherSuite: proposal.cipherSuite,
    extensions: proposal.extensions,
  }))[0];
  return { tree: next, extensions: nextExtensions, added, removed, psks, reinit };
}
