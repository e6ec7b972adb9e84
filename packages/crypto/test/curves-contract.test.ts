/**
 * The X25519 (RFC 7748) and Ed25519 (RFC 8032) contract of provider.ts on both backends: key
 * generation round trips, sign/verify, length errors, and cross-backend equality as fast-check
 * properties (modest runs by default, more with SLOW=1).
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { SigilError } from '@sigil/errors';
import { fromHex, toHex } from '@sigil/test-vectors/hex';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const RUNS = process.env.SLOW ? 300 : 25;
const providers = allProviders();
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

/** The SigilError code `fn` throws, or 'ok'. */
function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    return SigilError.is(error) ? error.code : String(error);
  }
}

describe.each(providers)('X25519 contract ($name)', (provider: CryptoProvider) => {
  it('generateKeyPair gives a 32-byte public key that publicKey() recomputes', () => {
    const pair = provider.x25519.generateKeyPair();
    expect(pair.publicKey.length).toBe(32);
    expect(pair.secretKey.length).toBe(32);
    expect(toHex(provider.x25519.publicKey(pair.secretKey))).toBe(toHex(pair.publicKey));
  });

  it('matches RFC 7748 §6.1 (Alice and Bob)', () => {
    const alice = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bob = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    expect(toHex(provider.x25519.publicKey(alice))).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    );
    const shared = provider.x25519.sharedSecret(bob, provider.x25519.publicKey(alice));
    expect(toHex(shared)).toBe('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
  });

  it('rejects every low-order public key with X25519_LOW_ORDER_POINT', () => {
    const secret = provider.x25519.generateKeyPair().secretKey;
    // u = 0, 1, the two order-8 points, p - 1, and non-canonical forms of 0 and 1.
    const lowOrder = [
      '0000000000000000000000000000000000000000000000000000000000000000',
      '0100000000000000000000000000000000000000000000000000000000000000',
      'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
      '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
      'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
      '0000000000000000000000000000000000000000000000000000000000000080', // bit 255 is masked
    ];
    for (const hex of lowOrder) {
      expect(
        codeOf(() => provider.x25519.sharedSecret(secret, fromHex(hex))),
        hex,
      ).toBe('X25519_LOW_ORDER_POINT');
    }
  });

  it('throws INVALID_KEY_LENGTH for keys that are not 32 bytes', () => {
    const ok = new Uint8Array(32).fill(9);
    for (const length of [0, 31, 33, 64]) {
      const wrong = new Uint8Array(length).fill(9);
      expect(
        codeOf(() => provider.x25519.publicKey(wrong)),
        `publicKey(${length})`,
      ).toBe('INVALID_KEY_LENGTH');
      expect(
        codeOf(() => provider.x25519.sharedSecret(wrong, ok)),
        `secret ${length}`,
      ).toBe('INVALID_KEY_LENGTH');
      expect(
        codeOf(() => provider.x25519.sharedSecret(ok, wrong)),
        `public ${length}`,
      ).toBe('INVALID_KEY_LENGTH');
    }
  });

  it('DH commutes: X25519(a, B) = X25519(b, A)', () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), (a, b) => {
        const ab = provider.x25519.sharedSecret(a, provider.x25519.publicKey(b));
        const ba = provider.x25519.sharedSecret(b, provider.x25519.publicKey(a));
        expect(toHex(ab)).toBe(toHex(ba));
      }),
      { numRuns: RUNS },
    );
  });
});

describe.each(providers)('Ed25519 contract ($name)', (provider: CryptoProvider) => {
  it('generateKeyPair round trips through publicKey, sign and verify', () => {
    const pair = provider.ed25519.generateKeyPair();
    expect(pair.publicKey.length).toBe(32);
    expect(toHex(provider.ed25519.publicKey(pair.secretKey))).toBe(toHex(pair.publicKey));
    const message = new TextEncoder().encode('device list v7');
    const signature = provider.ed25519.sign(pair.secretKey, message);
    expect(signature.length).toBe(64);
    expect(provider.ed25519.verify(pair.publicKey, message, signature)).toBe(true);
    // Deterministic (RFC 8032 §5.1.6).
    expect(toHex(provider.ed25519.sign(pair.secretKey, message))).toBe(toHex(signature));
  });

  it('rejects a changed message, signature or key', () => {
    fc.assert(
      fc.property(bytes(32), fc.uint8Array({ maxLength: 200 }), fc.nat(), (seed, msg, at) => {
        const publicKey = provider.ed25519.publicKey(seed);
        const sig = provider.ed25519.sign(seed, msg);
        expect(provider.ed25519.verify(publicKey, msg, sig)).toBe(true);
        const badSig = sig.slice();
        badSig[at % 64] = (badSig[at % 64] as number) ^ (1 << (at % 8));
        expect(provider.ed25519.verify(publicKey, msg, badSig)).toBe(false);
        const badMsg = Uint8Array.from([...msg, 0]);
        expect(provider.ed25519.verify(publicKey, badMsg, sig)).toBe(false);
        const badKey = publicKey.slice();
        badKey[at % 32] = (badKey[at % 32] as number) ^ (1 << (at % 8));
        expect(provider.ed25519.verify(badKey, msg, sig)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it('throws INVALID_KEY_LENGTH for a secret or public key that is not 32 bytes', () => {
    const msg = new Uint8Array(3);
    const sig = new Uint8Array(64);
    for (const length of [0, 31, 33, 64]) {
      const wrong = new Uint8Array(length).fill(1);
      expect(
        codeOf(() => provider.ed25519.publicKey(wrong)),
        `publicKey(${length})`,
      ).toBe('INVALID_KEY_LENGTH');
      expect(
        codeOf(() => provider.ed25519.sign(wrong, msg)),
        `sign(${length})`,
      ).toBe('INVALID_KEY_LENGTH');
      expect(
        codeOf(() => provider.ed25519.verify(wrong, msg, sig)),
        `verify(${length})`,
      ).toBe('INVALID_KEY_LENGTH');
    }
  });

  it('returns false for a signature that is not 64 bytes', () => {
    const pair = provider.ed25519.generateKeyPair();
    const msg = new Uint8Array([1, 2, 3]);
    const sig = provider.ed25519.sign(pair.secretKey, msg);
    for (const wrong of [sig.subarray(0, 63), Uint8Array.from([...sig, 0]), new Uint8Array(0)]) {
      expect(provider.ed25519.verify(pair.publicKey, msg, wrong), `length ${wrong.length}`).toBe(
        false,
      );
    }
  });

  it('never throws on arbitrary 32-byte keys and 64-byte signatures', () => {
    fc.assert(
      fc.property(bytes(32), bytes(64), (key, sig) => {
        expect(provider.ed25519.verify(key, new Uint8Array(1), sig)).toBe(false);
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

describe.each(providers)('key reuse and in-place changes ($name)', (provider: CryptoProvider) => {
  // The node backend caches imported keys; a secret array changed in place (wiped, reused)
  // must never be served the key it held before.
  it('X25519 follows a secret key array changed in place', () => {
    const peer = provider.x25519.generateKeyPair();
    const first = provider.x25519.generateKeyPair();
    const second = provider.x25519.generateKeyPair();
    const secret = first.secretKey.slice();
    expect(provider.x25519.sharedSecret(secret, peer.publicKey)).toEqual(
      provider.x25519.sharedSecret(first.secretKey, peer.publicKey),
    );
    secret.set(second.secretKey);
    expect(provider.x25519.sharedSecret(secret, peer.publicKey)).toEqual(
      provider.x25519.sharedSecret(peer.secretKey, second.publicKey),
    );
    expect(provider.x25519.publicKey(secret)).toEqual(second.publicKey);
  });

  it('Ed25519 follows a secret key array changed in place', () => {
    const first = provider.ed25519.generateKeyPair();
    const second = provider.ed25519.generateKeyPair();
    const message = new Uint8Array([1, 2, 3]);
    const secret = first.secretKey.slice();
    expect(
      provider.ed25519.verify(first.publicKey, message, provider.ed25519.sign(secret, message)),
    ).toBe(true);
    secret.set(second.secretKey);
    const signature = provider.ed25519.sign(secret, message);
    expect(provider.ed25519.verify(second.publicKey, message, signature)).toBe(true);
    expect(provider.ed25519.verify(first.publicKey, message, signature)).toBe(false);
    secret.fill(0);
    expect(provider.ed25519.publicKey(secret)).toEqual(
      provider.ed25519.publicKey(new Uint8Array(32)),
    );
  });
});

describe('node and portable agree', () => {
  const [node, portable] = providers as [CryptoProvider, CryptoProvider];

  it('X25519: same secret, same public key; same shared secret', () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), (a, b) => {
        const publicA = node.x25519.publicKey(a);
        expect(toHex(portable.x25519.publicKey(a))).toBe(toHex(publicA));
        const peer = portable.x25519.publicKey(b);
        expect(toHex(node.x25519.sharedSecret(a, peer))).toBe(
          toHex(portable.x25519.sharedSecret(a, peer)),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('X25519: same result for arbitrary (twist, non-canonical) peer keys', () => {
    fc.assert(
      fc.property(bytes(32), bytes(32), (secret, peer) => {
        const outcome = (p: CryptoProvider) => {
          try {
            return toHex(p.x25519.sharedSecret(secret, peer));
          } catch (error) {
            return SigilError.is(error) ? error.code : String(error);
          }
        };
        expect(outcome(portable)).toBe(outcome(node));
      }),
      { numRuns: RUNS },
    );
  });

  it('Ed25519: same secret, same public key and same signature; each verifies the other', () => {
    fc.assert(
      fc.property(bytes(32), fc.uint8Array({ maxLength: 300 }), (seed, msg) => {
        const publicKey = node.ed25519.publicKey(seed);
        expect(toHex(portable.ed25519.publicKey(seed))).toBe(toHex(publicKey));
        const sig = node.ed25519.sign(seed, msg);
        expect(toHex(portable.ed25519.sign(seed, msg))).toBe(toHex(sig));
        expect(portable.ed25519.verify(publicKey, msg, sig)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
