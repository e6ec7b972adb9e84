/**
 * RFC 9420 §9 secret tree and §6.3.2 sender data keys against the interop vectors
 * (mls-implementations secret-tree.json), on both backends, for cipher suites 1 and 3: trees of
 * 1, 8 and 32 leaves, handshake and application keys and nonces of generations 0 and 15 for
 * every leaf, derived lazily by the receiver path (generation 15 after 0 skips 14 generations).
 */
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsSecretTree } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { senderDataKeyAndNonce } from '../src/framing/sender-data.ts';
import { SecretTree } from '../src/secret-tree.ts';
import { expectBytes, supportedCases } from './helpers.ts';

const FAMILY = 'rfc9420/secret-tree';
const all = loadMlsSecretTree();
const { run: cases, skipped } = supportedCases(all);

afterAll(() => flushTally());

describe.each(allProviders())(`${FAMILY} ($name backend)`, (provider) => {
  it(`runs the ${cases.length} cases of suites 1 and 3 (skips ${skipped} of suites 2, 4-7)`, () => {
    expect([all.length, cases.length, skipped]).toEqual([21, 6, 15]);
  });

  it('sender data keys and every leaf key and nonce match', () => {
    const failures: string[] = [];
    let checks = 0;
    for (const c of cases) {
      const suite = getCipherSuite(provider, c.cipherSuite);
      const sd = c.senderData;
      const keys = senderDataKeyAndNonce(suite, sd.senderDataSecret, sd.ciphertext);
      expectBytes(failures, `${c.name} sender_data key`, keys.key, sd.key);
      expectBytes(failures, `${c.name} sender_data nonce`, keys.nonce, sd.nonce);

      let tree = SecretTree.create(suite, c.encryptionSecret, c.leaves.length);
      c.leaves.forEach((generations, leaf) => {
        for (const g of generations) {
          const name = `${c.name} leaf ${leaf} generation ${g.generation}`;
          const hs = tree.keyFor(leaf, 'handshake', g.generation);
          tree = hs.tree;
          const app = tree.keyFor(leaf, 'application', g.generation);
          tree = app.tree;
          expectBytes(failures, `${name} handshake_key`, hs.key, g.handshakeKey);
          expectBytes(failures, `${name} handshake_nonce`, hs.nonce, g.handshakeNonce);
          expectBytes(failures, `${name} application_key`, app.key, g.applicationKey);
          expectBytes(failures, `${name} application_nonce`, app.nonce, g.applicationNonce);
          checks += 1;
        }
      });
      tally(FAMILY, provider.name, 'valid');
    }
    expect(failures).toEqual([]);
    // 2 suites x (1 + 8 + 32 leaves) x 2 generations
    expect(checks).toBe(164);
  });

  it('the sender side (nextKey) yields the same keys as the receiver side', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const suite = getCipherSuite(provider, c.cipherSuite);
      const leaf = c.leaves.length - 1;
      const expected = c.leaves[leaf]?.[0];
      if (expected === undefined) throw new Error(`${c.name}: no generation 0`);
      const sent = SecretTree.create(suite, c.encryptionSecret, c.leaves.length).nextKey(
        leaf,
        'application',
      );
      expect(sent.generation).toBe(0);
      expectBytes(failures, `${c.name} nextKey`, sent.key, expected.applicationKey);
      expect(sent.tree.nextKey(leaf, 'application').generation).toBe(1);
    }
    expect(failures).toEqual([]);
  });
});
