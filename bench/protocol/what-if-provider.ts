/**
 * A bench-only variant of the `node` crypto backend that quantifies two proposed fixes (see
 * profile.ts); it is not a backend to ship. Everything else is the real `node` backend, behind
 * the same `defineProvider` checks.
 *
 * 1. AEAD: node:crypto's `createCipheriv(alg, key, ...)` with a Uint8Array key first asks
 *    `isKeyObject(key)` and `isCryptoKey(key)`, and on Node 24.21 each of those answers "no" by
 *    throwing and catching an exception (lib/internal/crypto/keys.js: `try { getKeyObjectSlots
 *    (obj) } catch { return false }`), with a captured stack trace: about 25 µs of a 35 µs
 *    AES-256-GCM seal of 160 bytes. `createSecretKey(key)` takes the buffer-only path (no
 *    check), and a KeyObject passes both checks without throwing.
 * 2. Key imports (X25519, Ed25519, ML-KEM): `createPrivateKey` / `createPublicKey` with an
 *    options object run the same two checks on the object and again on `options.key`: four
 *    thrown exceptions per import (~35-40 µs). Here the raw imports run with
 *    `Error.stackTraceLimit = 0`, which makes those throws cheap; a backend could instead import
 *    public keys from a PEM string (no options object, so no throw: ~20 µs instead of ~50 µs).
 *
 * @module
 */
import { createCipheriv, createDecipheriv, createSecretKey } from 'node:crypto';
import {
  type AeadAlgorithm,
  type Algorithm,
  type CryptoProvider,
  defineProvider,
  type RawBackend,
} from '@sigil/crypto';
import { nodeProvider } from '@sigil/crypto/node';
import { nodeAead } from '../../packages/crypto/src/node/aead.ts';
import { nodeArgon2 } from '../../packages/crypto/src/node/argon2.ts';
import { nodeCtr } from '../../packages/crypto/src/node/ctr.ts';
import { nodeCurves } from '../../packages/crypto/src/node/curves.ts';
import { nodeHash } from '../../packages/crypto/src/node/hash.ts';
import { nodeMlKem } from '../../packages/crypto/src/node/mlkem.ts';

const TAG_LENGTH = 16;

/** Runs `f` with V8 capturing no stack traces (node:crypto's internal throws get cheap). */
function withoutStackTraces<T>(f: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return f();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** AES-GCM through a KeyObject made with `createSecretKey` (fix 1); ChaCha20 unchanged. */
function keyObjectAead(): Pick<RawBackend, 'aeadSeal' | 'aeadOpen'> {
  return {
    aeadSeal(algorithm: AeadAlgorithm, key, nonce, plaintext, aad) {
      if (algorithm === 'chacha20-poly1305') {
        return nodeAead.aeadSeal(algorithm, key, nonce, plaintext, aad);
      }
      const cipher = createCipheriv(algorithm, createSecretKey(key), nonce, {
        authTagLength: TAG_LENGTH,
      });
      cipher.setAAD(aad, { plaintextLength: plaintext.length });
      const sealed = new Uint8Array(plaintext.length + TAG_LENGTH);
      const body = cipher.update(plaintext);
      sealed.set(body, 0);
      sealed.set(cipher.final(), body.length);
      sealed.set(cipher.getAuthTag(), plaintext.length);
      return sealed;
    },
    aeadOpen(algorithm: AeadAlgorithm, key, nonce, sealed, aad) {
      if (algorithm === 'chacha20-poly1305') {
        return nodeAead.aeadOpen(algorithm, key, nonce, sealed, aad);
      }
      const length = sealed.length - TAG_LENGTH;
      const decipher = createDecipheriv(algorithm, createSecretKey(key), nonce, {
        authTagLength: TAG_LENGTH,
      });
      decipher.setAuthTag(sealed.subarray(length));
      decipher.setAAD(aad, { plaintextLength: length });
      const plaintext = new Uint8Array(length);
      const body = decipher.update(sealed.subarray(0, length));
      plaintext.set(body, 0);
      body.fill(0);
      try {
        plaintext.set(decipher.final(), body.length);
      } catch {
        plaintext.fill(0);
        return undefined;
      }
      return plaintext;
    },
  };
}

/** Wraps every function of `part` in {@link withoutStackTraces}. */
function cheapThrows<T extends object>(part: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(part)) {
    out[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => withoutStackTraces(() => value.apply(part, args))
        : value;
  }
  return out as T;
}

const ALGORITHMS: readonly Algorithm[] = [
  'sha256',
  'sha512',
  'hmac-sha256',
  'hmac-sha512',
  'hkdf-sha256',
  'hkdf-sha512',
  'aes-128-gcm',
  'aes-256-gcm',
  'chacha20-poly1305',
  'aes-128-ctr',
  'aes-256-ctr',
  'x25519',
  'ed25519',
  'ml-kem-768',
  'ml-kem-1024',
  'argon2id',
];

/** Which fixes a what-if provider applies. */
export type WhatIf = 'aead' | 'aead+imports';

/** The `node` backend with the fixes of `whatIf` applied (bench only). */
export function whatIfNodeProvider(whatIf: WhatIf): CryptoProvider {
  const imports = whatIf === 'aead+imports';
  return defineProvider({
    name: 'node',
    // The same algorithms as the real backend.
    algorithms: new Set(ALGORITHMS.filter((algorithm) => nodeProvider.supports(algorithm))),
    ...nodeHash,
    ...keyObjectAead(),
    ...nodeCtr,
    ...(imports ? cheapThrows(nodeCurves) : nodeCurves),
    ...(imports ? cheapThrows(nodeMlKem) : nodeMlKem),
    ...nodeArgon2,
  });
}
