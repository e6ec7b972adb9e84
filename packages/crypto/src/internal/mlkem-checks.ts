/**
 * The ML-KEM encapsulation-key input check of FIPS 203 §7.2 ("modulus check"), done once for
 * both backends: ek = ByteEncode_12(t̂) || ρ must have the length of its parameter set, and
 * every 12-bit coefficient of t̂ must be below q = 3329, i.e. ByteEncode_12(ByteDecode_12(t̂))
 * gives the same bytes back.
 *
 * @module
 */
import type { MlKemVariant } from '../provider.ts';

const Q = 3329;

/** Whether `ek` passes the FIPS 203 §7.2 check for `variant` of the given length. */
export function isValidMlKemEncapsulationKey(
  _variant: MlKemVariant,
  ek: Uint8Array,
  expectedLength: number,
): boolean {
  if (ek.length !== expectedLength) return false;
  // The last 32 bytes are ρ; the rest packs two 12-bit coefficients into every 3 bytes.
  const packed = ek.length - 32;
  for (let i = 0; i < packed; i += 3) {
    const b0 = ek[i] as number;
    const b1 = ek[i + 1] as number;
    const b2 = ek[i + 2] as number;
    const c0 = b0 | ((b1 & 0x0f) << 8);
    const c1 = (b1 >> 4) | (b2 << 4);
    if (c0 >= Q || c1 >= Q) return false;
  }
  return true;
}
