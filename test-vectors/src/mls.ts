/**
 * Loaders for the RFC 9420 interop vectors of mlswg/mls-implementations (data/mls/, format
 * in data/mls/test-vectors.md): tree-math, crypto-basics, key-schedule, psk_secret,
 * transcript-hashes, secret-tree, message-protection, tree-validation, tree-operations,
 * treekem, welcome and the passive-client scenarios. One typed loader per file; hex fields
 * are decoded to bytes, `optional<T>` nulls become `undefined`, uint64 epochs become bigints.
 * The vectors carry no tcId: each case is named by its position (and cipher suite).
 *
 * @example
 * ```ts
 * for (const c of loadMlsKeySchedule()) console.log(c.name, c.epochs.length);
 * ```
 * @module
 */
import { fromHex } from './hex.ts';
import { readJson } from './paths.ts';

/** The files under test-vectors/data. */
export const MLS_VECTOR_FILES = {
  treeMath: 'mls/tree-math.json',
  cryptoBasics: 'mls/crypto-basics.json',
  keySchedule: 'mls/key-schedule.json',
  pskSecret: 'mls/psk_secret.json',
  transcriptHashes: 'mls/transcript-hashes.json',
  secretTree: 'mls/secret-tree.json',
  messageProtection: 'mls/message-protection.json',
  treeValidation: 'mls/tree-validation.json',
  treeOperations: 'mls/tree-operations.json',
  treeKem: 'mls/treekem.json',
  welcome: 'mls/welcome.json',
  passiveClientWelcome: 'mls/passive-client-welcome.json',
  passiveClientHandlingCommit: 'mls/passive-client-handling-commit.json',
  passiveClientRandom: 'mls/passive-client-random.json',
} as const;

type Hex = string;

function load<T>(file: string): readonly T[] {
  const raw = readJson<unknown>(file);
  if (!Array.isArray(raw)) throw new Error(`${file}: expected an array`);
  return raw as T[];
}

function suiteOf(file: string, index: number, raw: { cipher_suite?: unknown }): number {
  if (!Number.isInteger(raw.cipher_suite)) throw new Error(`${file}: case ${index} has no suite`);
  return raw.cipher_suite as number;
}

const orUndefined = (value: number | null): number | undefined =>
  value === null ? undefined : value;

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

// ---------------------------------------------------------------- crypto-basics.json

interface RawCryptoBasics {
  cipher_suite: number;
  ref_hash: { label: string; value: Hex; out: Hex };
  expand_with_label: { secret: Hex; label: string; context: Hex; length: number; out: Hex };
  derive_secret: { secret: Hex; label: string; out: Hex };
  derive_tree_secret: { secret: Hex; label: string; generation: number; length: number; out: Hex };
  sign_with_label: { priv: Hex; pub: Hex; content: Hex; label: string; signature: Hex };
  encrypt_with_label: {
    priv: Hex;
    pub: Hex;
    label: string;
    context: Hex;
    plaintext: Hex;
    kem_output: Hex;
    ciphertext: Hex;
  };
}

/** One crypto-basics case (one per cipher suite). */
export interface MlsCryptoBasicsCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly refHash: { label: string; value: Uint8Array; out: Uint8Array };
  readonly expandWithLabel: {
    secret: Uint8Array;
    label: string;
    context: Uint8Array;
    length: number;
    out: Uint8Array;
  };
  readonly deriveSecret: { secret: Uint8Array; label: string; out: Uint8Array };
  readonly deriveTreeSecret: {
    secret: Uint8Array;
    label: string;
    generation: number;
    length: number;
    out: Uint8Array;
  };
  readonly signWithLabel: {
    priv: Uint8Array;
    pub: Uint8Array;
    content: Uint8Array;
    label: string;
    signature: Uint8Array;
  };
  readonly encryptWithLabel: {
    priv: Uint8Array;
    pub: Uint8Array;
    label: string;
    context: Uint8Array;
    plaintext: Uint8Array;
    kemOutput: Uint8Array;
    ciphertext: Uint8Array;
  };
}

/** Every case of mls/crypto-basics.json. */
export function loadMlsCryptoBasics(): readonly MlsCryptoBasicsCase[] {
  const file = MLS_VECTOR_FILES.cryptoBasics;
  return load<RawCryptoBasics>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    const r = raw.ref_hash;
    const e = raw.expand_with_label;
    const d = raw.derive_secret;
    const t = raw.derive_tree_secret;
    const s = raw.sign_with_label;
    const x = raw.encrypt_with_label;
    return {
      name: `#${index} (suite ${cipherSuite})`,
      cipherSuite,
      refHash: { label: r.label, value: fromHex(r.value), out: fromHex(r.out) },
      expandWithLabel: {
        secret: fromHex(e.secret),
        label: e.label,
        context: fromHex(e.context),
        length: e.length,
        out: fromHex(e.out),
      },
      deriveSecret: { secret: fromHex(d.secret), label: d.label, out: fromHex(d.out) },
      deriveTreeSecret: {
        secret: fromHex(t.secret),
        label: t.label,
        generation: t.generation,
        length: t.length,
        out: fromHex(t.out),
      },
      signWithLabel: {
        priv: fromHex(s.priv),
        pub: fromHex(s.pub),
        content: fromHex(s.content),
        label: s.label,
        signature: fromHex(s.signature),
      },
      encryptWithLabel: {
        priv: fromHex(x.priv),
        pub: fromHex(x.pub),
        label: x.label,
        context: fromHex(x.context),
        plaintext: fromHex(x.plaintext),
        kemOutput: fromHex(x.kem_output),
        ciphertext: fromHex(x.ciphertext),
      },
    };
  });
}

// ---------------------------------------------------------------- key-schedule.json

interface RawEpoch {
  tree_hash: Hex;
  commit_secret: Hex;
  psk_secret: Hex;
  confirmed_transcript_hash: Hex;
  group_context: Hex;
  joiner_secret: Hex;
  welcome_secret: Hex;
  init_secret: Hex;
  sender_data_secret: Hex;
  encryption_secret: Hex;
  exporter_secret: Hex;
  epoch_authenticator: Hex;
  external_secret: Hex;
  confirmation_key: Hex;
  membership_key: Hex;
  resumption_psk: Hex;
  external_pub: Hex;
  exporter: { label: string; context: Hex; length: number; secret: Hex };
}

interface RawKeySchedule {
  cipher_suite: number;
  group_id: Hex;
  initial_init_secret: Hex;
  epochs: RawEpoch[];
}

/** One epoch of a key-schedule case: the chosen inputs and every computed value. */
export interface MlsKeyScheduleEpoch {
  readonly treeHash: Uint8Array;
  readonly commitSecret: Uint8Array;
  readonly pskSecret: Uint8Array;
  readonly confirmedTranscriptHash: Uint8Array;
  /** The encoded GroupContext of this epoch (epoch number = position, no extensions). */
  readonly groupContext: Uint8Array;
  readonly joinerSecret: Uint8Array;
  readonly welcomeSecret: Uint8Array;
  readonly initSecret: Uint8Array;
  readonly senderDataSecret: Uint8Array;
  readonly encryptionSecret: Uint8Array;
  readonly exporterSecret: Uint8Array;
  readonly epochAuthenticator: Uint8Array;
  readonly externalSecret: Uint8Array;
  readonly confirmationKey: Uint8Array;
  readonly membershipKey: Uint8Array;
  readonly resumptionPsk: Uint8Array;
  readonly externalPub: Uint8Array;
  readonly exporter: { label: string; context: Uint8Array; length: number; secret: Uint8Array };
}

/** One key-schedule case (one per cipher suite): a chain of epochs. */
export interface MlsKeyScheduleCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly groupId: Uint8Array;
  readonly initialInitSecret: Uint8Array;
  readonly epochs: readonly MlsKeyScheduleEpoch[];
}

/** Every case of mls/key-schedule.json. */
export function loadMlsKeySchedule(): readonly MlsKeyScheduleCase[] {
  const file = MLS_VECTOR_FILES.keySchedule;
  return load<RawKeySchedule>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite})`,
      cipherSuite,
      groupId: fromHex(raw.group_id),
      initialInitSecret: fromHex(raw.initial_init_secret),
      epochs: raw.epochs.map((e) => ({
        treeHash: fromHex(e.tree_hash),
        commitSecret: fromHex(e.commit_secret),
        pskSecret: fromHex(e.psk_secret),
        confirmedTranscriptHash: fromHex(e.confirmed_transcript_hash),
        groupContext: fromHex(e.group_context),
        joinerSecret: fromHex(e.joiner_secret),
        welcomeSecret: fromHex(e.welcome_secret),
        initSecret: fromHex(e.init_secret),
        senderDataSecret: fromHex(e.sender_data_secret),
        encryptionSecret: fromHex(e.encryption_secret),
        exporterSecret: fromHex(e.exporter_secret),
        epochAuthenticator: fromHex(e.epoch_authenticator),
        externalSecret: fromHex(e.external_secret),
        confirmationKey: fromHex(e.confirmation_key),
        membershipKey: fromHex(e.membership_key),
        resumptionPsk: fromHex(e.resumption_psk),
        externalPub: fromHex(e.external_pub),
        exporter: {
          label: e.exporter.label,
          context: fromHex(e.exporter.context),
          length: e.exporter.length,
          secret: fromHex(e.exporter.secret),
        },
      })),
    };
  });
}

// ---------------------------------------------------------------- psk_secret.json

interface RawPskSecret {
  cipher_suite: number;
  psks: { psk_id: Hex; psk: Hex; psk_nonce: Hex }[];
  psk_secret: Hex;
}

/** One psk_secret case: external PSKs in order and the resulting psk_secret. */
export interface MlsPskSecretCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly psks: readonly { pskId: Uint8Array; psk: Uint8Array; pskNonce: Uint8Array }[];
  readonly pskSecret: Uint8Array;
}

/** Every case of mls/psk_secret.json. */
export function loadMlsPskSecret(): readonly MlsPskSecretCase[] {
  const file = MLS_VECTOR_FILES.pskSecret;
  return load<RawPskSecret>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite}, ${raw.psks.length} PSKs)`,
      cipherSuite,
      psks: raw.psks.map((p) => ({
        pskId: fromHex(p.psk_id),
        psk: fromHex(p.psk),
        pskNonce: fromHex(p.psk_nonce),
      })),
      pskSecret: fromHex(raw.psk_secret),
    };
  });
}

// ---------------------------------------------------------------- transcript-hashes.json

interface RawTranscriptHashes {
  cipher_suite: number;
  confirmation_key: Hex;
  authenticated_content: Hex;
  interim_transcript_hash_before: Hex;
  confirmed_transcript_hash_after: Hex;
  interim_transcript_hash_after: Hex;
}

/** One transcript-hashes case: a Commit's AuthenticatedContent and the hashes around it. */
export interface MlsTranscriptHashesCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly confirmationKey: Uint8Array;
  /** A TLS-encoded AuthenticatedContent carrying a Commit. */
  readonly authenticatedContent: Uint8Array;
  readonly interimTranscriptHashBefore: Uint8Array;
  readonly confirmedTranscriptHashAfter: Uint8Array;
  readonly interimTranscriptHashAfter: Uint8Array;
}

/** Every case of mls/transcript-hashes.json. */
export function loadMlsTranscriptHashes(): readonly MlsTranscriptHashesCase[] {
  const file = MLS_VECTOR_FILES.transcriptHashes;
  return load<RawTranscriptHashes>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite})`,
      cipherSuite,
      confirmationKey: fromHex(raw.confirmation_key),
      authenticatedContent: fromHex(raw.authenticated_content),
      interimTranscriptHashBefore: fromHex(raw.interim_transcript_hash_before),
      confirmedTranscriptHashAfter: fromHex(raw.confirmed_transcript_hash_after),
      interimTranscriptHashAfter: fromHex(raw.interim_transcript_hash_after),
    };
  });
}

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

// ---------------------------------------------------------------- welcome.json

interface RawWelcome {
  cipher_suite: number;
  init_priv: Hex;
  signer_pub: Hex;
  key_package: Hex;
  welcome: Hex;
}

/** One welcome.json case: join from `welcome` with the KeyPackage's init key. */
export interface MlsWelcomeCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly initPriv: Uint8Array;
  readonly signerPub: Uint8Array;
  /** MLSMessage(KeyPackage). */
  readonly keyPackage: Uint8Array;
  /** MLSMessage(Welcome). */
  readonly welcome: Uint8Array;
}

/** Every case of mls/welcome.json. */
export function loadMlsWelcome(): readonly MlsWelcomeCase[] {
  const file = MLS_VECTOR_FILES.welcome;
  return load<RawWelcome>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite})`,
      cipherSuite,
      initPriv: fromHex(raw.init_priv),
      signerPub: fromHex(raw.signer_pub),
      keyPackage: fromHex(raw.key_package),
      welcome: fromHex(raw.welcome),
    };
  });
}

// ---------------------------------------------------------------- passive-client-*.json

interface RawPassiveClient {
  cipher_suite: number;
  external_psks: { psk_id: Hex; psk: Hex }[];
  key_package: Hex;
  signature_priv: Hex;
  encryption_priv: Hex;
  init_priv: Hex;
  welcome: Hex;
  ratchet_tree: Hex | null;
  initial_epoch_authenticator: Hex;
  epochs: { proposals: Hex[]; commit: Hex; epoch_authenticator: Hex }[];
}

/** One epoch of a passive-client scenario: proposals, then the Commit that uses them. */
export interface MlsPassiveClientEpoch {
  /** MLSMessages (Public- or PrivateMessage) of proposals. */
  readonly proposals: readonly Uint8Array[];
  /** MLSMessage of the Commit. */
  readonly commit: Uint8Array;
  readonly epochAuthenticator: Uint8Array;
}

/** One passive-client scenario: join from a Welcome, then follow the group epoch by epoch. */
export interface MlsPassiveClientCase {
  readonly name: string;
  readonly cipherSuite: number;
  readonly externalPsks: readonly { readonly pskId: Uint8Array; readonly psk: Uint8Array }[];
  /** MLSMessage(KeyPackage). */
  readonly keyPackage: Uint8Array;
  readonly signaturePriv: Uint8Array;
  readonly encryptionPriv: Uint8Array;
  readonly initPriv: Uint8Array;
  /** MLSMessage(Welcome). */
  readonly welcome: Uint8Array;
  /** The ratchet_tree body, or undefined if the Welcome carries it. */
  readonly ratchetTree: Uint8Array | undefined;
  readonly initialEpochAuthenticator: Uint8Array;
  readonly epochs: readonly MlsPassiveClientEpoch[];
}

/** Every case of one passive-client file (`welcome`, `handling-commit` or `random`). */
export function loadMlsPassiveClient(
  which: 'welcome' | 'handling-commit' | 'random',
): readonly MlsPassiveClientCase[] {
  const file = {
    welcome: MLS_VECTOR_FILES.passiveClientWelcome,
    'handling-commit': MLS_VECTOR_FILES.passiveClientHandlingCommit,
    random: MLS_VECTOR_FILES.passiveClientRandom,
  }[which];
  return load<RawPassiveClient>(file).map((raw, index) => {
    const cipherSuite = suiteOf(file, index, raw);
    return {
      name: `#${index} (suite ${cipherSuite}, ${raw.epochs.length} epochs)`,
      cipherSuite,
      externalPsks: raw.external_psks.map((p) => ({
        pskId: fromHex(p.psk_id),
        psk: fromHex(p.psk),
      })),
      keyPackage: fromHex(raw.key_package),
      signaturePriv: fromHex(raw.signature_priv),
      encryptionPriv: fromHex(raw.encryption_priv),
      initPriv: fromHex(raw.init_priv),
      welcome: fromHex(raw.welcome),
      ratchetTree: raw.ratchet_tree === null ? undefined : fromHex(raw.ratchet_tree),
      initialEpochAuthenticator: fromHex(raw.initial_epoch_authenticator),
      epochs: raw.epochs.map((e) => ({
        proposals: e.proposals.map(fromHex),
        commit: fromHex(e.commit),
        epochAuthenticator: fromHex(e.epoch_authenticator),
      })),
    };
  });
}
