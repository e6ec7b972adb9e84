/**
 * The RFC 9420 wire structs of src/wire and src/framing: every proposal type, a KeyPackage with
 * each leaf-node source, a Commit with an UpdatePath, Welcome, GroupInfo and GroupSecrets
 * round-trip byte for byte; unknown selectors and misplaced optional fields are refused.
 * (The interop vectors of message-protection.json and transcript-hashes.json cover the
 * encodings byte for byte against other implementations.)
 */
import { type Codec, decode, encode } from '@sigil/wire';
import { describe, expect, it } from 'vitest';
import { framedContentAuthData } from '../src/framing/framed-content.ts';
import { MlsMessage, PublicMessage } from '../src/framing/mls-message.ts';
import { Sender } from '../src/framing/sender.ts';
import { Commit } from '../src/wire/commit.ts';
import { Credential } from '../src/wire/credential.ts';
import type { KeyPackage } from '../src/wire/key-package.ts';
import { encodeLeafNodeTbs, type LeafNode } from '../src/wire/leaf-node.ts';
import { Proposal } from '../src/wire/proposal.ts';
import { GroupSecrets } from '../src/wire/welcome.ts';
import { codeOf, hex } from './helpers.ts';

const b = (...bytes: number[]) => new Uint8Array(bytes);

const leaf = (source: 'key_package' | 'update' | 'commit'): LeafNode => {
  const common = {
    encryptionKey: b(1, 2),
    signatureKey: b(3),
    credential: { credentialType: 'basic', identity: b(0x61) } as const,
    capabilities: {
      versions: [1],
      cipherSuites: [1, 3, 0x0a0a],
      extensions: [],
      proposals: [],
      credentials: [1],
    },
    extensions: [{ extensionType: 0xff00, extensionData: b() }],
    signature: b(9, 9),
  };
  if (source === 'key_package') {
    return { ...common, leafNodeSource: source, lifetime: { notBefore: 0n, notAfter: 2n ** 63n } };
  }
  return source === 'update'
    ? { ...common, leafNodeSource: source }
    : { ...common, leafNodeSource: source, parentHash: b(7) };
};

const keyPackage: KeyPackage = {
  version: 1,
  cipherSuite: 1,
  initKey: b(4, 4),
  leafNode: leaf('key_package'),
  extensions: [],
  signature: b(5),
};

function roundTrips<T>(codec: Codec<T>, value: T): void {
  const bytes = encode(codec, value);
  expect(hex(encode(codec, decode(codec, bytes)))).toBe(hex(bytes));
}

describe('MLS wire structs', () => {
  it('every proposal type round-trips', () => {
    const proposals: Proposal[] = [
      { proposalType: 'add', keyPackage },
      { proposalType: 'update', leafNode: leaf('update') },
      { proposalType: 'remove', removed: 4 },
      {
        proposalType: 'psk',
        psk: { pskType: 'external', pskId: b(1), pskNonce: new Uint8Array(32) },
      },
      {
        proposalType: 'psk',
        psk: {
          pskType: 'resumption',
          usage: 'branch',
          pskGroupId: b(2),
          pskEpoch: 9n,
          pskNonce: new Uint8Array(32),
        },
      },
      { proposalType: 'reinit', groupId: b(1), version: 1, cipherSuite: 3, extensions: [] },
      { proposalType: 'external_init', kemOutput: b(8) },
      {
        proposalType: 'group_context_extensions',
        extensions: [{ extensionType: 2, extensionData: b(1) }],
      },
    ];
    for (const proposal of proposals) roundTrips(Proposal, proposal);
  });

  it('commits, key packages, welcomes, group infos and group secrets round-trip', () => {
    const commit: Commit = {
      proposals: [
        { type: 'reference', reference: new Uint8Array(32) },
        { type: 'proposal', proposal: { proposalType: 'remove', removed: 1 } },
      ],
      path: {
        leafNode: leaf('commit'),
        nodes: [
          { encryptionKey: b(6), encryptedPathSecret: [{ kemOutput: b(1), ciphertext: b(2) }] },
        ],
      },
    };
    roundTrips(Commit, commit);
    roundTrips(MlsMessage, { wireFormat: 'mls_key_package', keyPackage });
    roundTrips(MlsMessage, {
      wireFormat: 'mls_welcome',
      welcome: {
        cipherSuite: 1,
        secrets: [
          { newMember: b(1), encryptedGroupSecrets: { kemOutput: b(2), ciphertext: b(3) } },
        ],
        encryptedGroupInfo: b(4),
      },
    });
    roundTrips(MlsMessage, {
      wireFormat: 'mls_group_info',
      groupInfo: {
        groupContext: {
          version: 1,
          cipherSuite: 1,
          groupId: b(1),
          epoch: 3n,
          treeHash: b(2),
          confirmedTranscriptHash: b(),
          extensions: [],
        },
        extensions: [],
        confirmationTag: b(5),
        signer: 2,
        signature: b(6),
      },
    });
    roundTrips(GroupSecrets, { joinerSecret: b(1), pathSecret: { pathSecret: b(2) }, psks: [] });
    roundTrips(GroupSecrets, { joinerSecret: b(1), pathSecret: undefined, psks: [] });
    roundTrips(Credential, { credentialType: 'x509', certificates: [b(1), b(2, 3)] });
  });

  it('LeafNodeTBS binds update and commit leaves to their group and leaf', () => {
    const group = { groupId: b(1, 2), leafIndex: 5 };
    const kp = encodeLeafNodeTbs(leaf('key_package'));
    expect(hex(encodeLeafNodeTbs(leaf('key_package'), group))).toBe(hex(kp));
    const update = encodeLeafNodeTbs(leaf('update'), group);
    expect(hex(update.subarray(-7))).toBe('02010200000005');
    expect(codeOf(() => encodeLeafNodeTbs(leaf('commit')))).toBe('INVALID_ARGUMENT');
  });

  it('refuses unknown selectors and reserved values', () => {
    expect(codeOf(() => decode(Proposal, b(0, 8, 0)))).toBe('CODEC_INVALID_VALUE');
    expect(codeOf(() => decode(Proposal, b(0, 0)))).toBe('CODEC_INVALID_VALUE');
    expect(codeOf(() => decode(Credential, b(0, 3, 0)))).toBe('CODEC_INVALID_VALUE');
    expect(codeOf(() => decode(Sender, b(0)))).toBe('CODEC_INVALID_VALUE');
    expect(codeOf(() => decode(Sender, b(5)))).toBe('CODEC_INVALID_VALUE');
    expect(hex(encode(Sender, { senderType: 'new_member_commit' }))).toBe('04');
    expect(codeOf(() => decode(Commit, b(2, 3, 0, 0)))).toBe('CODEC_INVALID_VALUE');
  });

  it('confirmation tags and membership tags appear exactly where §6 puts them', () => {
    const commitAuth = framedContentAuthData('commit');
    const appAuth = framedContentAuthData('application');
    expect(codeOf(() => encode(commitAuth, { signature: b(1) }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => encode(appAuth, { signature: b(1), confirmationTag: b(2) }))).toBe(
      'INVALID_ARGUMENT',
    );
    const content = {
      groupId: b(1),
      epoch: 0n,
      sender: { senderType: 'new_member_proposal' } as const,
      authenticatedData: b(),
      contentType: 'proposal' as const,
      proposal: { proposalType: 'add', keyPackage } as const,
    };
    roundTrips(PublicMessage, { content, auth: { signature: b(1) } });
    expect(
      codeOf(() =>
        encode(PublicMessage, { content, auth: { signature: b(1) }, membershipTag: b(1) }),
      ),
    ).toBe('INVALID_ARGUMENT');
  });
});
