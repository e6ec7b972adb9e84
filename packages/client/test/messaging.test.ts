/**
 * End to end through a real relay on loopback: two accounts find each other, exchange messages
 * both ways (text and bytes, in order), a second device of one account receives the fan-out and
 * the sync copies of its own account's messages, safety numbers agree, and neither the relay's
 * database files nor its logs contain any plaintext.
 */
import { getCryptoProvider } from '@sigil/crypto';
import { nodeProvider } from '@sigil/crypto/node';
import { portableProvider } from '@sigil/crypto/portable';
import { createDeviceKeys } from '@sigil/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from '../src/index.ts';
import {
  clientOf,
  collect,
  connected,
  newAccount,
  parts,
  startRelay,
  type TestRelay,
  texts,
  until,
} from './harness.ts';

let relay: TestRelay | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await relay?.close();
  relay = undefined;
});

describe.each([nodeProvider, portableProvider])('messaging on $name', (crypto) => {
  it('two accounts exchange messages both ways through the relay, which never sees plaintext', async () => {
    relay = await startRelay();
    const alice = await newAccount(relay, 'alice', parts(crypto));
    const bob = await newAccount(relay, 'bob', parts(crypto));
    cleanups.push(
      () => alice.client.close(),
      () => bob.client.close(),
    );
    const bobInbox = collect(bob.client, 'message');
    const aliceInbox = collect(alice.client, 'message');

    const bobContact = await alice.client.findContact('bob');
    expect(bobContact).toMatchObject({
      username: 'bob',
      verified: false,
      identityChanged: false,
      devices: [1],
    });
    const secrets = [
      'first secret from alice',
      'second secret from alice',
      'third secret from alice',
    ];
    for (const text of secrets) await alice.client.send(bobContact, text);
    await until(() => bobInbox.length === 3, 'bob receives 3 messages');
    expect(bobInbox.map((m) => (m.body.type === 'text' ? m.body.text : ''))).toEqual(secrets);
    const aliceId = alice.client.whoami().accountId;
    expect(bobInbox.every((m) => m.direction === 'in' && m.sender.accountId === aliceId)).toBe(
      true,
    );

    // Bob replies to the contact that receiving created (pinned on first use), with bytes too.
    const aliceContact = await bob.client.contact(aliceId);
    expect(aliceContact?.username).toBeUndefined();
    await bob.client.send(aliceId, 'reply secret from bob');
    await bob.client.send(aliceId, new Uint8Array([1, 2, 3, 250]));
    await until(() => aliceInbox.length === 2, 'alice receives 2 replies');
    expect(aliceInbox[0]?.body).toEqual({ type: 'text', text: 'reply secret from bob' });
    expect(aliceInbox[1]?.body).toEqual({ type: 'bytes', data: new Uint8Array([1, 2, 3, 250]) });

    // The stored conversations hold both directions, in order.
    expect(await texts(alice.client, bobContact.id)).toEqual([
      ...secrets,
      'reply secret from bob',
      '<4 bytes>',
    ]);
    expect(await texts(bob.client, aliceId)).toEqual([
      ...secrets,
      'reply secret from bob',
      '<4 bytes>',
    ]);

    // Both sides compute the same safety number; verifying marks the contact.
    const mine = await alice.client.safetyNumber(bobContact);
    const theirs = await bob.client.safetyNumber(aliceId);
    expect(mine.digits).toBe(theirs.digits);
    expect(mine.digits).toMatch(/^[0-9]{60}$/);
    expect((await alice.client.markVerified(bobContact)).verified).toBe(true);

    // The relay's files and logs hold no plaintext (searched as UTF-8 bytes).
    await relay.app.purge();
    const haystacks = [...relay.files(), Buffer.from(relay.logs.join('\n'))];
    expect(relay.logs.length).toBeGreaterThan(10);
    for (const text of [...secrets, 'reply secret from bob', 'secret']) {
      for (const hay of haystacks) expect(hay.includes(Buffer.from(text)), text).toBe(false);
    }
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });
});

describe('multi-device', () => {
  it('a second device gets the fan-out and the sync copies of its own account', async () => {
    relay = await startRelay();
    const crypto = getCryptoProvider();
    const alice = await newAccount(relay, 'alice', parts(crypto));
    const bob = await newAccount(relay, 'bob', parts(crypto));
    cleanups.push(
      () => alice.client.close(),
      () => bob.client.close(),
    );
    const bobContact = await alice.client.findContact('bob');
    await alice.client.send(bobContact, 'before the second device');
    const aliceId = alice.client.whoami().accountId;
    await until(async () => (await texts(bob.client, aliceId)).length === 1, 'bob gets the first');

    // Bob adds a laptop: its keys are generated on the laptop, device 1 certifies them.
    const laptopKeys = createDeviceKeys({ crypto });
    const certificate = await bob.client.addDevice({
      deviceId: 2,
      identityKey: laptopKeys.identityKeyPair.publicKey,
      signingKey: laptopKeys.signingKeyPair.publicKey,
    });
    const laptop = clientOf(parts(crypto));
    cleanups.push(() => laptop.close());
    const joined = await laptop.joinAccount({
      relayUrl: relay.url,
      keys: laptopKeys,
      certificate,
      username: 'bob',
    });
    expect(joined).toMatchObject({ deviceId: 2, devices: [1, 2], holdsAccountKey: false });
    expect(bob.client.whoami().devices).toEqual([1, 2]);
    await connected(laptop);
    const laptopInbox = collect(laptop, 'message');
    const phoneInbox = collect(bob.client, 'message');
    const listChanges = collect(alice.client, 'device-list-changed');

    // Alice's cached list is stale: the relay's 409 makes her refetch it and send to both.
    await alice.client.send(bobContact, 'to both of bob');
    await until(() => laptopInbox.length === 1 && phoneInbox.length === 1, 'both devices receive');
    expect(laptopInbox[0]).toMatchObject({
      direction: 'in',
      body: { type: 'text', text: 'to both of bob' },
    });
    expect(listChanges).toMatchObject([
      { accountId: bobContact.accountId, added: [2], removed: [] },
    ]);

    // Bob's phone replies; the laptop gets a sync copy filed under the conversation with Alice.
    await bob.client.send(aliceId, 'from the phone');
    await until(() => laptopInbox.length === 2, 'the laptop gets the sync copy');
    const copy = laptopInbox[1] as Message;
    expect(copy).toMatchObject({ direction: 'out', contactId: aliceId, sender: { deviceId: 1 } });
    expect(copy.body).toEqual({ type: 'text', text: 'from the phone' });
    // The laptop replies too; Alice sees both, the phone gets the laptop's sync copy.
    await laptop.send(aliceId, 'from the laptop');
    await until(async () => (await texts(alice.client, bobContact.id)).length === 4, 'alice has 4');
    await until(() => phoneInbox.length === 2, 'the phone gets the laptop sync copy');
    expect(phoneInbox[1]).toMatchObject({ direction: 'out', sender: { deviceId: 2 } });
    expect(await texts(alice.client, bobContact.id)).toEqual([
      'before the second device',
      'to both of bob',
      'from the phone',
      'from the laptop',
    ]);

    // A sync copy for an account the laptop never saw: filed under it, and the account pinned.
    const carol = await newAccount(relay, 'carol', parts(crypto));
    cleanups.push(() => carol.client.close());
    const carolId = carol.client.whoami().accountId;
    await bob.client.send('carol', 'hi carol, from the phone');
    await until(async () => (await laptop.contact(carolId)) !== undefined, 'the laptop pins carol');
    expect(await texts(laptop, carolId)).toEqual(['hi carol, from the phone']);
    expect(await laptop.contact(carolId)).toMatchObject({ id: carolId, devices: [1] });

    // Removing the laptop: Alice learns on her next send (409), and sessions with it go.
    await bob.client.removeDevice(2);
    await alice.client.send(bobContact, 'only the phone now');
    await until(() => phoneInbox.length === 3, 'the phone gets it');
    expect(listChanges[1]).toMatchObject({ added: [], removed: [2] });
    expect((await alice.client.contact(bobContact.id))?.devices).toEqual([1]);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });
});
