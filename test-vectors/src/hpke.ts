/**
 * RFC 9180 Appendix A vectors for DHKEM(X25519, HKDF-SHA256): data/hpke/rfc9180-x25519.json,
 * the kem_id 0x0020 entries of cfrg/draft-irtf-cfrg-hpke test-vectors.json (trimmed by
 * scripts/trim-hpke-vectors.ts; see data/hpke/SOURCE.md). Hex fields are decoded to bytes.
 *
 * @example
 * ```ts
 * for (const v of loadHpkeVectors()) console.log(v.id, v.encryptions.length);
 * ```
 * @module
 */
import { fromHex } from './hex.ts';
import { readJson } from './paths.ts';

/** The file under test-vectors/data. */
export const HPKE_VECTORS_FILE = 'hpke/rfc9180-x25519.json';

interface RawEncryption {
  aad: string;
  ct: string;
  nonce: string;
  pt: string;
}

interface RawExport {
  exporter_context: string;
  L: number;
  exported_value: string;
}

interface RawVector {
  mode: number;
  kem_id: number;
  kdf_id: number;
  aead_id: number;
  info: string;
  ikmR: string;
  ikmS?: string;
  ikmE: string;
  skRm: string;
  skSm?: string;
  skEm: string;
  psk?: string;
  psk_id?: string;
  pkRm: string;
  pkSm?: string;
  pkEm: string;
  enc: string;
  shared_secret: string;
  key_schedule_context: string;
  secret: string;
  key: string;
  base_nonce: string;
  exporter_secret: string;
  encryptions: RawEncryption[];
  exports: RawExport[];
}

/** One encryption of a vector set, in sequence order (§A, "encryptions"). */
export interface HpkeEncryptionVector {
  readonly aad: Uint8Array;
  readonly ct: Uint8Array;
  /** The nonce of this message: base_nonce XOR I2OSP(seq, Nn). */
  readonly nonce: Uint8Array;
  readonly pt: Uint8Array;
}

/** One secret export of a vector set (§A, "exports"). */
export interface HpkeExportVector {
  readonly exporterContext: Uint8Array;
  /** L: the output length. */
  readonly length: number;
  readonly exportedValue: Uint8Array;
}

/** One vector set: a mode and suite, the keys, the key-schedule values and the messages. */
export interface HpkeVector {
  /** A label naming the set in failure messages, e.g. `#17 mode=1 kdf=3 aead=2`. */
  readonly id: string;
  /** mode: 0 base, 1 psk, 2 auth, 3 auth_psk. */
  readonly mode: number;
  readonly kemId: number;
  readonly kdfId: number;
  readonly aeadId: number;
  readonly info: Uint8Array;
  readonly ikmR: Uint8Array;
  readonly ikmE: Uint8Array;
  /** Present in the auth modes. */
  readonly ikmS: Uint8Array | undefined;
  readonly skRm: Uint8Array;
  readonly skEm: Uint8Array;
  readonly skSm: Uint8Array | undefined;
  readonly pkRm: Uint8Array;
  readonly pkEm: Uint8Array;
  readonly pkSm: Uint8Array | undefined;
  /** Present in the PSK modes. */
  readonly psk: Uint8Array | undefined;
  readonly pskId: Uint8Array | undefined;
  readonly enc: Uint8Array;
  readonly sharedSecret: Uint8Array;
  readonly keyScheduleContext: Uint8Array;
  readonly secret: Uint8Array;
  readonly key: Uint8Array;
  readonly baseNonce: Uint8Array;
  readonly exporterSecret: Uint8Array;
  readonly encryptions: readonly HpkeEncryptionVector[];
  readonly exports: readonly HpkeExportVector[];
}

const optionalHex = (hex: string | undefined): Uint8Array | undefined =>
  hex === undefined ? undefined : fromHex(hex);

/** Every vector set of the file, in file order, decoded. */
export function loadHpkeVectors(): HpkeVector[] {
  return readJson<RawVector[]>(HPKE_VECTORS_FILE).map((raw, index) => ({
    id: `#${index} mode=${raw.mode} kdf=${raw.kdf_id} aead=${raw.aead_id}`,
    mode: raw.mode,
    kemId: raw.kem_id,
    kdfId: raw.kdf_id,
    aeadId: raw.aead_id,
    info: fromHex(raw.info),
    ikmR: fromHex(raw.ikmR),
    ikmE: fromHex(raw.ikmE),
    ikmS: optionalHex(raw.ikmS),
    skRm: fromHex(raw.skRm),
    skEm: fromHex(raw.skEm),
    skSm: optionalHex(raw.skSm),
    pkRm: fromHex(raw.pkRm),
    pkEm: fromHex(raw.pkEm),
    pkSm: optionalHex(raw.pkSm),
    psk: optionalHex(raw.psk),
    pskId: optionalHex(raw.psk_id),
    enc: fromHex(raw.enc),
    sharedSecret: fromHex(raw.shared_secret),
    keyScheduleContext: fromHex(raw.key_schedule_context),
    secret: fromHex(raw.secret),
    key: fromHex(raw.key),
    baseNonce: fromHex(raw.base_nonce),
    exporterSecret: fromHex(raw.exporter_secret),
    encryptions: raw.encryptions.map((e) => ({
      aad: fromHex(e.aad),
      ct: fromHex(e.ct),
      nonce: fromHex(e.nonce),
      pt: fromHex(e.pt),
    })),
    exports: raw.exports.map((e) => ({
      exporterContext: fromHex(e.exporter_context),
      length: e.L,
      exportedValue: fromHex(e.exported_value),
    })),
  }));
}
