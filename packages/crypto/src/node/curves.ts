/**
 * X25519 (RFC 7748 §5) and Ed25519 (RFC 8032 §5.1) on node:crypto (OpenSSL 3.5 in Node 24),
 * through the raw key formats (`raw-private` / `raw-public`), with no DER wrapping.
 *
 * How OpenSSL behaves at the edges, and what this module does about it:
 * - X25519 with a low-order peer key: OpenSSL refuses an all-zero result and the derivation
 *   throws `ERR_OSSL_FAILED_DURING_DERIVATION`. We return 32 zero bytes instead, so the shared
 *   check in define-provider.ts raises `X25519_LOW_ORDER_POINT` on both backends alike.
 *   Non-canonical u (bit 255 set, or u >= p) and twist points are processed as RFC 7748 says.
 * - Ed25519 public keys: `createPublicKey` accepts any 32 bytes (off-curve, non-canonical) and
 *   the failure surfaces in `verify`, which then returns `false`. Any exception during import
 *   or verification is turned into `false`: verification never throws.
 * - OpenSSL's verification is the cofactorless ref10 check: S < L, [S]B - [k]A re-encoded and
 *   compared byte for byte with R (RFC 8032 §5.1.7 allows the cofactorless equation).
 *
 * Imported KeyObjects are cached (key-cache.ts) and imports skip node:crypto's costly internal
 * stack traces (fast-path.ts): a ratchet key pair is imported once for its generation and its
 * DH operations.
 *
 * @module
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { SigilError } from '@sigil/errors';
import type { RawBackend } from '../raw-backend.ts';
import { withoutStackTraces } from './fast-path.ts';
import { cachedPublicKey, cachedSecretKey } from './key-cache.ts';

type CurveKeyType = 'x25519' | 'ed25519';

/** A zero-copy Buffer view of `bytes` (node:crypto's raw-key inputs are typed as Buffer). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Copies a Buffer from node:crypto into a fresh Uint8Array the caller owns, and wipes it. */
function take(buffer: Buffer): Uint8Array {
  const out = new Uint8Array(buffer);
  buffer.fill(0);
  return out;
}

function privateKey(type: CurveKeyType, secretKey: Uint8Array): KeyObject {
  return cachedSecretKey(type, secretKey, (secret) =>
    withoutStackTraces(() =>
      createPrivateKey({ key: asBuffer(secret), format: 'raw-private', asymmetricKeyType: type }),
    ),
  );
}

function publicKeyObject(type: CurveKeyType, publicKey: Uint8Array): KeyObject {
  return cachedPublicKey(type, publicKey, (bytes) =>
    withoutStackTraces(() =>
      createPublicKey({ key: asBuffer(bytes), format: 'raw-public', asymmetricKeyType: type }),
    ),
  );
}

function rawPublicKey(type: CurveKeyType, secretKey: Uint8Array): Uint8Array {
  return take(createPublicKey(privateKey(type, secretKey)).export({ format: 'raw-public' }));
}

/** The Node error code OpenSSL's X25519 derivation raises when the result is all zero. */
const ZERO_SHARED_SECRET_ERROR = 'ERR_OSSL_FAILED_DURING_DERIVATION';

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

/** X25519 and Ed25519 of the `node` backend (node:crypto). */
export const nodeCurves: Pick<
  RawBackend,
  'x25519PublicKey' | 'x25519' | 'ed25519PublicKey' | 'ed25519Sign' | 'ed25519Verify'
> = {
  x25519PublicKey(secretKey: Uint8Array): Uint8Array {
    return rawPublicKey('x25519', secretKey);
  },

  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
    const privateKeyObject = privateKey('x25519', secretKey);
    const peer = publicKeyObject('x25519', publicKey);
    try {
      return take(diffieHellman({ privateKey: privateKeyObject, publicKey: peer }));
    } catch (err) {
      // OpenSSL (crypto/ec/curve25519.c, ossl_x25519) fails exactly when the output is all
      // zero, i.e. the peer key is of low order. Report the zeros; define-provider.ts rejects
      // them with X25519_LOW_ORDER_POINT.
      if (errorCode(err) === ZERO_SHARED_SECRET_ERROR) return new Uint8Array(32);
      throw new SigilError('INTERNAL', 'X25519 derivation failed', { cause: err });
    }
  },

  ed25519PublicKey(secretKey: Uint8Array): Uint8Array {
    return rawPublicKey('ed25519', secretKey);
  },

  ed25519Sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    return take(sign(null, message, privateKey('ed25519', secretKey)));
  },

  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      return verify(null, message, publicKeyObject('ed25519', publicKey), signature);
    } catch {
      // An encoding OpenSSL cannot import or decode is an invalid signature, not an error.
      return false;
    }
  },
};
