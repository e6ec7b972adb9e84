/**
 * Sigil's strict Ed25519 point policy (docs/crypto-policy.md), applied to A (the public key)
 * and R (the first half of a signature) before either backend verifies:
 *
 * 1. Canonical encoding: the y-coordinate, read little-endian with the sign bit cleared, is
 *    below p = 2^255 - 19 (RFC 8032 §5.1.3 step 1, as "verify_strict" and FIPS 186-5 read it).
 * 2. Not of small order: y is none of the five y-coordinates the eight points of the 8-torsion
 *    subgroup have (0, 1, p-1 and the two order-8 values). Rejecting on y alone, whatever the
 *    sign bit, also rejects the non-canonical "x = 0 with sign bit set" encodings of y = ±1.
 *
 * With the cofactorless equation the backends then check, this is the policy of
 * ed25519-dalek's `verify_strict`; CCTV's ed25519 vectors check it case by case.
 *
 * @module
 */

/** Little-endian encodings, sign bit cleared, of the y-coordinates of the small-order points. */
const SMALL_ORDER_Y_HEX = [
  '0000000000000000000000000000000000000000000000000000000000000000', // order 4: (±sqrt(-1), 0)
  '0100000000000000000000000000000000000000000000000000000000000000', // order 1: identity
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2: (0, -1)
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
];

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const SMALL_ORDER_Y = SMALL_ORDER_Y_HEX.map(hexToBytes);

/** p = 2^255 - 19, little-endian. */
const P_LE = hexToBytes('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');

/** The 32-byte little-endian y with bit 255 cleared. */
function yOf(encoded: Uint8Array): Uint8Array {
  const y = encoded.slice(0, 32);
  y[31] = (y[31] as number) & 0x7f;
  return y;
}

/** Little-endian `a < b` for equal-length arrays (public data: no constant-time need). */
function lessThan(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = a.length - 1; i >= 0; i--) {
    const x = a[i] as number;
    const z = b[i] as number;
    if (x !== z) return x < z;
  }
  return false;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Whether a 32-byte point encoding is canonical and not of small order. It does not check that
 * the point is on the curve: the backend's decoding does that.
 */
export function checkEd25519StrictPoint(encoded: Uint8Array): boolean {
  if (encoded.length !== 32) return false;
  const y = yOf(encoded);
  if (!lessThan(y, P_LE)) return false;
  for (const small of SMALL_ORDER_Y) if (equalBytes(y, small)) return false;
  return true;
}
