/**
 * Identity changes: a contact's account is deleted and re-created under the same username (new
 * account key). The other side gets `identity-changed`, sending is blocked (`IDENTITY_CHANGED`)
 * until the change is accepted, and `verified` resets. Trust on first use otherwise: a relay
 * that serves a list signed by another key for an account id is refused.
 */
import { getCryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, newAccount, parts, startRelay, type TestRelay, texts, until } from './harness.ts';

const crypto = getCryptoProvider();
let relay: TestRelay | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await relay?.close();
  relay = undefined;
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(SigilError.is(error) ? error.code : error).toBe(code);
}

describe('identity change', () => {
  it('a re-created account under the same username blocks sending until accepted', async () => {
    relay = await startRelay();
    const alice = await newAccount(relay, 'alice', parts(crypto));
    const oldBob = await newAccount(relay, 'bob', parts(crypto));
    cleanups.push(() => alice.client.close());
    const changes = collect(alice.client, 'identity-changed');
    const contact = await alice.client.findContact('bob');
    await alice.client.send(contact, 'hello old bob');
    await until(async () => (await texts(oldBob.client)).length === 1, 'old bob receives');
    await alice.client.markVerified(contact);
    const oldNumber = (await alice.client.safetyNumber(contact)).digits;

    // Bob loses everything and signs up again with the same username: a new account key.
    await oldBob.client.deleteAccount();
    const newBob = await newAccount(relay, 'bob', parts(crypto));
    cleanups.push(() => newBob.client.close());
    const newBobId = newBob.client.whoami().accountId;
    expect(newBobId).not.toBe(contact.accountId);

    // Sending finds the old account gone, the username pointing elsewhere: blocked.
    await expectCode(alice.client.send(contact, 'are you still bob?'), 'IDENTITY_CHANGED');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      previousAccountId: contact.accountId,
      newAccountId: newBobId,
    });
    expect(changes[0]?.contact).toMatchObject({
      id: contact.id,
      identityChanged: true,
      verified: true,
    });
    await expectCode(alice.client.send(contact, 'still blocked'), 'IDENTITY_CHANGED');
    await expectCode(alice.client.markVerified(contact), 'IDENTITY_CHANGED');
    // Looking the username up again reports the same pending change, not a second event.
    expect(await alice.client.findContact('bob')).toMatchObject({ identityChanged: true });
    expect(changes).toHaveLength(1);

    // New Bob writes first: his message is shown (from an account Alice has not accepted yet).
    await newBob.client.send(alice.client.whoami().accountId, 'it is me, new bob');
    await until(async () => (await texts(alice.client)).includes('it is me, new bob'), 'alice');

    // The user compares the new safety number and accepts: sending works, verified is reset,
    // and the conversation with the new account joins the contact.
    const accepted = await alice.client.acceptIdentityChange(contact);
    expect(accepted).toMatchObject({
      id: contact.id,
      accountId: newBobId,
      identityChanged: false,
      verified: false,
    });
    expect((await alice.client.safetyNumber(contact)).digits).not.toBe(oldNumber);
    expect((await alice.client.safetyNumber(contact)).digits).toBe(
      (await newBob.client.safetyNumber(alice.client.whoami().accountId)).digits,
    );
    await alice.client.send(contact, 'welcome back');
    await until(
      async () => (await texts(newBob.client)).includes('welcome back'),
      'new bob receives',
    );
    expect(await texts(alice.client, contact.id)).toEqual([
      'hello old bob',
      'it is me, new bob',
      'welcome back',
    ]);
    expect((await alice.client.contacts()).map((c) => c.id)).toEqual([contact.id]);
    expect(alice.errors).toEqual([]);
  });

  it('findContact reports the change too, and an account id is never re-pinned', async () => {
    relay = await startRelay();
    const alice = await newAccount(relay, 'alice', parts(crypto));
    const oldBob = await newAccount(relay, 'bob', parts(crypto));
    cleanups.push(() => alice.client.close());
    const changes = collect(alice.client, 'identity-changed');
    const contact = await alice.client.findContact('bob');
    await oldBob.client.deleteAccount();
    const newBob = await newAccount(relay, 'bob', parts(crypto));
    cleanups.push(() => newBob.client.close());
    expect(await alice.client.findContact('bob')).toMatchObject({
      id: contact.id,
      identityChanged: true,
    });
    expect(changes).toHaveLength(1);
    // The old account id is simply gone (an account id commits to its key).
    await expectCode(alice.client.findContact(contact.accountId), 'NOT_FOUND');
    // Accepting without a pending change is refused; with one it works.
    const fresh = await alice.client.findContact(newBob.client.whoami().accountId);
    await expectCode(alice.client.acceptIdentityChange(fresh), 'INVALID_ARGUMENT');
    await alice.client.acceptIdentityChange(contact);
    expect((await alice.client.contacts()).map((c) => c.accountId)).toEqual([
      newBob.client.whoami().accountId,
    ]);
  });
});
