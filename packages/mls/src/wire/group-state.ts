/**
 * The persisted form of a member's group state (Sigil's own format, not in RFC 9420): a
 * versioned TLS-presentation struct holding the GroupContext (§8.1), the ratchet tree
 * (`ratchet_tree` extension body, §12.4.3.3), private path keys, the epoch secret (every other
 * epoch secret is re-derived, §8), the secret tree's stored nodes (§9), the interim transcript
 * hash (§8.2), resumption PSKs (§8.6), the epoch's cached proposals, the pending Commit, the
 * past epochs retained for late application messages (§15.3) and the ReInit that ended the
 * group (§11.2).
 *
 * ```
 * struct {
 *     uint16 format_version = 2;
 *     CipherSuite cipher_suite;  GroupContext group_context;
 *     opaque ratchet_tree<V>;  uint32 leaf_count;  uint32 own_leaf;
 *     opaque signature_key<V>;  PrivateNodeKey private_keys<V>;
 *     opaque epoch_secret<V>;  optional<JoinerSecrets> joiner;
 *     SecretTreeNode secret_tree<V>;  opaque interim_transcript_hash<V>;
 *     ResumptionPsk resumption_psks<V>;
 *     CachedProposal proposals<V>;  // { ref; Proposal; uint32 sender_index; uint8 sender_type; }
 *     PendingUpdate pending_updates<V>;        // { opaque ref<V>; opaque private_key<V>; }
 *     optional<PendingCommit> pending_commit;   // { message; next_state; uint8 external; }
 *     RetainedEpoch retained_epochs<V>;         // oldest first
 *     optional<ReInit> reinit;
 * } GroupStateData;
 * struct {
 *     GroupContext group_context;  opaque sender_data_secret<V>;  uint32 leaf_count;
 *     SecretTreeNode secret_tree<V>;
 *     optional<RetainedMember> members<V>;  // { SignaturePublicKey; Credential; } by leaf
 *     optional<uint64> ended_at;
 * } RetainedEpoch;
 * ```
 *
 * Format version 1 (no sender_type, external, retained_epochs, reinit) is still read: its
 * proposals are members', its pending Commit not external, and nothing is retained.
 *
 * Every secret of the group is in it: store it encrypted at rest.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  type Codec,
  type Infer,
  opaqueVar,
  optional,
  type Reader,
  struct,
  uint8,
  uint16,
  uint32,
  uint64,
  vector,
  type Writer,
} from '@sigil/wire';
import type { KeyNonce, NodeState, Ratchet } from '../secret-tree.ts';
import { CipherSuiteCode, Extensions } from './common.ts';
import { Credential } from './credential.ts';
import { GroupContext } from './group-context.ts';
import { namedEnum } from './named-enum.ts';
import { Proposal } from './proposal.ts';

/** The format version this module writes (it also reads version 1). */
export const GROUP_STATE_FORMAT_VERSION = 2;

const PrivateNodeKey = struct({ node: uint32, privateKey: opaqueVar });
const JoinerSecrets = struct({ joinerSecret: opaqueVar, welcomeSecret: opaqueVar });
const KeyNonceCodec: Codec<KeyNonce> = struct({
  generation: uint32,
  key: opaqueVar,
  nonce: opaqueVar,
});
const RatchetCodec: Codec<Ratchet> = struct({
  generation: uint32,
  secret: opaqueVar,
  skipped: vector(KeyNonceCodec),
});
const NodeStateCodec: Codec<NodeState> = {
  encode(writer: Writer, value: NodeState): void {
    if (value.kind === 'secret') {
      uint8.encode(writer, 1);
      opaqueVar.encode(writer, value.secret);
    } else {
      uint8.encode(writer, 2);
      RatchetCodec.encode(writer, value.handshake);
      RatchetCodec.encode(writer, value.application);
    }
  },
  decode(reader: Reader): NodeState {
    const at = reader.offset;
    const kind = uint8.decode(reader);
    if (kind === 1) return { kind: 'secret', secret: opaqueVar.decode(reader) };
    if (kind === 2) {
      const handshake = RatchetCodec.decode(reader);
      return { kind: 'ratchets', handshake, application: RatchetCodec.decode(reader) };
    }
    throw reader.error('CODEC_INVALID_VALUE', 'unknown secret tree node kind', { offset: at });
  },
};
const SecretTreeNode = struct({ node: uint32, state: NodeStateCodec });
const ResumptionPskCodec = struct({ epoch: uint64, psk: opaqueVar });
const CachedProposalV1 = struct({ ref: opaqueVar, proposal: Proposal, senderLeafIndex: uint32 });
const CachedProposalCodec = struct({
  ref: opaqueVar,
  proposal: Proposal,
  senderLeafIndex: uint32,
  senderType: namedEnum(uint8, { member: 1, external: 2, new_member_proposal: 3 }),
});
const PendingUpdateCodec = struct({ ref: opaqueVar, privateKey: opaqueVar });
const PendingCommitV1 = struct({ message: opaqueVar, nextState: opaqueVar });
const PendingCommitCodec = struct({ message: opaqueVar, nextState: opaqueVar, external: uint8 });
const RetainedEpochCodec = struct({
  groupContext: GroupContext,
  senderDataSecret: opaqueVar,
  leafCount: uint32,
  secretTree: vector(SecretTreeNode),
  members: vector(optional(struct({ signatureKey: opaqueVar, credential: Credential }))),
  endedAt: optional(uint64),
});
const ReinitCodec = struct({
  groupId: opaqueVar,
  version: uint16,
  cipherSuite: uint16,
  extensions: Extensions,
});

const fieldsV1 = {
  cipherSuite: CipherSuiteCode,
  groupContext: GroupContext,
  ratchetTree: opaqueVar,
  leafCount: uint32,
  ownLeafIndex: uint32,
  signatureKey: opaqueVar,
  privateKeys: vector(PrivateNodeKey),
  epochSecret: opaqueVar,
  joiner: optional(JoinerSecrets),
  secretTree: vector(SecretTreeNode),
  interimTranscriptHash: opaqueVar,
  resumptionPsks: vector(ResumptionPskCodec),
  proposals: vector(CachedProposalV1),
  pendingUpdates: vector(PendingUpdateCodec),
  pendingCommit: optional(PendingCommitV1),
};
const BodyV1 = struct(fieldsV1);
const Body = struct({
  ...fieldsV1,
  proposals: vector(CachedProposalCodec),
  pendingCommit: optional(PendingCommitCodec),
  retainedEpochs: vector(RetainedEpochCodec),
  reinit: optional(ReinitCodec),
});

/** The decoded persisted group state (plain data). */
export type GroupStateData = Infer<typeof Body>;

/** The `GroupStateData` codec, with its leading format version. */
export const GroupStateData: Codec<GroupStateData> = {
  encode(writer: Writer, value: GroupStateData): void {
    uint16.encode(writer, GROUP_STATE_FORMAT_VERSION);
    Body.encode(writer, value);
  },
  decode(reader: Reader): GroupStateData {
    const version = uint16.decode(reader);
    if (version === GROUP_STATE_FORMAT_VERSION) return Body.decode(reader);
    if (version === 1) {
      const v1 = BodyV1.decode(reader);
      return {
        ...v1,
        proposals: v1.proposals.map((p) => ({ ...p, senderType: 'member' as const })),
        pendingCommit:
          v1.pendingCommit === undefined ? undefined : { ...v1.pendingCommit, external: 0 },
        retainedEpochs: [],
        reinit: undefined,
      };
    }
    throw new SigilError('UNSUPPORTED_VERSION', 'unknown group state format version', {
      details: { version },
    });
  },
};
