/**
 * Loader for the Wycheproof AEAD vectors (schema `aead_test_schema_v1.json`) Sigil uses:
 * `aead/aes_gcm_test.json` (AES-GCM, NIST SP 800-38D; all key and IV sizes in one file) and
 * `aead/chacha20_poly1305_test.json` (RFC 8439). Hex fields are decoded to bytes; `ct` is the
 * ciphertext without the tag. See test-vectors/SOURCES (shared/vectors/SOURCES.md, "AEAD").
 * @module
 */
import { fromHex } from './hex.ts';
import {
  casesOf,
  loadWycheproof,
  type WycheproofFile,
  type WycheproofGroup,
  type WycheproofResult,
  type WycheproofTest,
} from './wycheproof.ts';

/** One test as stored: every byte field is hex. */
export interface AeadTestJson extends WycheproofTest {
  readonly key: string;
  readonly iv: string;
  readonly aad: string;
  readonly msg: string;
  readonly ct: string;
  readonly tag: string;
}

/** One `AeadTest` group as stored; sizes are in bits. */
export interface AeadGroupJson extends WycheproofGroup<AeadTestJson> {
  readonly type: 'AeadTest';
  readonly ivSize: number;
  readonly keySize: number;
  readonly tagSize: number;
}

/** One decoded AEAD case with its group's sizes (in bits). */
export interface AeadVector {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: WycheproofResult;
  readonly ivSize: number;
  readonly keySize: number;
  readonly tagSize: number;
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
  readonly aad: Uint8Array;
  readonly msg: Uint8Array;
  /** Ciphertext without the tag. */
  readonly ct: Uint8Array;
  readonly tag: Uint8Array;
}

function load(relative: string): AeadVector[] {
  const file: WycheproofFile<AeadGroupJson> = loadWycheproof<AeadGroupJson>(relative);
  const vectors: AeadVector[] = [];
  for (const { group, test } of casesOf(file)) {
    vectors.push({
      tcId: test.tcId,
      comment: test.comment,
      flags: test.flags,
      result: test.result,
      ivSize: group.ivSize,
      keySize: group.keySize,
      tagSize: group.tagSize,
      key: fromHex(test.key),
      iv: fromHex(test.iv),
      aad: fromHex(test.aad),
      msg: fromHex(test.msg),
      ct: fromHex(test.ct),
      tag: fromHex(test.tag),
    });
  }
  return vectors;
}

/** Every case of Wycheproof `aes_gcm_test.json` (AES-128, -192 and -256; every IV size). */
export function loadAesGcm(): readonly AeadVector[] {
  return load('aead/aes_gcm_test.json');
}

/** Every case of Wycheproof `chacha20_poly1305_test.json` (every nonce size). */
export function loadChaCha20Poly1305(): readonly AeadVector[] {
  return load('aead/chacha20_poly1305_test.json');
}
