/**
 * The secret tree (RFC 9420 §9): the per-epoch tree of secrets rooted at encryption_secret, and
 * each leaf's handshake and application hash ratchets, which give every message its own key
 * and nonce.
 *
 * ```
 * tree_node_[left(N)]_secret  = ExpandWithLabel(tree_node_[N]_secret, "tree", "left",  KDF.Nh)
 * tree_node_[right(N)]_secret = ExpandWithLabel(tree_node_[N]_secret, "tree", "right", KDF.Nh)
 * handshake_ratchet_secret_[N]_[0]   = ExpandWithLabel(tree_node_[N]_secret, "handshake", "", KDF.Nh)
 * application_ratchet_secret_[N]_[0] = ExpandWithLabel(tree_node_[N]_secret, "application", "", KDF.Nh)
 * ratchet_key_[N]_[j]        = DeriveTreeSecret(ratchet_secret_[N]_[j], "key",    j, AEAD.Nk)
 * ratchet_nonce_[N]_[j]      = DeriveTreeSecret(ratchet_secret_[N]_[j], "nonce",  j, AEAD.Nn)
 * ratchet_secret_[N]_[j+1]   = DeriveTreeSecret(ratchet_secret_[N]_[j], "secret", j, KDF.Nh)
 * ```
 *
 * Lazy: a tree of any size starts as its root secret alone; using a leaf derives only the
 * nodes on its path (and keeps their siblings), so a message costs O(log n) derivations once
 * per leaf and epoch. Deletion (§9.2): a node's secret is dropped as soon as its children are
 * derived, a leaf's once its ratchets start, a ratchet secret once the next one exists, and a
 * key once it is used; keys skipped over are kept for {@link OUT_OF_ORDER_WINDOW} generations.
 *
 * The tree is a value: every operation returns a new `SecretTree` and leaves the old one as it
 * was (a persistent trie shares everything else), so a message that fails to decrypt or verify
 * changes no state. The caller stores the new tree once the message is accepted, drops the old
 * one, and may then wipe the `consumed` secrets the operation reports (best effort).
 *
 * @example
 * ```ts
 * let tree = SecretTree.create(suite, epoch.encryptionSecret, 8);
 * const sent = tree.nextKey(3, 'application'); // sender side
 * tree = sent.tree;
 * const got = receiverTree.keyFor(3, 'application', sent.generation); // receiver side
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { CipherSuite } from './cipher-suite.ts';
import { deriveTreeSecret, expandWithLabel } from './crypto-basics.ts';
import { PersistentArray } from './internal/persistent-array.ts';
import { MAX_GENERATION_JUMP, OUT_OF_ORDER_WINDOW } from './limits.ts';
import { assertLeafCount, directPath, left, nodeWidth, right, root } from './tree-math.ts';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');
const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
const LEFT = encoder.encode('left');
const RIGHT = encoder.encode('right');
/** Generations are uint32: 2^32 - 1 is the last one a ratchet can give out. */
const GENERATION_LIMIT = 2 ** 32;

/** Which of a leaf's two ratchets: handshake (proposals, commits) or application. */
export type RatchetType = 'handshake' | 'application';

/** A key and nonce of one generation. */
export interface KeyNonce {
  readonly generation: number;
  readonly key: Uint8Array;
  readonly nonce: Uint8Array;
}

/** One hash ratchet: its next generation, that generation's secret and the kept keys. */
export interface Ratchet {
  /** The next unused generation j. */
  readonly generation: number;
  /** ratchet_secret_[N]_[j]. */
  readonly secret: Uint8Array;
  /** Unused keys of generations in [j - OUT_OF_ORDER_WINDOW, j), ascending. */
  readonly skipped: readonly KeyNonce[];
}

/** The state of one stored node: a tree secret, or a leaf's two ratchets. */
export type NodeState =
  | { readonly kind: 'secret'; readonly secret: Uint8Array }
  | { readonly kind: 'ratchets'; readonly handshake: Ratchet; readonly application: Ratchet };

/** The result of taking a key from the tree. */
export interface RatchetKey {
  /** The tree after the operation; the one it was called on is unchanged. */
  readonly tree: SecretTree;
  /** The generation the key and nonce belong to. */
  readonly generation: number;
  /** ratchet_key_[N]_[generation] (AEAD.Nk bytes). Secret. */
  readonly key: Uint8Array;
  /** ratchet_nonce_[N]_[generation] (AEAD.Nn bytes), before the reuse guard. Secret. */
  readonly nonce: Uint8Array;
  /**
   * Secrets the new tree no longer holds (expanded node secrets, replaced ratchet secrets, the
   * key and nonce once used). Wipe them after storing the new tree and discarding the old one.
   */
  readonly consumed: readonly Uint8Array[];
}

/** A secret tree as plain data ({@link SecretTree.snapshot}). Secret. */
export interface SecretTreeSnapshot {
  readonly leafCount: number;
  /** Every stored node as [node index, state], ascending. */
  readonly nodes: readonly (readonly [number, NodeState])[];
}

/** The secret tree of one epoch. Prints as `[redacted]`. */
export class SecretTree {
  /** The cipher suite the tree derives with. */
  readonly suite: CipherSuite;
  /** Number of leaves (a power of two). */
  readonly leafCount: number;
  readonly #nodes: PersistentArray<NodeState>;

  /** Not for direct use: see {@link SecretTree.create}. */
  constructor(suite: CipherSuite, leafCount: number, nodes: PersistentArray<NodeState>) {
    this.suite = suite;
    this.leafCount = leafCount;
    this.#nodes = nodes;
  }

  /**
   * The tree of an epoch: `encryptionSecret` (copied) at the root of a tree of `leafCount`
   * leaves, nothing derived yet.
   * @throws SigilError `INVALID_ARGUMENT` if `leafCount` is not a power of two up to 2^30 or the
   *   secret is not KDF.Nh bytes.
   */
  static create(suite: CipherSuite, encryptionSecret: Uint8Array, leafCount: number): SecretTree {
    assertLeafCount(leafCount);
    if (encryptionSecret.length !== suite.hashLength) {
      throw new SigilError(
        'INVALID_ARGUMENT',
        `encryption_secret must be ${suite.hashLength} bytes`,
      );
    }
    const nodes = PersistentArray.empty<NodeState>(nodeWidth(leafCount)).set(root(leafCount), {
      kind: 'secret',
      secret: Uint8Array.from(encryptionSecret),
    });
    return new SecretTree(suite, leafCount, nodes);
  }

  /** Number of tree nodes holding state (node secrets or leaf ratchets): O(log n) per used leaf. */
  get storedNodeCount(): number {
    return this.#nodes.size;
  }

  /**
   * The key and nonce for the next message `leafIndex` sends of type `type`, and the tree with
   * that generation used up (the sender side of §6.3.1).
   * @throws SigilError `MLS_UNKNOWN_SENDER` if `leafIndex` is not a leaf of this tree.
   * @throws SigilError `MLS_GENERATION_TOO_FAR` if the ratchet has given out all 2^32
   *   generations.
   */
  nextKey(leafIndex: number, type: RatchetType): RatchetKey {
    const { nodes, ratchets, consumed } = this.#ratchets(leafIndex);
    const ratchet = ratchets[type];
    if (ratchet.generation >= GENERATION_LIMIT) {
      throw new SigilError('MLS_GENERATION_TOO_FAR', 'the ratchet has no generation left');
    }
    return this.#advance(nodes, leafIndex, ratchets, type, ratchet.generation, consumed);
  }

  /**
   * The key and nonce of `generation` of `leafIndex`'s `type` ratchet, for a received message,
   * and the tree with that key deleted (§9.2). Keys of skipped generations are kept for
   * {@link OUT_OF_ORDER_WINDOW} generations.
   * @throws SigilError `MLS_UNKNOWN_SENDER` if `leafIndex` is not a leaf of this tree.
   * @throws SigilError `MLS_GENERATION_TOO_FAR` if `generation` is more than
   *   {@link MAX_GENERATION_JUMP} ahead of the ratchet.
   * @throws SigilError `MLS_GENERATION_TOO_OLD` if it is below the out-of-order window.
   * @throws SigilError `MLS_SECRET_REUSED` if its key was already used (a replay).
   */
  keyFor(leafIndex: number, type: RatchetType, generation: number): RatchetKey {
    if (!Number.isInteger(generation) || generation < 0 || generation >= GENERATION_LIMIT) {
      throw new SigilError('INVALID_ARGUMENT', 'generation must be a uint32');
    }
    const { nodes, ratchets, consumed } = this.#ratchets(leafIndex);
    const ratchet = ratchets[type];
    if (generation >= ratchet.generation) {
      // §15.3: bound the derivations an unauthenticated generation can demand.
      if (generation - ratchet.generation > MAX_GENERATION_JUMP) {
        throw new SigilError('MLS_GENERATION_TOO_FAR', 'generation too far ahead of the ratchet', {
          details: { generation, limit: MAX_GENERATION_JUMP },
        });
      }
      return this.#advance(nodes, leafIndex, ratchets, type, generation, consumed);
    }
    if (generation < ratchet.generation - OUT_OF_ORDER_WINDOW) {
      throw new SigilError(
        'MLS_GENERATION_TOO_OLD',
        'generation older than the out-of-order window',
        {
          details: { generation, window: OUT_OF_ORDER_WINDOW },
        },
      );
    }
    const kept = ratchet.skipped.find((entry) => entry.generation === generation);
    if (kept === undefined) {
      // §9.2: the key was consumed when this generation was first decrypted; it is gone.
      throw new SigilError('MLS_SECRET_REUSED', 'the key of this generation was already used', {
        details: { generation },
      });
    }
    const next: Ratchet = {
      ...ratchet,
      skipped: ratchet.skipped.filter((entry) => entry !== kept),
    };
    const tree = this.#with(nodes, leafIndex, { ...ratchets, [type]: next });
    return {
      tree,
      generation,
      key: kept.key,
      nonce: kept.nonce,
      consumed: [...consumed, kept.key, kept.nonce],
    };
  }

  /** Moves `type`'s ratchet to `generation` + 1, keeping skipped keys inside the window. */
  #advance(
    nodes: PersistentArray<NodeState>,
    leafIndex: number,
    ratchets: { readonly handshake: Ratchet; readonly application: Ratchet },
    type: RatchetType,
    generation: number,
    consumedSoFar: readonly Uint8Array[],
  ): RatchetKey {
    const suite = this.suite;
    const ratchet = ratchets[type];
    const consumed = [...consumedSoFar];
    const keepFrom = generation + 1 - OUT_OF_ORDER_WINDOW;
    const skipped = ratchet.skipped.filter((entry) => entry.generation >= keepFrom);
    let secret = ratchet.secret;
    for (let j = ratchet.generation; j < generation; j++) {
      if (j >= keepFrom) {
        skipped.push({
          generation: j,
          key: deriveTreeSecret(suite, secret, 'key', j, suite.keyLength),
          nonce: deriveTreeSecret(suite, secret, 'nonce', j, suite.nonceLength),
        });
      }
      const nextSecret = deriveTreeSecret(suite, secret, 'secret', j, suite.hashLength);
      consumed.push(secret);
      secret = nextSecret;
    }
    const key = deriveTreeSecret(suite, secret, 'key', generation, suite.keyLength);
    const nonce = deriveTreeSecret(suite, secret, 'nonce', generation, suite.nonceLength);
    const nextSecret = deriveTreeSecret(suite, secret, 'secret', generation, suite.hashLength);
    consumed.push(secret);
    for (const dropped of ratchet.skipped) {
      if (dropped.generation < keepFrom) consumed.push(dropped.key, dropped.nonce);
    }
    consumed.push(key, nonce);
    const next: Ratchet = { generation: generation + 1, secret: nextSecret, skipped };
    const tree = this.#with(nodes, leafIndex, { ...ratchets, [type]: next });
    return { tree, generation, key, nonce, consumed };
  }

  #with(
    nodes: PersistentArray<NodeState>,
    leafIndex: number,
    ratchets: { readonly handshake: Ratchet; readonly application: Ratchet },
  ): SecretTree {
    const state: NodeState = { kind: 'ratchets', ...ratchets };
    return new SecretTree(this.suite, this.leafCount, nodes.set(leafIndex * 2, state));
  }

  /**
   * The ratchets of `leafIndex`, deriving the path from its lowest stored ancestor if they do
   * not exist yet. Returns the node array with that derivation applied (not yet stored).
   */
  #ratchets(leafIndex: number): {
    nodes: PersistentArray<NodeState>;
    ratchets: { readonly handshake: Ratchet; readonly application: Ratchet };
    consumed: Uint8Array[];
  } {
    if (!Number.isInteger(leafIndex) || leafIndex < 0 || leafIndex >= this.leafCount) {
      throw new SigilError('MLS_UNKNOWN_SENDER', 'leaf index outside the secret tree', {
        details: { leafIndex, leafCount: this.leafCount },
      });
    }
    const suite = this.suite;
    const target = leafIndex * 2;
    let nodes = this.#nodes;
    const consumed: Uint8Array[] = [];
    const existing = nodes.get(target);
    if (existing?.kind === 'ratchets') return { nodes, ratchets: existing, consumed };

    // The path from the leaf up to the root; the lowest node on it holding a secret is where
    // derivation starts (every leaf not yet used has exactly one such ancestor, §9.2).
    const path = [target, ...directPath(target, this.leafCount)];
    let start = path.findIndex((node) => nodes.get(node)?.kind === 'secret');
    if (start < 0) throw new SigilError('INTERNAL', 'secret tree has no secret above a leaf');
    for (; start > 0; start--) {
      const node = path[start] as number;
      const { secret } = nodes.get(node) as { secret: Uint8Array };
      const l = expandWithLabel(suite, secret, 'tree', LEFT, suite.hashLength);
      const r = expandWithLabel(suite, secret, 'tree', RIGHT, suite.hashLength);
      nodes = nodes
        .set(node, undefined)
        .set(left(node), { kind: 'secret', secret: l })
        .set(right(node), { kind: 'secret', secret: r });
      consumed.push(secret);
    }
    const { secret } = nodes.get(target) as { secret: Uint8Array };
    const ratchet = (label: string): Ratchet => ({
      generation: 0,
      secret: expandWithLabel(suite, secret, label, EMPTY, suite.hashLength),
      skipped: [],
    });
    const ratchets = { handshake: ratchet('handshake'), application: ratchet('application') };
    consumed.push(secret);
    return { nodes, ratchets, consumed };
  }

  /**
   * The tree as plain data, for persisting a group state (every stored node, ascending). The
   * arrays are the tree's own: do not modify them. Secret.
   */
  snapshot(): SecretTreeSnapshot {
    return { leafCount: this.leafCount, nodes: [...this.#nodes.entries()] };
  }

  /**
   * The tree of a {@link SecretTree.snapshot}.
   * @throws SigilError `INVALID_ARGUMENT` for a bad leaf count or a node outside the tree.
   */
  static fromSnapshot(suite: CipherSuite, snapshot: SecretTreeSnapshot): SecretTree {
    assertLeafCount(snapshot.leafCount);
    const width = nodeWidth(snapshot.leafCount);
    let nodes = PersistentArray.empty<NodeState>(width);
    for (const [index, state] of snapshot.nodes) {
      if (!Number.isInteger(index) || index < 0 || index >= width) {
        throw new SigilError('INVALID_ARGUMENT', 'a secret tree node outside the tree');
      }
      nodes = nodes.set(index, state);
    }
    return new SecretTree(suite, snapshot.leafCount, nodes);
  }

  toJSON(): { leafCount: number; secrets: string } {
    return { leafCount: this.leafCount, secrets: '[redacted]' };
  }

  toString(): string {
    return `SecretTree { leafCount: ${this.leafCount}, secrets: [redacted] }`;
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}
