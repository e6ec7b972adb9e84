/**
 * LeafNode validation (RFC 9420 §7.3): the checks a LeafNode must pass when it arrives in a
 * KeyPackage, an Update proposal, an UpdatePath or a ratchet tree. Each rule raises its own
 * SigilError code:
 *
 * - `MLS_INVALID_PUBLIC_KEY`: encryption_key or signature_key is not a usable suite key
 *   (wrong length, or a low-order X25519 point; §5.1.1);
 * - `MLS_INVALID_LEAF_NODE_SOURCE`: leaf_node_source does not fit where the leaf appears;
 * - `MLS_INVALID_LEAF_NODE_SIGNATURE`: the signature over LeafNodeTBS does not verify;
 * - `MLS_CREDENTIAL_REJECTED`: the application refuses the credential (§5.3.1);
 * - `MLS_UNSUPPORTED_CREDENTIAL_TYPE`: its credential type is missing from its own or another
 *   member's capabilities, or it does not support a type in use (§7.2, §13.3);
 * - `MLS_DUPLICATE_EXTENSION`: two extensions of one type (§13.4);
 * - `MLS_UNSUPPORTED_LEAF_NODE_EXTENSION`: a non-default extension its capabilities omit;
 * - `MLS_MISSING_REQUIRED_CAPABILITY`: the group's required_capabilities are not met (§11.1);
 * - `MLS_INVALID_LIFETIME`: now is outside the lifetime, or the lifetime is too long (§7.2);
 * - `MLS_ENCRYPTION_KEY_NOT_UPDATED`: an Update or Commit leaf keeps the old encryption_key;
 * - `MLS_DUPLICATE_SIGNATURE_KEY`, `MLS_DUPLICATE_ENCRYPTION_KEY`: a key another member (or,
 *   for encryption keys, any node) already holds.
 *
 * Lifetimes are checked only for KeyPackage leaves and only when the caller gives the time:
 * a member's leaf keeps its KeyPackage lifetime until it next updates, so checking leaves of a
 * tree against the clock would exclude members who joined long ago (§7.3 makes that check
 * RECOMMENDED, not required, for received leaves).
 *
 * @example
 * ```ts
 * validateLeafNode({ suite, leafNode, context: 'update', groupId, leafIndex: sender, tree });
 * ```
 * @module
 */
import { type ErrorCode, SigilError } from '@sigil/errors';
import { decode } from '@sigil/wire';
import type { CipherSuite } from '../cipher-suite.ts';
import { verifyWithLabel } from '../crypto-basics.ts';
import { ByteStringSet, bytesEqual } from '../internal/bytes.ts';
import { isUsableHpkePublicKey } from '../internal/hpke-public-key.ts';
import { MAX_LEAF_NODE_LIFETIME } from '../limits.ts';
import { leafToNode } from '../tree-math.ts';
import type { Extension } from '../wire/common.ts';
import { CREDENTIAL_TYPES, type Credential } from '../wire/credential.ts';
import {
  DEFAULT_EXTENSION_TYPES,
  DEFAULT_PROPOSAL_TYPES,
  EXTENSION_TYPES,
  findExtension,
  RequiredCapabilities,
} from '../wire/extensions.ts';
import { encodeLeafNodeTbs, type LeafNode } from '../wire/leaf-node.ts';
import { nodeEncryptionKey, type RatchetTree } from './ratchet-tree.ts';

/** Ed25519 public keys are 32 bytes (suites 1 and 3). */
const SIGNATURE_KEY_LENGTH = 32;

/**
 * Where a LeafNode appears (§7.3): in a KeyPackage, an Update proposal, the leaf_node of an
 * UpdatePath, or a ratchet tree being joined (any source).
 */
export type LeafNodeContext = 'key_package' | 'update' | 'commit' | 'tree';

/**
 * The application's credential check (§5.3.1): whether `credential` is acceptable and binds
 * `signatureKey`. Return false to reject.
 */
export type CredentialValidator = (credential: Credential, signatureKey: Uint8Array) => boolean;

/** What {@link validateLeafNode} checks a LeafNode against. */
export interface LeafNodeValidationInput {
  readonly suite: CipherSuite;
  readonly leafNode: LeafNode;
  readonly context: LeafNodeContext;
  /** The group an update or commit leaf is signed for (LeafNodeTBS, §7.2). */
  readonly groupId?: Uint8Array;
  /**
   * The leaf index an update or commit leaf is signed for; with `tree`, the leaf it replaces
   * (excluded from the uniqueness checks). For an Add, leave it out.
   */
  readonly leafIndex?: number;
  /**
   * The group's tree, for the checks against other members (uniqueness, credential types,
   * replaced key), answered from the tree's key index (built in one pass on first use).
   */
  readonly tree?: RatchetTree;
  /** The GroupContext extensions, for required_capabilities (§11.1). */
  readonly groupContextExtensions?: readonly Extension[];
  /** The current time in seconds since the Unix epoch: enables the lifetime checks. */
  readonly now?: bigint;
  /** The longest acceptable lifetime in seconds (default `MAX_LEAF_NODE_LIFETIME`). */
  readonly maxLifetime?: bigint;
  /** The application's credential check; without it every credential is accepted. */
  readonly validateCredential?: CredentialValidator;
}

function fail(code: ErrorCode, message: string, details?: Record<string, number>): never {
  throw new SigilError(code, `${message} (RFC 9420 §7.3)`, details ? { details } : {});
}

/** The CredentialType value of a credential. */
export function credentialTypeOf(credential: Credential): number {
  return CREDENTIAL_TYPES[credential.credentialType];
}

/**
 * Verifies the LeafNode's signature over its LeafNodeTBS (§7.2): update and commit leaves bind
 * `group.groupId` and `group.leafIndex`, key_package leaves bind nothing else.
 * @throws SigilError `INVALID_ARGUMENT` if `group` is missing for an update or commit leaf.
 */
export function verifyLeafNodeSignature(
  suite: CipherSuite,
  leafNode: LeafNode,
  group?: { readonly groupId: Uint8Array; readonly leafIndex: number },
): boolean {
  const tbs = encodeLeafNodeTbs(leafNode, group);
  return verifyWithLabel(suite, leafNode.signatureKey, 'LeafNodeTBS', tbs, leafNode.signature);
}

/**
 * The checks of one LeafNode on its own (no other member involved): key sizes, source,
 * signature, credential, own capabilities, extensions, required capabilities and lifetime.
 * {@link validateLeafNode} adds the checks against the tree; tree validation runs these per
 * leaf and the cross-member checks once for the whole tree.
 * @throws SigilError with the codes in the module table (except the tree ones).
 */
export function validateLeafNodeContent(input: LeafNodeValidationInput): void {
  const { suite, leafNode, context } = input;
  if (!isUsableHpkePublicKey(suite, leafNode.encryptionKey)) {
    fail('MLS_INVALID_PUBLIC_KEY', 'the encryption_key is not a usable key of the cipher suite');
  }
  if (leafNode.signatureKey.length !== SIGNATURE_KEY_LENGTH) {
    fail('MLS_INVALID_PUBLIC_KEY', 'the signature_key is not a key of the cipher suite');
  }
  if (context !== 'tree' && leafNode.leafNodeSource !== context) {
    fail(
      'MLS_INVALID_LEAF_NODE_SOURCE',
      `a ${leafNode.leafNodeSource} leaf where ${context} is required`,
    );
  }
  let group: { groupId: Uint8Array; leafIndex: number } | undefined;
  if (leafNode.leafNodeSource !== 'key_package') {
    if (input.groupId === undefined || input.leafIndex === undefined) {
      throw new SigilError(
        'INVALID_ARGUMENT',
        'an update or commit leaf needs groupId and leafIndex',
      );
    }
    group = { groupId: input.groupId, leafIndex: input.leafIndex };
  }
  if (!verifyLeafNodeSignature(suite, leafNode, group)) {
    fail('MLS_INVALID_LEAF_NODE_SIGNATURE', 'the LeafNode signature does not verify');
  }
  if (input.validateCredential?.(leafNode.credential, leafNode.signatureKey) === false) {
    fail('MLS_CREDENTIAL_REJECTED', 'the credential was rejected by the application');
  }
  const capabilities = leafNode.capabilities;
  const credentialType = credentialTypeOf(leafNode.credential);
  if (!capabilities.credentials.includes(credentialType)) {
    fail('MLS_UNSUPPORTED_CREDENTIAL_TYPE', 'the leaf does not list its own credential type', {
      credentialType,
    });
  }
  checkExtensionList(leafNode.extensions);
  for (const { extensionType } of leafNode.extensions) {
    if (
      !DEFAULT_EXTENSION_TYPES.has(extensionType) &&
      !capabilities.extensions.includes(extensionType)
    ) {
      fail('MLS_UNSUPPORTED_LEAF_NODE_EXTENSION', 'a leaf extension its capabilities omit', {
        extensionType,
      });
    }
  }
  checkRequiredCapabilities(leafNode, input.groupContextExtensions);
  if (input.now !== undefined && leafNode.leafNodeSource === 'key_package' && context !== 'tree') {
    const { notBefore, notAfter } = leafNode.lifetime;
    if (input.now < notBefore || input.now > notAfter) {
      fail('MLS_INVALID_LIFETIME', 'the current time is outside the leaf lifetime');
    }
    if (notAfter - notBefore > (input.maxLifetime ?? MAX_LEAF_NODE_LIFETIME)) {
      fail('MLS_INVALID_LIFETIME', 'the leaf lifetime is longer than the maximum');
    }
  }
}

/**
 * Checks that a list of extensions holds at most one of each type (§13.4).
 * @throws SigilError `MLS_DUPLICATE_EXTENSION`.
 */
export function checkExtensionList(extensions: readonly Extension[]): void {
  const seen = new Set<number>();
  for (const { extensionType } of extensions) {
    if (seen.has(extensionType)) {
      throw new SigilError('MLS_DUPLICATE_EXTENSION', 'two extensions of one type (§13.4)', {
        details: { extensionType },
      });
    }
    seen.add(extensionType);
  }
}

/**
 * Checks `leafNode` against the group's required_capabilities extension, if any (§7.3,
 * §11.1); default extension and proposal types count as supported.
 * @throws SigilError `MLS_MISSING_REQUIRED_CAPABILITY`; a `Codec` error if the extension does
 *   not parse.
 */
export function checkRequiredCapabilities(
  leafNode: LeafNode,
  groupContextExtensions: readonly Extension[] | undefined,
): void {
  if (groupContextExtensions === undefined) return;
  const extension = findExtension(groupContextExtensions, EXTENSION_TYPES.required_capabilities);
  if (extension === undefined) return;
  const required = decode(RequiredCapabilities, extension.extensionData);
  const { capabilities } = leafNode;
  const missing = (kind: string, value: number): never =>
    fail('MLS_MISSING_REQUIRED_CAPABILITY', `the leaf lacks a required ${kind}`, { [kind]: value });
  for (const type of required.extensionTypes) {
    if (!DEFAULT_EXTENSION_TYPES.has(type) && !capabilities.extensions.includes(type)) {
      missing('extensionType', type);
    }
  }
  for (const type of required.proposalTypes) {
    if (!DEFAULT_PROPOSAL_TYPES.has(type) && !capabilities.proposals.includes(type)) {
      missing('proposalType', type);
    }
  }
  for (const type of required.credentialTypes) {
    if (!capabilities.credentials.includes(type)) missing('credentialType', type);
  }
}

/**
 * Validates a LeafNode as §7.3 requires where it appears (`input.context`). With `tree`, it is
 * also checked against the other members: its credential type must be supported by every
 * member and it must support theirs, its signature_key must be no other member's, its
 * encryption_key must be in no other node, and an update or commit leaf must change the
 * encryption_key of the leaf it replaces (`input.leafIndex`).
 * @throws SigilError with the codes in the module table.
 */
export function validateLeafNode(input: LeafNodeValidationInput): void {
  validateLeafNodeContent(input);
  const { tree, leafNode, leafIndex } = input;
  if (tree === undefined) return;
  const replaced = leafIndex === undefined ? undefined : leafToNode(leafIndex);
  if (replaced !== undefined && replaced < tree.nodeCount && input.context !== 'key_package') {
    const old = tree.leafNode(leafIndex as number);
    if (old !== undefined && bytesEqual(old.encryptionKey, leafNode.encryptionKey)) {
      fail('MLS_ENCRYPTION_KEY_NOT_UPDATED', 'the new leaf keeps the old encryption_key');
    }
  }
  if (passesIndexedChecks(tree, leafNode, replaced)) return;
  // Some check fails: the scan finds the first offending node, as the error reports it.
  scanOtherMembers(tree, leafNode, replaced);
}

/**
 * Whether `leafNode` passes the checks against the other members (unique keys, credential
 * types supported both ways), answered from the tree's key index in O(log n) per key and
 * credential type; exactly when {@link scanOtherMembers} would not throw.
 */
function passesIndexedChecks(
  tree: RatchetTree,
  leafNode: LeafNode,
  replaced: number | undefined,
): boolean {
  const index = tree.keyIndex();
  if (!index.credentialCountsExact) return false;
  const inTree =
    replaced !== undefined &&
    Number.isInteger(replaced) &&
    replaced >= 0 &&
    replaced < tree.nodeCount;
  const old = inTree ? tree.node(replaced) : undefined;
  const oldLeaf = old?.nodeType === 'leaf' ? old.leafNode : undefined;
  // Occurrences of `key` in the tree, not counting the replaced leaf's own `oldKey`.
  const othersWith = (
    set: typeof index.encryptionKeys,
    key: Uint8Array,
    oldKey: Uint8Array | undefined,
  ): number => set.count(key) - (oldKey !== undefined && bytesEqual(oldKey, key) ? 1 : 0);
  if (othersWith(index.encryptionKeys, leafNode.encryptionKey, oldLeaf?.encryptionKey) > 0) {
    return false;
  }
  if (othersWith(index.signatureKeys, leafNode.signatureKey, oldLeaf?.signatureKey) > 0) {
    return false;
  }
  const credentialType = credentialTypeOf(leafNode.credential);
  const others = index.leafCount - (oldLeaf === undefined ? 0 : 1);
  const oldSupports = oldLeaf?.capabilities.credentials.includes(credentialType) === true;
  if (index.leavesSupporting(credentialType) - (oldSupports ? 1 : 0) !== others) return false;
  const supported = leafNode.capabilities.credentials;
  for (const type of index.usedTypes()) {
    if (type === credentialType || supported.includes(type)) continue;
    const oldUses = oldLeaf !== undefined && credentialTypeOf(oldLeaf.credential) === type;
    if (index.leavesUsing(type) - (oldUses ? 1 : 0) > 0) return false;
  }
  return true;
}

/**
 * The checks against the other members as one pass over the tree, throwing at the first
 * offending node (in index order) with its index in the error details.
 */
function scanOtherMembers(
  tree: RatchetTree,
  leafNode: LeafNode,
  replaced: number | undefined,
): void {
  const credentialType = credentialTypeOf(leafNode.credential);
  const encryptionKey = new ByteStringSet([leafNode.encryptionKey]);
  const signatureKey = new ByteStringSet([leafNode.signatureKey]);
  const supported = leafNode.capabilities.credentials;
  tree.forEachNonBlank((node, index) => {
    if (index === replaced) return;
    if (encryptionKey.has(nodeEncryptionKey(node))) {
      fail('MLS_DUPLICATE_ENCRYPTION_KEY', 'the encryption_key is already in the tree', {
        node: index,
      });
    }
    if (node.nodeType !== 'leaf') return;
    const other = node.leafNode;
    if (signatureKey.has(other.signatureKey)) {
      fail('MLS_DUPLICATE_SIGNATURE_KEY', 'another member has this signature_key', {
        leafIndex: index / 2,
      });
    }
    if (!other.capabilities.credentials.includes(credentialType)) {
      fail('MLS_UNSUPPORTED_CREDENTIAL_TYPE', 'a member does not support the credential type', {
        leafIndex: index / 2,
      });
    }
    const otherType = credentialTypeOf(other.credential);
    if (otherType !== credentialType && !supported.includes(otherType)) {
      fail('MLS_UNSUPPORTED_CREDENTIAL_TYPE', 'the leaf does not support a credential in use', {
        credentialType: otherType,
      });
    }
  });
}
