/**
 * `Commit` (RFC 9420 §12.4), with `ProposalOrRef` and the `UpdatePath` of §7.6.
 *
 * ```
 * enum { reserved(0), proposal(1), reference(2), (255) } ProposalOrRefType;
 * struct {
 *   ProposalOrRefType type;
 *   select (ProposalOrRef.type) {
 *     case proposal:  Proposal proposal;
 *     case reference: ProposalRef reference;
 *   };
 * } ProposalOrRef;
 * struct { HPKEPublicKey encryption_key; HPKECiphertext encrypted_path_secret<V>; } UpdatePathNode;
 * struct { LeafNode leaf_node; UpdatePathNode nodes<V>; } UpdatePath;
 * struct { ProposalOrRef proposals<V>; optional<UpdatePath> path; } Commit;
 * ```
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  type Codec,
  type Infer,
  optional,
  type Reader,
  struct,
  uint8,
  vector,
  type Writer,
} from '@sigil/wire';
import { HashReference, HpkeCiphertext, HpkePublicKey } from './common.ts';
import { LeafNode } from './leaf-node.ts';
import { Proposal } from './proposal.ts';

/** ProposalOrRefType values (§12.4). */
export const PROPOSAL_OR_REF_TYPES = { proposal: 1, reference: 2 } as const;

/** A decoded `ProposalOrRef` (§12.4): a proposal by value or by ProposalRef. */
export type ProposalOrRef =
  | { readonly type: 'proposal'; readonly proposal: Proposal }
  | {
      readonly type: 'reference';
      /** ProposalRef: MakeProposalRef of the AuthenticatedContent that carried it (§5.2). */
      readonly reference: Uint8Array;
    };

/** The `ProposalOrRef` codec (§12.4). */
export const ProposalOrRef: Codec<ProposalOrRef> = {
  encode(writer: Writer, value: ProposalOrRef): void {
    switch (value.type) {
      case 'proposal':
        uint8.encode(writer, PROPOSAL_OR_REF_TYPES.proposal);
        Proposal.encode(writer, value.proposal);
        return;
      case 'reference':
        uint8.encode(writer, PROPOSAL_OR_REF_TYPES.reference);
        HashReference.encode(writer, value.reference);
        return;
      default:
        throw new SigilError('INVALID_ARGUMENT', 'unknown ProposalOrRef type');
    }
  },
  decode(reader: Reader): ProposalOrRef {
    const at = reader.offset;
    const type = uint8.decode(reader);
    if (type === PROPOSAL_OR_REF_TYPES.proposal) {
      return { type: 'proposal', proposal: Proposal.decode(reader) };
    }
    if (type === PROPOSAL_OR_REF_TYPES.reference) {
      return { type: 'reference', reference: HashReference.decode(reader) };
    }
    throw reader.error('CODEC_INVALID_VALUE', 'unknown ProposalOrRef type', { offset: at });
  },
};

/** `UpdatePathNode` (§7.6): a new parent public key and the path secret encrypted to its copath. */
export const UpdatePathNode = struct({
  encryptionKey: HpkePublicKey,
  /** One HPKECiphertext per node of the copath child's resolution, in order. */
  encryptedPathSecret: vector(HpkeCiphertext),
});
/** A decoded {@link UpdatePathNode}. */
export type UpdatePathNode = Infer<typeof UpdatePathNode>;

/** `UpdatePath` (§7.6): the committer's new leaf and one node per filtered direct-path node. */
export const UpdatePath = struct({
  leafNode: LeafNode,
  nodes: vector(UpdatePathNode),
});
/** A decoded {@link UpdatePath}. */
export type UpdatePath = Infer<typeof UpdatePath>;

/** `Commit` (§12.4). */
export const Commit = struct({
  proposals: vector(ProposalOrRef),
  path: optional(UpdatePath),
});
/** A decoded {@link Commit}. */
export type Commit = Infer<typeof Commit>;
