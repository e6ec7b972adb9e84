/**
 * GroupInfo publishing and external Commits (RFC 9420 §12.4.3.2, §8.3, §12.1.6) on both
 * backends and both suites: a new client joins from a published GroupInfo (tree in it or out
 * of band, with an external PSK), a member resyncs by removing its own old leaf, and every
 * §12.2 rule for external Commits is refused with its own code on the receiving side.
 */
import { allProviders } from '@sigil/crypto/testing';
import { decode, encode } from '@sigil/wire';
import { describe, expect, it } from 'vitest';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import { authenticateContent } from '../src/framing/content-auth.ts';
import { MlsMessage } from '../src/framing/mls-message.ts';
import { confirmPendingCommit, createCommit, discardPendingCommit } from '../src/group/commit.ts';
import { createGroup } from '../src/group/create-group.ts';
import { joinByExternalCommit } from '../src/group/external-commit.ts';
import { createGroupInfo } from '../src/group/group-info.ts';
import type { GroupState } from '../src/group/group-state.ts';
import { decodeGroupState, encodeGroupState } from '../src/group/group-state-codec.ts';
import { createKeyPackage, DEFAULT_CAPABILITIES } from '../src/group/key-package.ts';
import { decryptApplication, encryptApplication } from '../src/group/messages.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { joinFromWelcome } from '../src/group/welcome.ts';
import type { Commit } from '../src/wire/commit.ts';
import { EXTENSION_TYPES, RequiredCapabilities } from '../src/wire/extensions.ts';
import type { Proposal } from '../src/wire/proposal.ts';
import { lifetime, text, threeMembers, welcomeOf } from './group-setup.ts';
import { codeOf } from './helpers.ts';

const rt = (state: GroupState): GroupState =>
  decodeGroupState(state.suite.provider, encodeGroupState(state));

function expectTalk(from: GroupState, to: GroupState, data: string): void {
  const sent = encryptApplication(from, text(data));
  expect(decryptApplication(to, sent.message).data).toEqual(text(data));
}

/** `commit` (an external Commit) with its body changed and re-signed by the joiner. */
function reframe(
  suite: CipherSuite,
  commit: MlsMessage,
  signatureKey: Uint8Array,
  groupContext: GroupState['groupContext'],
  change: (body: Commit) => Commit,
): MlsMessage {
  if (commit.wireFormat !== 'mls_public_message') throw new Error('public expected');
  const { content, auth } = commit.publicMessage;
  if (content.contentType !== 'commit') throw new Error('commit expected');
  const changed = { ...content, commit: change(content.commit) };
  const authenticated = authenticateContent(suite, {
    wireFormat: 'mls_public_message',
    content: changed,
    signatureKey,
    groupContext,
    confirmationTag: () => auth.confirmationTag as Uint8Array,
  });
  return {
    wireFormat: 'mls_public_message',
    publicMessage: { content: authenticated.content, auth: authenticated.auth },
  };
}

describe.each(allProviders())('MLS external commits ($name)', (provider) => {
  describe.each([1, 3])('suite %i', (suiteId) => {
    const suite = getCipherSuite(provider, suiteId);

    it('lets a new client join from a published GroupInfo', () => {
      const { a, b, c } = threeMembers(suite);
      const signatureKeyPair = suite.signature.generateKeyPair();
      // Published as bytes, as a delivery service would hold it.
      const published = decode(MlsMessage, encode(MlsMessage, createGroupInfo(a)));
      expect(published.wireFormat).toBe('mls_group_info');
      const join = joinByExternalCommit({
        suite,
        groupInfo: published,
        identity: text('dave'),
        signatureKeyPair,
      });
      // Pending: nothing can be sent, there is nothing to fall back to.
      expect(join.state.pendingCommit?.external).toBe(true);
      expect(codeOf(() => encryptApplication(join.state, text('too early')))).toBe(
        'MLS_EXTERNAL_JOIN_PENDING',
      );
      expect(codeOf(() => createCommit(join.state))).toBe('MLS_EXTERNAL_JOIN_PENDING');
      expect(codeOf(() => discardPendingCommit(join.state))).toBe('INVALID_ARGUMENT');
      const d = confirmPendingCommit(rt(join.state));
      expect(d.retainedEpochs ?? []).toEqual([]);
      expect(d.groupContext.epoch).toBe(2n);
      expect(d.ownLeafIndex).toBe(3);

      const processed = processCommit(a, join.commit);
      expect(processed.external).toBe(true);
      expect(processed.committer).toBe(3);
      const a2 = processed.state;
      const b2 = processCommit(rt(b), join.commit).state;
      const c2 = processCommit(c, join.commit).state;
      for (const member of [a2, b2, c2]) {
        expect(member.epochSecrets.epochAuthenticator).toEqual(d.epochSecrets.epochAuthenticator);
        expect(member.tree.leafNode(3)?.signatureKey).toEqual(signatureKeyPair.publicKey);
      }
      expectTalk(d, b2, 'hello from dave');
      expectTalk(c2, d, 'welcome, dave');
      // The group goes on: Dave commits, everyone follows.
      const next = createCommit(d);
      const a3 = processCommit(a2, next.commit).state;
      expectTalk(confirmPendingCommit(next.state), a3, 'epoch 3');
      // A second external Commit for the same epoch lost the race: it is stale.
      const late = joinByExternalCommit({
        suite,
        groupInfo: published,
        identity: text('erin'),
        signatureKeyPair: suite.signature.generateKeyPair(),
      });
      expect(codeOf(() => processCommit(a2, late.commit))).toBe('MLS_WRONG_EPOCH');
    });

    it('joins with an out-of-band tree and an external PSK, and refuses without', () => {
      const { a, b } = threeMembers(suite);
      const signatureKeyPair = suite.signature.generateKeyPair();
      const bare = createGroupInfo(a, { ratchetTree: false });
      const base = { suite, groupInfo: bare, identity: text('dave'), signatureKeyPair };
      expect(codeOf(() => joinByExternalCommit(base))).toBe('INVALID_ARGUMENT');
      const noPub = createGroupInfo(a, { externalPub: false });
      expect(codeOf(() => joinByExternalCommit({ ...base, groupInfo: noPub }))).toBe(
        'MLS_MISSING_EXTERNAL_PUB',
      );
      const psk = provider.random.bytes(32);
      const externalPsks = (id: Uint8Array) =>
        Buffer.from(id).equals(Buffer.from('shared')) ? psk : undefined;
      expect(
        codeOf(() => joinByExternalCommit({ ...base, ratchetTree: a.tree, pskIds: [text('x')] })),
      ).toBe('MLS_UNKNOWN_PSK');
      const join = joinByExternalCommit({
        ...base,
        ratchetTree: a.tree,
        pskIds: [text('shared')],
        externalPsks,
      });
      expect(codeOf(() => processCommit(b, join.commit))).toBe('MLS_UNKNOWN_PSK');
      const b2 = processCommit(b, join.commit, { externalPsks }).state;
      expectTalk(confirmPendingCommit(join.state), b2, 'joined with a PSK');
    });

    it('lets a member resync by removing its own old leaf', () => {
      const { a, b, c, clients } = threeMembers(suite);
      const bob = clients[1];
      const join = joinByExternalCommit({
        suite,
        groupInfo: createGroupInfo(c),
        identity: text('bob'),
        signatureKeyPair: bob.privateKeys.signature,
        removeOwnLeaf: 1,
      });
      const bobAgain = confirmPendingCommit(join.state);
      expect(bobAgain.ownLeafIndex).toBe(1);
      expect(processCommit(b, join.commit).removedSelf).toBe(true);
      const a2 = processCommit(a, join.commit).state;
      expect(a2.tree.leafCount).toBe(c.tree.leafCount);
      expectTalk(bobAgain, a2, 'back in sync');
      // Removing someone else's leaf is refused when the joiner builds the Commit.
      expect(
        codeOf(() =>
          joinByExternalCommit({
            suite,
            groupInfo: createGroupInfo(a),
            identity: text('mallory'),
            signatureKeyPair: suite.signature.generateKeyPair(),
            removeOwnLeaf: 2,
          }),
        ),
      ).toBe('MLS_EXTERNAL_COMMIT_REMOVE');
    });

    it("checks the joiner's leaf against the group's required capabilities", () => {
      const capabilities = { ...DEFAULT_CAPABILITIES, extensions: [0xff00] };
      const [alice, bob] = ['alice', 'bob'].map((name) =>
        createKeyPackage({ suite, identity: text(name), lifetime, capabilities }),
      );
      if (alice === undefined || bob === undefined) throw new Error();
      const required = {
        extensionType: EXTENSION_TYPES.required_capabilities,
        extensionData: encode(RequiredCapabilities, {
          extensionTypes: [0xff00],
          proposalTypes: [],
          credentialTypes: [],
        }),
      };
      const a0 = createGroup({ suite, ...alice, extensions: [required] });
      const add = createCommit(a0, {
        proposals: [{ proposalType: 'add', keyPackage: bob.keyPackage }],
      });
      const a = confirmPendingCommit(add.state);
      const b = joinFromWelcome({ suite, welcome: welcomeOf(add.welcome), ...bob });
      const base = {
        suite,
        groupInfo: createGroupInfo(a),
        identity: text('carol'),
        signatureKeyPair: suite.signature.generateKeyPair(),
      };
      const lacking = joinByExternalCommit(base);
      expect(codeOf(() => processCommit(b, lacking.commit))).toBe(
        'MLS_MISSING_REQUIRED_CAPABILITY',
      );
      const able = joinByExternalCommit({ ...base, capabilities });
      expectTalk(confirmPendingCommit(able.state), processCommit(b, able.commit).state, 'ok');
    });

    it('refuses external Commits that break a §12.2 rule, each with its code', () => {
      const { a, b } = threeMembers(suite);
      const signatureKeyPair = suite.signature.generateKeyPair();
      const join = joinByExternalCommit({
        suite,
        groupInfo: createGroupInfo(a),
        identity: text('bob'),
        signatureKeyPair,
      });
      const broken = (change: (body: Commit) => Commit) =>
        reframe(suite, join.commit, signatureKeyPair.secretKey, a.groupContext, change);
      const withProposals = (extra: (proposals: Commit['proposals']) => Commit['proposals']) =>
        broken((body) => ({ ...body, proposals: extra(body.proposals) }));
      const init = (
        join.commit.wireFormat === 'mls_public_message' &&
        join.commit.publicMessage.content.contentType === 'commit'
          ? join.commit.publicMessage.content.commit.proposals[0]
          : undefined
      ) as Commit['proposals'][number];
      const byValue = (proposal: Proposal) => ({ type: 'proposal' as const, proposal });
      const cases: [string, MlsMessage][] = [
        [
          'MLS_EXTERNAL_COMMIT_REFERENCE',
          withProposals((p) => [...p, { type: 'reference', reference: new Uint8Array(32) }]),
        ],
        [
          'MLS_EXTERNAL_COMMIT_PROPOSAL',
          withProposals((p) => [
            ...p,
            byValue({ proposalType: 'group_context_extensions', extensions: [] }),
          ]),
        ],
        ['MLS_EXTERNAL_INIT_COUNT', withProposals(() => [])],
        ['MLS_EXTERNAL_INIT_COUNT', withProposals((p) => [...p, init])],
        [
          // Leaf 1 is Bob's, and the joiner's credential says bob: one Remove is fine, two not.
          'MLS_EXTERNAL_COMMIT_REMOVE',
          withProposals((p) => [
            ...p,
            byValue({ proposalType: 'remove', removed: 1 }),
            byValue({ proposalType: 'remove', removed: 1 }),
          ]),
        ],
        [
          'MLS_EXTERNAL_COMMIT_REMOVE',
          withProposals((p) => [...p, byValue({ proposalType: 'remove', removed: 2 })]),
        ],
        ['MLS_PATH_REQUIRED', broken((body) => ({ proposals: body.proposals, path: undefined }))],
        [
          // A different kem_output: the receiver derives another init_secret.
          'MLS_INVALID_CONFIRMATION_TAG',
          withProposals(() => [
            byValue({
              proposalType: 'external_init',
              kemOutput: suite.hpke.generateKeyPair().publicKey,
            }),
          ]),
        ],
      ];
      for (const [code, message] of cases) {
        expect({ code, got: codeOf(() => processCommit(b, message)) }).toEqual({ code, got: code });
      }
      // A bad signature is refused too.
      if (join.commit.wireFormat !== 'mls_public_message') throw new Error('public expected');
      const pm = join.commit.publicMessage;
      const signature = Uint8Array.from(pm.auth.signature);
      signature[3] = (signature[3] as number) ^ 1;
      const forged: MlsMessage = {
        wireFormat: 'mls_public_message',
        publicMessage: { ...pm, auth: { ...pm.auth, signature } },
      };
      expect(codeOf(() => processCommit(b, forged))).toBe('SIGNATURE_INVALID');
      // The untouched Commit is accepted (every refusal above left b unchanged).
      expect(processCommit(b, join.commit).state.groupContext.epoch).toBe(2n);
    });
  });
});
