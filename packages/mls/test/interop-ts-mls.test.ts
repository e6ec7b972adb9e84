/**
 * Interop with ts-mls 1.6.4 (RFC 9420), suites 1 (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519)
 * and 3 (MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519), on both Sigil backends. Only encoded MLSMessage bytes cross between the two: (a) a ts-mls
 * group adds a Sigil member, which joins from the ts-mls Welcome; (b) a Sigil group adds a
 * ts-mls member. Then, for several epochs: a third member is added (by the joiner), each side
 * commits a path update, the third member is removed, commits go as PublicMessage and as
 * PrivateMessage, two more clients join by external Commit from GroupInfos each side
 * publishes, and application messages flow every way. After every epoch all members agree
 * on the epoch, the epoch_authenticator (§8) and an MLS-Exporter secret (§8.5).
 *
 * For suite 3 ts-mls uses the optional `@hpke/chacha20poly1305` package (a dev dependency).
 */
import { allProviders } from '@sigil/crypto/testing';
import type { CiphersuiteImpl } from 'ts-mls';
import { beforeAll, describe, expect, it } from 'vitest';
import { hex } from './helpers.ts';
import { type Peer, sigilPeer, tsMlsPeer, tsMlsSuite } from './interop-peers.ts';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

/** Every member is at the same epoch with the same epoch_authenticator and exporter output. */
async function expectAgreement(members: readonly Peer[], step: string): Promise<void> {
  const [first, ...rest] = members;
  if (first === undefined) return;
  const context = text(step);
  expect(first.epochAuthenticator().length, step).toBe(32);
  const want = {
    epoch: first.epoch(),
    authenticator: hex(first.epochAuthenticator()),
    exporter: hex(await first.exporter('sigil interop', context, 32)),
  };
  for (const member of rest) {
    const got = {
      epoch: member.epoch(),
      authenticator: hex(member.epochAuthenticator()),
      exporter: hex(await member.exporter('sigil interop', context, 32)),
    };
    expect(got, `${step}: ${member.name} (${member.impl}) vs ${first.name}`).toEqual(want);
  }
}

/** Each member sends one message; every other member decrypts it. */
async function exchange(members: readonly Peer[], step: string): Promise<void> {
  for (const sender of members) {
    const data = `${step}: from ${sender.name} (${sender.impl}) at epoch ${sender.epoch()}`;
    const message = await sender.encrypt(text(data));
    for (const receiver of members) {
      if (receiver === sender) continue;
      expect(str(await receiver.decrypt(message)), `${step}: ${receiver.name}`).toBe(data);
    }
  }
}

/** `committer` commits; every other listed member processes the Commit. */
async function commitAll(
  committer: Peer,
  others: readonly Peer[],
  request: Parameters<Peer['commit']>[0],
): Promise<Awaited<ReturnType<Peer['commit']>>> {
  const out = await committer.commit(request);
  for (const member of others) await member.process(out.commit);
  return out;
}

type Factory = (name: string) => Promise<Peer>;

/**
 * The whole scenario: `creator` makes the group and adds `joiner` (the other implementation);
 * `joiner` adds `third`; updates by both sides; `creator` removes `third`; then `joiner`
 * removes nobody but commits privately; messages after every step.
 */
async function scenario(
  make: { creator: Factory; joiner: Factory; third: Factory },
  treeInExtension: boolean,
): Promise<void> {
  const a = await make.creator('alice');
  const b = await make.joiner('bob');
  const c = await make.third('carol');

  await a.create();
  const addB = await a.commit({ add: [b.keyPackage], ratchetTreeExtension: treeInExtension });
  if (addB.welcome === undefined) throw new Error('no Welcome for bob');
  await b.join(addB.welcome, treeInExtension ? undefined : addB.ratchetTree);
  await expectAgreement([a, b], 'bob joined');
  await exchange([a, b], 'epoch 1');

  // The joiner adds the third member (PrivateMessage Commit); everyone else processes it.
  const addC = await commitAll(b, [a], {
    add: [c.keyPackage],
    private: true,
    ratchetTreeExtension: treeInExtension,
  });
  if (addC.welcome === undefined) throw new Error('no Welcome for carol');
  await c.join(addC.welcome, treeInExtension ? undefined : addC.ratchetTree);
  await expectAgreement([a, b, c], 'carol joined');
  await exchange([a, b, c], 'epoch 2');

  // Path updates (empty Commits with an UpdatePath) by each member, public then private.
  await commitAll(a, [b, c], {});
  await expectAgreement([a, b, c], 'alice updated');
  await exchange([a, b, c], 'epoch 3');
  await commitAll(b, [a, c], {});
  await expectAgreement([a, b, c], 'bob updated');
  await commitAll(c, [a, b], { private: true });
  await expectAgreement([a, b, c], 'carol updated');
  await exchange([a, b, c], 'epoch 5');

  // Removal of the third member by the creator, then more traffic between the two left.
  await commitAll(a, [b], { remove: [c.leafIndex()], private: true });
  await expectAgreement([a, b], 'carol removed');
  await exchange([a, b], 'epoch 6');
  await commitAll(b, [a], { private: true });
  await expectAgreement([a, b], 'bob updated again');
  await exchange([a, b], 'epoch 7');
  expect(a.epoch()).toBe(7n);

  // A fourth client (of each implementation in turn) joins by external Commit from the
  // GroupInfo each side publishes (§12.4.3.2; on its form see `Peer.publishGroupInfo`).
  const dave = await make.third('dave');
  const joinAtB = await dave.joinExternal(await b.publishGroupInfo(dave.impl));
  for (const member of [a, b]) await member.process(joinAtB);
  await expectAgreement([a, b, dave], 'dave joined by external Commit');
  await exchange([a, b, dave], 'epoch 8');
  const erin = await make.creator('erin');
  const joinAtA = await erin.joinExternal(await a.publishGroupInfo(erin.impl));
  for (const member of [a, b, dave]) await member.process(joinAtA);
  await expectAgreement([a, b, dave, erin], 'erin joined by external Commit');
  await exchange([a, b, dave, erin], 'epoch 9');
}

describe.each(allProviders().flatMap((provider) => [1, 3].map((suite) => ({ provider, suite }))))(
  'MLS interop with ts-mls ($provider.name, suite $suite)',
  ({ provider, suite }) => {
    let impl: CiphersuiteImpl;
    beforeAll(async () => {
      impl = await tsMlsSuite(suite);
    });
    const sigil: Factory = async (name) => sigilPeer(provider, suite, name);
    const tsMls: Factory = (name) => tsMlsPeer(impl, name);

    describe.each([
      ['ratchet tree in the GroupInfo extension', true],
      ['ratchet tree out of band', false],
    ])('%s', (_label, treeInExtension) => {
      it('(a) ts-mls creates, Sigil joins; a ts-mls third member', async () => {
        await scenario({ creator: tsMls, joiner: sigil, third: tsMls }, treeInExtension);
      });
      it('(a) ts-mls creates, Sigil joins; a Sigil third member', async () => {
        await scenario({ creator: tsMls, joiner: sigil, third: sigil }, treeInExtension);
      });
      it('(b) Sigil creates, ts-mls joins; a Sigil third member', async () => {
        await scenario({ creator: sigil, joiner: tsMls, third: sigil }, treeInExtension);
      });
      it('(b) Sigil creates, ts-mls joins; a ts-mls third member', async () => {
        await scenario({ creator: sigil, joiner: tsMls, third: tsMls }, treeInExtension);
      });
    });
  },
);
