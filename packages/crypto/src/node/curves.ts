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
 * KeyObject caching (imports dominate the cost: measured on Node 24.21, a raw X25519 secret-key
 * import ~70 µs, a public-key import ~35 µs, the DH itself ~40 µs):
 * - Secret keys: a WeakMap keyed by the caller's Uint8Array object holds the imported KeyObject
 *   and the SHA-256 of the bytes it was imported from. Every use re-hashes the bytes (~1 µs) and
 *   re-imports on any change, so a wiped or reused array is never served a stale key. The entry
 *   dies with the array. No copy of the secret is kept in JavaScript memory; OpenSSL's copy
 *   inside the KeyObject lives until garbage collection either way (it cannot be wiped, cached
 *   or not: wiping is best effort, see secret.ts).
 * - Public keys: a small LRU keyed by the key bytes (public data).
 * A ratchet key pair is then imported once for its key generation and its DH operations.
 *
 * @module
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hash,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { SigilError } from '@sigil/errors';
import type { RawBackend } from '../raw-backend.ts';

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

interface CachedSecret {
  readonly type: CurveKeyType;
  readonly digest: Buffer;
  readonly key: KeyObject;
}

/** Imported secret keys, keyed by the caller's array and checked against its current bytes. */
const secretKeys = new WeakMap<Uint8Array, CachedSecret>();

function privateKey(type: CurveKeyType, secretKey: Uint8Array): KeyObject {
  const digest = hash('sha256', secretKey, 'buffer');
  const cached = secretKeys.get(secretKey);
  if (cached !== undefined && cached.type === type && cached.digest.equals(digest)) {
    return cached.key;
  }
  const key = createPrivateKey({
    key: asBuffer(secretKey),
    format: 'raw-private',
    asymmetricKeyType: type,
  });
  secretKeys.set(secretKey, { type, digest, key });
  return key;
}

/** How many imported public keys to keep (a ratchet needs two or three at a time). */
const PUBLIC_KEY_CACHE_SIZE = 256;
const publicKeys = new Map<string, KeyObject>();

function publicKeyObject(type: CurveKeyType, publicKey: Uint8Array): KeyObject {
  const id = `${type}:${asBuffer(publicKey).toString('latin1')}`;
  const cached = publicKeys.get(id);
  if (cached !== undefined) {
    // Refresh its place in the LRU order.
    publicKeys.delete(id);
    publicKeys.set(id, cached);
    return cached;
  }
  const key = createPublicKey({
    key: asBuffer(publicKey),
    format: 'raw-public',
    asymmetricKeyType: type,
  });
  publicKeys.set(id, key);
  if (publicKeys.size > PUBLIC_KEY_CACHE_SIZE) {
    const oldest = publicKeys.keys().next().value;
    if (oldest !== undefined) publicKeys.delete(oldest);
  }
  return key;
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
