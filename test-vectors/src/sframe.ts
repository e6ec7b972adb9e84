/**
 * Loader for the RFC 9605 (SFrame) vectors of sframe-wg/sframe (data/sframe/test-vectors.json;
 * provenance in data/sframe/SOURCE.md): header encodings, the AES-CTR + HMAC AEAD of §4.5.1
 * and whole-frame encryption for cipher suites 1-5. The post-RFC `aes_256_ctr_hmac` cases
 * (suites 6-8, not in RFC 9605) are loaded too but Sigil does not run them.
 *
 * KID and CTR are 64-bit values stored as bare JSON numbers, which `JSON.parse` would round
 * above 2^53. The file is parsed with a reviver that reads every `kid` and `ctr` from its source
 * text (ES2025 JSON.parse source text access, Node 22+) into a bigint, and refuses any other
 * integer beyond 2^53.
 *
 * @example
 * ```ts
 * const { header, aesCtrHmac, sframe } = loadSFrameVectors();
 * ```
 * @module
 */

import { fromHex } from './hex.ts';
import { readText } from './paths.ts';

/** The file under test-vectors/data. */
export const SFRAME_VECTOR_FILE = 'sframe/test-vectors.json';

/** One header case (§4.3): `encoded` is the header of (kid, ctr). */
export interface SFrameHeaderVector {
  readonly kid: bigint;
  readonly ctr: bigint;
  readonly encoded: Uint8Array;
}

/** One AES-CTR + HMAC AEAD case (§4.5.1). */
export interface SFrameAesCtrHmacVector {
  readonly cipherSuite: number;
  /** The AEAD key (Nka + Nh bytes). */
  readonly key: Uint8Array;
  readonly encKey: Uint8Array;
  readonly authKey: Uint8Array;
  readonly nonce: Uint8Array;
  readonly aad: Uint8Array;
  readonly pt: Uint8Array;
  /** ct || truncated tag. */
  readonly ct: Uint8Array;
}

/** One whole-frame case (§4.4): key derivation, nonce, AAD and the SFrame ciphertext. */
export interface SFrameFrameVector {
  readonly cipherSuite: number;
  readonly kid: bigint;
  readonly ctr: bigint;
  readonly baseKey: Uint8Array;
  readonly sframeKeyLabel: Uint8Array;
  readonly sframeSaltLabel: Uint8Array;
  readonly sframeSecret: Uint8Array;
  readonly sframeKey: Uint8Array;
  readonly sframeSalt: Uint8Array;
  readonly metadata: Uint8Array;
  readonly nonce: Uint8Array;
  readonly aad: Uint8Array;
  readonly pt: Uint8Array;
  /** The SFrame ciphertext: header || AEAD output. */
  readonly ct: Uint8Array;
}

/** Every case of the file, by section. */
export interface SFrameVectors {
  readonly header: readonly SFrameHeaderVector[];
  /** Suites 1-3 (RFC 9605). */
  readonly aesCtrHmac: readonly SFrameAesCtrHmacVector[];
  /** Suites 6-8 (post-RFC AES-256-CTR-HMAC-SHA512; not implemented by Sigil). */
  readonly aes256CtrHmac: readonly SFrameAesCtrHmacVector[];
  /** Suites 1-5. */
  readonly sframe: readonly SFrameFrameVector[];
}

type Raw = Record<string, unknown>;

/** JSON.parse reviver context (ES2025); not yet in TypeScript's lib. */
interface ReviverContext {
  readonly source?: string;
}

function parse(text: string): unknown {
  const reviver = (key: string, value: unknown, context?: ReviverContext): unknown => {
    if (typeof value !== 'number') return value;
    const source = context?.source;
    if (source === undefined) throw new Error('JSON.parse source text access is unavailable');
    if (key === 'kid' || key === 'ctr') {
      if (!/^[0-9]+$/.test(source)) throw new Error(`${key}: not an unsigned integer: ${source}`);
      return BigInt(source);
    }
    if (!Number.isSafeInteger(value)) throw new Error(`${key}: unsafe number ${source}`);
    return value;
  };
  return JSON.parse(text, reviver as (key: string, value: unknown) => unknown);
}

function hex(raw: Raw, field: string): Uint8Array {
  const value = raw[field];
  if (typeof value !== 'string') throw new Error(`${SFRAME_VECTOR_FILE}: ${field} is not hex`);
  return fromHex(value);
}

function big(raw: Raw, field: string): bigint {
  const value = raw[field];
  if (typeof value !== 'bigint') throw new Error(`${SFRAME_VECTOR_FILE}: ${field} is not a uint64`);
  return value;
}

function suite(raw: Raw): number {
  const value = raw.cipher_suite;
  if (!Number.isInteger(value)) throw new Error(`${SFRAME_VECTOR_FILE}: no cipher_suite`);
  return value as number;
}

function list(root: Raw, section: string): Raw[] {
  const value = root[section];
  if (!Array.isArray(value)) throw new Error(`${SFRAME_VECTOR_FILE}: no ${section} array`);
  return value as Raw[];
}

function aesCtrHmac(raw: Raw): SFrameAesCtrHmacVector {
  return {
    cipherSuite: suite(raw),
    key: hex(raw, 'key'),
    encKey: hex(raw, 'enc_key'),
    authKey: hex(raw, 'auth_key'),
    nonce: hex(raw, 'nonce'),
    aad: hex(raw, 'aad'),
    pt: hex(raw, 'pt'),
    ct: hex(raw, 'ct'),
  };
}

/** Every case of sframe/test-vectors.json. */
export function loadSFrameVectors(): SFrameVectors {
  const root = parse(readText(SFRAME_VECTOR_FILE)) as Raw;
  return {
    header: list(root, 'header').map((raw) => ({
      kid: big(raw, 'kid'),
      ctr: big(raw, 'ctr'),
      encoded: hex(raw, 'encoded'),
    })),
    aesCtrHmac: list(root, 'aes_ctr_hmac').map(aesCtrHmac),
    aes256CtrHmac: list(root, 'aes_256_ctr_hmac').map(aesCtrHmac),
    sframe: list(root, 'sframe').map((raw) => ({
      cipherSuite: suite(raw),
      kid: big(raw, 'kid'),
      ctr: big(raw, 'ctr'),
      baseKey: hex(raw, 'base_key'),
      sframeKeyLabel: hex(raw, 'sframe_key_label'),
      sframeSaltLabel: hex(raw, 'sframe_salt_label'),
      sframeSecret: hex(raw, 'sframe_secret'),
      sframeKey: hex(raw, 'sframe_key'),
      sframeSalt: hex(raw, 'sframe_salt'),
      metadata: hex(raw, 'metadata'),
      nonce: hex(raw, 'nonce'),
      aad: hex(raw, 'aad'),
      pt: hex(raw, 'pt'),
      ct: hex(raw, 'ct'),
    })),
  };
}
