/**
 * The PSK secret (RFC 9420 §8.4): the pre-shared keys a Commit or Welcome injects, chained
 * into one `psk_secret` for the key schedule.
 *
 * ```
 * psk_extracted_[i] = KDF.Extract(0, psk_[i])
 * psk_input_[i]     = ExpandWithLabel(psk_extracted_[i], "derived psk", PSKLabel, KDF.Nh)
 * psk_secret_[0]    = 0
 * psk_secret_[i]    = KDF.Extract(psk_input_[i-1], psk_secret_[i-1])
 * psk_secret        = psk_secret_[n]
 * ```
 *
 * where `0` is KDF.Nh zero bytes and PSKLabel = { id, index = i, count = n }. With no PSKs the
 * result is the all-zero vector.
 *
 * @example
 * ```ts
 * const pskSecret = computePskSecret(suite, [{ id: { pskType: 'external', pskId, pskNonce }, psk }]);
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import type { CipherSuite } from './cipher-suite.ts';
import { expandWithLabel } from './crypto-basics.ts';
import { type PreSharedKeyId, PskLabel } from './wire/psk-id.ts';

/** One PSK to inject: its PreSharedKeyID and the key itself (external or resumption_psk). */
export interface PskInput {
  readonly id: PreSharedKeyId;
  /** The PSK value. Secret. */
  readonly psk: Uint8Array;
}

/**
 * psk_secret for `psks`, in the order given (the order of the PreSharedKey proposals in the
 * Commit, or of GroupSecrets.psks).
 * @throws SigilError `MLS_INVALID_PSK_NONCE` if a psk_nonce is not KDF.Nh bytes (§12.1.4).
 * @throws SigilError `INVALID_ARGUMENT` for more than 65,535 PSKs (PSKLabel.count is a uint16).
 */
export function computePskSecret(suite: CipherSuite, psks: readonly PskInput[]): Uint8Array {
  const zero = new Uint8Array(suite.hashLength);
  let pskSecret: Uint8Array = zero;
  const count = psks.length;
  for (let index = 0; index < count; index++) {
    const { id, psk } = psks[index] as PskInput;
    // §12.1.4: "A PreSharedKey proposal is invalid if ... The psk_nonce is not of length KDF.Nh";
    // the same nonce rule applies to the PSKs listed in a Welcome's GroupSecrets (§8.4).
    if (id.pskNonce.length !== suite.hashLength) {
      throw new SigilError('MLS_INVALID_PSK_NONCE', `psk_nonce must be ${suite.hashLength} bytes`, {
        details: { index, length: id.pskNonce.length },
      });
    }
    const extracted = suite.extract(zero, psk);
    const label = encode(PskLabel, { id, index, count });
    const input = expandWithLabel(suite, extracted, 'derived psk', label, suite.hashLength);
    const next = suite.extract(input, pskSecret);
    extracted.fill(0);
    input.fill(0);
    if (pskSecret !== zero) pskSecret.fill(0);
    pskSecret = next;
  }
  return pskSecret;
}
