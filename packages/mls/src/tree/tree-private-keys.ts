/**
 * A member's private TreeKEM state (RFC 9420 §4.2, §7.4): the HPKE private keys it holds for
 * its own leaf and for nodes on its direct path, as an immutable value. Processing a Commit
 * returns a new `TreePrivateKeys` and leaves the old one intact, so a Commit that fails
 * validation changes nothing; the caller stores the new value once the whole Commit is
 * accepted (and should then drop the old one, §7.5: outdated key pairs must be deleted).
 *
 * Keys are indexed by node index (the leaf's key at node 2L). The value prints as
 * `[redacted]`.
 *
 * @example
 * ```ts
 * let keys = TreePrivateKeys.forLeaf(suite, 3, leafSecretKey);
 * keys = keys.withPathSecret(suite, 5, pathSecret); // the key pair of node 5
 * keys.consistentWith(tree); // every key matches the node's public key
 * ```
 * @module
 */
import { KeyPair } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import type { CipherSuite } from '../cipher-suite.ts';
import { bytesEqual } from '../internal/bytes.ts';
import { leafToNode } from '../tree-math.ts';
import { deriveNodeKeyPair } from './path-secrets.ts';
import { nodeEncryptionKey, type RatchetTree } from './ratchet-tree.ts';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** The private keys one member holds in a ratchet tree. */
export class TreePrivateKeys {
  /** The member's leaf index. */
  readonly leafIndex: number;
  readonly #keys: ReadonlyMap<number, KeyPair>;

  private constructor(leafIndex: number, keys: ReadonlyMap<number, KeyPair>) {
    this.leafIndex = leafIndex;
    this.#keys = keys;
  }

  /**
   * The state of a member who holds only its leaf's key pair (e.g. right after joining).
   * `leafKey` is the key pair, or the HPKE private key whose public key is derived.
   * @throws SigilError `INVALID_KEY_LENGTH` if a private key is not 32 bytes.
   */
  static forLeaf(
    suite: CipherSuite,
    leafIndex: number,
    leafKey: KeyPair | Uint8Array,
  ): TreePrivateKeys {
    if (!Number.isInteger(leafIndex) || leafIndex < 0) {
      throw new SigilError('INVALID_ARGUMENT', 'leafIndex must be a non-negative integer');
    }
    const pair =
      leafKey instanceof Uint8Array
        ? new KeyPair(suite.provider.x25519.publicKey(leafKey), leafKey)
        : leafKey;
    return new TreePrivateKeys(leafIndex, new Map([[leafToNode(leafIndex), pair]]));
  }

  /** The node index of the member's leaf. */
  get leafNode(): number {
    return leafToNode(this.leafIndex);
  }

  /** The key pair held for `node`, or undefined. */
  get(node: number): KeyPair | undefined {
    return this.#keys.get(node);
  }

  /** The node indices a key is held for, ascending. */
  get nodes(): number[] {
    return [...this.#keys.keys()].sort((a, b) => a - b);
  }

  /** A state that also holds (or replaces) the given key pairs. */
  with(entries: Iterable<readonly [node: number, keyPair: KeyPair]>): TreePrivateKeys {
    const keys = new Map(this.#keys);
    for (const [node, pair] of entries) keys.set(node, pair);
    return new TreePrivateKeys(this.leafIndex, keys);
  }

  /** A state that also holds the key pair derived from `pathSecret` at `node` (§7.4). */
  withPathSecret(suite: CipherSuite, node: number, pathSecret: Uint8Array): TreePrivateKeys {
    return this.with([[node, deriveNodeKeyPair(suite, pathSecret)]]);
  }

  /** A state without the keys of `nodes` (the leaf's key too, if listed). */
  without(nodes: Iterable<number>): TreePrivateKeys {
    const keys = new Map(this.#keys);
    for (const node of nodes) keys.delete(node);
    return new TreePrivateKeys(this.leafIndex, keys);
  }

  /** Whether the key at `node` is the private key of the node's public key in `tree`. */
  #matches(tree: RatchetTree, node: number, pair: KeyPair): boolean {
    if (node >= tree.nodeCount) return false;
    const value = tree.node(node);
    return value !== undefined && bytesEqual(nodeEncryptionKey(value), pair.publicKey);
  }

  /**
   * The keys whose node in `tree` is non-blank and holds the same public key; the rest (nodes
   * blanked or replaced since) are dropped.
   */
  retainMatching(tree: RatchetTree): TreePrivateKeys {
    const stale = [...this.#keys].filter(([node, pair]) => !this.#matches(tree, node, pair));
    return stale.length === 0 ? this : this.without(stale.map(([node]) => node));
  }

  /**
   * Whether the state is consistent with `tree` (the check of the treekem vectors): every key
   * is for a non-blank node holding its public key.
   */
  consistentWith(tree: RatchetTree): boolean {
    for (const [node, pair] of this.#keys) if (!this.#matches(tree, node, pair)) return false;
    return true;
  }

  /** Prints as `[redacted]`. */
  toJSON(): string {
    return '[redacted]';
  }

  /** Prints as `[redacted]` in `util.inspect` and `console.log`. */
  [inspectSymbol](): string {
    return 'TreePrivateKeys [redacted]';
  }
}
