/**
 * The group layer's proposal rules (RFC 9420 §12.1-§12.4), on both backends: each §12.2 rule
 * with its code, the path rule, unknown proposal references, external PSKs (held and not),
 * GroupContextExtensions, an out-of-band ratchet tree, and a replay after the state was
 * persisted.
 */
import { inspect } from 'node:util';
import { allProviders } from '@sigil/crypto/testing';
import { describe, expect, it } from 'vitest';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import type { MlsMessage } from '../src/framing/mls-message.ts';
import { confirmPendingCommit, createCommit } from '../src/group/commit.ts';
import { createGroup } from '../src/group/create-group.ts';
import { ownContent, protectOwn, signOwnContent } from '../src/group/group-framing.ts';
import type { GroupState } from '../src/group/group-state.ts';
import { decodeGroupState, encodeGroupState } from '../src/group/group-state-codec.ts';
import {
  type CreatedKeyPackage,
  createKeyPackage,
  keyPackageRef,
} from '../src/group/key-package.ts';
import {
  createProposal,
  createUpdateProposal,
  decryptApplication,
  encryptApplication,
  processProposal,
} from '../src/group/messages.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { joinFromWelcome } from '../src/group/welcome.ts';
import { validateKeyPackage } from '../src/tree/key-package-validation.ts';
import type { Proposal } from '../src/wire/proposal.ts';
import { codeOf } from './helpers.ts';

const text = (s: string) => new TextEncoder().encode(s);
const lifetime = { notBefore: 0n, notAfter: 2n ** 63n };

function client(suite: CipherSuite, name: string): CreatedKeyPackage {
  return createKeyPackage({ suite, identity: text(name), lifetime });
}

/** Alice, Bob and Carol in epoch 1, the Welcome carrying the tree unless told otherwise. */
function threeMembers(suite: CipherSuite): {
  a: GroupState;
  b: GroupState;
  c: GroupState;
} {
  const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((n) => client(suite, n)) as [
    CreatedKeyPackage,
    CreatedKeyPackage,
    CreatedKeyPackage,
  ];
  const a0 = createGroup({ suite, keyPackage: alice.keyPackage, privateKeys: alice.privateKeys });
  const add = createCommit(a0, {
    proposals: [bob, carol].map((m) => ({ proposalType: 'add', keyPackage: m.keyPackage })),
  });
  const w = add.welcome;
  if (w?.wireFormat !== 'mls_welcome') throw new Error('no welcome');
  return {
    a: confirmPendingCommit(add.state),
    b: joinFromWelcome({ suite, welcome: w.welcome, ...bob }),
    c: joinFromWelcome({ suite, welcome: w.welcome, ...carol }),
  };
}

describe.each(allProviders())('MLS proposals and commits ($name)', (provider) => {
  const suite = getCipherSuite(provider, 1);

  it('rejects invalid proposal lists with one code per rule (§12.2)', () => {
    const { a } = threeMembers(suite);
    const dave = client(suite, 'dave');
    const add: Proposal = { proposalType: 'add', keyPackage: dave.keyPackage };
    const commitWith = (proposals: Proposal[]) => () => createCommit(a, { proposals });
    expect(codeOf(commitWith([add, add]))).toBe('MLS_DUPLICATE_ADD');
    expect(codeOf(commitWith([{ proposalType: 'remove', removed: 0 }]))).toBe(
      'MLS_COMMITTER_IN_PROPOSAL',
    );
    expect(codeOf(commitWith([{ proposalType: 'remove', removed: 7 }]))).toBe('MLS_INVALID_REMOVE');
    expect(
      codeOf(
        commitWith([
          { proposalType: 'remove', removed: 1 },
          { proposalType: 'remove', removed: 1 },
        ]),
      ),
    ).toBe('MLS_CONFLICTING_PROPOSALS');
    const gce: Proposal = { proposalType: 'group_context_extensions', extensions: [] };
    expect(codeOf(commitWith([gce, gce]))).toBe('MLS_MULTIPLE_GROUP_CONTEXT_EXTENSIONS');
    const reinit: Proposal = {
      proposalType: 'reinit',
      groupId: new Uint8Array(16),
      version: 1,
      cipherSuite: 1,
      extensions: [],
    };
    expect(codeOf(commitWith([reinit, gce]))).toBe('MLS_REINIT_NOT_ALONE');
    expect(codeOf(commitWith([{ ...reinit, version: 0 }]))).toBe('MLS_INVALID_REINIT');
    expect(codeOf(commitWith([{ ...reinit, cipherSuite: 2 }]))).toBe('MLS_INVALID_REINIT');
    const externalInit: Proposal = { proposalType: 'external_init', kemOutput: new Uint8Array(32) };
    expect(codeOf(commitWith([externalInit]))).toBe('MLS_UNEXPECTED_EXTERNAL_INIT');
    const psk = (nonce: Uint8Array): Proposal => ({
      proposalType: 'psk',
      psk: { pskType: 'external', pskId: text('id'), pskNonce: nonce },
    });
    const nonce = provider.random.bytes(32);
    expect(codeOf(commitWith([psk(nonce), psk(nonce)]))).toBe('MLS_DUPLICATE_PSK');
    expect(codeOf(commitWith([psk(new Uint8Array(3))]))).toBe('MLS_INVALID_PSK_NONCE');
    expect(codeOf(commitWith([psk(nonce)]))).toBe('MLS_UNKNOWN_PSK');
    expect(codeOf(() => confirmPendingCommit(a))).toBe('MLS_NO_PENDING_COMMIT');
  });

  it('injects an external PSK and refuses a Commit whose PSK the receiver lacks', () => {
    const { a, b, c } = threeMembers(suite);
    const secret = provider.random.bytes(32);
    const externalPsks = (id: Uint8Array) =>
      new TextDecoder().decode(id) === 'shared' ? secret : undefined;
    const commit = createCommit(a, {
      proposals: [
        {
          proposalType: 'psk',
          psk: { pskType: 'external', pskId: text('shared'), pskNonce: provider.random.bytes(32) },
        },
        { proposalType: 'group_context_extensions', extensions: [] },
      ],
      externalPsks,
    });
    const a2 = confirmPendingCommit(commit.state);
    const b2 = processCommit(b, commit.commit, { externalPsks }).state;
    expect(b2.epochSecrets.epochAuthenticator).toEqual(a2.epochSecrets.epochAuthenticator);
    expect(codeOf(() => processCommit(c, commit.commit))).toBe('MLS_UNKNOWN_PSK');
  });

  it("applies a member's Update proposal committed by another member (§12.1.2)", () => {
    const { a, b, c } = threeMembers(suite);
    const update = createUpdateProposal(b);
    const b1 = decodeGroupState(provider, encodeGroupState(update.state));
    const a1 = processProposal(a, update.message);
    const c1 = processProposal(c, update.message);
    // Bob cannot commit his own Update: his Commit leaves it out and uses a path instead.
    const own = createCommit(b1);
    expect(
      own.commit.wireFormat === 'mls_public_message' &&
        own.commit.publicMessage.content.contentType === 'commit' &&
        own.commit.publicMessage.content.commit.proposals.length,
    ).toBe(0);
    const commit = createCommit(c1);
    const a2 = processCommit(a1, commit.commit).state;
    const b2 = processCommit(b1, commit.commit).state;
    const c2 = confirmPendingCommit(commit.state);
    expect(b2.tree.leafNode(1)?.encryptionKey).toEqual(
      update.state.pendingUpdates?.[0]?.encryptionKey.publicKey,
    );
    expect(a2.epochSecrets.epochAuthenticator).toEqual(c2.epochSecrets.epochAuthenticator);
    expect(b2.epochSecrets.epochAuthenticator).toEqual(c2.epochSecrets.epochAuthenticator);
    expect(b2.pendingUpdates).toBeUndefined();
    const sent = encryptApplication(a2, text('after the update'));
    expect(decryptApplication(b2, sent.message).data).toEqual(text('after the update'));
  });

  it('refuses a Commit referencing a proposal the receiver never got', () => {
    const { a, b, c } = threeMembers(suite);
    const proposal = createProposal(c, { proposalType: 'remove', removed: 1 });
    const commit = createCommit(processProposal(a, proposal.message));
    // Bob did not receive Carol's proposal (and would be removed by it anyway).
    expect(codeOf(() => processCommit(b, commit.commit))).toBe('MLS_UNKNOWN_PROPOSAL_REF');
    const c2 = processCommit(proposal.state, commit.commit).state;
    expect(c2.tree.leafNode(1)).toBeUndefined();
  });

  it('refuses a Commit without the UpdatePath its proposals require (§12.4)', () => {
    const { a, b } = threeMembers(suite);
    const content = ownContent(a, {
      contentType: 'commit',
      commit: {
        proposals: [{ type: 'proposal', proposal: { proposalType: 'remove', removed: 2 } }],
        path: undefined,
      },
    });
    const signed = signOwnContent(a, 'mls_public_message', content, () => new Uint8Array(32));
    const message: MlsMessage = protectOwn(a, signed).message;
    expect(codeOf(() => processCommit(b, message))).toBe('MLS_PATH_REQUIRED');
  });

  it('adds without a path when asked, and joins with an out-of-band tree', () => {
    const { a, b } = threeMembers(suite);
    const dave = client(suite, 'dave');
    const commit = createCommit(a, {
      proposals: [{ proposalType: 'add', keyPackage: dave.keyPackage }],
      forcePath: false,
      ratchetTreeExtension: false,
    });
    expect(
      commit.commit.wireFormat === 'mls_public_message' &&
        commit.commit.publicMessage.content.contentType === 'commit' &&
        commit.commit.publicMessage.content.commit.path,
    ).toBeUndefined();
    const a2 = confirmPendingCommit(commit.state);
    const b2 = processCommit(b, commit.commit).state;
    const w = commit.welcome;
    if (w?.wireFormat !== 'mls_welcome') throw new Error('no welcome');
    expect(codeOf(() => joinFromWelcome({ suite, welcome: w.welcome, ...dave }))).toBe(
      'INVALID_ARGUMENT',
    );
    const d = joinFromWelcome({ suite, welcome: w.welcome, ...dave, ratchetTree: a2.tree });
    expect(d.epochSecrets.epochAuthenticator).toEqual(b2.epochSecrets.epochAuthenticator);
    const sent = encryptApplication(d, text('hi from dave'));
    expect(new TextDecoder().decode(decryptApplication(a2, sent.message).data)).toBe(
      'hi from dave',
    );
  });

  it('creates valid KeyPackages whose private keys print redacted', () => {
    const kp = client(suite, 'erin');
    expect(() => validateKeyPackage(suite, kp.keyPackage)).not.toThrow();
    expect(inspect(kp.privateKeys)).not.toContain(
      Buffer.from(kp.privateKeys.init.secretKey).toString('hex'),
    );
    expect(JSON.stringify(kp.privateKeys)).toBe('"[redacted]"');
    expect(keyPackageRef(suite, kp.keyPackage)).toHaveLength(32);
  });

  it('refuses a stored state of an unknown format version', () => {
    const { a } = threeMembers(suite);
    const bytes = encodeGroupState(a);
    bytes[1] = 9;
    expect(codeOf(() => decodeGroupState(provider, bytes))).toBe('UNSUPPORTED_VERSION');
  });

  it('refuses a replay after the receiving state was persisted', () => {
    const { a, b } = threeMembers(suite);
    const sent = encryptApplication(a, text('once'));
    const got = decryptApplication(b, sent.message);
    const stored = decodeGroupState(provider, encodeGroupState(got.state));
    expect(codeOf(() => decryptApplication(stored, sent.message))).toBe('MLS_SECRET_REUSED');
    // The state from before the message still decrypts it (nothing was mutated).
    expect(decryptApplication(b, sent.message).data).toEqual(text('once'));
  });
});
