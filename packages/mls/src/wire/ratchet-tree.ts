/**
 * `ParentNode` (RFC 9420 §7.1), `Node` and the `ratchet_tree` extension body (§12.4.3.3): the
 * public state of a ratchet tree as it travels in a GroupInfo or in the interop vectors.
 *
 * ```
 * struct {
 *     HPKEPublicKey encryption_key;
 *     opaque parent_hash<V>;
 *     uint32 unmerged_leaves<V>;
 * } ParentNode;
 * enum { reserved(0), leaf(1), parent(2), (255) } NodeType;
 * struct {
 *     NodeType node_type;
 *     select (Node.node_type) {
 *         case leaf:   LeafNode leaf_node;
 *         case parent: ParentNode parent_node;
 *     };
 * } Node;
 * optional<Node> ratchet_tree<V>;
 * ```
 *
 * These codecs check syntax only. Whether the nodes form a tree (leaves at even positions,
 * parents at odd ones, no trailing blank) is checked by `RatchetTree.decode`.
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
  uint32,
  vector,
  type Writer,
} from '@sigil/wire';
import { HpkePublicKey } from './common.ts';
import { LeafNode } from './leaf-node.ts';

/** `ParentNode` (§7.1). */
export const ParentNode = struct({
  /** The node's HPKE public key. */
  encryptionKey: HpkePublicKey,
  /** The parent hash of the next non-blank node above it on the path it was set by (§7.9). */
  parentHash: opaqueVar,
  /** Leaf indices added below this node since it was last set, in the order they were added. */
  unmergedLeaves: vector(uint32),
});
/** A decoded {@link ParentNode}. */
export type ParentNode = Infer<typeof ParentNode>;

/** NodeType values (§7.8, §12.4.3.3). */
export const NODE_TYPES = { leaf: 1, parent: 2 } as const;

/** A decoded `Node`: a leaf or a parent. */
export type Node =
  | { readonly nodeType: 'leaf'; readonly leafNode: LeafNode }
  | { readonly nodeType: 'parent'; readonly parentNode: ParentNode };

/** The `Node` codec (§12.4.3.3). */
export const Node: Codec<Node> = {
  encode(writer: Writer, value: Node): void {
    switch (value.nodeType) {
      case 'leaf':
        uint8.encode(writer, NODE_TYPES.leaf);
        LeafNode.encode(writer, value.leafNode);
        return;
      case 'parent':
        uint8.encode(writer, NODE_TYPES.parent);
        ParentNode.encode(writer, value.parentNode);
        return;
      default:
        throw new SigilError('INVALID_ARGUMENT', 'unknown node type');
    }
  },
  decode(reader: Reader): Node {
    const at = reader.offset;
    const type = uint8.decode(reader);
    if (type === NODE_TYPES.leaf) return { nodeType: 'leaf', leafNode: LeafNode.decode(reader) };
    if (type === NODE_TYPES.parent) {
      return { nodeType: 'parent', parentNode: ParentNode.decode(reader) };
    }
    throw reader.error('CODEC_INVALID_VALUE', 'unknown node type', { offset: at });
  },
};

/** `optional<Node> ratchet_tree<V>` (§12.4.3.3): one entry per node, blank nodes absent. */
export const RatchetTreeNodes: Codec<readonly (Node | undefined)[]> = vector(optional(Node));
