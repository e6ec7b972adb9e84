/**
 * What the protocol core is given instead of doing I/O (STYLE.md §3): the crypto provider, a
 * random source and a clock. Tests and published vectors pass a deterministic `random` and a
 * fixed `now`; applications pass nothing but `crypto`.
 *
 * Every random value the protocol draws (ephemeral and ratchet keys, KEM seeds, KEM
 * encapsulation randomness, nonces) comes from `random`, in a documented order, so that a seeded
 * `random` reproduces every byte of a transcript. ML-KEM encapsulation draws its 32-byte `m`
 * from `random` and uses derandomized encapsulation where the backend has it
 * (`supports('ml-kem-derandomized-encapsulation')`); the `node` backend encapsulates with
 * OpenSSL's own randomness instead, so only its KEM ciphertexts differ from a seeded run.
 *
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';

/** The injected dependencies of every protocol operation. */
export interface ProtocolContext {
  /** The crypto backend. */
  readonly crypto: CryptoProvider;
  /** Random bytes; defaults to `crypto.random.bytes`. */
  readonly random?: (length: number) => Uint8Array;
  /** Current time in milliseconds since the Unix epoch; defaults to `Date.now`. */
  readonly now?: () => number;
}

/** A context with every default filled in. */
export interface ResolvedContext {
  readonly crypto: CryptoProvider;
  readonly random: (length: number) => Uint8Array;
  readonly now: () => number;
}

/** Fills in the defaults of a context. */
export function resolveContext(ctx: ProtocolContext): ResolvedContext {
  return {
    crypto: ctx.crypto,
    random: ctx.random ?? ((length) => ctx.crypto.random.bytes(length)),
    now: ctx.now ?? Date.now,
  };
}

/**
 * ML-KEM encapsulation that draws its randomness `m` from the context (see the module comment).
 * @throws SigilError `MLKEM_INVALID_ENCAPSULATION_KEY` if the key fails the FIPS 203 §7.2 check.
 */
export function encapsulate(
  ctx: ResolvedContext,
  publicKey: Uint8Array,
): { ciphertext: Uint8Array; sharedSecret: Uint8Array } {
  const m = ctx.random(32);
  if (ctx.crypto.supports('ml-kem-derandomized-encapsulation')) {
    return ctx.crypto.mlkem.encapsulateDerandomized('ml-kem-1024', publicKey, m);
  }
  return ctx.crypto.mlkem.encapsulate('ml-kem-1024', publicKey);
}

/**
 * A deterministic random source for tests and published vectors: HKDF-SHA256 in counter mode
 * over a seed. Never use it outside tests.
 */
export function unsafeDeterministicRandom(
  crypto: CryptoProvider,
  seed: Uint8Array,
): (length: number) => Uint8Array {
  const prk = crypto.hkdf.extract('sha256', new Uint8Array(0), seed);
  let counter = 0;
  return (length: number) => {
    const info = new Uint8Array(4);
    new DataView(info.buffer).setUint32(0, counter++);
    const out = new Uint8Array(length);
    for (let offset = 0; offset < length; offset += 8160) {
      const chunk = Math.min(8160, length - offset);
      out.set(crypto.hkdf.expand('sha256', prk, concatInfo(info, offset), chunk), offset);
    }
    return out;
  };
}

function concatInfo(info: Uint8Array, offset: number): Uint8Array {
  const out = new Uint8Array(info.length + 4);
  out.set(info, 0);
  new DataView(out.buffer).setUint32(info.length, offset);
  return out;
}
