/**
 * The crypto primitives of Sigil's protocol as its code paths call them (profile.ts), with the
 * number of calls per scenario operation, and the provider each benchmark subject runs on.
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import type { ScenarioName } from './scenario.ts';
import type { SubjectId } from './subjects.ts';

/** A primitive as the protocol calls it; `make` prepares one call on a provider. */
export interface Primitive {
  readonly name: string;
  readonly make: (crypto: CryptoProvider, pool: number) => () => unknown;
}

/** `pool` distinct values from `make`, returned in turn. */
function cycle<T>(pool: number, make: (i: number) => T): () => T {
  const values = Array.from({ length: pool }, (_, i) => make(i));
  let next = 0;
  return () => values[next++ % values.length] as T;
}

// Sizes on the per-message path: AD = two DeviceCertificateTBS (230 B) + a 43-byte header;
// 100 B pads to 160 B, 10 KiB to 11,264 B.
export const AAD_LENGTH = 273;

function seal(size: number): Primitive {
  return {
    name: `AES-256-GCM seal ${size} B`,
    make: (c) => {
      const key = c.random.bytes(32);
      const nonce = c.random.bytes(12);
      const data = c.random.bytes(size);
      const aad = c.random.bytes(AAD_LENGTH);
      return () => c.aead.seal('aes-256-gcm', key, nonce, data, aad);
    },
  };
}

function open(size: number): Primitive {
  return {
    name: `AES-256-GCM open ${size} B`,
    make: (c) => {
      const key = c.random.bytes(32);
      const nonce = c.random.bytes(12);
      const aad = c.random.bytes(AAD_LENGTH);
      const sealed = c.aead.seal('aes-256-gcm', key, nonce, c.random.bytes(size), aad);
      return () => c.aead.open('aes-256-gcm', key, nonce, sealed, aad);
    },
  };
}

/** The primitives, by id. */
export const PRIMITIVES: Record<string, Primitive> = {
  hmac: {
    name: 'HMAC-SHA256 (half a KDF_CK)',
    make: (c) => {
      const key = c.random.bytes(32);
      const data = Uint8Array.of(1);
      return () => c.hmac.mac('sha256', key, data);
    },
  },
  messageKeys: {
    name: 'MessageKeys: HKDF extract + 44 B expand',
    make: (c) => {
      const ikm = c.random.bytes(32);
      const salt = new Uint8Array(32);
      const info = new Uint8Array(28);
      return () => c.hkdf.expand('sha256', c.hkdf.extract('sha256', salt, ikm), info, 44);
    },
  },
  kdfRk: {
    name: 'KDF_RK: HKDF extract + 64 B expand',
    make: (c) => {
      const ikm = c.random.bytes(32);
      const salt = c.random.bytes(32);
      const info = new Uint8Array(21);
      return () => c.hkdf.expand('sha256', c.hkdf.extract('sha256', salt, ikm), info, 64);
    },
  },
  seal160: seal(160),
  open160: open(160),
  seal10k: seal(11_264),
  open10k: open(11_264),
  x25519KeyPair: {
    name: 'X25519 key pair from a fresh secret',
    make: (c) => () => c.x25519.publicKey(c.random.bytes(32)),
  },
  x25519Fresh: {
    name: 'X25519 DH, fresh peer key (import + DH)',
    make: (c, pool) => {
      const own = c.x25519.generateKeyPair();
      const peer = cycle(pool, () => c.x25519.generateKeyPair().publicKey);
      return () => c.x25519.sharedSecret(own.secretKey, peer());
    },
  },
  x25519Cached: {
    name: 'X25519 DH, both keys already imported',
    make: (c) => {
      const own = c.x25519.generateKeyPair();
      const peer = c.x25519.generateKeyPair().publicKey;
      return () => c.x25519.sharedSecret(own.secretKey, peer);
    },
  },
  ed25519Fresh: {
    name: 'Ed25519 verify, fresh public key',
    make: (c, pool) => {
      const message = new Uint8Array(150);
      const next = cycle(pool, () => {
        const pair = c.ed25519.generateKeyPair();
        return { key: pair.publicKey, signature: c.ed25519.sign(pair.secretKey, message) };
      });
      return () => {
        const { key, signature } = next();
        return c.ed25519.verify(key, message, signature);
      };
    },
  },
  mlkemKeyPair: {
    name: 'ML-KEM-1024 key pair from a seed',
    make: (c) => () => c.mlkem.generateKeyPair('ml-kem-1024', c.random.bytes(64)),
  },
  mlkemEncaps: {
    name: 'ML-KEM-1024 encapsulate (incl. FIPS 203 key check)',
    make: (c) => {
      const pair = c.mlkem.generateKeyPair('ml-kem-1024');
      return () => c.mlkem.encapsulate('ml-kem-1024', pair.publicKey);
    },
  },
  mlkemDecaps: {
    name: 'ML-KEM-1024 decapsulate from the 64-byte seed',
    make: (c) => {
      const pair = c.mlkem.generateKeyPair('ml-kem-1024');
      const { ciphertext } = c.mlkem.encapsulate('ml-kem-1024', pair.publicKey);
      return () => c.mlkem.decapsulate('ml-kem-1024', pair.secretKey, ciphertext);
    },
  },
};
/** A primitive id. */
export type PrimitiveId = keyof typeof PRIMITIVES;

/**
 * Primitive calls per scenario operation, read off the code (a PQ step every 16 chains, so each
 * ping-pong message carries 1/16 of one). Setup: Alice verifies 3 signatures (the second DSK
 * verify finds its key imported), makes EK_A and her first ratchet key, 5 DHs (3 with fresh
 * peer keys), encapsulates once and makes her first KEM ratchet key; Bob verifies Alice's
 * certificate, 5 DHs (3 with fresh peer keys), decapsulates from the KEM prekey's seed.
 */
export const COUNTS: Record<ScenarioName, Partial<Record<PrimitiveId, number>>> = {
  setup: {
    ed25519Fresh: 4,
    x25519KeyPair: 2,
    x25519Fresh: 6,
    x25519Cached: 4,
    mlkemEncaps: 1,
    mlkemKeyPair: 1,
    mlkemDecaps: 1,
    kdfRk: 3,
    hmac: 4,
    messageKeys: 2,
    seal160: 1,
    open160: 1,
  },
  'one way 100 B': { hmac: 4, messageKeys: 2, seal160: 1, open160: 1 },
  'one way 10 KiB': { hmac: 4, messageKeys: 2, seal10k: 1, open10k: 1 },
  'ping-pong 100 B': {
    x25519KeyPair: 1,
    x25519Fresh: 2,
    kdfRk: 2,
    hmac: 4,
    messageKeys: 2,
    seal160: 1,
    open160: 1,
    mlkemKeyPair: 1 / 16,
    mlkemEncaps: 1 / 16,
    mlkemDecaps: 1 / 16,
  },
};

/**
 * The provider a Sigil subject runs on, and how many distinct peer keys to cycle through for
 * "fresh key" primitives (beyond the node backend's 256-entry cache; portable caches nothing).
 * `undefined` for libsignal.
 */
export async function providerOf(
  id: SubjectId,
): Promise<{ provider: CryptoProvider; pool: number } | undefined> {
  switch (id) {
    case 'sigil-node':
      return { provider: (await import('@sigil/crypto/node')).nodeProvider, pool: 512 };
    case 'sigil-portable':
      return { provider: (await import('@sigil/crypto/portable')).portableProvider, pool: 16 };
    case 'sigil-node-aead-fix':
    case 'sigil-node-aead-import-fix': {
      const { whatIfNodeProvider } = await import('./what-if-provider.ts');
      const whatIf = id === 'sigil-node-aead-fix' ? 'aead' : 'aead+imports';
      return { provider: whatIfNodeProvider(whatIf), pool: 512 };
    }
    default:
      return undefined;
  }
}
