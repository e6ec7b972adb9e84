/**
 * The root-key KDF of the Double Ratchet with Sigil's post-quantum step (spec/one-to-one.md §5,
 * §5.2):
 *
 * ```
 * KDF_RK(rk, dh, kem) = HKDF(salt = rk, ikm = dh || kem, info = "Sigil/v1/Ratchet/Root", L = 64)
 *                       -> (rk' = first 32 bytes, ck = last 32 bytes)
 * ```
 *
 * `kem` is the ML-KEM-1024 shared secret of a post-quantum step, or empty. Both `dh` and `kem`
 * have fixed lengths (32 or 0), so the concatenation is unambiguous.
 *
 * Most users won't need this: `ratchetEncrypt` / `ratchetDecrypt` call it.
 *
 * @example
 * ```ts
 * const { rootKey, chainKey } = kdfRk(crypto, rootKey, dhOutput, new Uint8Array(0));
 * ```
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { LABEL_RATCHET_ROOT } from '../labels.ts';

const ROOT_INFO = new TextEncoder().encode(LABEL_RATCHET_ROOT);

/** The output of {@link kdfRk}. */
export interface RootStep {
  /** The next root key rk' (32 bytes). */
  readonly rootKey: Uint8Array;
  /** The first chain key of the new chain (32 bytes). */
  readonly chainKey: Uint8Array;
}

/**
 * KDF_RK (spec §5): one step of the root chain.
 *
 * @param rootKey the current root key rk (32 bytes).
 * @param dhOutput the X25519 output of the DH ratchet step (32 bytes).
 * @param kemSecret the ML-KEM shared secret of a post-quantum step (32 bytes), or empty.
 * @throws SigilError `INVALID_ARGUMENT` if a length is wrong (a caller bug).
 */
export function kdfRk(
  crypto: CryptoProvider,
  rootKey: Uint8Array,
  dhOutput: Uint8Array,
  kemSecret: Uint8Array,
): RootStep {
  const kemLengthOk = kemSecret.length === 0 || kemSecret.length === 32;
  if (rootKey.length !== 32 || dhOutput.length !== 32 || !kemLengthOk) {
    throw new SigilError('INVALID_ARGUMENT', 'KDF_RK inputs have the wrong length');
  }
  let ikm = dhOutput;
  if (kemSecret.length > 0) {
    ikm = new Uint8Array(64);
    ikm.set(dhOutput, 0);
    ikm.set(kemSecret, 32);
  }
  const prk = crypto.hkdf.extract('sha256', rootKey, ikm);
  const okm = crypto.hkdf.expand('sha256', prk, ROOT_INFO, 64);
  if (ikm !== dhOutput) ikm.fill(0);
  prk.fill(0);
  return { rootKey: okm.slice(0, 32), chainKey: okm.slice(32, 64) };
}
