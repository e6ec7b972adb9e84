/**
 * The usage example of packages/client/README.md, verbatim between the anchors, so that the
 * README's code compiles (tsc) and runs (vitest) against a real relay; the README imports from
 * '@sigil/client' instead of ../src/index.ts and takes `relayUrl` from `npm start`. Keep the
 * two in sync (the last test checks that the README holds this code).
 */
import { readFileSync } from 'node:fs';
import { getCryptoProvider } from '@sigil/crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemoryStore, SigilClient } from '../src/index.ts';
import { startRelay, type TestRelay } from './harness.ts';

let relay: TestRelay;
beforeAll(async () => {
  relay = await startRelay();
});
afterAll(async () => {
  await relay.close();
});

it('README example', async () => {
  const relayUrl = relay.url;
  const log: unknown[] = [];
  const console = { log: (value: unknown) => void log.push(value) };
  // ANCHOR: readme-example
  const crypto = getCryptoProvider(); // 'node' on Node, 'portable' in browsers
  const newClient = () =>
    new SigilClient({ crypto, store: new MemoryStore(), storageKey: crypto.random.bytes(32) });

  // Two people, each on their own device. Every key is generated here; only public keys and
  // ciphertext go to the relay.
  const alice = newClient();
  const bob = newClient();
  await alice.createAccount({ relayUrl, username: 'alice' });
  await bob.createAccount({ relayUrl, username: 'bob' });
  bob.connect(); // receive over the WebSocket (it reconnects by itself)

  // Alice finds Bob (his account key is pinned on first use) and writes.
  const bobContact = await alice.findContact('bob');
  const received = bob.once('message');
  await alice.send(bobContact, 'Hello Bob');
  const message = await received;
  console.log(message.body); // { type: 'text', text: 'Hello Bob' }

  // Bob answers the account that wrote. Alice fetches her mailbox without a WebSocket.
  await bob.send(message.sender.accountId, 'Hi Alice');
  await alice.receivePending();

  // They compare safety numbers (read aloud, or the QR payload) and Alice marks Bob verified.
  const hers = await alice.safetyNumber(bobContact);
  const his = await bob.safetyNumber(message.contactId);
  if (hers.digits === his.digits) await alice.markVerified(bobContact);

  // What Alice's store holds for the conversation (sealed under her storage key).
  for (const m of await alice.messages({ contact: bobContact })) {
    console.log(`${m.direction} ${m.body.type === 'text' ? m.body.text : '(bytes)'}`);
  }
  await alice.close();
  await bob.close();
  // ANCHOR_END: readme-example
  expect(log).toEqual([{ type: 'text', text: 'Hello Bob' }, 'out Hello Bob', 'in Hi Alice']);
  expect(hers.digits).toBe(his.digits);
});

it('the README holds the example verbatim', () => {
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  const start = source.indexOf('// ANCHOR: readme-example\n');
  const end = source.indexOf('  // ANCHOR_END: readme-example');
  const example = source
    .slice(source.indexOf('\n', start) + 1, end)
    .split('\n')
    .map((line) => line.slice(2))
    .join('\n');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(readme.includes(example), 'README.md example differs from the test').toBe(true);
});
