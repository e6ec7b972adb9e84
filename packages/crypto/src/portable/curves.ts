/**
 * X25519 (RFC 7748 §5) and Ed25519 (RFC 8032 §5.1) on @noble/curves 2.4.0, pure JavaScript.
 *
 * How noble behaves at the edges, and what this module does about it:
 * - `x25519.getSharedSecret` rejects a low-order peer key before the ladder (the five
 *   low-order u values modulo p, which are exactly the keys whose result is all zero) by
 *   throwing. We return 32 zero bytes instead, so the shared check in define-provider.ts raises
 *   `X25519_LOW_ORDER_POINT` as on the `node` backend. Non-canonical u is reduced modulo p and
 *   twist points are processed, as RFC 7748 §5 says.
 * - `ed25519.verify` checks the *cofactored* equation [8][S]B = [8]R + [8][k]A, even with
 *   `zip215: false`, so it accepts signatures whose low-order components do not cancel (the
 *   CCTV `low_order_residue` vectors) that OpenSSL rejects. Sigil verifies with the
 *   cofactorless equation on both backends, so this module checks it itself with noble's point
 *   arithmetic: S < L, strict decoding of A and R (y < p, no "x = 0 with sign bit set"), then
 *   [S]B = R + [k]A. Because R decodes strictly, point equality is equality of encodings, as in
 *   ref10 and OpenSSL. Decoding failures return `false`: verification never throws.
 *
 * @module
 */
import type { EdwardsPoint } from '@noble/curves/abstract/edwards.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { SigilError } from '@sigil/errors';
import type { RawBackend } from '../raw-backend.ts';

const Point = ed25519.Point;
/** The group order L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1). */
const Fn = Point.Fn;

/** The message noble 2.4.0 throws for a low-order X25519 input (all-zero result). */
const LOW_ORDER_MESSAGE = 'invalid private or public key received';

/**
 * RFC 8032 §5.1.3 decoding with the strict reading (y < p; x = 0 with the sign bit set fails),
 * or `undefined` when the bytes are not a canonical encoding of a curve point.
 */
function decodeStrict(encoded: Uint8Array): EdwardsPoint | undefined {
  try {
    return Point.fromBytes(encoded, false);
  } catch {
    return undefined;
  }
}

/** X25519 and Ed25519 of the `portable` backend (@noble/curves). */
export const portableCurves: Pick<
  RawBackend,
  'x25519PublicKey' | 'x25519' | 'ed25519PublicKey' | 'ed25519Sign' | 'ed25519Verify'
> = {
  x25519PublicKey(secretKey: Uint8Array): Uint8Array {
    return x25519.getPublicKey(secretKey);
  },

  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
    try {
      return x25519.getSharedSecret(secretKey, publicKey);
    } catch (err) {
      // Low-order peer key: the RFC 7748 result is all zero; define-provider.ts rejects it.
      if (err instanceof Error && err.message === LOW_ORDER_MESSAGE) return new Uint8Array(32);
      throw new SigilError('INTERNAL', 'X25519 derivation failed', { cause: err });
    }
  },

  ed25519PublicKey(secretKey: Uint8Array): Uint8Array {
    return ed25519.getPublicKey(secretKey);
  },

  ed25519Sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    return ed25519.sign(message, secretKey);
  },

  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    const encodedR = signature.subarray(0, 32);
    // RFC 8032 §5.1.7 step 1: S must be below L (no malleable S + nL).
    const s = bytesToNumberLE(signature.subarray(32, 64));
    if (s >= Fn.ORDER) return false;
    const A = decodeStrict(publicKey);
    const R = decodeStrict(encodedR);
    if (A === undefined || R === undefined) return false;
    // k = SHA-512(R || A || M) mod L, over the bytes as received (§5.1.7 step 2).
    const digest = sha512.create().update(encodedR).update(publicKey).update(message).digest();
    const k = Fn.create(bytesToNumberLE(digest));
    // Cofactorless group equation [S]B = R + [k]A (§5.1.7 step 3 permits it).
    return Point.BASE.multiplyUnsafe(s).equals(R.add(A.multiplyUnsafe(k)));
  },
};
