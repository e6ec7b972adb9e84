/**
 * The published one-to-one vectors, spec/vectors/one-to-one-v1.json (spec/one-to-one.md §9),
 * against the current code. Family 'sigil/one-to-one-v1' in the vector tally.
 *
 * The split between the backends:
 * - portable (derandomized ML-KEM encapsulation): the current code reproduces the whole file
 *   byte for byte from the seeds; then the transcript is replayed from the stored bytes (every
 *   send reproduced, every stored message decrypted by its receiver).
 * - node (no derandomized encapsulation; OpenSSL draws its own randomness):
 *   1. a run with node's own encapsulation reproduces every value that does not depend on an
 *      encapsulation made by node: both identities and certificates, Bob's prekeys and bundle,
 *      EK_A, the PQXDH encapsulation randomness, AD, the encapsulated-to keys and the
 *      transcript's shape (ids, senders, plaintexts, message kinds); the run itself completes
 *      (every message decrypts). Bob, on node, decapsulates the stored ciphertext to the stored
 *      KEM secret and derives the stored SK from the stored first message;
 *   2. the transcript replay on node with each encapsulation's recorded ciphertext and shared
 *      secret injected (after checking that the same party asks with the same `m` for the same
 *      key; everything else runs on node): every send reproduces the stored bytes, Alice and Bob
 *      decrypt every stored message, and the whole file is reproduced byte for byte.
 */
import { readFileSync } from 'node:fs';
import { allProviders } from '@sigil/crypto/testing';
import { fromHex, toHex } from '@sigil/test-vectors/hex';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { pqxdhRespond } from '../src/handshake/pqxdh.ts';
import { DeviceIdentity } from '../src/identity/device.ts';
import { KemPreKeyPair } from '../src/prekeys/kem-pre-key.ts';
import { OneTimePreKeyPair } from '../src/prekeys/one-time-pre-key.ts';
import { SignedPreKeyPair } from '../src/prekeys/signed-pre-key.ts';
import { verifyDeviceCertificate } from '../src/public/verify-identity.ts';
import { parseIncoming } from '../src/session/incoming.ts';
import {
  buildOneToOneVectors,
  type OneToOneVectors,
  runOneToOneVectors,
  vectorFileText,
} from './fixtures/one-to-one-vectors.ts';

const FAMILY = 'sigil/one-to-one-v1';
const FILE = new URL('../../../spec/vectors/one-to-one-v1.json', import.meta.url);
const fileText = readFileSync(FILE, 'utf8');
const stored = JSON.parse(fileText) as OneToOneVectors;

afterAll(() => flushTally());

/** The fields of `value` as `path = JSON` lines, for comparisons that name what differs. */
function flatten(value: unknown, path: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) flatten(inner, `${path}.${key}`, out);
  } else {
    out.set(path, JSON.stringify(value));
  }
}

/** Paths whose values follow from the seeds alone, whatever the encapsulations were. */
function independentOf(vectors: OneToOneVectors): Map<string, string> {
  const out = new Map<string, string>();
  flatten(vectors.alice, 'alice', out);
  flatten(vectors.bob, 'bob', out);
  const { baseKeySecret, baseKey, encapsulationRandomness, associatedData } = vectors.pqxdh;
  flatten({ baseKeySecret, baseKey, encapsulationRandomness, associatedData }, 'pqxdh', out);
  vectors.encapsulations.forEach((e, i) => {
    flatten({ party: e.party, key: e.encapsulationKeySha256 }, `encapsulations.${i}`, out);
  });
  vectors.transcript.forEach((entry, i) => {
    const { message: _dependent, ...shape } = entry as { message?: string };
    flatten(shape, `transcript.${i}`, out);
  });
  return out;
}

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'published one-to-one vectors (%s)',
  (name, crypto) => {
    const derandomized = crypto.supports('ml-kem-derandomized-encapsulation');

    it(`reproduces the published values (${derandomized ? 'the whole file byte for byte' : 'all that do not depend on node encapsulations'})`, () => {
      if (derandomized) {
        const text = vectorFileText(buildOneToOneVectors(crypto));
        expect(text === fileText, 'the regenerated file differs from the published one').toBe(true);
        tally(FAMILY, name, 'valid');
        return;
      }
      const run = runOneToOneVectors(crypto, { kind: 'native' });
      expect(run.failures).toEqual([]);
      const expected = independentOf(stored);
      const actual = independentOf(run.vectors);
      const differing = [...expected].filter(([path, value]) => actual.get(path) !== value);
      expect(differing.map(([path]) => path)).toEqual([]);
      expect(actual.size).toBe(expected.size);
      tally(FAMILY, name, 'valid');
      // The ciphertexts node made differ: OpenSSL drew its own randomness.
      expect(run.vectors.pqxdh.kemCiphertext).not.toBe(stored.pqxdh.kemCiphertext);
    });

    it('Bob derives the stored KEM secret, SK and AD from the stored first message', () => {
      const bob = stored.bob;
      const local = DeviceIdentity.fromRecord(crypto, {
        identitySecretKey: fromHex(bob.identitySecretKey),
        signingSecretKey: fromHex(bob.signingSecretKey),
        certificate: fromHex(bob.certificate),
      });
      const first = parseIncoming(fromHex(stored.pqxdh.firstMessage));
      if (first.kind !== 'prekey') throw new Error('the first message must be a PreKeyMessage');
      expect(toHex(first.kemCiphertext)).toBe(stored.pqxdh.kemCiphertext);
      const kemPreKey = KemPreKeyPair.fromRecord(crypto, {
        seed: fromHex(bob.kemPreKey.seed),
        kemPreKey: fromHex(bob.kemPreKey.encoded),
      });
      expect(toHex(kemPreKey.decapsulate(crypto, first.kemCiphertext))).toBe(
        stored.pqxdh.kemSharedSecret,
      );
      const response = pqxdhRespond(crypto, {
        local,
        initiator: verifyDeviceCertificate(
          crypto,
          first.initiator,
          fromHex(stored.alice.accountKey),
        ),
        baseKey: first.baseKey,
        kemCiphertext: first.kemCiphertext,
        signedPreKey: SignedPreKeyPair.fromRecord(crypto, {
          secretKey: fromHex(bob.signedPreKey.secretKey),
          signedPreKey: fromHex(bob.signedPreKey.encoded),
        }),
        oneTimePreKey: OneTimePreKeyPair.fromRecord(crypto, {
          id: bob.oneTimePreKey.id,
          secretKey: fromHex(bob.oneTimePreKey.secretKey),
        }),
        kemPreKey,
      });
      expect(toHex(response.sharedSecret)).toBe(stored.pqxdh.sharedSecret);
      expect(toHex(response.associatedData)).toBe(stored.pqxdh.associatedData);
      tally(FAMILY, name, 'valid');
    });

    it('replays the transcript from the stored bytes: every send reproduced, every message decrypted', () => {
      const mode = derandomized
        ? ({ kind: 'record' } as const)
        : ({ kind: 'replay', encapsulations: stored.encapsulations } as const);
      const run = runOneToOneVectors(crypto, mode, stored.transcript);
      expect(run.failures).toEqual([]);
      const deliveries = stored.transcript.filter((entry) => entry.step === 'deliver').length;
      expect(run.decrypted).toBe(deliveries);
      expect(vectorFileText(run.vectors) === fileText, 'the replayed run differs').toBe(true);
      for (let i = 0; i < deliveries; i++) tally(FAMILY, name, 'valid');
    });
  },
);
