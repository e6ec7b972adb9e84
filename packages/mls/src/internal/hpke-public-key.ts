/**
 * Whether a peer's HPKE public key is usable for the suite's KEM (RFC 9420 §5.1.1, §10: keys
 * "MUST be a public key for the asymmetric encryption scheme"): the right length, and for
 * X25519 (suites 1 and 3) not one of the low-order points, whose shared secret is all zero and
 * which the provider refuses with `X25519_LOW_ORDER_POINT`. A member with such a key in the
 * tree would make every Commit that encrypts to it fail, so the key is refused on arrival.
 *
 * The low-order u-coordinates are 0, 1, p - 1 and the two points of order 8; with the unused
 * top bit set or clear and the non-canonical encodings p and p + 1, that is 14 encodings.
 *
 * Internal to @sigil/mls.
 * @module
 */
import type { CipherSuite } from '../cipher-suite.ts';
import { ByteStringSet } from './bytes.ts';

const LOW_ORDER_HEX = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '0100000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000080',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
];

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
}

const LOW_ORDER_X25519 = new ByteStringSet(LOW_ORDER_HEX.map(fromHex));

/** The low-order X25519 public key encodings (for tests). */
export function lowOrderX25519Keys(): Uint8Array[] {
  return LOW_ORDER_HEX.map(fromHex);
}

/** Whether `key` is a usable public key of `suite`'s KEM (DHKEM(X25519) for suites 1 and 3). */
export function isUsableHpkePublicKey(suite: CipherSuite, key: Uint8Array): boolean {
  return key.length === suite.hpke.sizes.publicKey && !LOW_ORDER_X25519.has(key);
}
