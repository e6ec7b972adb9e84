/**
 * `Proposal` (RFC 9420 §12.1) and its seven default types.
 *
 * ```
 * struct {
 *     ProposalType proposal_type;
 *     select (Proposal.proposal_type) {
 *         case add:                      Add;                     // KeyPackage key_package;
 *         case update:                   Update;                  // LeafNode leaf_node;
 *         case remove:                   Remove;                  // uint32 removed;
 *         case psk:                      PreSharedKey;            // PreSharedKeyID psk;
 *         case reinit:                   ReInit;
 *         case external_init:            ExternalInit;            // opaque kem_output<V>;
 *         case group_context_extensions: GroupContextExtensions;  // Extension extensions<V>;
 *     };
 * } Proposal;
 * struct { opaque group_id<V>; ProtocolVersion version; CipherSuite cipher_suite;
 *          Extension extensions<V>; } ReInit;
 * ```
 *
 * A proposal of any other type has no length prefix and cannot be skipped: it does not decode
 * (`CODEC_INVALID_VALUE`). Semantic validation (§12.1.x, §12.2) belongs to the commit layer.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { type Codec, opaqueVar, type Reader, uint16, uint32, type Writer } from '@sigil/wire';
import { CipherSuiteCode, type Extension, Extensions, ProtocolVersion } from './common.ts';
import { KeyPackage } from './key-package.ts';
import { LeafNode } from './leaf-node.ts';
import { PreSharedKeyId } from './psk-id.ts';

/** ProposalType values of the default proposals (§17.4). */
export const PROPOSAL_TYPES = {
  add: 1,
  update: 2,
  remove: 3,
  psk: 4,
  reinit: 5,
  external_init: 6,
  group_context_extensions: 7,
} as const;

/** The name of a default proposal type. */
export type ProposalType = keyof typeof PROPOSAL_TYPES;

/** A decoded `Proposal` (§12.1). */
export type Proposal =
  | { readonly proposalType: 'add'; readonly keyPackage: KeyPackage }
  | { readonly proposalType: 'update'; readonly leafNode: LeafNode }
  | {
      readonly proposalType: 'remove';
      /** Leaf index of the member to remove. */
      readonly removed: number;
    }
  | { readonly proposalType: 'psk'; readonly psk: PreSharedKeyId }
  | {
      readonly proposalType: 'reinit';
      readonly groupId: Uint8Array;
      readonly version: number;
      readonly cipherSuite: number;
      readonly extensions: readonly Extension[];
    }
  | { readonly proposalType: 'external_init'; readonly kemOutput: Uint8Array }
  | {
      readonly proposalType: 'group_context_extensions';
      readonly extensions: readonly Extension[];
    };

/** The `Proposal` codec (§12.1). */
export const Proposal: Codec<Proposal> = {
  encode(writer: Writer, value: Proposal): void {
    const type = PROPOSAL_TYPES[value.proposalType];
    if (type === undefined) throw new SigilError('INVALID_ARGUMENT', 'unknown proposal type');
    uint16.encode(writer, type);
    switch (value.proposalType) {
      case 'add':
        KeyPackage.encode(writer, value.keyPackage);
        return;
      case 'update':
        LeafNode.encode(writer, value.leafNode);
        return;
      case 'remove':
        uint32.encode(writer, value.removed);
        return;
      case 'psk':
        PreSharedKeyId.encode(writer, value.psk);
        return;
      case 'reinit':
        opaqueVar.encode(writer, value.groupId);
        ProtocolVersion.encode(writer, value.version);
        CipherSuiteCode.encode(writer, value.cipherSuite);
        Extensions.encode(writer, value.extensions);
        return;
      case 'external_init':
        opaqueVar.encode(writer, value.kemOutput);
        return;
      case 'group_context_extensions':
        Extensions.encode(writer, value.extensions);
        return;
    }
  },
  decode(reader: Reader): Proposal {
    const at = reader.offset;
    switch (uint16.decode(reader)) {
      case PROPOSAL_TYPES.add:
        return { proposalType: 'add', keyPackage: KeyPackage.decode(reader) };
      case PROPOSAL_TYPES.update:
        return { proposalType: 'update', leafNode: LeafNode.decode(reader) };
      case PROPOSAL_TYPES.remove:
        return { proposalType: 'remove', removed: uint32.decode(reader) };
      case PROPOSAL_TYPES.psk:
        return { proposalType: 'psk', psk: PreSharedKeyId.decode(reader) };
      case PROPOSAL_TYPES.reinit: {
        const groupId = opaqueVar.decode(reader);
        const version = ProtocolVersion.decode(reader);
        const cipherSuite = CipherSuiteCode.decode(reader);
        const extensions = Extensions.decode(reader);
        return { proposalType: 'reinit', groupId, version, cipherSuite, extensions };
      }
      case PROPOSAL_TYPES.external_init:
        return { proposalType: 'external_init', kemOutput: opaqueVar.decode(reader) };
      case PROPOSAL_TYPES.group_context_extensions:
        return { proposalType: 'group_context_extensions', extensions: Extensions.decode(reader) };
      default:
        throw reader.error('CODEC_INVALID_VALUE', 'unknown proposal type', { offset: at });
    }
  },
};
