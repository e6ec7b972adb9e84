/**
 * Prepared HPKE `info` (RFC 9180 §5.1): the KeySchedule reduces `info` to
 * info_hash = LabeledExtract("", "info_hash", info) before anything else uses it. A sender that
 * seals many messages under the same (large) `info` — an MLS Welcome encrypts the same
 * EncryptContext, which holds the whole encrypted GroupInfo, to every new member — can hash it
 * once: `hpke.prepareInfo(info)` returns this object, accepted wherever `info` is, with exactly
 * the same result as passing the bytes.
 *
 * A prepared info is bound to the HPKE instance (suite) that made it; `info` is public, so the
 * object holds no secret.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { LabeledKdf } from './labeled.ts';

/** `info` reduced to its info_hash for one HPKE suite. Make it with `hpke.prepareInfo`. */
export class PreparedHpkeInfo {
  readonly #kdf: LabeledKdf;
  readonly #infoHash: Uint8Array;

  /** @internal Use `hpke.prepareInfo(info)`. */
  constructor(kdf: LabeledKdf, infoHash: Uint8Array) {
    this.#kdf = kdf;
    this.#infoHash = infoHash;
  }

  /**
   * info_hash for `kdf`.
   * @throws SigilError `INVALID_ARGUMENT` if it was prepared by another HPKE instance.
   */
  infoHashFor(kdf: LabeledKdf): Uint8Array {
    if (kdf !== this.#kdf) {
      throw new SigilError('INVALID_ARGUMENT', 'prepared info belongs to another HPKE instance');
    }
    return this.#infoHash;
  }
}

/** What every HPKE operation accepts as `info`. */
export type HpkeInfo = Uint8Array | PreparedHpkeInfo;
