/**
 * The usage example of packages/protocol/README.md, verbatim between the anchors, so that the
 * README's code compiles (tsc) and runs (vitest); the README imports from '@sigil/protocol' and
 * '@sigil/crypto' instead of the relative paths below. Keep the two in sync (the last test
 * checks that the README holds this code).
 */
import { readFileSync } from 'node:fs';
import { getCryptoProvider } from '@sigil/crypto';
import { encode } from '@sigil/wire';
import { PreKeyBundle } from '@sigil/wire/formats';
import { expect, it } from 'vitest';
import {
  buildPreKeyBundle,
  createAccount,
  createDevice,
  decodePreKeyBundle,
  decodeSessionRecord,
  decryptMessage,
  encodeSessionRecord,
  encryptMessage,
  generateKemPreKeys,
  generateLastResortKemPreKey,
  generateOneTimePreKeys,
  generateSignedPreKey,
  parseIncoming,
  type SessionRecord,
  startSession,
  verifyPreKeyBundle,
} from '../src/index.ts';

it('README example', () => {
  // ANCHOR: readme-example
  const crypto = getCryptoProvider(); // 'node' on Node, 'portable' in browsers
  const ctx = { crypto }; // randomness and time default to crypto.random and Date.now
  const utf8 = (text: string) => new TextEncoder().encode(text);

  // Bob: an account, a device, and prekeys to publish.
  const bobAccount = createAccount(ctx);
  const bob = createDevice(ctx, bobAccount, 1);
  const signedPreKey = generateSignedPreKey(ctx, bob, 1);
  const [oneTimePreKey] = generateOneTimePreKeys(ctx, 100, 1);
  const [kemPreKey] = generateKemPreKeys(ctx, bob, 200, 1);
  const lastResort = generateLastResortKemPreKey(ctx, bob, 999);
  const bundleBytes = encode(
    PreKeyBundle,
    buildPreKeyBundle({
      device: bob.certificate,
      signedPreKey: signedPreKey.signedPreKey,
      oneTimePreKey: oneTimePreKey?.oneTimePreKey,
      kemPreKey: (kemPreKey ?? lastResort).kemPreKey,
    }),
  ); // what the relay serves

  // Alice verifies Bob's bundle under the account key she trusts for him, then sets up a session.
  const alice = createDevice(ctx, createAccount(ctx), 1);
  const bundle = verifyPreKeyBundle(crypto, decodePreKeyBundle(bundleBytes), bobAccount.accountKey);
  let aliceRecord: SessionRecord = startSession(ctx, { local: alice, bundle });
  const sent = encryptMessage(ctx, aliceRecord, utf8('Hello Bob'));
  aliceRecord = sent.record; // persist before sending sent.message

  // Bob: parse, fetch the prekeys it names (from his stores), decrypt.
  const incoming = parseIncoming(sent.message);
  if (incoming.kind !== 'prekey') throw new Error('a first message is a PreKeyMessage');
  const received = decryptMessage(ctx, {
    local: bob,
    record: undefined, // no session with Alice's device yet
    message: incoming,
    prekeys: { signedPreKey, oneTimePreKey, kemPreKey },
    seenLastResort: [], // the last-resort uses Bob recorded (needed if the bundle had one)
  });
  // Persist received.record, delete received.consumed's one-time prekeys, then acknowledge.
  // received.peer.accountKey is Alice's account key: compare it with the trusted contact.
  let bobRecord = received.record;

  // Bob replies; from now on both send plain ratchet messages.
  const reply = encryptMessage(ctx, bobRecord, utf8('Hi Alice'));
  bobRecord = reply.record;
  const answered = decryptMessage(ctx, {
    local: alice,
    record: aliceRecord,
    message: reply.message,
  });
  aliceRecord = answered.record;

  // Records are versioned bytes (seal them with sealSessionRecord before storing).
  const stored = encodeSessionRecord(aliceRecord);
  aliceRecord = decodeSessionRecord(stored);
  // ANCHOR_END: readme-example
  expect(new TextDecoder().decode(received.plaintext)).toBe('Hello Bob');
  expect(received.consumed).toEqual({ oneTimePreKeyId: 100, kemPreKeyId: 200 });
  expect(new TextDecoder().decode(answered.plaintext)).toBe('Hi Alice');
  expect(parseIncoming(reply.message).kind).toBe('ratchet');
  expect(bobRecord.current?.pendingPreKey).toBeUndefined();
  expect(aliceRecord.current?.pendingPreKey).toBeUndefined();
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
