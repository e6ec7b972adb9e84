/**
 * A small group for framing tests: four members with Ed25519 keys, a GroupContext, an epoch's
 * secrets from a random init secret, and helpers to sign and protect content as a member.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import { authenticateContent, type SignerKeys } from '../src/framing/content-auth.ts';
import type {
  AuthenticatedContent,
  FramedContent,
  FramedContentBody,
} from '../src/framing/framed-content.ts';
import { advanceKeySchedule, type EpochSecrets } from '../src/key-schedule.ts';
import { SecretTree } from '../src/secret-tree.ts';
import type { FramedWireFormat } from '../src/wire/common.ts';
import type { GroupContext } from '../src/wire/group-context.ts';

export interface Group {
  readonly suite: CipherSuite;
  readonly groupContext: GroupContext;
  readonly epoch: EpochSecrets;
  /** Ed25519 seeds of leaves 0..3 (leaf 3 is blank: no key). */
  readonly signatureKeys: readonly Uint8Array[];
  readonly signers: SignerKeys;
  /** A fresh secret tree of the epoch (what every member starts from). */
  tree(): SecretTree;
  /** Signed content from `leafIndex`. */
  content(
    leafIndex: number,
    wireFormat: FramedWireFormat,
    body: FramedContentBody,
    overrides?: Partial<Pick<FramedContent, 'groupId' | 'epoch' | 'authenticatedData'>>,
  ): AuthenticatedContent;
}

export const LEAF_COUNT = 4;
export const BLANK_LEAF = 3;

export function makeGroup(provider: CryptoProvider, cipherSuite = 1): Group {
  const suite = getCipherSuite(provider, cipherSuite);
  const groupContext: GroupContext = {
    version: 1,
    cipherSuite,
    groupId: provider.random.bytes(16),
    epoch: 7n,
    treeHash: provider.random.bytes(32),
    confirmedTranscriptHash: provider.random.bytes(32),
    extensions: [],
  };
  const epoch = advanceKeySchedule(suite, { initSecret: provider.random.bytes(32), groupContext });
  const signatureKeys = [0, 1, 2].map(() => provider.ed25519.generateKeyPair().secretKey);
  const publicKeys = signatureKeys.map((key) => provider.ed25519.publicKey(key));
  const signers: SignerKeys = { member: (leaf) => publicKeys[leaf] };
  return {
    suite,
    groupContext,
    epoch,
    signatureKeys,
    signers,
    tree: () => SecretTree.create(suite, epoch.encryptionSecret, LEAF_COUNT),
    content(leafIndex, wireFormat, body, overrides = {}) {
      const signatureKey = signatureKeys[leafIndex];
      if (signatureKey === undefined) throw new Error(`leaf ${leafIndex} has no key`);
      return authenticateContent(suite, {
        wireFormat,
        content: {
          groupId: groupContext.groupId,
          epoch: groupContext.epoch,
          sender: { senderType: 'member', leafIndex },
          authenticatedData: new Uint8Array(0),
          ...body,
          ...overrides,
        },
        signatureKey,
        groupContext,
        confirmationTag:
          body.contentType === 'commit'
            ? () => suite.mac(epoch.confirmationKey, new Uint8Array(0))
            : undefined,
      });
    },
  };
}

/** Application data as a content body. */
export function app(text: string): FramedContentBody {
  return { contentType: 'application', applicationData: new TextEncoder().encode(text) };
}

/** A Remove proposal as a content body. */
export function remove(leaf: number): FramedContentBody {
  return { contentType: 'proposal', proposal: { proposalType: 'remove', removed: leaf } };
}
