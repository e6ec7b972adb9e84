/**
 * The `portable` backend: pure JavaScript from the audited @noble libraries (@noble/hashes,
 * @noble/ciphers, @noble/curves, @noble/post-quantum), pinned exactly. The default in browsers,
 * and on Node when forced (tests run every suite against both backends).
 *
 * @module
 */
import { defineProvider } from '../define-provider.ts';
import type { CryptoProvider } from '../provider.ts';
import { portableAead } from './aead.ts';
import { portableArgon2 } from './argon2.ts';
import { portableCtr } from './ctr.ts';
import { portableCurves } from './curves.ts';
import { portableHash } from './hash.ts';
import { portableMlKem } from './mlkem.ts';

/** The @noble backend. */
export const portableProvider: CryptoProvider = defineProvider({
  name: 'portable',
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
    'ml-kem-derandomized-encapsulation',
  ]),
  ...portableHash,
  ...portableAead,
  ...portableCtr,
  ...portableCurves,
  ...portableMlKem,
  ...portableArgon2,
});
