/**
 * Large synthetic ratchet trees for scale tests and measurements: every leaf and parent node
 * holds a real HPKE key pair (so any member can decrypt), leaves carry basic credentials and
 * unsigned placeholders (only a committer's new leaf is ever validated). Not parent-hash valid:
 * only UpdatePaths created on top of it are.
 */
import type { KeyPair } from '@sigil/crypto';
import type { CipherSuite } from '../src/cipher-suite.ts';
import { RatchetTree } from '../src/tree/ratchet-tree.ts';
import { TreePrivateKeys } from '../src/tree/tree-private-keys.ts';
import { directPath, isLeaf, leafToNode, nodeWidth } from '../src/tree-math.ts';
import type { LeafNode } from '../src/wire/leaf-node.ts';
import type { Node } from '../src/wire/ratchet-tree.ts';
import { CAPABILITIES } from './tree-fixture.ts';

export interface SyntheticTree {
  readonly tree: RatchetTree;
  /** Every node's key pair, by node index. */
  readonly keyPairs: readonly KeyPair[];
  /** Member `leaf`'s signature key and private tree keys (its leaf and direct path). */
  member(leaf: number): { signatureKey: Uint8Array; privateKeys: TreePrivateKeys };
}

/** A tree of `members` leaves (then blanks up to a power of two), every parent populated. */
export function syntheticTree(suite: CipherSuite, members: number): SyntheticTree {
  let leafCount = 1;
  while (leafCount < members) leafCount *= 2;
  const width = nodeWidth(leafCount);
  const keyPairs: KeyPair[] = [];
  const signatures = new Map<number, KeyPair>();
  const nodes: (Node | undefined)[] = [];
  const lastLeaf = leafToNode(members - 1);
  for (let index = 0; index < width; index += 1) {
    const pair = suite.hpke.generateKeyPair();
    keyPairs.push(pair);
    if (index > lastLeaf) continue;
    if (isLeaf(index)) {
      const signature = suite.signature.generateKeyPair();
      signatures.set(index / 2, signature);
      const leafNode: LeafNode = {
        encryptionKey: pair.publicKey,
        signatureKey: signature.publicKey,
        credential: { credentialType: 'basic', identity: Uint8Array.of(index) },
        capabilities: CAPABILITIES,
        leafNodeSource: 'key_package',
        lifetime: { notBefore: 0n, notAfter: 1n },
        extensions: [],
        signature: new Uint8Array(64),
      };
      nodes.push({ nodeType: 'leaf', leafNode });
    } else {
      nodes.push({
        nodeType: 'parent',
        parentNode: {
          encryptionKey: pair.publicKey,
          parentHash: new Uint8Array(0),
          unmergedLeaves: [],
        },
      });
    }
  }
  const tree = RatchetTree.fromNodes(nodes);
  return {
    tree,
    keyPairs,
    member(leaf) {
      const node = leafToNode(leaf);
      const path = directPath(node, leafCount).filter((p) => p <= lastLeaf);
      const privateKeys = TreePrivateKeys.forLeaf(suite, leaf, keyPairs[node] as KeyPair).with(
        path.map((p) => [p, keyPairs[p] as KeyPair]),
      );
      return { signatureKey: (signatures.get(leaf) as KeyPair).secretKey, privateKeys };
    },
  };
}
