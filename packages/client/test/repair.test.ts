/**
 * No "unable to decrypt": when a receiver cannot decrypt (its session record deleted or
 * corrupted, the one-time prekeys a first message used lost), it sends a resend request over a
 * fresh session and the sender resends; the user sees the message, once.
 */
import { getCryptoProvider } from '@sigil/crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../src/index.ts';
import {
  collect,
  newAccount,
  parts,
  spyOutbox,
  startRelay,
  type TestRelay,
  texts,
  until,
} from './harness.ts';

const crypto = getCryptoProvider();
let relay: TestRelay | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await relay?.close();
  relay = undefined;
});

async function pair() {
  relay = await startRelay();
  const alice = await newAccount(relay, 'alice', parts(crypto));
  const bob = await newAccount(relay, 'bob', parts(crypto));
  cleanups.push(
    () => alice.client.close(),
    () => bob.client.close(),
  );
  const bobContact = await alice.client.findContact('bob');
  const aliceId = alice.client.whoami().accountId;
  // What each side queued: Bob's resend requests, Alice's resends.
  const bobWork = spyOutbox(bob.parts.store);
  const aliceWork = spyOutbox(alice.parts.store);
  return { alice, bob, bobContact, aliceId, bobWork, aliceWork };
}

const bodies = (messages: readonly Message[]) =>
  messages.map((m) => (m.body.type === 'text' ? m.body.text : '?'));

describe('session repair', () => {
  it.each(['deleted', 'corrupted'] as const)(
    "the receiver's session record is %s: the message arrives after repair",
    async (damage) => {
      const { alice, bob, bobContact, aliceId, bobWork, aliceWork } = await pair();
      const inbox = collect(bob.client, 'message');
      await alice.client.send(bobContact, 'before the damage');
      await bob.client.send(aliceId, 'bob answers');
      await until(() => inbox.length === 1, 'the first message');
      await until(async () => (await texts(alice.client)).length === 2, 'alice has the answer');

      await bob.parts.store.transaction(async (tx) => {
        if (damage === 'deleted') await tx.deleteSession(aliceId, 1);
        else await tx.putSession(aliceId, 1, crypto.random.bytes(200));
      });
      await alice.client.send(bobContact, 'after the damage 1');
      await alice.client.send(bobContact, 'after the damage 2');
      await until(() => inbox.length === 3, 'both repaired messages');
      expect(bodies(inbox).sort()).toEqual([
        'after the damage 1',
        'after the damage 2',
        'before the damage',
      ]);
      // Each undecryptable envelope was asked for and resent once.
      expect(bobWork).toEqual(['resend-request', 'resend-request']);
      expect(aliceWork).toEqual(['resend', 'resend']);

      // Both directions work afterwards, on the new session.
      await bob.client.send(aliceId, 'bob after repair');
      await alice.client.send(bobContact, 'alice after repair');
      await until(() => inbox.length === 4, 'the next message');
      await until(async () => (await texts(alice.client)).includes('bob after repair'), 'alice');
      expect(inbox[3]?.body).toEqual({ type: 'text', text: 'alice after repair' });
      expect(new Set(inbox.map((m) => m.id)).size).toBe(4);
      expect([...alice.errors, ...bob.errors]).toEqual([]);
      // Resend requests and resends are ciphertext like any message.
      const haystacks = [...(relay?.files() ?? []), Buffer.from(relay?.logs.join('\n') ?? '')];
      for (const hay of haystacks)
        expect(hay.includes(Buffer.from('after the damage'))).toBe(false);
      // The repair left nothing queued.
      expect(await bob.parts.store.transaction((tx) => tx.listOutbox(10))).toEqual([]);
      expect(await alice.parts.store.transaction((tx) => tx.listOutbox(10))).toEqual([]);
    },
  );

  it('the receiver lost the one-time prekeys a first message used: repaired', async () => {
    const { alice, bob, bobContact, bobWork, aliceWork } = await pair();
    const inbox = collect(bob.client, 'message');
    await bob.parts.store.transaction(async (tx) => {
      for (const kind of ['one-time', 'kem'] as const) {
        for (const row of await tx.listPreKeys(kind)) await tx.deletePreKey(kind, row.id);
      }
    });
    await alice.client.send(bobContact, 'first message, prekeys gone');
    await until(() => inbox.length === 1, 'the repaired first message');
    expect(inbox[0]?.body).toEqual({ type: 'text', text: 'first message, prekeys gone' });
    expect([bobWork, aliceWork]).toEqual([['resend-request'], ['resend']]);
    await alice.client.send(bobContact, 'and the next');
    await until(() => inbox.length === 2, 'the next one');
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it("the sender's own session is lost: it starts a fresh one and the receiver follows", async () => {
    const { alice, bob, bobContact, aliceId, bobWork } = await pair();
    const inbox = collect(bob.client, 'message');
    await alice.client.send(bobContact, 'one');
    await until(() => inbox.length === 1, 'one');
    await alice.parts.store.transaction((tx) => tx.deleteSession(bobContact.accountId, 1));
    await alice.client.send(bobContact, 'two');
    await until(() => inbox.length === 2, 'two');
    await bob.client.send(aliceId, 'three');
    await until(async () => (await texts(alice.client)).includes('three'), 'three');
    expect(bodies(inbox)).toEqual(['one', 'two']);
    expect(bobWork).toEqual([]); // a new session from the sender needs no repair
  });
});
