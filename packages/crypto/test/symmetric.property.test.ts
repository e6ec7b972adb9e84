/**
 * Differential properties between the two backends (STYLE.md §9): for random inputs, the
 * `node` (OpenSSL) and `portable` (@noble) backends give identical AEAD ciphertexts, digests,
 * HMAC tags and HKDF outputs, and each opens what the other sealed. A fast default; set
 * `SLOW=1` for 2000 runs per property.
 */
import type { AeadAlgorithm, HashAlgorithm } from '@sigil/crypto';
import { nodeProvider } from '@sigil/crypto/node';
import { portableProvider } from '@sigil/crypto/portable';
import { toHex } from '@sigil/test-vectors/hex';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const numRuns = process.env.SLOW ? 2000 : 100;
const bytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength });
const hashAlgorithm = fc.constantFrom<HashAlgorithm>('sha256', 'sha512');

const aeadInput = fc
  .constantFrom<AeadAlgorithm>('aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305')
  .chain((algorithm) =>
    fc.record({
      algorithm: fc.constant(algorithm),
      key: bytes(nodeProvider.aead.keyLength(algorithm), nodeProvider.aead.keyLength(algorithm)),
      nonce: bytes(12, 12),
      plaintext: bytes(0, 1024),
      aad: bytes(0, 64),
    }),
  );

describe('node and portable agree', () => {
  it('AEAD: same sealed bytes, and each opens the other', () => {
    fc.assert(
      fc.property(aeadInput, ({ algorithm, key, nonce, plaintext, aad }) => {
        const fromNode = nodeProvider.aead.seal(algorithm, key, nonce, plaintext, aad);
        const fromPortable = portableProvider.aead.seal(algorithm, key, nonce, plaintext, aad);
        expect(toHex(fromPortable)).toBe(toHex(fromNode));
        const expected = toHex(plaintext);
        expect(toHex(nodeProvider.aead.open(algorithm, key, nonce, fromPortable, aad))).toBe(
          expected,
        );
        expect(toHex(portableProvider.aead.open(algorithm, key, nonce, fromNode, aad))).toBe(
          expected,
        );
      }),
      { numRuns },
    );
  });

  it('hash and HMAC: same outputs', () => {
    fc.assert(
      fc.property(hashAlgorithm, bytes(0, 200), bytes(0, 300), (algorithm, key, data) => {
        expect(toHex(portableProvider.hash.digest(algorithm, data))).toBe(
          toHex(nodeProvider.hash.digest(algorithm, data)),
        );
        expect(toHex(portableProvider.hmac.mac(algorithm, key, data))).toBe(
          toHex(nodeProvider.hmac.mac(algorithm, key, data)),
        );
      }),
      { numRuns },
    );
  });

  it('HKDF: same PRK and OKM', () => {
    const input = fc.record({
      algorithm: hashAlgorithm,
      salt: bytes(0, 80),
      ikm: bytes(0, 80),
      info: bytes(0, 80),
      // Up to 255 * 64: covers one block, block boundaries and the sha256 maximum.
      length: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 255 * 64 })),
    });
    fc.assert(
      fc.property(input, ({ algorithm, salt, ikm, info, length }) => {
        const prk = nodeProvider.hkdf.extract(algorithm, salt, ikm);
        expect(toHex(portableProvider.hkdf.extract(algorithm, salt, ikm))).toBe(toHex(prk));
        const max = 255 * nodeProvider.hash.outputLength(algorithm);
        const size = Math.min(length, max);
        expect(toHex(portableProvider.hkdf.expand(algorithm, prk, info, size))).toBe(
          toHex(nodeProvider.hkdf.expand(algorithm, prk, info, size)),
        );
      }),
      { numRuns },
    );
  });
});
