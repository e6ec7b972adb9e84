/**
 * The secret tree beyond the vectors (RFC 9420 §9, §9.2), on both backends: lazy derivation
 * in a large tree, value semantics, independent ratchets, the generation limits, deletion
 * (wiping the reported `consumed` secrets never disturbs the new tree) and redaction.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { MAX_GENERATION_JUMP, MAX_LEAF_COUNT, OUT_OF_ORDER_WINDOW } from '../src/limits.ts';
import { SecretTree } from '../src/secret-tree.ts';
import { codeOf, hex } from './helpers.ts';

describe.each(allProviders())('SecretTree ($name backend)', (provider: CryptoProvider) => {
  const suite = getCipherSuite(provider, 3);
  const secret = new Uint8Array(32).fill(0x42);

  it('is lazy: one leaf of a 2^20-leaf tree derives only its path', () => {
    const leafCount = 2 ** 20;
    let tree = SecretTree.create(suite, secret, leafCount);
    expect(tree.storedNodeCount).toBe(1);
    tree = tree.nextKey(123_456, 'application').tree;
    // 20 siblings along the path plus the leaf's ratchets; the root and path nodes are gone.
    expect(tree.storedNodeCount).toBe(21);
    tree = tree.keyFor(123_457, 'handshake', 0).tree;
    // The sibling leaf was stored as a secret and is now ratchets: the count is unchanged.
    expect(tree.storedNodeCount).toBe(21);
    expect(
      SecretTree.create(suite, secret, MAX_LEAF_COUNT).nextKey(MAX_LEAF_COUNT - 1, 'handshake')
        .generation,
    ).toBe(0);
  });

  it('is a value: operations leave the tree they were called on unchanged', () => {
    const tree = SecretTree.create(suite, secret, 8);
    const a = tree.keyFor(5, 'application', 3);
    const b = tree.keyFor(5, 'application', 3);
    expect(hex(a.key)).toBe(hex(b.key));
    expect(tree.storedNodeCount).toBe(1);
    expect(codeOf(() => a.tree.keyFor(5, 'application', 3))).toBe('MLS_SECRET_REUSED');
    expect(hex(a.tree.keyFor(5, 'application', 1).key)).toBe(
      hex(tree.keyFor(5, 'application', 1).key),
    );
  });

  it('keeps the handshake and application ratchets and the leaves independent', () => {
    const tree = SecretTree.create(suite, secret, 4);
    const keys = new Set<string>();
    for (const leaf of [0, 1, 2, 3]) {
      for (const type of ['handshake', 'application'] as const) {
        keys.add(hex(tree.keyFor(leaf, type, 0).key));
      }
    }
    expect(keys.size).toBe(8);
    const after = tree.nextKey(2, 'handshake').tree;
    expect(after.nextKey(2, 'application').generation).toBe(0);
    expect(after.nextKey(2, 'handshake').generation).toBe(1);
  });

  it('enforces the generation limits', () => {
    const tree = SecretTree.create(suite, secret, 2);
    expect(codeOf(() => tree.keyFor(1, 'application', MAX_GENERATION_JUMP + 1))).toBe(
      'MLS_GENERATION_TOO_FAR',
    );
    const far = tree.keyFor(1, 'application', MAX_GENERATION_JUMP);
    expect(far.generation).toBe(MAX_GENERATION_JUMP);
    const oldest = MAX_GENERATION_JUMP + 1 - OUT_OF_ORDER_WINDOW;
    expect(far.tree.keyFor(1, 'application', oldest).generation).toBe(oldest);
    expect(codeOf(() => far.tree.keyFor(1, 'application', oldest - 1))).toBe(
      'MLS_GENERATION_TOO_OLD',
    );
    expect(codeOf(() => far.tree.keyFor(1, 'application', MAX_GENERATION_JUMP))).toBe(
      'MLS_SECRET_REUSED',
    );
    expect(codeOf(() => tree.keyFor(2, 'application', 0))).toBe('MLS_UNKNOWN_SENDER');
    expect(codeOf(() => tree.keyFor(-1, 'application', 0))).toBe('MLS_UNKNOWN_SENDER');
    expect(codeOf(() => tree.keyFor(0, 'application', 2 ** 32))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => SecretTree.create(suite, secret, 3))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => SecretTree.create(suite, secret.subarray(1), 2))).toBe('INVALID_ARGUMENT');
  });

  it('wiping the consumed secrets does not disturb the new tree (deletion, §9.2)', () => {
    let wiped = SecretTree.create(suite, secret, 16);
    let reference = SecretTree.create(suite, secret, 16);
    const steps: [number, 'handshake' | 'application', number][] = [
      [3, 'application', 0],
      [3, 'application', 5],
      [3, 'application', 2],
      [9, 'handshake', 1],
      [3, 'application', 6],
      [8, 'application', 0],
    ];
    for (const [leaf, type, generation] of steps) {
      const step = wiped.keyFor(leaf, type, generation);
      const expected = reference.keyFor(leaf, type, generation);
      expect(hex(step.key), `${leaf}/${type}/${generation}`).toBe(hex(expected.key));
      expect(hex(step.nonce)).toBe(hex(expected.nonce));
      for (const consumed of step.consumed) consumed.fill(0);
      wiped = step.tree;
      reference = expected.tree;
    }
    // The secret handed in was copied, not consumed.
    expect(secret.every((b) => b === 0x42)).toBe(true);
  });

  it('prints as [redacted]', () => {
    const tree = SecretTree.create(suite, secret, 2);
    expect(JSON.stringify(tree)).toBe('{"leafCount":2,"secrets":"[redacted]"}');
    expect(String(tree)).toBe('SecretTree { leafCount: 2, secrets: [redacted] }');
  });
});
