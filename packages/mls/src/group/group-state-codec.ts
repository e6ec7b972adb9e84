/**
 * Encoding and decoding a {@link GroupState} (format in wire/group-state.ts): a state encoded
 * between any two messages decodes to one that continues exactly where it stopped. The epoch's
 * derived secrets are re-derived from epoch_secret (§8); HPKE public keys from private keys.
 *
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { KeyPair, SecretBytes } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { decode, encode } from '@sigil/wire';
import { getCipherSuite } from '../cipher-suite.ts';
import { deriveEpochSecrets, EpochSecrets } from '../key-schedule.ts';
import { SecretTree } from '../secret-tree.ts';
import { RatchetTree } from '../tree/ratchet-tree.ts';
import { TreePrivateKeys } from '../tree/tree-private-keys.ts';
import { leafToNode } from '../tree-math.ts';
import { GroupStateData } from '../wire/group-state.ts';
import type { GroupState } from './group-state.ts';

function toData(state: GroupState): GroupStateData {
  const { privateKeys, epochSecrets } = state;
  return {
    cipherSuite: state.suite.id,
    groupContext: state.groupContext,
    ratchetTree: state.tree.encode(),
    leafCount: state.tree.leafCount,
    ownLeafIndex: state.ownLeafIndex,
    signatureKey: state.signatureKey,
    privateKeys: privateKeys.nodes.map((node) => ({
      node,
      privateKey: (privateKeys.get(node) as KeyPair).secretKey,
    })),
    epochSecret: epochSecrets.epochSecret,
    joiner:
      epochSecrets.joinerSecret !== undefined && epochSecrets.welcomeSecret !== undefined
        ? { joinerSecret: epochSecrets.joinerSecret, welcomeSecret: epochSecrets.welcomeSecret }
        : undefined,
    secretTree: state.secretTree.snapshot().nodes.map(([node, value]) => ({ node, state: value })),
    interimTranscriptHash: state.interimTranscriptHash,
    resumptionPsks: state.resumptionPsks,
    proposals: state.proposals.map((p) => ({
      ref: p.ref,
      proposal: p.proposal,
      senderLeafIndex: p.senderLeafIndex,
      senderType: p.senderType ?? 'member',
    })),
    pendingUpdates: (state.pendingUpdates ?? []).map((u) => ({
      ref: u.ref,
      privateKey: u.encryptionKey.secretKey,
    })),
    pendingCommit:
      state.pendingCommit === undefined
        ? undefined
        : {
            message: state.pendingCommit.message,
            nextState: encodeGroupState(state.pendingCommit.next),
            external: state.pendingCommit.external === true ? 1 : 0,
          },
    retainedEpochs: (state.retainedEpochs ?? []).map((e) => ({
      groupContext: e.groupContext,
      senderDataSecret: e.senderDataSecret.expose(),
      leafCount: e.secretTree.leafCount,
      secretTree: e.secretTree.snapshot().nodes.map(([node, value]) => ({ node, state: value })),
      members: e.members,
      endedAt: e.endedAt,
    })),
    reinit: state.reinit,
  };
}

/**
 * Encodes a group state. The bytes hold every secret of the group: encrypt them at rest.
 * @throws SigilError `INVALID_ARGUMENT` if a field cannot be encoded.
 */
export function encodeGroupState(state: GroupState): Uint8Array {
  return encode(GroupStateData, toData(state));
}

/**
 * Decodes a group state encoded by {@link encodeGroupState}, on `provider`.
 * @throws SigilError `UNSUPPORTED_VERSION` for another format version;
 *   `UNSUPPORTED_ALGORITHM` for an unsupported suite; `MLS_MALFORMED_RATCHET_TREE`;
 *   `INVALID_ARGUMENT` for an inconsistent state; a `Codec` error if the bytes do not parse.
 */
export function decodeGroupState(provider: CryptoProvider, bytes: Uint8Array): GroupState {
  const data = decode(GroupStateData, bytes);
  const suite = getCipherSuite(provider, data.cipherSuite);
  const tree = RatchetTree.decode(data.ratchetTree);
  if (tree.leafCount !== data.leafCount || data.ownLeafIndex >= tree.leafCount) {
    throw new SigilError('INVALID_ARGUMENT', 'the stored group state is inconsistent');
  }
  const ownNode = leafToNode(data.ownLeafIndex);
  const leafKey = data.privateKeys.find((k) => k.node === ownNode);
  if (leafKey === undefined) {
    throw new SigilError('INVALID_ARGUMENT', 'the stored group state lacks the leaf key');
  }
  const pair = (secretKey: Uint8Array) =>
    new KeyPair(provider.x25519.publicKey(secretKey), secretKey);
  const privateKeys = TreePrivateKeys.forLeaf(suite, data.ownLeafIndex, leafKey.privateKey).with(
    data.privateKeys.map((k) => [k.node, pair(k.privateKey)] as const),
  );
  const epochSecrets = new EpochSecrets(
    data.epochSecret,
    deriveEpochSecrets(suite, data.epochSecret),
    data.joiner,
  );
  return {
    suite,
    groupContext: data.groupContext,
    tree,
    ownLeafIndex: data.ownLeafIndex,
    signatureKey: data.signatureKey,
    privateKeys,
    epochSecrets,
    secretTree: SecretTree.fromSnapshot(suite, {
      leafCount: tree.leafCount,
      nodes: data.secretTree.map((n) => [n.node, n.state] as const),
    }),
    interimTranscriptHash: data.interimTranscriptHash,
    resumptionPsks: data.resumptionPsks,
    proposals: data.proposals.map((p) => ({
      ref: p.ref,
      proposal: p.proposal,
      senderLeafIndex: p.senderLeafIndex,
      ...(p.senderType === 'member' ? {} : { senderType: p.senderType }),
    })),
    pendingUpdates: data.pendingUpdates.map((u) => ({
      ref: u.ref,
      encryptionKey: pair(u.privateKey),
    })),
    pendingCommit:
      data.pendingCommit === undefined
        ? undefined
        : {
            message: data.pendingCommit.message,
            next: decodeGroupState(provider, data.pendingCommit.nextState),
            ...(data.pendingCommit.external === 1 ? { external: true } : {}),
          },
    retainedEpochs: data.retainedEpochs.map((e) => ({
      groupContext: e.groupContext,
      senderDataSecret: new SecretBytes(e.senderDataSecret),
      secretTree: SecretTree.fromSnapshot(suite, {
        leafCount: e.leafCount,
        nodes: e.secretTree.map((n) => [n.node, n.state] as const),
      }),
      members: e.members,
      endedAt: e.endedAt,
    })),
    reinit: data.reinit,
  };
}
