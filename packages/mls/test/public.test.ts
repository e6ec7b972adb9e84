/**
 * `@sigil/mls/public`: the delivery service's view of MLS messages. Headers of real messages
 * of every wire format (commit, proposal, application, Welcome, GroupInfo, KeyPackage), and the
 * KeyPackage checks with the code of each rejection.
 */
import { getCryptoProvider } from '@sigil/crypto';
import { encode } from '@sigil/wire';
import { describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { signWithLabel } from '../src/crypto-basics.ts';
import { MlsMessage } from '../src/framing/mls-message.ts';
import { confirmPendingCommit, createCommit } from '../src/group/commit.ts';
import { createGroup } from '../src/group/create-group.ts';
import { createKeyPackage, keyPackageRef } from '../src/group/key-package.ts';
import { createProposal, encryptApplication } from '../src/group/messages.ts';
import { signGroupInfo } from '../src/group/welcome.ts';
import { readMessageHeader, validateKeyPackageMessage } from '../src/public.ts';
import { encodeKeyPackageTbs, type KeyPackage } from '../src/wire/key-package.ts';
import { encodeLeafNodeTbs } from '../src/wire/leaf-node.ts';
import { codeOf, hex } from './helpers.ts';

const crypto = getCryptoProvider();
const suite = getCipherSuite(crypto, 1);
const text = (s: string) => new TextEncoder().encode(s);
const lifetime = { notBefore: 1000n, notAfter: 2000n };

const kpMessage = (keyPackage: KeyPackage): Uint8Array =>
  encode(MlsMessage, { wireFormat: 'mls_key_package', keyPackage });

function member(name: string, s = suite) {
  return createKeyPackage({ suite: s, identity: text(name), lifetime });
}

/** A group of Alice and Bob at epoch 1, plus the messages that made it. */
function twoMemberGroup() {
  const alice = member('alice');
  const bob = member('bob');
  const groupId = crypto.random.bytes(32);
  const state0 = createGroup({
    suite,
    groupId,
    keyPackage: alice.keyPackage,
    privateKeys: alice.privateKeys,
  });
  const add = createCommit(state0, {
    proposals: [{ proposalType: 'add', keyPackage: bob.keyPackage }],
  });
  const state1 = confirmPendingCommit(add.state);
  return { groupId, state0, add, state1 };
}

describe('readMessageHeader', () => {
  it('reads group, epoch, content and sender type of a PublicMessage commit', () => {
    const { groupId, add } = twoMemberGroup();
    const header = readMessageHeader(encode(MlsMessage, add.commit));
    expect(header).toEqual({
      wireFormat: 'mls_public_message',
      groupId,
      epoch: 0n,
      contentType: 'commit',
      senderType: 'member',
    });
  });

  it('reads the plaintext header of PrivateMessages (application, commit), no sender type', () => {
    const { groupId, state1 } = twoMemberGroup();
    const sent = encryptApplication(state1, text('hello'));
    expect(readMessageHeader(encode(MlsMessage, sent.message))).toEqual({
      wireFormat: 'mls_private_message',
      groupId,
      epoch: 1n,
      contentType: 'application',
    });
    const commit = createCommit(sent.state, { wireFormat: 'mls_private_message' });
    const header = readMessageHeader(encode(MlsMessage, commit.commit));
    expect(header).toMatchObject({ wireFormat: 'mls_private_message', contentType: 'commit' });
    expect('senderType' in header && header.senderType).toBe(false);
  });

  it('reads a proposal', () => {
    const { groupId, state1 } = twoMemberGroup();
    const sent = createProposal(state1, { proposalType: 'remove', removed: 1 });
    expect(readMessageHeader(encode(MlsMessage, sent.message))).toEqual({
      wireFormat: 'mls_public_message',
      groupId,
      epoch: 1n,
      contentType: 'proposal',
      senderType: 'member',
    });
  });

  it('reads a Welcome, a GroupInfo and a KeyPackage', () => {
    const { groupId, add, state1 } = twoMemberGroup();
    expect(add.welcome).toBeDefined();
    if (add.welcome === undefined) return;
    expect(readMessageHeader(encode(MlsMessage, add.welcome))).toEqual({
      wireFormat: 'mls_welcome',
      cipherSuite: 1,
    });
    const groupInfo = signGroupInfo(suite, state1.signatureKey, {
      groupContext: state1.groupContext,
      extensions: [],
      confirmationTag: new Uint8Array(32),
      signer: 0,
    });
    expect(
      readMessageHeader(encode(MlsMessage, { wireFormat: 'mls_group_info', groupInfo })),
    ).toEqual({ wireFormat: 'mls_group_info', groupId, epoch: 1n, cipherSuite: 1 });
    expect(readMessageHeader(kpMessage(member('carol').keyPackage))).toEqual({
      wireFormat: 'mls_key_package',
      cipherSuite: 1,
    });
  });

  it('rejects bytes that are not one whole MLS 1.0 message, with the codec codes', () => {
    const { add } = twoMemberGroup();
    const bytes = encode(MlsMessage, add.commit);
    expect(codeOf(() => readMessageHeader(bytes.subarray(0, bytes.length - 1)))).toBe(
      'CODEC_TRUNCATED',
    );
    expect(codeOf(() => readMessageHeader(Uint8Array.of(...bytes, 0)))).toBe(
      'CODEC_TRAILING_BYTES',
    );
    const wrongVersion = Uint8Array.from(bytes);
    wrongVersion[1] = 2;
    expect(codeOf(() => readMessageHeader(wrongVersion))).toBe('UNSUPPORTED_VERSION');
    expect(codeOf(() => readMessageHeader(Uint8Array.of(0, 1, 0, 9)))).toBe('CODEC_INVALID_VALUE');
    expect(codeOf(() => readMessageHeader(new Uint8Array(0)))).toBe('CODEC_TRUNCATED');
  });
});

describe('validateKeyPackageMessage', () => {
  it('returns suite, signature key, identity and the KeyPackageRef (suites 1 and 3)', () => {
    for (const id of [1, 3] as const) {
      const s = getCipherSuite(crypto, id);
      const signing = crypto.ed25519.generateKeyPair();
      const { keyPackage } = createKeyPackage({
        suite: s,
        identity: text('acct/7'),
        signatureKeyPair: signing,
        lifetime,
      });
      const result = validateKeyPackageMessage(crypto, kpMessage(keyPackage), 1500n);
      expect(result.cipherSuite).toBe(id);
      expect(hex(result.signatureKey)).toBe(hex(signing.publicKey));
      expect(new TextDecoder().decode(result.identity)).toBe('acct/7');
      expect(hex(result.ref)).toBe(hex(keyPackageRef(s, keyPackage)));
    }
  });

  it('checks the lifetime only when given the time', () => {
    const bytes = kpMessage(member('a').keyPackage);
    expect(codeOf(() => validateKeyPackageMessage(crypto, bytes))).toBe('no error');
    expect(codeOf(() => validateKeyPackageMessage(crypto, bytes, 2001n))).toBe(
      'MLS_INVALID_LIFETIME',
    );
    expect(codeOf(() => validateKeyPackageMessage(crypto, bytes, 999n))).toBe(
      'MLS_INVALID_LIFETIME',
    );
  });

  it('rejects a bad KeyPackage signature', () => {
    const { keyPackage } = member('a');
    const signature = Uint8Array.from(keyPackage.signature);
    signature[0] = (signature[0] ?? 0) ^ 1;
    expect(
      codeOf(() => validateKeyPackageMessage(crypto, kpMessage({ ...keyPackage, signature }))),
    ).toBe('MLS_INVALID_KEY_PACKAGE_SIGNATURE');
  });

  it('rejects a bad leaf signature under a valid KeyPackage signature', () => {
    const { keyPackage, privateKeys } = member('a');
    const leafNode = {
      ...keyPackage.leafNode,
      credential: { credentialType: 'basic', identity: text('b') },
    } as const;
    // The leaf still carries the signature over identity 'a'; the KeyPackage is re-signed.
    expect(hex(encodeLeafNodeTbs(leafNode))).not.toBe(hex(encodeLeafNodeTbs(keyPackage.leafNode)));
    const tbs = { ...keyPackage, leafNode };
    const forged: KeyPackage = {
      ...tbs,
      signature: signWithLabel(
        suite,
        privateKeys.signature.secretKey,
        'KeyPackageTBS',
        encodeKeyPackageTbs(tbs),
      ),
    };
    expect(codeOf(() => validateKeyPackageMessage(crypto, kpMessage(forged)))).toBe(
      'MLS_INVALID_LEAF_NODE_SIGNATURE',
    );
  });

  it('rejects an unsupported suite, another version, and a message that is not a KeyPackage', () => {
    const { keyPackage } = member('a');
    expect(
      codeOf(() => validateKeyPackageMessage(crypto, kpMessage({ ...keyPackage, cipherSuite: 2 }))),
    ).toBe('MLS_UNSUPPORTED_CIPHER_SUITE');
    expect(
      codeOf(() => validateKeyPackageMessage(crypto, kpMessage({ ...keyPackage, version: 2 }))),
    ).toBe('UNSUPPORTED_VERSION');
    const { add } = twoMemberGroup();
    expect(codeOf(() => validateKeyPackageMessage(crypto, encode(MlsMessage, add.commit)))).toBe(
      'MLS_UNEXPECTED_CONTENT_TYPE',
    );
    const bytes = kpMessage(keyPackage);
    expect(codeOf(() => validateKeyPackageMessage(crypto, bytes.subarray(0, 50)))).toBe(
      'CODEC_TRUNCATED',
    );
  });
});
