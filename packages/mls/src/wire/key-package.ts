/**
 * `KeyPackage` (RFC 9420 §10): a client's pre-published offer to join groups, and the
 * `KeyPackageTBS` its signature covers.
 *
 * ```
 * struct {
 *     ProtocolVersion version;
 *     CipherSuite cipher_suite;
 *     HPKEPublicKey init_key;
 *     LeafNode leaf_node;
 *     Extension extensions<V>;
 *     opaque signature<V>;   // SignWithLabel(., "KeyPackageTBS", KeyPackageTBS)
 * } KeyPackage;
 * ```
 *
 * Decoding checks syntax only; KeyPackage validation (§10.1) belongs to the group layer.
 * Its reference is `makeKeyPackageRef` (crypto-basics.ts) over the encoded KeyPackage.
 *
 * @module
 */
import { encode, type Infer, opaqueVar, struct } from '@sigil/wire';
import { CipherSuiteCode, Extensions, HpkePublicKey, ProtocolVersion } from './common.ts';
import { LeafNode } from './leaf-node.ts';

const keyPackageFields = {
  /** The protocol version the package is for. */
  version: ProtocolVersion,
  /** The cipher suite the package is for. */
  cipherSuite: CipherSuiteCode,
  /** The HPKE key Welcome messages are encrypted to. */
  initKey: HpkePublicKey,
  /** The leaf the client will occupy (leaf_node_source = key_package). */
  leafNode: LeafNode,
  /** KeyPackage extensions. */
  extensions: Extensions,
};

/** `KeyPackageTBS` (§10): every KeyPackage field but the signature. */
export const KeyPackageTbs = struct(keyPackageFields);
/** A decoded {@link KeyPackageTbs}. */
export type KeyPackageTbs = Infer<typeof KeyPackageTbs>;

/** `KeyPackage` (§10). */
export const KeyPackage = struct({ ...keyPackageFields, signature: opaqueVar });
/** A decoded {@link KeyPackage}. */
export type KeyPackage = Infer<typeof KeyPackage>;

/** The encoded KeyPackageTBS of `keyPackage` (the content its signature covers). */
export function encodeKeyPackageTbs(keyPackage: KeyPackageTbs): Uint8Array {
  return encode(KeyPackageTbs, keyPackage);
}
