/**
 * The AES-CTR + HMAC AEAD of RFC 9605 §4.5.1, used by SFrame cipher suites 1-3: encrypt-then-MAC
 * with an HMAC tag truncated to Nt bytes (10, 8 or 4), as SRTP does.
 *
 * - The AEAD key (Nka + Nh bytes) splits into enc_key (the first Nka bytes) and auth_key (the
 *   remaining Nh bytes).
 * - ct = AES-CTR(enc_key, nonce || 0x00000000, pt): the 12-byte nonce and a 32-bit block counter
 *   starting at zero form the 16-byte initial counter block.
 * - tag = HMAC(auth_key, len(aad) || len(ct) || Nt || nonce || aad || ct)[..Nt], the lengths as
 *   8-byte big-endian integers.
 *
 * Decryption checks the tag in constant time before it decrypts anything. Most users won't need
 * this module: {@link SFrameContext} applies it.
 *
 * @example
 * ```ts
 * const sealed = ctrHmacSeal(provider, params, key, nonce, aad, plaintext); // ct || tag
 * const opened = ctrHmacOpen(provider, params, key, nonce, aad, sealed);
 * ```
 * @module
 */
import {
  type CryptoProvider,
  type CtrAlgorithm,
  constantTimeEqual,
  type HashAlgorithm,
} from '@sigil/crypto';
import { SigilError } from '@sigil/errors';

/** The parameters of one AES-CTR + HMAC suite (RFC 9605 Table 1). */
export interface CtrHmacParams {
  /** The AES-CTR cipher of enc_key. */
  readonly ctr: CtrAlgorithm;
  /** The HMAC hash. */
  readonly hash: HashAlgorithm;
  /** Nka: enc_key size in bytes. */
  readonly encKeyLength: number;
  /** Nh: auth_key size (the hash output size) in bytes. */
  readonly authKeyLength: number;
  /** Nt: the truncated tag size in bytes. */
  readonly tagLength: number;
}

/** The nonce size Nn in bytes (12 for every suite of RFC 9605). */
const NONCE_LENGTH = 12;

/**
 * Longest plaintext: 2^32 AES blocks (64 GiB). The RFC's counter block has a 32-bit block
 * counter after the nonce; beyond 2^32 blocks it would carry into the nonce.
 */
const MAX_PLAINTEXT_LENGTH = 2 ** 36;

/** enc_key and auth_key of an AEAD key (views into `key`, not copies). */
export function deriveSubkeys(
  params: CtrHmacParams,
  key: Uint8Array,
): { encKey: Uint8Array; authKey: Uint8Array } {
  const expected = params.encKeyLength + params.authKeyLength;
  if (!(key instanceof Uint8Array) || key.length !== expected) {
    throw new SigilError('INVALID_KEY_LENGTH', `key must be ${expected} bytes`, {
      details: { expected },
    });
  }
  return {
    encKey: key.subarray(0, params.encKeyLength),
    authKey: key.subarray(params.encKeyLength),
  };
}

function uint64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/** compute_tag (§4.5.1): the truncated HMAC over the lengths, nonce, aad and ct. */
function computeTag(
  provider: CryptoProvider,
  params: CtrHmacParams,
  authKey: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  ct: Uint8Array,
): Uint8Array {
  const authData = new Uint8Array(24 + nonce.length + aad.length + ct.length);
  authData.set(uint64(aad.length), 0);
  authData.set(uint64(ct.length), 8);
  authData.set(uint64(params.tagLength), 16);
  authData.set(nonce, 24);
  authData.set(aad, 24 + nonce.length);
  authData.set(ct, 24 + nonce.length + aad.length);
  return provider.hmac.mac(params.hash, authKey, authData).subarray(0, params.tagLength);
}

/** The 16-byte initial counter block: nonce || 0x00000000. */
function initialCounter(nonce: Uint8Array): Uint8Array {
  const block = new Uint8Array(16);
  block.set(nonce, 0);
  return block;
}

function checkArgs(nonce: Uint8Array, aad: Uint8Array, data: Uint8Array): void {
  if (!(nonce instanceof Uint8Array) || nonce.length !== NONCE_LENGTH) {
    throw new SigilError('INVALID_NONCE_LENGTH', `nonce must be ${NONCE_LENGTH} bytes`);
  }
  if (!(aad instanceof Uint8Array)) throw new SigilError('INVALID_ARGUMENT', 'aad must be bytes');
  if (!(data instanceof Uint8Array)) throw new SigilError('INVALID_ARGUMENT', 'data must be bytes');
}

/**
 * AEAD.Encrypt of §4.5.1: returns ct || tag (plaintext length + Nt bytes).
 * @throws SigilError `INVALID_KEY_LENGTH`, `INVALID_NONCE_LENGTH`, `INVALID_ARGUMENT` (wrong
 *   types, or a plaintext longer than 2^36 bytes).
 */
export function ctrHmacSeal(
  provider: CryptoProvider,
  params: CtrHmacParams,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  const { encKey, authKey } = deriveSubkeys(params, key);
  checkArgs(nonce, aad, plaintext);
  if (plaintext.length > MAX_PLAINTEXT_LENGTH) {
    throw new SigilError('INVALID_ARGUMENT', 'plaintext longer than 2^36 bytes');
  }
  const ct = provider.ctr.keystreamXor(params.ctr, encKey, initialCounter(nonce), plaintext);
  const tag = computeTag(provider, params, authKey, nonce, aad, ct);
  const out = new Uint8Array(ct.length + tag.length);
  out.set(ct, 0);
  out.set(tag, ct.length);
  return out;
}

/**
 * AEAD.Decrypt of §4.5.1: checks the tag in constant time, then decrypts.
 * @throws SigilError `AEAD_AUTHENTICATION_FAILED` if the tag does not verify or `sealed` is
 *   shorter than Nt.
 * @throws SigilError `INVALID_KEY_LENGTH`, `INVALID_NONCE_LENGTH`, `INVALID_ARGUMENT`.
 */
export function ctrHmacOpen(
  provider: CryptoProvider,
  params: CtrHmacParams,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
): Uint8Array {
  const { encKey, authKey } = deriveSubkeys(params, key);
  checkArgs(nonce, aad, sealed);
  if (sealed.length < params.tagLength) {
    throw new SigilError('AEAD_AUTHENTICATION_FAILED', 'AEAD authentication failed');
  }
  const split = sealed.length - params.tagLength;
  const ct = sealed.subarray(0, split);
  const candidate = computeTag(provider, params, authKey, nonce, aad, ct);
  if (!constantTimeEqual(candidate, sealed.subarray(split))) {
    throw new SigilError('AEAD_AUTHENTICATION_FAILED', 'AEAD authentication failed');
  }
  return provider.ctr.keystreamXor(params.ctr, encKey, initialCounter(nonce), ct);
}
