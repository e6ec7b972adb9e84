/**
 * `LeafNode` (RFC 9420 §7.2): a member's appearance in the ratchet tree, with its
 * Capabilities, Lifetime and LeafNodeSource, and the `LeafNodeTBS` its signature covers.
 *
 * ```
 * enum { reserved(0), key_package(1), update(2), commit(3), (255) } LeafNodeSource;
 * struct { ProtocolVersion versions<V>; CipherSuite cipher_suites<V>;
 *          ExtensionType extensions<V>; ProposalType proposals<V>;
 *          CredentialType credentials<V>; } Capabilities;
 * struct { uint64 not_before; uint64 not_after; } Lifetime;
 * struct {
 *     HPKEPublicKey encryption_key;  SignaturePublicKey signature_key;
 *     Credential credential;         Capabilities capabilities;
 *     LeafNodeSource leaf_node_source;
 *     select (LeafNode.leaf_node_source) {
 *         case key_package: Lifetime lifetime;
 *         case update:      struct{};
 *         case commit:      opaque parent_hash<V>;
 *     };
 *     Extension extensions<V>;
 *     opaque signature<V>;   // SignWithLabel(., "LeafNodeTBS", LeafNodeTBS)
 * } LeafNode;
 * ```
 *
 * Decoding checks syntax only; leaf node validation (§7.3) belongs to the ratchet tree.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  type Codec,
  type Infer,
  opaqueVar,
  type Reader,
  struct,
  uint8,
  uint16,
  uint32,
  uint64,
  vector,
  Writer,
} from '@sigil/wire';
import { type Extension, Extensions, HpkePublicKey, SignaturePublicKey } from './common.ts';
import { Credential } from './credential.ts';

/** `Capabilities` (§7.2): every list is open (may hold GREASE values), so plain uint16s. */
export const Capabilities = struct({
  /** ProtocolVersion values. */
  versions: vector(uint16),
  /** CipherSuite values. */
  cipherSuites: vector(uint16),
  /** Non-default ExtensionType values. */
  extensions: vector(uint16),
  /** Non-default ProposalType values. */
  proposals: vector(uint16),
  /** CredentialType values. */
  credentials: vector(uint16),
});
/** A decoded {@link Capabilities}. */
export type Capabilities = Infer<typeof Capabilities>;

/** `Lifetime` (§7.2): seconds since the Unix epoch. */
export const Lifetime = struct({ notBefore: uint64, notAfter: uint64 });
/** A decoded {@link Lifetime}. */
export type Lifetime = Infer<typeof Lifetime>;

/** LeafNodeSource values (§7.2). */
export const LEAF_NODE_SOURCES = { key_package: 1, update: 2, commit: 3 } as const;

/** The `leaf_node_source` and the field it selects. */
export type LeafNodeSourceFields =
  | { readonly leafNodeSource: 'key_package'; readonly lifetime: Lifetime }
  | { readonly leafNodeSource: 'update' }
  | { readonly leafNodeSource: 'commit'; readonly parentHash: Uint8Array };

/** A decoded `LeafNode` (§7.2). */
export type LeafNode = {
  /** The leaf's HPKE public key. */
  readonly encryptionKey: Uint8Array;
  /** The member's signature public key. */
  readonly signatureKey: Uint8Array;
  readonly credential: Credential;
  readonly capabilities: Capabilities;
  readonly extensions: readonly Extension[];
  /** SignWithLabel(., "LeafNodeTBS", LeafNodeTBS). */
  readonly signature: Uint8Array;
} & LeafNodeSourceFields;

/** Writes every LeafNode field up to and including `extensions` (shared by LeafNodeTBS). */
function encodeContent(writer: Writer, value: LeafNode): void {
  HpkePublicKey.encode(writer, value.encryptionKey);
  SignaturePublicKey.encode(writer, value.signatureKey);
  Credential.encode(writer, value.credential);
  Capabilities.encode(writer, value.capabilities);
  switch (value.leafNodeSource) {
    case 'key_package':
      uint8.encode(writer, LEAF_NODE_SOURCES.key_package);
      Lifetime.encode(writer, value.lifetime);
      break;
    case 'update':
      uint8.encode(writer, LEAF_NODE_SOURCES.update);
      break;
    case 'commit':
      uint8.encode(writer, LEAF_NODE_SOURCES.commit);
      opaqueVar.encode(writer, value.parentHash);
      break;
    default:
      throw new SigilError('INVALID_ARGUMENT', 'unknown leaf node source');
  }
  Extensions.encode(writer, value.extensions);
}

function decodeSource(reader: Reader): LeafNodeSourceFields {
  const at = reader.offset;
  switch (uint8.decode(reader)) {
    case LEAF_NODE_SOURCES.key_package:
      return { leafNodeSource: 'key_package', lifetime: Lifetime.decode(reader) };
    case LEAF_NODE_SOURCES.update:
      return { leafNodeSource: 'update' };
    case LEAF_NODE_SOURCES.commit:
      return { leafNodeSource: 'commit', parentHash: opaqueVar.decode(reader) };
    default:
      throw reader.error('CODEC_INVALID_VALUE', 'unknown leaf node source', { offset: at });
  }
}

/** The `LeafNode` codec (§7.2). */
export const LeafNode: Codec<LeafNode> = {
  encode(writer: Writer, value: LeafNode): void {
    encodeContent(writer, value);
    opaqueVar.encode(writer, value.signature);
  },
  decode(reader: Reader): LeafNode {
    const encryptionKey = HpkePublicKey.decode(reader);
    const signatureKey = SignaturePublicKey.decode(reader);
    const credential = Credential.decode(reader);
    const capabilities = Capabilities.decode(reader);
    const source = decodeSource(reader);
    const extensions = Extensions.decode(reader);
    const signature = opaqueVar.decode(reader);
    return {
      encryptionKey,
      signatureKey,
      credential,
      capabilities,
      ...source,
      extensions,
      signature,
    };
  },
};

/**
 * The encoded `LeafNodeTBS` (§7.2) of `leafNode`: its fields without the signature, followed
 * for `update` and `commit` leaves by the group and leaf they belong to.
 *
 * ```
 * select (LeafNodeTBS.leaf_node_source) {
 *     case key_package: struct{};
 *     case update:      opaque group_id<V>; uint32 leaf_index;
 *     case commit:      opaque group_id<V>; uint32 leaf_index;
 * };
 * ```
 * @throws SigilError `INVALID_ARGUMENT` if `group` is missing for an update or commit leaf.
 */
export function encodeLeafNodeTbs(
  leafNode: LeafNode,
  group?: { readonly groupId: Uint8Array; readonly leafIndex: number },
): Uint8Array {
  const writer = new Writer();
  encodeContent(writer, leafNode);
  if (leafNode.leafNodeSource !== 'key_package') {
    if (group === undefined) {
      throw new SigilError('INVALID_ARGUMENT', `a ${leafNode.leafNodeSource} leaf needs its group`);
    }
    opaqueVar.encode(writer, group.groupId);
    uint32.encode(writer, group.leafIndex);
  }
  return writer.finish();
}
