/**
 * The CryptoProvider contract (provider.ts) for the symmetric families on both backends:
 * random, hash (FIPS 180-2 known answers), HMAC (RFC 4231), HKDF length limits, AEAD key and
 * nonce lengths, and that outputs are fresh arrays that neither alias inputs nor share memory.
 */
import type { AeadAlgorithm, CryptoProvider, HashAlgorithm } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { fromHex, toHex } from '@sigil/test-vectors/hex';
import { describe, expect, it } from 'vitest';
import { outcomeOf } from './helpers.ts';

const AEADS: readonly AeadAlgorithm[] = ['aes-128-gcm', 'aes-256-gcm', 'chacha20-poly1305'];
const HASHES: readonly HashAlgorithm[] = ['sha256', 'sha512'];
const utf8 = (text: string) => new TextEncoder().encode(text);

/** Whether `bytes` is the only view of its whole ArrayBuffer. */
function ownsBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength;
}

describe.each(allProviders())('symmetric contract on $name', (provider: CryptoProvider) => {
  describe('random', () => {
    it('returns exactly the requested length', () => {
      for (const length of [0, 1, 12, 32, 1000, 65536]) {
        const bytes = provider.random.bytes(length);
        expect(bytes, `length ${length}`).toBeInstanceOf(Uint8Array);
        expect(bytes.length, `length ${length}`).toBe(length);
        expect(ownsBuffer(bytes), `length ${length}`).toBe(true);
      }
    });

    it('gives different bytes on each call', () => {
      expect(toHex(provider.random.bytes(32))).not.toBe(toHex(provider.random.bytes(32)));
    });

    it('rejects lengths outside [0, 65536] with INVALID_ARGUMENT', () => {
      for (const length of [-1, 1.5, 65537, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(
          outcomeOf(() => provider.random.bytes(length)),
          `length ${length}`,
        ).toBe('INVALID_ARGUMENT');
      }
    });
  });

  describe('hash', () => {
    it('matches the FIPS 180-2 "abc" known answers', () => {
      expect(toHex(provider.hash.digest('sha256', utf8('abc')))).toBe(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
      expect(toHex(provider.hash.digest('sha512', utf8('abc')))).toBe(
        'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a' +
          '2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
      );
      expect(toHex(provider.hash.digest('sha256', new Uint8Array(0)))).toBe(
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      );
    });

    it('reports output lengths and rejects unknown algorithms', () => {
      expect(provider.hash.outputLength('sha256')).toBe(32);
      expect(provider.hash.outputLength('sha512')).toBe(64);
      const md5 = 'md5' as HashAlgorithm;
      expect(outcomeOf(() => provider.hash.digest(md5, utf8('abc')))).toBe('UNSUPPORTED_ALGORITHM');
      expect(outcomeOf(() => provider.hmac.mac(md5, utf8('k'), utf8('abc')))).toBe(
        'UNSUPPORTED_ALGORITHM',
      );
      expect(outcomeOf(() => provider.hkdf.extract(md5, utf8('s'), utf8('k')))).toBe(
        'UNSUPPORTED_ALGORITHM',
      );
    });
  });

  describe('hmac', () => {
    // RFC 4231 §4.3, test case 2: key "Jefe", data "what do ya want for nothing?".
    const key = utf8('Jefe');
    const data = utf8('what do ya want for nothing?');
    const sha256Tag = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';

    it('matches RFC 4231 test case 2', () => {
      expect(toHex(provider.hmac.mac('sha256', key, data))).toBe(sha256Tag);
      expect(toHex(provider.hmac.mac('sha512', key, data))).toBe(
        '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554' +
          '9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
      );
    });

    it('verifies full and truncated tags of 16..Nh bytes only', () => {
      const tag = fromHex(sha256Tag);
      expect(provider.hmac.verify('sha256', key, data, tag)).toBe(true);
      expect(provider.hmac.verify('sha256', key, data, tag.subarray(0, 16))).toBe(true);
      expect(provider.hmac.verify('sha256', key, data, tag.subarray(0, 15))).toBe(false);
      expect(provider.hmac.verify('sha256', key, data, new Uint8Array([...tag, 0]))).toBe(false);
      expect(provider.hmac.verify('sha256', key, data, new Uint8Array(0))).toBe(false);
      const flipped = tag.slice();
      flipped[31] = (flipped[31] as number) ^ 1;
      expect(provider.hmac.verify('sha256', key, data, flipped)).toBe(false);
    });
  });

  describe('hkdf', () => {
    it('expands to every length from 0 to 255 * Nh and no further', () => {
      for (const algorithm of HASHES) {
        const hashLength = provider.hash.outputLength(algorithm);
        const prk = provider.hkdf.extract(algorithm, new Uint8Array(0), utf8('ikm'));
        expect(prk.length).toBe(hashLength);
        expect(provider.hkdf.expand(algorithm, prk, utf8('info'), 0).length).toBe(0);
        const max = provider.hkdf.expand(algorithm, prk, utf8('info'), 255 * hashLength);
        expect(max.length).toBe(255 * hashLength);
        // Expand is a prefix-stable stream: a shorter output is a prefix of a longer one.
        const short = provider.hkdf.expand(algorithm, prk, utf8('info'), hashLength + 1);
        expect(toHex(max.subarray(0, hashLength + 1))).toBe(toHex(short));
        for (const length of [255 * hashLength + 1, -1, 1.5, Number.NaN]) {
          expect(
            outcomeOf(() => provider.hkdf.expand(algorithm, prk, utf8('info'), length)),
            `${algorithm} length ${length}`,
          ).toBe('INVALID_OUTPUT_LENGTH');
        }
        const shortPrk = prk.subarray(0, hashLength - 1);
        expect(outcomeOf(() => provider.hkdf.expand(algorithm, shortPrk, utf8('info'), 32))).toBe(
          'INVALID_KEY_LENGTH',
        );
      }
    });

    it('treats an empty salt as Nh zero bytes (RFC 5869 §2.2)', () => {
      for (const algorithm of HASHES) {
        const zeros = new Uint8Array(provider.hash.outputLength(algorithm));
        expect(toHex(provider.hkdf.extract(algorithm, new Uint8Array(0), utf8('ikm')))).toBe(
          toHex(provider.hkdf.extract(algorithm, zeros, utf8('ikm'))),
        );
      }
    });
  });

  describe('aead', () => {
    it('reports Nk, Nn and Nt', () => {
      expect(provider.aead.keyLength('aes-128-gcm')).toBe(16);
      expect(provider.aead.keyLength('aes-256-gcm')).toBe(32);
      expect(provider.aead.keyLength('chacha20-poly1305')).toBe(32);
      expect(provider.aead.nonceLength).toBe(12);
      expect(provider.aead.tagLength).toBe(16);
    });

    it('rejects wrong key and nonce lengths on seal and open', () => {
      const failures: string[] = [];
      for (const algorithm of AEADS) {
        const nk = provider.aead.keyLength(algorithm);
        const key = new Uint8Array(nk);
        const nonce = new Uint8Array(12);
        const sealed = provider.aead.seal(algorithm, key, nonce, utf8('hi'), new Uint8Array(0));
        const calls = (k: Uint8Array, n: Uint8Array) => [
          outcomeOf(() => provider.aead.seal(algorithm, k, n, utf8('hi'), new Uint8Array(0))),
          outcomeOf(() => provider.aead.open(algorithm, k, n, sealed, new Uint8Array(0))),
        ];
        for (const length of [0, 15, 16, 24, 31, 32, 33, 64].filter((l) => l !== nk)) {
          const got = calls(new Uint8Array(length), nonce);
          if (got.some((c) => c !== 'INVALID_KEY_LENGTH')) {
            failures.push(`${algorithm} key of ${length}: ${got.join(', ')}`);
          }
        }
        for (const length of [0, 8, 11, 13, 16, 24]) {
          const got = calls(key, new Uint8Array(length));
          if (got.some((c) => c !== 'INVALID_NONCE_LENGTH')) {
            failures.push(`${algorithm} nonce of ${length}: ${got.join(', ')}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });

    it('rejects an unknown algorithm', () => {
      const aes192 = 'aes-192-gcm' as AeadAlgorithm;
      expect(outcomeOf(() => provider.aead.keyLength(aes192))).toBe('UNSUPPORTED_ALGORITHM');
      expect(
        outcomeOf(() =>
          provider.aead.seal(aes192, new Uint8Array(24), new Uint8Array(12), utf8('x'), utf8('')),
        ),
      ).toBe('UNSUPPORTED_ALGORITHM');
    });

    it('round-trips and fails authentication on any change', () => {
      for (const algorithm of AEADS) {
        const key = provider.random.bytes(provider.aead.keyLength(algorithm));
        const nonce = provider.random.bytes(12);
        const aad = utf8('header');
        for (const plaintext of [new Uint8Array(0), utf8('attack at dawn'), new Uint8Array(1000)]) {
          const sealed = provider.aead.seal(algorithm, key, nonce, plaintext, aad);
          expect(sealed.length).toBe(plaintext.length + 16);
          expect(toHex(provider.aead.open(algorithm, key, nonce, sealed, aad))).toBe(
            toHex(plaintext),
          );
          const tampered = sealed.slice();
          tampered[0] = (tampered[0] as number) ^ 0x80;
          const otherNonce = nonce.slice();
          otherNonce[11] = (otherNonce[11] as number) ^ 1;
          const attempts: [string, () => unknown][] = [
            ['tampered', () => provider.aead.open(algorithm, key, nonce, tampered, aad)],
            ['other aad', () => provider.aead.open(algorithm, key, nonce, sealed, utf8('x'))],
            ['other nonce', () => provider.aead.open(algorithm, key, otherNonce, sealed, aad)],
            ['truncated', () => provider.aead.open(algorithm, key, nonce, sealed.subarray(1), aad)],
            [
              'too short',
              () => provider.aead.open(algorithm, key, nonce, sealed.subarray(0, 15), aad),
            ],
          ];
          for (const [name, attempt] of attempts) {
            expect(outcomeOf(attempt), `${algorithm} ${plaintext.length} bytes, ${name}`).toBe(
              'AEAD_AUTHENTICATION_FAILED',
            );
          }
        }
      }
    });
  });

  describe('outputs are fresh arrays', () => {
    it('never alias inputs and own their whole buffer', () => {
      const input = utf8('the same bytes in, fresh bytes out');
      const key32 = new Uint8Array(32).fill(7);
      const nonce = new Uint8Array(12).fill(1);
      const outputs: [string, () => Uint8Array][] = [
        ['digest', () => provider.hash.digest('sha256', input)],
        ['hmac', () => provider.hmac.mac('sha512', key32, input)],
        ['extract', () => provider.hkdf.extract('sha256', key32, input)],
        ['expand', () => provider.hkdf.expand('sha256', key32, input, 100)],
        ['seal', () => provider.aead.seal('chacha20-poly1305', key32, nonce, input, input)],
        [
          'open',
          () => {
            const sealed = provider.aead.seal('aes-256-gcm', key32, nonce, input, input);
            return provider.aead.open('aes-256-gcm', key32, nonce, sealed, input);
          },
        ],
        [
          'argon2id',
          () =>
            provider.argon2id.derive({
              password: input,
              salt: key32,
              memoryKiB: 8,
              passes: 1,
              parallelism: 1,
              tagLength: 32,
            }),
        ],
      ];
      for (const [name, compute] of outputs) {
        const first = compute();
        expect(first.buffer, name).not.toBe(input.buffer);
        expect(first.buffer, name).not.toBe(key32.buffer);
        expect(ownsBuffer(first), name).toBe(true);
        const expected = toHex(first);
        const second = compute();
        first.fill(0); // wiping one output must not touch another
        expect(toHex(second), name).toBe(expected);
      }
      expect(toHex(input)).toBe(toHex(utf8('the same bytes in, fresh bytes out')));
      expect(key32.every((b) => b === 7)).toBe(true);
    });

    it('open returns the plaintext in a new array, not a view of the sealed input', () => {
      const key = new Uint8Array(16).fill(3);
      const nonce = new Uint8Array(12);
      const sealed = provider.aead.seal('aes-128-gcm', key, nonce, utf8('abc'), new Uint8Array(0));
      const opened = provider.aead.open('aes-128-gcm', key, nonce, sealed, new Uint8Array(0));
      sealed.fill(0);
      expect(new TextDecoder().decode(opened)).toBe('abc');
    });
  });
});
