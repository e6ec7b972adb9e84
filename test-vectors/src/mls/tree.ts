/**
 * Loaders of the tree vectors of RFC 9420 (tree-math, tree-validation, tree-operations, treekem).
 * Hex fields are decoded to bytes, `optional<T>` nulls become `undefined`.
 * @module
 */
import { fromHex } from '../hex.ts';
import { type Hex, load, MLS_VECTOR_FILES, orUndefined, suiteOf } from './common.ts';

// ---------------------------------------------------------------- tree-math.json

interface RawTreeMath {
  n_leaves: number;
  n_nodes: number;
  root: number;
  left: (number | null)[];
  right: (number | null)[];
  parent: (number | null)[];
  sibling: (number | null)[];
}

/** One tree-math case: the relations of every node of a tree with `leafCount` leaves. */
export interface MlsTreeMathCase {
  readonly name: string;
  readonly leafCount: number;
  readonly nodeCount: number;
  readonly root: number;
  /** left[i] for every node i; undefined for leaves. */
  readonly left: readonly (number | undefined)[];
  /** right[i]; undefined for leaves. */
  readonly right: readonly (number | undefined)[];
  /** parent[i]; undefined for the root. */
  readonly parent: readonly (number | undefined)[];
  /** sibling[i]; undefined for the root. */
  readonly sibling: readonly (number | undefined)[];
}

/** Every case of mls/tree-math.json. */
export function loadMlsTreeMath(): readonly MlsTreeMathCase[] {
  return load<RawTreeMath>(MLS_VECTOR_FILES.treeMath).map((raw, index) => ({
    name: `#${index} (${raw.n_leaves} leaves)`,
    leafCount: raw.n_leaves,
    nodeCount: raw.n_nodes,
    root: raw.root,
    left: raw.left.map(orUndefined),
    right: raw.right.map(orUndefined),
    parent: raw.parent.map(orUndefined),
    sibling: raw.sibling.map(orUndefined),
  }));
}

// ---------------------------------------------------------------- tree-validation.json

interface RawTreeValidation {
  cipher_suite: number;
  tree: Hex;
  group_id: Hex;
  resolutions: number[][];
  tree_hashes: Hex[];
}

/** One tree-validation case: a valid tree with the resolution and tree hash of each node. */
export interface MlsTreeValidationCase {
  readonly name: string;
  readonly cipherSuite: number;
  /** A `ratchet_tree` extension body (optional<Node> ratchet_tree<V>). */
  readonly tree: Uint8Array;
  /** The group the update and commit leaves are signed for. */
  readonly groupId: Uint8Array;
  /** resolutions[i]: the resolution of node i, as node indices. */
  readonly resolutions: readonly (readonly number[])[];
  /** treeHashes[i]: the tree hash of node i. */
  readonly treeHashes: readonly Uint8Array[];
}

/** Every case of mls/tree-validation.json. */
export function loadMlsTreeValidation(): readonly MlsTreeValidationCase[] {
  const file = MLS_VECTOR_FILES.treeValidation;
  return load<RawTreeValidation>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite}, ${raw.tree_hashes.length} nodes)`,
      cipherSuite,
      tree: fromHex(raw.tree),
      groupId: fromHex(raw.group_id),
      resolutions: raw.resolutions,
      treeHashes: raw.tree_hashes.map(fromHex),
    };
  });
}

// ---------------------------------------------------------------- tree-operations.json

interface RawTreeOperations {
  cipher_suite: number;
  tree_before: Hex;
  proposal: Hex;
  proposal_sender: number;
  tree_hash_before: Hex;
  tree_after: Hex;
  tree_hash_after: Hex;
}

/** One tree-operations case: an Add, Update or Remove proposal applied to a tree. */
export interface MlsTreeOperationsCase {
  readonly name: string;
  readonly cipherSuite: number;
  /** `ratchet_tree` extension bodies before and after the proposal. */
  readonly treeBefore: Uint8Array;
  readonly treeAfter: Uint8Array;
  /** A TLS-encoded Proposal (add, update or remove). */
  readonly proposal: Uint8Array;
  /** The leaf index of the member who sent the proposal. */
  readonly proposalSender: number;
  readonly treeHashBefore: Uint8Array;
  readonly treeHashAfter: Uint8Array;
}

/** Every case of mls/tree-operations.json. */
export function loadMlsTreeOperations(): readonly MlsTreeOperationsCase[] {
  const file = MLS_VECTOR_FILES.treeOperations;
  return load<RawTreeOperations>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite}, sender ${raw.proposal_sender})`,
      cipherSuite,
      treeBefore: fromHex(raw.tree_before),
      treeAfter: fromHex(raw.tree_after),
      proposal: fromHex(raw.proposal),
      proposalSender: raw.proposal_sender,
      treeHashBefore: fromHex(raw.tree_hash_before),
      treeHashAfter: fromHex(raw.tree_hash_after),
    };
  });
}

// ---------------------------------------------------------------- treekem.json

interface RawTreeKem {
  cipher_suite: number;
  group_id: Hex;
  epoch: number | string;
  confirmed_transcript_hash: Hex;
  ratchet_tree: Hex;
  leaves_private: {
    index: number;
    encryption_priv: Hex;
    signature_priv: Hex;
    path_secrets: { node: number; path_secret: Hex }[];
  }[];
  update_paths: {
    sender: number;
    update_path: Hex;
    path_secrets: (Hex | null)[];
    commit_secret: Hex;
    tree_hash_after: Hex;
  }[];
}

/** The private state of one member in a treekem case. */
export interface MlsTreeKemLeafPrivate {
  readonly leafIndex: number;
  /** The HPKE private key of the member's leaf. */
  readonly encryptionPriv: Uint8Array;
  /** The member's Ed25519 signature private key (seed). */
  readonly signaturePriv: Uint8Array;
  /** The path secrets the member knows, by node index. */
  readonly pathSecrets: readonly { node: number; pathSecret: Uint8Array }[];
}

/** One UpdatePath of a treekem case, with what every receiver must derive from it. */
export interface MlsTreeKemUpdatePath {
  readonly sender: number;
  /** A TLS-encoded UpdatePath. */
  readonly updatePath: Uint8Array;
  /** pathSecrets[j]: the path secret leaf j decrypts; undefined for the sender and blanks. */
  readonly pathSecrets: readonly (Uint8Array | undefined)[];
  readonly commitSecret: Uint8Array;
  readonly treeHashAfter: Uint8Array;
}

/** One treekem case: a tree, some members' private state, and UpdatePaths to process. */
export interface MlsTreeKemCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly groupId: Uint8Array;
  readonly epoch: bigint;
  readonly confirmedTranscriptHash: Uint8Array;
  /** A `ratchet_tree` extension body. */
  readonly ratchetTree: Uint8Array;
  readonly leavesPrivate: readonly MlsTreeKemLeafPrivate[];
  readonly updatePaths: readonly MlsTreeKemUpdatePath[];
}

/** Every case of mls/treekem.json. */
export function loadMlsTreeKem(): readonly MlsTreeKemCase[] {
  const file = MLS_VECTOR_FILES.treeKem;
  return load<RawTreeKem>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite}, ${raw.update_paths.length} update paths)`,
      cipherSuite,
      groupId: fromHex(raw.group_id),
      epoch: BigInt(raw.epoch),
      confirmedTranscriptHash: fromHex(raw.confirmed_transcript_hash),
      ratchetTree: fromHex(raw.ratchet_tree),
      leavesPrivate: raw.leaves_private.map((leaf) => ({
        leafIndex: leaf.index,
        encryptionPriv: fromHex(leaf.encryption_priv),
        signaturePriv: fromHex(leaf.signature_priv),
        pathSecrets: leaf.path_secrets.map((entry) => ({
          node: entry.node,
          pathSecret: fromHex(entry.path_secret),
        })),
      })),
      updatePaths: raw.update_paths.map((path) => ({
        sender: path.sender,
        updatePath: fromHex(path.update_path),
        pathSecrets: path.path_secrets.map((secret) =>
          secret === null ? undefined : fromHex(secret),
        ),
        commitSecret: fromHex(path.commit_secret),
        treeHashAfter: fromHex(path.tree_hash_after),
      })),
    };
  });
}
