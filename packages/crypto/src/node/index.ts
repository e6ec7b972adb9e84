/**
 * The `node` backend: node:crypto (OpenSSL 3.5 in Node 24) for every primitive it has. It is
 * the default on Node because it is several times faster than pure JavaScript.
 *
 * node:crypto has no derandomized ML-KEM encapsulation, so this backend does not offer
 * `ml-kem-derandomized-encapsulation` (known-answer tests of encapsulation run on `portable`).
 *
 * @module
 */
import { defineProvider } from '../define-provider.ts';
import type { CryptoProvider } from '../provider.ts';
import { nodeAead } from './aead.ts';
import { nodeArgon2 } from './argon2.ts';
import { nodeCtr } from './ctr.ts';
import { nodeCurves } from './curves.ts';
import { nodeHash } from './hash.ts';
import { nodeMlKem } from './mlkem.ts';

/** The node:crypto backend. */
export const nodeProvider: CryptoProvider = defineProvider({
  name: 'node',
  algorithms: new Set([
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
  ]),
  ...nodeHash,
  ...nodeAead,
  ...nodeCtr,
  ...nodeCurves,
  ...nodeMlKem,
  ...nodeArgon2,
});
