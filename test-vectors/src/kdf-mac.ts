/**
 * Loader for the Wycheproof KDF and MAC vectors Sigil uses: `kdf-mac/hkdf_sha256_test.json`
 * (HKDF-SHA256, RFC 5869; schema `hkdf_test_schema_v1.json`) and
 * `kdf-mac/hmac_sha256_test.json` (HMAC-SHA256, RFC 2104; schema `mac_test_schema_v1.json`,
 * with full-length and truncated 128-bit tag groups). Hex fields are decoded to bytes. See
 * shared/vectors/SOURCES.md, "HKDF-SHA256 / HMAC-SHA256".
 * @module
 */
import { fromHex } from './hex.ts';
import {
  casesOf,
  loadWycheproof,
  type WycheproofGroup,
  type WycheproofResult,
  type WycheproofTest,
} from './wycheproof.ts';

/** One `HkdfTest` as stored: `size` is the output length L in bytes. */
export interface HkdfTestJson extends WycheproofTest {
  readonly ikm: string;
  readonly salt: string;
  readonly info: string;
  readonly size: number;
  readonly okm: string;
}

/** One `HkdfTest` group as stored; `keySize` is the IKM size in bits. */
export interface HkdfGroupJson extends WycheproofGroup<HkdfTestJson> {
  readonly type: 'HkdfTest';
  readonly keySize: number;
}

/** One `MacTest` as stored. */
export interface MacTestJson extends WycheproofTest {
  readonly key: string;
  readonly msg: string;
  readonly tag: string;
}

/** One `MacTest` group as stored; sizes are in bits (`tagSize` < 256 means truncated tags). */
export interface MacGroupJson extends WycheproofGroup<MacTestJson> {
  readonly type: 'MacTest';
  readonly keySize: number;
  readonly tagSize: number;
}

/** Fields every decoded case carries. */
interface CaseInfo {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: WycheproofResult;
}

/** One decoded HKDF case. An empty `salt` means "not provided" (RFC 5869 §2.2). */
export interface HkdfVector extends CaseInfo {
  readonly ikm: Uint8Array;
  readonly salt: Uint8Array;
  readonly info: Uint8Array;
  /** Output length L in bytes. */
  readonly size: number;
  /** Expected output; empty for invalid cases. */
  readonly okm: Uint8Array;
}

/** One decoded MAC case with its group's sizes (in bits). */
export interface MacVector extends CaseInfo {
  readonly keySize: number;
  readonly tagSize: number;
  readonly key: Uint8Array;
  readonly msg: Uint8Array;
  /** The expected tag, `tagSize / 8` bytes (a prefix of the full HMAC when truncated). */
  readonly tag: Uint8Array;
}

function info(test: WycheproofTest): CaseInfo {
  return { tcId: test.tcId, comment: test.comment, flags: test.flags, result: test.result };
}

/** Every case of Wycheproof `hkdf_sha256_test.json`. */
export function loadHkdfSha256(): readonly HkdfVector[] {
  const file = loadWycheproof<HkdfGroupJson>('kdf-mac/hkdf_sha256_test.json');
  const vectors: HkdfVector[] = [];
  for (const { test } of casesOf(file)) {
    vectors.push({
      ...info(test),
      ikm: fromHex(test.ikm),
      salt: fromHex(test.salt),
      info: fromHex(test.info),
      size: test.size,
      okm: fromHex(test.okm),
    });
  }
  return vectors;
}

/** Every case of Wycheproof `hmac_sha256_test.json`. */
export function loadHmacSha256(): readonly MacVector[] {
  const file = loadWycheproof<MacGroupJson>('kdf-mac/hmac_sha256_test.json');
  const vectors: MacVector[] = [];
  for (const { group, test } of casesOf(file)) {
    vectors.push({
      ...info(test),
      keySize: group.keySize,
      tagSize: group.tagSize,
      key: fromHex(test.key),
      msg: fromHex(test.msg),
      tag: fromHex(test.tag),
    });
  }
  return vectors;
}
