/**
 * KeyPackage validation (RFC 9420 §10, §10.1): the checks a member runs on a KeyPackage before
 * adding its owner, and on the KeyPackage of each Add proposal it receives.
 *
 * - `UNSUPPORTED_VERSION`: version is not mls10, the group's;
 * - `MLS_UNSUPPORTED_CIPHER_SUITE`: cipher_suite is not one Sigil implements (1, 3);
 * - `MLS_CIPHER_SUITE_MISMATCH`: cipher_suite is not the group's;
 * - `MLS_INVALID_PUBLIC_KEY`: init_key is not a usable key of the suite (length, low order);
 * - `MLS_INVALID_KEY_PACKAGE_SIGNATURE`: the signature over KeyPackageTBS does not verify with
 *   leaf_node.signature_key;
 * - the LeafNode codes: leaf_node is not valid for a KeyPackage (§7.3, source key_package);
 * - `MLS_INIT_KEY_IS_ENCRYPTION_KEY`: init_key equals leaf_node.encryption_key.
 *
 * Unknown extensions in KeyPackage.extensions are ignored (§13.4); only duplicates are refused.
 *
 * @example
 * ```ts
 * validateKeyPackage(suite, keyPackage, { tree, groupContextExtensions, now });
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { type CipherSuite, isSupportedCipherSuite } from '../cipher-suite.ts';
import { verifyWithLabel } from '../crypto-basics.ts';
import { bytesEqual } from '../internal/bytes.ts';
import { isUsableHpkePublicKey } from '../internal/hpke-public-key.ts';
import { PROTOCOL_VERSION_MLS10 } from '../wire/common.ts';
import { encodeKeyPackageTbs, type KeyPackage } from '../wire/key-package.ts';
import {
  checkExtensionList,
  type LeafNodeValidationInput,
  validateLeafNode,
} from './leaf-node-validation.ts';

/** The group-side context of {@link validateKeyPackage}: as for a LeafNode (§7.3). */
export type KeyPackageValidationOptions = Pick<
  LeafNodeValidationInput,
  'tree' | 'groupContextExtensions' | 'now' | 'maxLifetime' | 'validateCredential'
>;

/** Whether the KeyPackage's signature verifies under its leaf's signature_key (§10). */
export function verifyKeyPackageSignature(suite: CipherSuite, keyPackage: KeyPackage): boolean {
  return verifyWithLabel(
    suite,
    keyPackage.leafNode.signatureKey,
    'KeyPackageTBS',
    encodeKeyPackageTbs(keyPackage),
    keyPackage.signature,
  );
}

/**
 * Validates `keyPackage` for a group using `suite` (§10.1). With `options.tree` its leaf is
 * also checked against the members (unique keys, credential types, §7.3).
 * @throws SigilError with the codes in the module table.
 */
export function validateKeyPackage(
  suite: CipherSuite,
  keyPackage: KeyPackage,
  options: KeyPackageValidationOptions = {},
): void {
  if (keyPackage.version !== PROTOCOL_VERSION_MLS10) {
    throw new SigilError('UNSUPPORTED_VERSION', 'the KeyPackage is not for MLS 1.0 (§10.1)', {
      details: { version: keyPackage.version },
    });
  }
  if (!isSupportedCipherSuite(keyPackage.cipherSuite)) {
    throw new SigilError(
      'MLS_UNSUPPORTED_CIPHER_SUITE',
      'the KeyPackage is for a cipher suite Sigil does not implement (§10.1)',
      { details: { cipherSuite: keyPackage.cipherSuite } },
    );
  }
  if (keyPackage.cipherSuite !== suite.id) {
    throw new SigilError(
      'MLS_CIPHER_SUITE_MISMATCH',
      "the KeyPackage's cipher suite is not the group's (§10.1)",
      { details: { cipherSuite: keyPackage.cipherSuite, groupCipherSuite: suite.id } },
    );
  }
  if (!isUsableHpkePublicKey(suite, keyPackage.initKey)) {
    throw new SigilError('MLS_INVALID_PUBLIC_KEY', 'the init_key is not a key of the suite (§10)');
  }
  if (!verifyKeyPackageSignature(suite, keyPackage)) {
    throw new SigilError(
      'MLS_INVALID_KEY_PACKAGE_SIGNATURE',
      'the KeyPackage signature does not verify (§10.1)',
    );
  }
  checkExtensionList(keyPackage.extensions);
  validateLeafNode({ ...options, suite, leafNode: keyPackage.leafNode, context: 'key_package' });
  if (bytesEqual(keyPackage.initKey, keyPackage.leafNode.encryptionKey)) {
    throw new SigilError(
      'MLS_INIT_KEY_IS_ENCRYPTION_KEY',
      'the init_key equals the leaf encryption_key (§10.1)',
    );
  }
}
