/**
 * RFC 9420 §6 message protection against the interop vectors (mls-implementations
 * message-protection.json), on both backends, for cipher suites 1 and 3. For the proposal, the
 * commit and the application data, with leaf 1 of a 2-leaf group as the sender:
 * - the given PublicMessage (not for application data) decodes, re-encodes to the same bytes
 *   and unprotects (membership tag, signature) to the raw content;
 * - protecting the raw content as a PublicMessage yields one that unprotects (application
 *   data: refused with MLS_APPLICATION_IN_PUBLIC_MESSAGE);
 * - the given PrivateMessage unprotects with a fresh secret tree to the raw content;
 * - protecting the raw content as a PrivateMessage yields one that unprotects with a fresh tree.
 */
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsMessageProtection, type MlsMessageProtectionCase } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { decode, encode } from '@sigil/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { type CipherSuite, getCipherSuite } from '../src/cipher-suite.ts';
import { authenticateContent, type SignerKeys } from '../src/framing/content-auth.ts';
import type { AuthenticatedContent, FramedContentBody } from '../src/framing/framed-content.ts';
import { MlsMessage } from '../src/framing/mls-message.ts';
import { protectPrivateMessage, unprotectPrivateMessage } from '../src/framing/private-message.ts';
import { protectPublicMessage, unprotectPublicMessage } from '../src/framing/public-message.ts';
import { SecretTree } from '../src/secret-tree.ts';
import { Commit } from '../src/wire/commit.ts';
import type { GroupContext } from '../src/wire/group-context.ts';
import { Proposal } from '../src/wire/proposal.ts';
import { codeOf, expectBytes, hex, supportedCases } from './helpers.ts';

const FAMILY = 'rfc9420/message-protection';
const all = loadMlsMessageProtection();
const { run: cases, skipped } = supportedCases(all);
const SENDER = 1;

afterAll(() => flushTally());

/** The raw content of a body, for comparison with the vector's raw bytes. */
function rawOf(body: FramedContentBody): Uint8Array {
  switch (body.contentType) {
    case 'application':
      return body.applicationData;
    case 'proposal':
      return encode(Proposal, body.proposal);
    case 'commit':
      return encode(Commit, body.commit);
  }
}

function setup(c: MlsMessageProtectionCase, suite: CipherSuite) {
  const groupContext: GroupContext = {
    version: 1,
    cipherSuite: c.cipherSuite,
    groupId: c.groupId,
    epoch: c.epoch,
    treeHash: c.treeHash,
    confirmedTranscriptHash: c.confirmedTranscriptHash,
    extensions: [],
  };
  const signers: SignerKeys = {
    member: (leaf) => (leaf === SENDER ? c.signaturePub : undefined),
  };
  const freshTree = () => SecretTree.create(suite, c.encryptionSecret, 2);
  return { groupContext, signers, freshTree };
}

function sign(
  suite: CipherSuite,
  c: MlsMessageProtectionCase,
  groupContext: GroupContext,
  wireFormat: AuthenticatedContent['wireFormat'],
  body: FramedContentBody,
): AuthenticatedContent {
  return authenticateContent(suite, {
    wireFormat,
    content: {
      groupId: c.groupId,
      epoch: c.epoch,
      sender: { senderType: 'member', leafIndex: SENDER },
      authenticatedData: new Uint8Array(0),
      ...body,
    },
    signatureKey: c.signaturePriv,
    groupContext,
    // Any tag will do here: message protection does not check it (commit processing does).
    confirmationTag:
      body.contentType === 'commit'
        ? (signature) => suite.mac(c.membershipKey, signature)
        : undefined,
  });
}

describe.each(allProviders())(`${FAMILY} ($name backend)`, (provider) => {
  it(`runs the ${cases.length} cases of suites 1 and 3 (skips ${skipped} of suites 2, 4-7)`, () => {
    expect([all.length, cases.length, skipped]).toEqual([7, 2, 5]);
  });

  it('proposal, commit and application: given messages unprotect, ours round-trip', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const suite = getCipherSuite(provider, c.cipherSuite);
      const { groupContext, signers, freshTree } = setup(c, suite);
      const bodies: [string, FramedContentBody, Uint8Array, Uint8Array | undefined, Uint8Array][] =
        [
          [
            'proposal',
            { contentType: 'proposal', proposal: decode(Proposal, c.proposal) },
            c.proposal,
            c.proposalPub,
            c.proposalPriv,
          ],
          [
            'commit',
            { contentType: 'commit', commit: decode(Commit, c.commit) },
            c.commit,
            c.commitPub,
            c.commitPriv,
          ],
          [
            'application',
            { contentType: 'application', applicationData: c.application },
            c.application,
            undefined,
            c.applicationPriv,
          ],
        ];
      for (const [kind, body, raw, pubBytes, privBytes] of bodies) {
        const f = (what: string) => `${c.name} ${kind} ${what}`;
        expectBytes(failures, f('raw re-encoding'), rawOf(body), raw);

        // The given PublicMessage.
        if (pubBytes !== undefined) {
          const message = decode(MlsMessage, pubBytes);
          expectBytes(failures, f('pub re-encoding'), encode(MlsMessage, message), pubBytes);
          if (message.wireFormat !== 'mls_public_message') {
            failures.push(f('pub is not a PublicMessage'));
          } else {
            const got = unprotectPublicMessage(suite, message.publicMessage, {
              groupContext,
              membershipKey: c.membershipKey,
              signers,
            });
            expectBytes(failures, f('pub content'), rawOf(got.content), raw);
          }
        }

        // Our PublicMessage.
        const publicContent = sign(suite, c, groupContext, 'mls_public_message', body);
        if (kind === 'application') {
          const code = codeOf(() =>
            protectPublicMessage(suite, publicContent, groupContext, c.membershipKey),
          );
          if (code !== 'MLS_APPLICATION_IN_PUBLIC_MESSAGE')
            failures.push(f(`public protect: ${code}`));
        } else {
          const ours = protectPublicMessage(suite, publicContent, groupContext, c.membershipKey);
          const wire = encode(MlsMessage, {
            wireFormat: 'mls_public_message',
            publicMessage: ours,
          });
          const back = decode(MlsMessage, wire);
          if (back.wireFormat !== 'mls_public_message') failures.push(f('our pub decodes wrong'));
          else {
            const got = unprotectPublicMessage(suite, back.publicMessage, {
              groupContext,
              membershipKey: c.membershipKey,
              signers,
            });
            expectBytes(failures, f('our pub content'), rawOf(got.content), raw);
          }
        }

        // The given PrivateMessage.
        const given = decode(MlsMessage, privBytes);
        expectBytes(failures, f('priv re-encoding'), encode(MlsMessage, given), privBytes);
        if (given.wireFormat !== 'mls_private_message') {
          failures.push(f('priv is not a PrivateMessage'));
        } else {
          const got = unprotectPrivateMessage(suite, given.privateMessage, {
            groupContext,
            secretTree: freshTree(),
            senderDataSecret: c.senderDataSecret,
            signers,
          });
          expectBytes(failures, f('priv content'), rawOf(got.authenticatedContent.content), raw);
          const sender = got.authenticatedContent.content.sender;
          if (sender.senderType !== 'member' || sender.leafIndex !== SENDER)
            failures.push(f('priv sender'));
        }

        // Our PrivateMessage.
        const privateContent = sign(suite, c, groupContext, 'mls_private_message', body);
        const sent = protectPrivateMessage(suite, privateContent, {
          secretTree: freshTree(),
          senderDataSecret: c.senderDataSecret,
          paddingLength: 17,
        });
        const wire = encode(MlsMessage, {
          wireFormat: 'mls_private_message',
          privateMessage: sent.message,
        });
        const back = decode(MlsMessage, wire);
        if (back.wireFormat !== 'mls_private_message') failures.push(f('our priv decodes wrong'));
        else {
          const got = unprotectPrivateMessage(suite, back.privateMessage, {
            groupContext,
            secretTree: freshTree(),
            senderDataSecret: c.senderDataSecret,
            signers,
          });
          expectBytes(
            failures,
            f('our priv content'),
            rawOf(got.authenticatedContent.content),
            raw,
          );
          if (hex(got.authenticatedContent.auth.signature) !== hex(privateContent.auth.signature)) {
            failures.push(f('our priv signature changed'));
          }
        }
      }
      tally(FAMILY, provider.name, 'valid');
    }
    expect(failures).toEqual([]);
  });
});
