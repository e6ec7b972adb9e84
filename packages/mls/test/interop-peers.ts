/**
 * Two MLS clients behind one interface for the interop tests and the MLS benchmark: Sigil
 * (`@sigil/mls`) and ts-mls 1.6.4. Peers exchange only encoded MLSMessage bytes (RFC 9420 §6):
 * KeyPackages, Commits, Welcomes, GroupInfos (for external Commits, §12.4.3.2) and application
 * messages, plus the encoded ratchet tree (§12.4.3.3) when it travels out of band.
 */
import type { CryptoProvider } from '@sigil/crypto';
import * as ts from 'ts-mls';
import { createGroupInfo as tsCreateGroupInfo } from 'ts-mls/createCommit.js';
import { decodeRatchetTree, encodeRatchetTree } from 'ts-mls/ratchetTree.js';
import { getCipherSuite } from '../src/cipher-suite.ts';
import type { MlsMessage } from '../src/framing/mls-message.ts';
import { confirmPendingCommit, createCommit } from '../src/group/commit.ts';
import { createGroup } from '../src/group/create-group.ts';
import { joinByExternalCommit } from '../src/group/external-commit.ts';
import { createGroupInfo } from '../src/group/group-info.ts';
import type { GroupState } from '../src/group/group-state.ts';
import { type CreatedKeyPackage, createKeyPackage } from '../src/group/key-package.ts';
import { decryptApplication, encryptApplication } from '../src/group/messages.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { joinFromWelcome, signGroupInfo } from '../src/group/welcome.ts';
import { decodeMlsMessage, encodeMlsMessage } from '../src/index.ts';
import { confirmationTag, externalKeyPair, mlsExporter } from '../src/key-schedule.ts';
import { RatchetTree } from '../src/tree/ratchet-tree.ts';
import { EXTENSION_TYPES } from '../src/wire/extensions.ts';

/** What a commit changes: KeyPackages (MLSMessage bytes) to add, leaf indices to remove. */
export interface CommitRequest {
  readonly add?: readonly Uint8Array[];
  readonly remove?: readonly number[];
  /** Send the Commit as a PrivateMessage (default: PublicMessage). */
  readonly private?: boolean;
  /** Put the ratchet tree in the Welcome's GroupInfo (default true). */
  readonly ratchetTreeExtension?: boolean;
}

/** A Commit as bytes, its Welcome if it adds members, and the tree for out-of-band delivery. */
export interface CommitOutput {
  readonly commit: Uint8Array;
  readonly welcome?: Uint8Array | undefined;
  /** The encoded ratchet tree of the new epoch (`optional<Node> ratchet_tree<V>`). */
  readonly ratchetTree: Uint8Array;
}

/** One MLS client in one group. Every operation applies to its own state. */
export interface Peer {
  readonly impl: 'sigil' | 'ts-mls';
  readonly name: string;
  /** This client's KeyPackage as an MLSMessage. */
  readonly keyPackage: Uint8Array;
  create(): Promise<void>;
  join(welcome: Uint8Array, ratchetTree?: Uint8Array): Promise<void>;
  /** Creates a Commit and moves its own state to the new epoch (as if the DS accepted it). */
  commit(request: CommitRequest): Promise<CommitOutput>;
  process(commit: Uint8Array): Promise<void>;
  encrypt(data: Uint8Array): Promise<Uint8Array>;
  decrypt(message: Uint8Array): Promise<Uint8Array>;
  epoch(): bigint;
  leafIndex(): number;
  epochAuthenticator(): Uint8Array;
  exporter(label: string, context: Uint8Array, length: number): Promise<Uint8Array>;
  /**
   * The current epoch's GroupInfo with external_pub and ratchet_tree, as an MLSMessage for a
   * reader of implementation `reader`. ts-mls 1.6.4 writes and reads external_pub as the bare
   * HPKE public key, without the `opaque HPKEPublicKey<V>` length prefix of RFC 9420's
   * ExternalPub struct (§12.4.3.2; fixed upstream in LukaJCB/ts-mls PR #449); Sigil follows
   * the RFC. The GroupInfo signature covers the extensions, so for a ts-mls reader the Sigil
   * peer signs the bare form itself (test-only), and for a Sigil reader the ts-mls peer builds
   * the RFC form with its lower-level `createGroupInfo`.
   */
  publishGroupInfo(reader: 'sigil' | 'ts-mls'): Promise<Uint8Array>;
  /** Joins by external Commit (as if the DS accepted it) and returns the Commit. */
  joinExternal(groupInfo: Uint8Array): Promise<Uint8Array>;
}

const LIFETIME = { notBefore: 0n, notAfter: 2n ** 63n - 1n };

const SUITE_NAMES: Readonly<Record<number, ts.CiphersuiteName>> = {
  1: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  3: 'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519',
};

/** A Sigil client of suite `suiteId` on `provider`. */
export function sigilPeer(provider: CryptoProvider, suiteId: number, name: string): Peer {
  const suite = getCipherSuite(provider, suiteId);
  const created: CreatedKeyPackage = createKeyPackage({
    suite,
    identity: new TextEncoder().encode(name),
    lifetime: LIFETIME,
  });
  let state: GroupState | undefined;
  const current = (): GroupState => {
    if (state === undefined) throw new Error(`${name} is in no group`);
    return state;
  };
  const decode = (bytes: Uint8Array): MlsMessage => decodeMlsMessage(bytes);
  return {
    impl: 'sigil',
    name,
    keyPackage: encodeMlsMessage({ wireFormat: 'mls_key_package', keyPackage: created.keyPackage }),
    async create() {
      state = createGroup({
        suite,
        keyPackage: created.keyPackage,
        privateKeys: created.privateKeys,
      });
    },
    async join(welcome, ratchetTree) {
      const message = decode(welcome);
      if (message.wireFormat !== 'mls_welcome') throw new Error('not a Welcome');
      state = joinFromWelcome({
        suite,
        welcome: message.welcome,
        keyPackage: created.keyPackage,
        privateKeys: created.privateKeys,
        ...(ratchetTree !== undefined ? { ratchetTree: RatchetTree.decode(ratchetTree) } : {}),
      });
    },
    async commit(request) {
      const proposals = [
        ...(request.add ?? []).map((bytes) => {
          const message = decode(bytes);
          if (message.wireFormat !== 'mls_key_package') throw new Error('not a KeyPackage');
          return { proposalType: 'add' as const, keyPackage: message.keyPackage };
        }),
        ...(request.remove ?? []).map((removed) => ({ proposalType: 'remove' as const, removed })),
      ];
      const out = createCommit(current(), {
        proposals,
        wireFormat: request.private === true ? 'mls_private_message' : 'mls_public_message',
        ratchetTreeExtension: request.ratchetTreeExtension ?? true,
      });
      state = confirmPendingCommit(out.state);
      return {
        commit: encodeMlsMessage(out.commit),
        welcome: out.welcome !== undefined ? encodeMlsMessage(out.welcome) : undefined,
        ratchetTree: state.tree.encode(),
      };
    },
    async process(commit) {
      state = processCommit(current(), decode(commit)).state;
    },
    async encrypt(data) {
      const sent = encryptApplication(current(), data);
      state = sent.state;
      return encodeMlsMessage(sent.message);
    },
    async decrypt(message) {
      const got = decryptApplication(current(), decode(message));
      state = got.state;
      return got.data;
    },
    epoch: () => current().groupContext.epoch,
    leafIndex: () => current().ownLeafIndex,
    epochAuthenticator: () => current().epochSecrets.epochAuthenticator,
    async exporter(label, context, length) {
      return mlsExporter(suite, current().epochSecrets.exporterSecret, label, context, length);
    },
    async publishGroupInfo(reader) {
      if (reader === 'sigil') return encodeMlsMessage(createGroupInfo(current()));
      const s = current();
      const groupInfo = signGroupInfo(suite, s.signatureKey, {
        groupContext: s.groupContext,
        extensions: [
          {
            extensionType: EXTENSION_TYPES.external_pub,
            extensionData: externalKeyPair(suite, s.epochSecrets.externalSecret).publicKey,
          },
          { extensionType: EXTENSION_TYPES.ratchet_tree, extensionData: s.tree.encode() },
        ],
        confirmationTag: confirmationTag(
          suite,
          s.epochSecrets.confirmationKey,
          s.groupContext.confirmedTranscriptHash,
        ),
        signer: s.ownLeafIndex,
      });
      return encodeMlsMessage({ wireFormat: 'mls_group_info', groupInfo });
    },
    async joinExternal(groupInfo) {
      const join = joinByExternalCommit({
        suite,
        groupInfo: decode(groupInfo),
        identity: new TextEncoder().encode(name),
        signatureKeyPair: created.privateKeys.signature,
      });
      state = confirmPendingCommit(join.state);
      return encodeMlsMessage(join.commit);
    },
  };
}

/** The ts-mls cipher-suite implementation of `suiteId` (its default crypto provider). */
export function tsMlsSuite(suiteId: number): Promise<ts.CiphersuiteImpl> {
  const name = SUITE_NAMES[suiteId];
  if (name === undefined) throw new Error(`suite ${suiteId} not mapped`);
  return ts.getCiphersuiteImpl(ts.getCiphersuiteFromName(name));
}

function tsDecode(bytes: Uint8Array): ts.MLSMessage {
  const decoded = ts.decodeMlsMessage(bytes, 0);
  if (decoded === undefined) throw new Error('ts-mls could not decode the MLSMessage');
  return decoded[0];
}

/** A ts-mls client with a fresh KeyPackage. */
export async function tsMlsPeer(impl: ts.CiphersuiteImpl, name: string): Promise<Peer> {
  const credential: ts.Credential = {
    credentialType: 'basic',
    identity: new TextEncoder().encode(name),
  };
  const kp = await ts.generateKeyPackage(
    credential,
    ts.defaultCapabilities(),
    ts.defaultLifetime,
    [],
    impl,
  );
  let state: ts.ClientState | undefined;
  const current = (): ts.ClientState => {
    if (state === undefined) throw new Error(`${name} is in no group`);
    return state;
  };
  return {
    impl: 'ts-mls',
    name,
    keyPackage: ts.encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_key_package',
      keyPackage: kp.publicPackage,
    }),
    async create() {
      const groupId = impl.rng.randomBytes(16);
      state = await ts.createGroup(groupId, kp.publicPackage, kp.privatePackage, [], impl);
    },
    async join(welcome, ratchetTree) {
      const message = tsDecode(welcome);
      if (message.wireformat !== 'mls_welcome') throw new Error('not a Welcome');
      const tree = ratchetTree !== undefined ? tsDecodeTree(ratchetTree) : undefined;
      state = await ts.joinGroup(
        message.welcome,
        kp.publicPackage,
        kp.privatePackage,
        ts.emptyPskIndex,
        impl,
        tree,
      );
    },
    async commit(request) {
      const proposals: ts.Proposal[] = [
        ...(request.add ?? []).map((bytes): ts.Proposal => {
          const message = tsDecode(bytes);
          if (message.wireformat !== 'mls_key_package') throw new Error('not a KeyPackage');
          return { proposalType: 'add', add: { keyPackage: message.keyPackage } };
        }),
        ...(request.remove ?? []).map(
          (removed): ts.Proposal => ({ proposalType: 'remove', remove: { removed } }),
        ),
      ];
      const out = await ts.createCommit(
        { state: current(), cipherSuite: impl },
        {
          extraProposals: proposals,
          wireAsPublicMessage: request.private !== true,
          ratchetTreeExtension: request.ratchetTreeExtension ?? true,
        },
      );
      state = out.newState;
      return {
        commit: ts.encodeMlsMessage(out.commit),
        welcome:
          out.welcome !== undefined
            ? ts.encodeMlsMessage({
                version: 'mls10',
                wireformat: 'mls_welcome',
                welcome: out.welcome,
              })
            : undefined,
        ratchetTree: encodeRatchetTree(state.ratchetTree),
      };
    },
    async process(commit) {
      const message = tsDecode(commit);
      if (
        message.wireformat !== 'mls_public_message' &&
        message.wireformat !== 'mls_private_message'
      ) {
        throw new Error('not a framed message');
      }
      const result = await ts.processMessage(
        message,
        current(),
        ts.emptyPskIndex,
        ts.acceptAll,
        impl,
      );
      if (result.kind !== 'newState') throw new Error('expected a Commit');
      state = result.newState;
    },
    async encrypt(data) {
      const out = await ts.createApplicationMessage(current(), data, impl);
      state = out.newState;
      return ts.encodeMlsMessage({
        version: 'mls10',
        wireformat: 'mls_private_message',
        privateMessage: out.privateMessage,
      });
    },
    async decrypt(bytes) {
      const message = tsDecode(bytes);
      if (message.wireformat !== 'mls_private_message') throw new Error('not a PrivateMessage');
      const result = await ts.processPrivateMessage(
        current(),
        message.privateMessage,
        ts.emptyPskIndex,
        impl,
      );
      if (result.kind !== 'applicationMessage') throw new Error('expected application data');
      state = result.newState;
      return result.message;
    },
    epoch: () => current().groupContext.epoch,
    leafIndex: () => current().privatePath.leafIndex,
    epochAuthenticator: () => current().keySchedule.epochAuthenticator,
    exporter: (label, context, length) =>
      ts.mlsExporter(current().keySchedule.exporterSecret, label, context, length, impl),
    async publishGroupInfo(reader) {
      const s = current();
      let groupInfo: ts.GroupInfo;
      if (reader === 'ts-mls') {
        groupInfo = await ts.createGroupInfoWithExternalPubAndRatchetTree(s, [], impl);
      } else {
        const pair = await impl.hpke.deriveKeyPair(s.keySchedule.externalSecret);
        const key = await impl.hpke.exportPublicKey(pair.publicKey);
        // RFC 9420 ExternalPub: the key with its varint length (one byte below 64).
        const externalPub = Uint8Array.from([key.length, ...key]);
        groupInfo = await tsCreateGroupInfo(
          s.groupContext,
          s.confirmationTag,
          s,
          [
            { extensionType: 'external_pub', extensionData: externalPub },
            { extensionType: 'ratchet_tree', extensionData: encodeRatchetTree(s.ratchetTree) },
          ],
          impl,
        );
      }
      return ts.encodeMlsMessage({ version: 'mls10', wireformat: 'mls_group_info', groupInfo });
    },
    async joinExternal(bytes) {
      const message = tsDecode(bytes);
      if (message.wireformat !== 'mls_group_info') throw new Error('not a GroupInfo');
      const out = await ts.joinGroupExternal(
        message.groupInfo,
        kp.publicPackage,
        kp.privatePackage,
        false,
        impl,
      );
      state = out.newState;
      return ts.encodeMlsMessage({
        version: 'mls10',
        wireformat: 'mls_public_message',
        publicMessage: out.publicMessage,
      });
    },
  };
}

/** Encoded `optional<Node> ratchet_tree<V>` bytes as ts-mls's tree value. */
function tsDecodeTree(bytes: Uint8Array): ts.RatchetTree {
  const decoded = decodeRatchetTree(bytes, 0);
  if (decoded === undefined) throw new Error('ts-mls could not decode the ratchet tree');
  return decoded[0];
}
