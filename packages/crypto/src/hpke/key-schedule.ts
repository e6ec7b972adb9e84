/**
 * The HPKE key schedule (RFC 9180 §5.1): the four modes, VerifyPSKInputs, and KeySchedule,
 * which turns the KEM shared secret, `info` and the optional PSK into the AEAD key, the base
 * nonce and the exporter secret of a context.
 *
 * Most users won't need this module: `createHpke`'s setup functions run it.
 *
 * @example
 * ```ts
 * const secrets = keySchedule(kdf, suite.aead, 'psk', sharedSecret, info, { psk, pskId });
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { wipe } from '../secret.ts';
import { concat, type LabeledKdf } from './labeled.ts';
import { type HpkeInfo, PreparedHpkeInfo } from './prepared-info.ts';
import type { AeadParams } from './suite.ts';

/** The HPKE modes (RFC 9180 §5, Table 1). */
export type HpkeMode = 'base' | 'psk' | 'auth' | 'auth_psk';

/** The mode identifier byte of each mode (RFC 9180 Table 1). */
export const HPKE_MODE_IDS: Readonly<Record<HpkeMode, number>> = Object.freeze({
  base: 0x00,
  psk: 0x01,
  auth: 0x02,
  auth_psk: 0x03,
});

/**
 * A pre-shared key and its identifier (RFC 9180 §5.1.2), both required in the PSK modes.
 * `psk` must be at least 32 bytes of high-entropy key material (§9.5): never a password.
 */
export interface HpkePsk {
  /** psk: at least 32 bytes. */
  readonly psk: Uint8Array;
  /** psk_id: non-empty; identifies the PSK to the recipient. */
  readonly pskId: Uint8Array;
}

/** The secrets of a context (RFC 9180 §5.1). */
export interface KeyScheduleOutput {
  /** key (Nk bytes; empty for Export-only). */
  readonly key: Uint8Array;
  /** base_nonce (Nn bytes; empty for Export-only). */
  readonly baseNonce: Uint8Array;
  /** exporter_secret (Nh bytes). */
  readonly exporterSecret: Uint8Array;
}

/**
 * Shortest PSK accepted. RFC 9180 §9.5: "the PSK MUST have at least 32 bytes of entropy";
 * entropy cannot be measured, but a shorter PSK certainly has less, so it is refused.
 */
export const MIN_PSK_LENGTH = 32;

const EMPTY = new Uint8Array(0);

/**
 * psk_id_hash = LabeledExtract("", "psk_id_hash", "") for each key-schedule KDF: the same in
 * every base- and auth-mode setup (psk_id is public, so is its hash).
 */
const emptyPskIdHashes = new WeakMap<LabeledKdf, Uint8Array>();

function pskIdHashOf(kdf: LabeledKdf, pskId: Uint8Array): Uint8Array {
  if (pskId.length > 0) return kdf.extract(EMPTY, 'psk_id_hash', pskId);
  let hash = emptyPskIdHashes.get(kdf);
  if (hash === undefined) {
    hash = kdf.extract(EMPTY, 'psk_id_hash', EMPTY);
    emptyPskIdHashes.set(kdf, hash);
  }
  return hash;
}

/** Options of {@link keySchedule}. */
export interface KeyScheduleOptions {
  /**
   * Whether to derive exporter_secret (default true). The single-shot Seal and Open (§6.1)
   * never export from their context, so they skip it and get an empty exporter_secret.
   */
  readonly exporterSecret?: boolean;
}

function invalidPsk(message: string): SigilError {
  return new SigilError('HPKE_INVALID_PSK', message);
}

/**
 * VerifyPSKInputs(mode, psk, psk_id) (§5.1): psk and psk_id are both present or both absent,
 * present exactly in the PSK modes; plus Sigil's {@link MIN_PSK_LENGTH}. Returns the pair to
 * feed the key schedule (empty strings when absent).
 * @throws SigilError `HPKE_INVALID_PSK` if the inputs do not fit the mode.
 */
export function verifyPskInputs(
  mode: HpkeMode,
  psk: HpkePsk | undefined,
): { psk: Uint8Array; pskId: Uint8Array } {
  const pskBytes = psk?.psk ?? EMPTY;
  const pskId = psk?.pskId ?? EMPTY;
  if (!(pskBytes instanceof Uint8Array) || !(pskId instanceof Uint8Array)) {
    throw invalidPsk('psk and pskId must be Uint8Arrays');
  }
  const gotPsk = pskBytes.length > 0;
  const gotPskId = pskId.length > 0;
  if (gotPsk !== gotPskId) throw invalidPsk('inconsistent PSK inputs: psk and pskId go together');
  const pskMode = mode === 'psk' || mode === 'auth_psk';
  if (gotPsk && !pskMode) throw invalidPsk(`a PSK was given in ${mode} mode`);
  if (!gotPsk && pskMode) throw invalidPsk(`${mode} mode requires a PSK and a PSK id`);
  if (gotPsk && pskBytes.length < MIN_PSK_LENGTH) {
    throw invalidPsk(`psk must be at least ${MIN_PSK_LENGTH} bytes of key material`);
  }
  return { psk: pskBytes, pskId };
}

/**
 * KeySchedule(mode, shared_secret, info, psk, psk_id) (§5.1), with `kdf` bound to the suite's
 * suite_id. Does not wipe `sharedSecret` (the caller owns it). With `exporterSecret: false`
 * the exporter_secret is left empty (for contexts that never export).
 * @throws SigilError `HPKE_INVALID_PSK` if the PSK inputs do not fit the mode.
 */
export function keySchedule(
  kdf: LabeledKdf,
  aead: AeadParams,
  mode: HpkeMode,
  sharedSecret: Uint8Array,
  info: HpkeInfo,
  psk: HpkePsk | undefined,
  options: KeyScheduleOptions = {},
): KeyScheduleOutput {
  const inputs = verifyPskInputs(mode, psk);
  const pskIdHash = pskIdHashOf(kdf, inputs.pskId);
  const infoHash =
    info instanceof PreparedHpkeInfo
      ? info.infoHashFor(kdf)
      : kdf.extract(EMPTY, 'info_hash', info);
  const context = concat(Uint8Array.of(HPKE_MODE_IDS[mode]), pskIdHash, infoHash);
  const secret = kdf.extract(sharedSecret, 'secret', inputs.psk);
  try {
    return {
      // Export-only (Nk = Nn = 0) derives no key and no nonce; LabeledExpand with L = 0 would
      // return the empty string anyway.
      key: aead.keyLength === 0 ? EMPTY : kdf.expand(secret, 'key', context, aead.keyLength),
      baseNonce:
        aead.nonceLength === 0
          ? EMPTY
          : kdf.expand(secret, 'base_nonce', context, aead.nonceLength),
      exporterSecret:
        options.exporterSecret === false
          ? EMPTY
          : kdf.expand(secret, 'exp', context, kdf.hashLength),
    };
  } finally {
    wipe(secret);
  }
}
