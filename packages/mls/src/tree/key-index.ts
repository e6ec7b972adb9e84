/**
 * A persistent index of the public keys and credential types in a ratchet tree, for the
 * uniqueness and credential checks of RFC 9420 §7.3 (a LeafNode's encryption_key is in no
 * other node, its signature_key is no other member's, credential types are mutually
 * supported) and §12.4.2 (an UpdatePath's keys are not already in the tree) with a few
 * lookups per key instead of a pass over every node.
 *
 * It counts, as multisets (a tree being validated may hold duplicates): the encryption_key of
 * every non-blank node, the signature_key of every leaf, the credential type of every leaf,
 * and for each credential type the leaves whose capabilities list it. Like the tree it is an
 * immutable value: `withNodeChange` returns a new index, copying one 3-level trie path per
 * key, and leaves this one intact, so every tree value owns an index consistent with its
 * nodes.
 *
 * Keys are bucketed by a 15-bit hash of all their bytes; a bucket holds the distinct keys of
 * that hash with their counts (about one per bucket at 10,000 members). Collisions only
 * lengthen a bucket, never change an answer: keys chosen to collide (the hash is not keyed)
 * cost at worst the one pass over the tree this index replaces.
 *
 * Internal to @sigil/mls.
 * @module
 */
import { bytesEqual } from '../internal/bytes.ts';
import { PersistentArray } from '../internal/persistent-array.ts';
import { CREDENTIAL_TYPES } from '../wire/credential.ts';
import type { LeafNode } from '../wire/leaf-node.ts';
import type { Node } from '../wire/ratchet-tree.ts';

/**
 * Number of hash buckets: 2^15 keeps the trie shallow (3 levels) and dense, so that building
 * the index allocates little; a 10,000-member tree (30,000 keys) has about one key per bucket.
 */
const BUCKETS = 2 ** 15;
/** Credential types are uint16 (§5.3). */
const CREDENTIAL_TYPE_CAPACITY = 2 ** 16;

interface BucketEntry {
  readonly key: Uint8Array;
  readonly count: number;
}
type Bucket = readonly BucketEntry[];

/** An FNV-1a-style hash over every byte (four at a time), reduced to a bucket number. */
function bucketOf(key: Uint8Array): number {
  let hash = 0x811c9dc5;
  const whole = key.length - (key.length % 4);
  let i = 0;
  for (; i < whole; i += 4) {
    const word =
      (key[i] as number) |
      ((key[i + 1] as number) << 8) |
      ((key[i + 2] as number) << 16) |
      ((key[i + 3] as number) << 24);
    hash = Math.imul(hash ^ word, 16777619);
  }
  for (; i < key.length; i += 1) hash = Math.imul(hash ^ (key[i] as number), 16777619);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  return (hash ^ (hash >>> 12)) & (BUCKETS - 1);
}

/** An immutable multiset of public byte strings. */
class ByteMultiset {
  readonly #buckets: PersistentArray<Bucket>;

  constructor(buckets: PersistentArray<Bucket>) {
    this.#buckets = buckets;
  }

  /** A multiset of `keys`, built in O(keys + buckets) without copying. */
  static of(keys: readonly Uint8Array[]): ByteMultiset {
    const buckets = new Array<BucketEntry[] | undefined>(BUCKETS);
    for (const key of keys) {
      const index = bucketOf(key);
      const bucket = buckets[index];
      if (bucket === undefined) {
        buckets[index] = [{ key, count: 1 }];
        continue;
      }
      let at = 0;
      while (at < bucket.length && !bytesEqual((bucket[at] as BucketEntry).key, key)) at += 1;
      bucket[at] = { key, count: (bucket[at]?.count ?? 0) + 1 };
    }
    return new ByteMultiset(PersistentArray.from<Bucket>(BUCKETS, buckets));
  }

  /** How many times `key` is in the multiset. */
  count(key: Uint8Array): number {
    const bucket = this.#buckets.get(bucketOf(key));
    if (bucket === undefined) return 0;
    for (const entry of bucket) if (bytesEqual(entry.key, key)) return entry.count;
    return 0;
  }

  /** The multiset with `key` counted `delta` more times (a count reaching 0 removes it). */
  adjusted(key: Uint8Array, delta: number): ByteMultiset {
    const index = bucketOf(key);
    const bucket = this.#buckets.get(index) ?? [];
    const at = bucket.findIndex((entry) => bytesEqual(entry.key, key));
    const count = (at < 0 ? 0 : (bucket[at] as BucketEntry).count) + delta;
    const rest = at < 0 ? bucket : bucket.filter((_, i) => i !== at);
    const next = count > 0 ? [...rest, { key, count }] : rest;
    return new ByteMultiset(this.#buckets.set(index, next.length > 0 ? next : undefined));
  }
}

/** Whether `type` is a credential type the index can count (a uint16). */
function isCountable(type: number): boolean {
  return Number.isInteger(type) && type >= 0 && type < CREDENTIAL_TYPE_CAPACITY;
}

/**
 * Calls `fn` once per distinct countable credential type `leafNode` lists in its capabilities;
 * returns false if it lists a value that is not a uint16.
 */
function forEachSupportedType(leafNode: LeafNode, fn: (type: number) => void): boolean {
  const listed = leafNode.capabilities.credentials;
  // A short list (the usual one or two types) is deduplicated in place; a long one by a Set,
  // so that a leaf listing many types costs time linear in its size.
  const types = listed.length <= 8 ? listed : [...new Set(listed)];
  let regular = true;
  for (let i = 0; i < types.length; i += 1) {
    const type = types[i] as number;
    if (types !== listed || types.indexOf(type) === i) {
      if (isCountable(type)) fn(type);
      else regular = false;
    }
  }
  return regular;
}

function adjustCount(
  counts: PersistentArray<number>,
  type: number,
  delta: number,
): PersistentArray<number> {
  const count = (counts.get(type) ?? 0) + delta;
  return counts.set(type, count > 0 ? count : undefined);
}

/** The per-tree key and credential index (see the module comment). Immutable. */
export class TreeKeyIndex {
  /** encryption_key of every non-blank node. */
  readonly encryptionKeys: ByteMultiset;
  /** signature_key of every leaf. */
  readonly signatureKeys: ByteMultiset;
  /** Number of non-blank leaves. */
  readonly leafCount: number;
  /** Per credential type: the leaves using it. */
  readonly #used: PersistentArray<number>;
  /** Per credential type: the leaves whose capabilities list it. */
  readonly #supported: PersistentArray<number>;
  /**
   * Leaves whose capabilities list a value that is not a uint16 (possible only for a LeafNode
   * built in memory): while any is present the credential counts are not exact.
   */
  readonly #irregular: number;

  private constructor(
    encryptionKeys: ByteMultiset,
    signatureKeys: ByteMultiset,
    leafCount: number,
    used: PersistentArray<number>,
    supported: PersistentArray<number>,
    irregular: number,
  ) {
    this.encryptionKeys = encryptionKeys;
    this.signatureKeys = signatureKeys;
    this.leafCount = leafCount;
    this.#used = used;
    this.#supported = supported;
    this.#irregular = irregular;
  }

  /** The index of a tree's non-blank nodes (one pass over them). */
  static build(forEachNonBlank: (fn: (node: Node) => void) => void): TreeKeyIndex {
    const encryptionKeys: Uint8Array[] = [];
    const signatureKeys: Uint8Array[] = [];
    const used = new Map<number, number>();
    const supported = new Map<number, number>();
    let irregular = 0;
    forEachNonBlank((node) => {
      if (node.nodeType === 'parent') {
        encryptionKeys.push(node.parentNode.encryptionKey);
        return;
      }
      const { leafNode } = node;
      encryptionKeys.push(leafNode.encryptionKey);
      signatureKeys.push(leafNode.signatureKey);
      const type = CREDENTIAL_TYPES[leafNode.credential.credentialType];
      used.set(type, (used.get(type) ?? 0) + 1);
      const regular = forEachSupportedType(leafNode, (t) => {
        supported.set(t, (supported.get(t) ?? 0) + 1);
      });
      if (!regular) irregular += 1;
    });
    return new TreeKeyIndex(
      ByteMultiset.of(encryptionKeys),
      ByteMultiset.of(signatureKeys),
      signatureKeys.length,
      PersistentArray.fromEntries(CREDENTIAL_TYPE_CAPACITY, used),
      PersistentArray.fromEntries(CREDENTIAL_TYPE_CAPACITY, supported),
      irregular,
    );
  }

  /** The index after one node changes from `before` to `after` (either may be blank). */
  withNodeChange(before: Node | undefined, after: Node | undefined): TreeKeyIndex {
    if (before === after) return this;
    let index: TreeKeyIndex = this;
    if (before !== undefined) index = index.#adjusted(before, -1);
    if (after !== undefined) index = index.#adjusted(after, 1);
    return index;
  }

  #adjusted(node: Node, delta: number): TreeKeyIndex {
    if (node.nodeType === 'parent') {
      return new TreeKeyIndex(
        this.encryptionKeys.adjusted(node.parentNode.encryptionKey, delta),
        this.signatureKeys,
        this.leafCount,
        this.#used,
        this.#supported,
        this.#irregular,
      );
    }
    const { leafNode } = node;
    let supported = this.#supported;
    const regular = forEachSupportedType(leafNode, (t) => {
      supported = adjustCount(supported, t, delta);
    });
    return new TreeKeyIndex(
      this.encryptionKeys.adjusted(leafNode.encryptionKey, delta),
      this.signatureKeys.adjusted(leafNode.signatureKey, delta),
      this.leafCount + delta,
      adjustCount(this.#used, CREDENTIAL_TYPES[leafNode.credential.credentialType], delta),
      supported,
      this.#irregular + (regular ? 0 : delta),
    );
  }

  /** Whether the credential counts below are exact (always, for decoded leaves). */
  get credentialCountsExact(): boolean {
    return this.#irregular === 0;
  }

  /** The number of leaves whose credential is of `type`. */
  leavesUsing(type: number): number {
    return isCountable(type) ? (this.#used.get(type) ?? 0) : 0;
  }

  /** The number of leaves whose capabilities list credential type `type`. */
  leavesSupporting(type: number): number {
    return isCountable(type) ? (this.#supported.get(type) ?? 0) : 0;
  }

  /** The credential types some leaf uses, ascending. */
  usedTypes(): number[] {
    const types: number[] = [];
    this.#used.forEach((_, type) => {
      types.push(type);
    });
    return types;
  }
}

export type { ByteMultiset };
