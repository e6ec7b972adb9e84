/**
 * Prekey maintenance: one-time prekeys used by first messages are deleted locally and refilled
 * on the relay once below the threshold; the signed and last-resort prekeys rotate on schedule,
 * the replaced ones still decrypt a first message in flight and are deleted after the grace
 * period; keys the relay lost are uploaded again.
 */
import { getCryptoProvider } from '@sigil/crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  collect,
  connected,
  ManualClock,
  newAccount,
  parts,
  spyOutbox,
  startRelay,
  TEST_OPTIONS,
  type TestRelay,
  texts,
  until,
} from './harness.ts';

const crypto = getCryptoProvider();
const DAY = 24 * 60 * 60 * 1000;
let relay: TestRelay | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await relay?.close();
  relay = undefined;
});

async function relayCounts(accountId: string) {
  return relay?.app.context.store.countKeys(accountId, 1);
}

describe('prekeys', () => {
  it('account creation uploads 100 of each kind, a signed and a last-resort prekey', async () => {
    relay = await startRelay();
    const bob = await newAccount(relay, 'bob', parts(crypto, { options: { ...TEST_OPTIONS } }));
    cleanups.push(() => bob.client.close());
    expect(await relayCounts(bob.client.whoami().accountId)).toMatchObject({
      oneTimePreKeys: 100,
      kemPreKeys: 100,
      signedPreKeyId: 1,
      lastResortKemPreKeyId: 1, // KEM ids are one space: the last-resort key first, then 2..101
      hasCertificate: true,
    });
    const local = await bob.parts.store.transaction(async (tx) => ({
      oneTime: (await tx.listPreKeys('one-time')).length,
      kem: (await tx.listPreKeys('kem')).map((r) => r.id),
      signed: (await tx.listPreKeys('signed')).map((r) => r.id),
      lastResort: (await tx.listPreKeys('last-resort')).map((r) => r.id),
    }));
    expect(local).toEqual({
      oneTime: 100,
      kem: Array.from({ length: 100 }, (_, i) => i + 2),
      signed: [1],
      lastResort: [1],
    });
  });

  it('used one-time prekeys are deleted and refilled below the threshold', async () => {
    relay = await startRelay();
    const options = { ...TEST_OPTIONS, preKeyTarget: 10, preKeyRefillThreshold: 5 };
    const bob = await newAccount(relay, 'bob', parts(crypto, { options }));
    const alice = await newAccount(relay, 'alice', parts(crypto));
    cleanups.push(
      () => bob.client.close(),
      () => alice.client.close(),
    );
    const bobId = bob.client.whoami().accountId;
    const inbox = collect(bob.client, 'message');
    // Each send after Alice drops her session starts a new one from a new bundle.
    for (let i = 0; i < 6; i++) {
      await alice.parts.store.transaction((tx) => tx.deleteSession(bobId, 1));
      await alice.client.send('bob', `message ${i}`);
      await until(() => inbox.length === i + 1, `message ${i}`);
    }
    await until(async () => (await relayCounts(bobId))?.oneTimePreKeys === 10, 'the refill');
    expect(await relayCounts(bobId)).toMatchObject({ oneTimePreKeys: 10, kemPreKeys: 10 });
    const local = await bob.parts.store.transaction(async (tx) => ({
      oneTime: (await tx.listPreKeys('one-time')).map((r) => r.id),
      kem: (await tx.listPreKeys('kem')).length,
    }));
    // ids 1..10 uploaded first, 1..6 used; 11..16 uploaded by the refill.
    expect(local.oneTime).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(local.kem).toBe(10);
    expect(bob.errors).toEqual([]);
  });

  it('the signed prekey rotates; the old one serves first messages in flight, then goes', async () => {
    relay = await startRelay();
    const clock = new ManualClock();
    const bob = await newAccount(relay, 'bob', parts(crypto, { clock }));
    const alice = await newAccount(relay, 'alice', parts(crypto));
    cleanups.push(
      () => bob.client.close(),
      () => alice.client.close(),
    );
    const bobId = bob.client.whoami().accountId;
    const bobWork = spyOutbox(bob.parts.store);

    // Bob is offline; Alice's first message is built on signed prekey 1.
    await bob.client.disconnect();
    await alice.client.send('bob', 'built on the old signed prekey');
    clock.advance(8 * DAY);
    await bob.client.maintainPreKeys();
    const rotated = await relayCounts(bobId);
    expect(rotated?.signedPreKeyId).toBe(2);
    expect(rotated?.lastResortKemPreKeyId).toBe(102);
    await connected(bob.client);
    await until(async () => (await texts(bob.client)).length === 1, 'the message in flight');
    expect(bobWork).toEqual([]); // decrypted with the replaced key: no repair needed

    const signedIds = () =>
      bob.parts.store.transaction(async (tx) => (await tx.listPreKeys('signed')).map((r) => r.id));
    expect(await signedIds()).toEqual([1, 2]);
    clock.advance(29 * DAY); // key 1 replaced 29 days ago: kept; a new rotation replaces key 2
    await bob.client.maintainPreKeys();
    expect(await signedIds()).toEqual([1, 2, 3]);
    clock.advance(2 * DAY); // key 1 replaced 31 days ago: deleted
    await bob.client.maintainPreKeys();
    expect(await signedIds()).toEqual([2, 3]);
    expect((await relayCounts(bobId))?.signedPreKeyId).toBe(3);
  });
});
