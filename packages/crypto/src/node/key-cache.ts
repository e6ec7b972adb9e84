/**
 * Imported-key caches of the `node` backend. Importing a key into a node:crypto KeyObject costs
 * more than many operations with it (Node 24.21: X25519 secret key ~70 µs, public key ~16 µs,
 * ML-KEM-1024 seed ~230 µs, against ~45 µs for an X25519 DH), and Sigil uses most keys several
 * times (a ratchet key pair for its generation and its DH operations, a device signing key for
 * every signature).
 *
 * - Secret keys: a WeakMap keyed by the caller's Uint8Array object holds the KeyObject and the
 *   SHA-256 of the bytes it was imported from. Every use re-hashes the current bytes (~1 µs) and
 *   re-imports on any change, so a wiped or reused array is never served a stale key. The entry
 *   dies with the array. No copy of the secret is kept in JavaScript memory; OpenSSL's copy
 *   inside a KeyObject lives until garbage collection whether or not it is cached (wiping is
 *   best effort, see secret.ts).
 * - Public keys: a small LRU keyed by the key bytes (public data), behind a WeakMap keyed by the
 *   caller's array that serves repeated uses of the same array without building the LRU key.
 *
 * @module
 */
import { hash, type KeyObject } from 'node:crypto';

interface CachedSecret {
  readonly kind: string;
  readonly digest: Buffer;
  readonly key: KeyObject;
}

const secretKeys = new WeakMap<Uint8Array, CachedSecret>();

/**
 * The KeyObject of `secret` for `kind` (an algorithm name), imported with `load` unless the
 * same array still holds the same bytes as when it was last imported.
 */
export function cachedSecretKey(
  kind: string,
  secret: Uint8Array,
  load: (secret: Uint8Array) => KeyObject,
): KeyObject {
  const digest = hash('sha256', secret, 'buffer');
  const cached = secretKeys.get(secret);
  if (cached !== undefined && cached.kind === kind && cached.digest.equals(digest)) {
    return cached.key;
  }
  const key = load(secret);
  secretKeys.set(secret, { kind, digest, key });
  return key;
}

/** How many imported public keys to keep (a ratchet needs two or three at a time). */
const PUBLIC_KEY_CACHE_SIZE = 256;
const publicKeys = new Map<string, KeyObject>();

/**
 * A first-level cache of public keys by array identity: a member's signature key is the same
 * Uint8Array (from the ratchet tree) for every message it sends, and looking it up here skips
 * building the LRU's string key. The entry keeps a copy of the bytes it was imported from and is
 * used only while the array still holds them.
 */
interface CachedPublic {
  readonly kind: string;
  readonly bytes: Uint8Array;
  readonly key: KeyObject;
}
const publicKeysByArray = new WeakMap<Uint8Array, CachedPublic>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The KeyObject of a public key for `kind`, from a small LRU keyed by its bytes. */
export function cachedPublicKey(
  kind: string,
  publicKey: Uint8Array,
  load: (publicKey: Uint8Array) => KeyObject,
): KeyObject {
  const known = publicKeysByArray.get(publicKey);
  if (known !== undefined && known.kind === kind && sameBytes(known.bytes, publicKey)) {
    return known.key;
  }
  const key = cachedPublicKeyByBytes(kind, publicKey, load);
  publicKeysByArray.set(publicKey, { kind, bytes: publicKey.slice(), key });
  return key;
}

function cachedPublicKeyByBytes(
  kind: string,
  publicKey: Uint8Array,
  load: (publicKey: Uint8Array) => KeyObject,
): KeyObject {
  const id = `${kind}:${Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength).toString('latin1')}`;
  const cached = publicKeys.get(id);
  if (cached !== undefined) {
    // Refresh its place in the LRU order.
    publicKeys.delete(id);
    publicKeys.set(id, cached);
    return cached;
  }
  const key = load(publicKey);
  publicKeys.set(id, key);
  if (publicKeys.size > PUBLIC_KEY_CACHE_SIZE) {
    const oldest = publicKeys.keys().next().value;
    if (oldest !== undefined) publicKeys.delete(oldest);
  }
  return key;
}
