/**
 * Loaders of the message vectors of RFC 9420 (secret-tree, message-protection).
 * Hex fields are decoded to bytes, `optional<T>` nulls become `undefined`.
 * @module
 */
import { fromHex } from '../hex.ts';
import { type Hex, load, MLS_VECTOR_FILES, suiteOf } from './common.ts';

// ---------------------------------------------------------------- secret-tree.json

interface RawSecretTree {
  cipher_suite: number;
  sender_data: { sender_data_secret: Hex; ciphertext: Hex; key: Hex; nonce: Hex };
  encryption_secret: Hex;
  leaves: {
    generation: number;
    handshake_key: Hex;
    handshake_nonce: Hex;
    application_key: Hex;
    application_nonce: Hex;
  }[][];
}

/** The expected keys of one leaf at one generation. */
export interface MlsSecretTreeGeneration {
  readonly generation: number;
  readonly handshakeKey: Uint8Array;
  readonly handshakeNonce: Uint8Array;
  readonly applicationKey: Uint8Array;
  readonly applicationNonce: Uint8Array;
}

/** One secret-tree case: sender data keys, and per leaf the keys of some generations. */
export interface MlsSecretTreeCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly senderData: {
    senderDataSecret: Uint8Array;
    ciphertext: Uint8Array;
    key: Uint8Array;
    nonce: Uint8Array;
  };
  readonly encryptionSecret: Uint8Array;
  /** leaves[i]: the generations checked for leaf i; the tree has leaves.length leaves. */
  readonly leaves: readonly (readonly MlsSecretTreeGeneration[])[];
}

/** Every case of mls/secret-tree.json. */
export function loadMlsSecretTree(): readonly MlsSecretTreeCase[] {
  const file = MLS_VECTOR_FILES.secretTree;
  return load<RawSecretTree>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    const s = raw.sender_data;
    return {
      name: `#${index} (suite ${cipherSuite}, ${raw.leaves.length} leaves)`,
      cipherSuite,
      senderData: {
        senderDataSecret: fromHex(s.sender_data_secret),
        ciphertext: fromHex(s.ciphertext),
        key: fromHex(s.key),
        nonce: fromHex(s.nonce),
      },
      encryptionSecret: fromHex(raw.encryption_secret),
      leaves: raw.leaves.map((generations) =>
        generations.map((g) => ({
          generation: g.generation,
          handshakeKey: fromHex(g.handshake_key),
          handshakeNonce: fromHex(g.handshake_nonce),
          applicationKey: fromHex(g.application_key),
          applicationNonce: fromHex(g.application_nonce),
        })),
      ),
    };
  });
}

// ---------------------------------------------------------------- message-protection.json

interface RawMessageProtection {
  cipher_suite: number;
  group_id: Hex;
  epoch: number | string;
  tree_hash: Hex;
  confirmed_transcript_hash: Hex;
  signature_priv: Hex;
  signature_pub: Hex;
  encryption_secret: Hex;
  sender_data_secret: Hex;
  membership_key: Hex;
  proposal: Hex;
  proposal_pub: Hex;
  proposal_priv: Hex;
  commit: Hex;
  commit_pub: Hex;
  commit_priv: Hex;
  application: Hex;
  application_priv: Hex;
}

/** One message-protection case (one per cipher suite); the sender is leaf 1 of 2. */
export interface MlsMessageProtectionCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly treeHash: Uint8Array;
  readonly confirmedTranscriptHash: Uint8Array;
  readonly signaturePriv: Uint8Array;
  readonly signaturePub: Uint8Array;
  readonly encryptionSecret: Uint8Array;
  readonly senderDataSecret: Uint8Array;
  readonly membershipKey: Uint8Array;
  /** A TLS-encoded Proposal, and MLSMessages carrying it as Public- and PrivateMessage. */
  readonly proposal: Uint8Array;
  readonly proposalPub: Uint8Array;
  readonly proposalPriv: Uint8Array;
  /** A TLS-encoded Commit, and MLSMessages carrying it. */
  readonly commit: Uint8Array;
  readonly commitPub: Uint8Array;
  readonly commitPriv: Uint8Array;
  /** Application data, and an MLSMessage (PrivateMessage) carrying it. */
  readonly application: Uint8Array;
  readonly applicationPriv: Uint8Array;
}

/** Every case of mls/message-protection.json. */
export function loadMlsMessageProtection(): readonly MlsMessageProtectionCase[] {
  const file = MLS_VECTOR_FILES.messageProtection;
  return load<RawMessageProtection>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite})`,
      cipherSuite,
      groupId: fromHex(raw.group_id),
      epoch: BigInt(raw.epoch),
      treeHash: fromHex(raw.tree_hash),
      confirmedTranscriptHash: fromHex(raw.confirmed_transcript_hash),
      signaturePriv: fromHex(raw.signature_priv),
      signaturePub: fromHex(raw.signature_pub),
      encryptionSecret: fromHex(raw.encryption_secret),
      senderDataSecret: fromHex(raw.sender_data_secret),
      membershipKey: fromHex(raw.membership_key),
      proposal: fromHex(raw.proposal),
      proposalPub: fromHex(raw.proposal_pub),
      proposalPriv: fromHex(raw.proposal_priv),
      commit: fromHex(raw.commit),
      commitPub: fromHex(raw.commit_pub),
      commitPriv: fromHex(raw.commit_priv),
      application: fromHex(raw.application),
      applicationPriv: fromHex(raw.application_priv),
    };
  });
}
