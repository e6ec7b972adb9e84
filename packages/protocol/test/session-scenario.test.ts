/**
 * Scenario tests of the session layer (spec/one-to-one.md §4, §5; STYLE.md §9, after libsignal
 * `tests/session.rs`), through the in-memory stores and the receive flow an application runs:
 * a fresh PQXDH then a long conversation both ways, the first-message phase, last-resort KEM
 * prekeys, simultaneous initiation, session reset with messages in flight, and the expiry of an
 * unanswered session. Both backends.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { decode, encode } from '@sigil/wire';
import { SessionMessage } from '@sigil/wire/formats';
import { describe, expect, it } from 'vitest';
import { MLKEM_1024_CIPHERTEXT_LENGTH } from '../src/handshake/pqxdh.ts';
import { MAX_UNACKNOWLEDGED_SESSION_AGE_MS } from '../src/limits.ts';
import { ratchetStateToRecord } from '../src/ratchet/ratchet-state.ts';
import { parseIncoming } from '../src/session/incoming.ts';
import { encryptMessage, startSession } from '../src/session/session-cipher.ts';
import type { SessionRecord, SessionState } from '../src/session/session-record.ts';
import { NOW } from './identity-fixtures.ts';
import { receiveWithStores, sendWithStores, startWithStores } from './memory-stores.ts';
import {
  codeOfAsync,
  FIRST_KEM_ID,
  FIRST_ONE_TIME_ID,
  LAST_RESORT_ID,
  makeParty,
  type Party,
  text,
  utf8,
  vendBundle,
} from './session-helpers.ts';

/** A small deterministic generator for burst lengths. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

async function send(from: Party, to: Party, body: string, forcePqStep = false) {
  return sendWithStores(from.ctx, from.stores, to.address, utf8(body), { forcePqStep });
}

async function receive(to: Party, from: Party, bytes: Uint8Array): Promise<string> {
  const result = await receiveWithStores(to.ctx, to.stores, from.address, bytes);
  expect(result.peer.deviceId).toBe(from.device.deviceId);
  expect(Buffer.from(result.peer.accountKey).equals(Buffer.from(from.account.accountKey))).toBe(
    true,
  );
  return text(result.plaintext);
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

async function recordOf(party: Party, peer: Party): Promise<SessionRecord> {
  return (await party.stores.sessions.loadSession(peer.address)) as SessionRecord;
}

/** The current ratchet public key (DHs) of a session and the peer keys it has received. */
function ratchetKeys(session: SessionState | undefined): { own: string; received: string[] } {
  if (session === undefined) throw new Error('no current session');
  const state = ratchetStateToRecord(session.ratchet);
  return {
    own: hex(state.ratchetKeyPair.publicKey),
    received: state.receiverChains.map((chain) => hex(chain.ratchetKey)),
  };
}

/**
 * Whether both current sessions are the two ends of one session, and in step: the same AD
 * (which names the session: it holds the base key) and each has received the other's current
 * ratchet key (true after a round trip that does not cross).
 */
async function sameSession(alice: Party, bob: Party): Promise<boolean> {
  const aliceSession = (await recordOf(alice, bob)).current;
  const bobSession = (await recordOf(bob, alice)).current;
  const a = ratchetKeys(aliceSession);
  const b = ratchetKeys(bobSession);
  const sameAd =
    hex(aliceSession?.ratchet.associatedData ?? new Uint8Array(0)) ===
    hex(bobSession?.ratchet.associatedData ?? new Uint8Array(0));
  return sameAd && a.received.includes(b.own) && b.received.includes(a.own);
}

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'session scenarios (%s)',
  (_name, crypto: CryptoProvider) => {
    it('fresh PQXDH, then a long conversation in random bursts both ways', async () => {
      const alice = makeParty(crypto, 'alice');
      const bob = makeParty(crypto, 'bob');
      await startWithStores(alice.ctx, alice.stores, bob.address, vendBundle(crypto, bob));

      // Until Bob answers, every message is a PreKeyMessage; Bob's first decrypt consumes keys.
      const first = await send(alice, bob, 'a0');
      const second = await send(alice, bob, 'a1');
      expect(parseIncoming(first).kind).toBe('prekey');
      expect(parseIncoming(second).kind).toBe('prekey');
      const opened = await receiveWithStores(bob.ctx, bob.stores, alice.address, second);
      expect(opened.newSession).toBe(true);
      expect(opened.consumed).toEqual({
        oneTimePreKeyId: FIRST_ONE_TIME_ID,
        kemPreKeyId: FIRST_KEM_ID,
      });
      expect(opened.certificate?.deviceId).toBe(alice.device.deviceId);
      expect(bob.stores.prekeys.oneTime.has(FIRST_ONE_TIME_ID)).toBe(false);
      expect(bob.stores.prekeys.kem.has(FIRST_KEM_ID)).toBe(false);
      expect(bob.stores.prekeys.kem.has(LAST_RESORT_ID)).toBe(true);
      // The earlier PreKeyMessage is a retransmission of the same session: no new session.
      const late = await receiveWithStores(bob.ctx, bob.stores, alice.address, first);
      expect([text(late.plaintext), late.newSession, late.consumed]).toEqual(['a0', false, {}]);

      const reply = await send(bob, alice, 'b0');
      expect(parseIncoming(reply).kind).toBe('ratchet');
      expect(await receive(alice, bob, reply)).toBe('b0');
      expect(parseIncoming(await send(alice, bob, 'a2')).kind).toBe('ratchet');

      // 200 more messages, bursts of 1-6 per side, delivered in reverse order within a burst.
      const random = lcg(7);
      let sent = 3;
      let turn: 'alice' | 'bob' = 'bob';
      let pending: { bytes: Uint8Array; body: string }[] = [];
      const failures: string[] = [];
      while (sent < 200) {
        const [from, to] = turn === 'alice' ? [alice, bob] : [bob, alice];
        const burst = 1 + Math.floor(random() * 6);
        for (let i = 0; i < burst; i++) {
          const body = `${turn} ${sent++}`;
          pending.push({ bytes: await send(from, to, body, random() < 0.05), body });
        }
        for (const message of pending.reverse()) {
          const got = await receive(to, from, message.bytes);
          if (got !== message.body) failures.push(`${message.body}: got ${got}`);
        }
        pending = [];
        turn = turn === 'alice' ? 'bob' : 'alice';
      }
      expect(failures).toEqual([]);
      expect(await sameSession(alice, bob)).toBe(true);
    });

    it('sent bytes are canonical SessionMessage encodings of both kinds', async () => {
      const alice = makeParty(crypto, 'alice');
      const bob = makeParty(crypto, 'bob');
      await startWithStores(alice.ctx, alice.stores, bob.address, vendBundle(crypto, bob));
      const first = await send(alice, bob, 'first');
      expect(await receive(bob, alice, first)).toBe('first');
      const reply = await send(bob, alice, 'reply');
      for (const [bytes, tag] of [
        [first, 1],
        [reply, 2],
      ] as const) {
        const decoded = decode(SessionMessage, bytes);
        expect(decoded.tag).toBe(tag);
        expect(Buffer.from(encode(SessionMessage, decoded)).equals(Buffer.from(bytes))).toBe(true);
      }
      const prekey = decode(SessionMessage, first);
      if (prekey.tag !== 1) throw new Error('expected a PreKeyMessage');
      expect(prekey.value.responderIdentityKey.key).toEqual(bob.device.identityKey);
      expect(prekey.value.oneTimePreKeyId).toBe(FIRST_ONE_TIME_ID);
      expect(prekey.value.kemCiphertext.length).toBe(MLKEM_1024_CIPHERTEXT_LENGTH);
    });

    it('a bundle without one-time prekeys uses the last-resort KEM prekey once', async () => {
      const alice = makeParty(crypto, 'alice');
      const bob = makeParty(crypto, 'bob', { oneTime: 0, kem: 0 });
      const bundle = vendBundle(crypto, bob);
      expect([bundle.oneTimePreKey, bundle.kemPreKey.id]).toEqual([undefined, LAST_RESORT_ID]);
      await startWithStores(alice.ctx, alice.stores, bob.address, bundle);
      const opened = await receiveWithStores(
        bob.ctx,
        bob.stores,
        alice.address,
        await send(alice, bob, 'hello'),
      );
      expect(opened.consumed.kemPreKeyId).toBeUndefined();
      expect(opened.consumed.oneTimePreKeyId).toBeUndefined();
      expect(opened.consumed.lastResortUse?.kemPreKeyId).toBe(LAST_RESORT_ID);
      expect(bob.stores.prekeys.lastResortUses.size).toBe(1);
      expect(bob.stores.prekeys.kem.has(LAST_RESORT_ID)).toBe(true);
      expect(await receive(alice, bob, await send(bob, alice, 'hi'))).toBe('hi');
    });

    it('simultaneous initiation converges on one session; then 50 messages each way', async () => {
      const alice = makeParty(crypto, 'alice');
      const bob = makeParty(crypto, 'bob');
      await startWithStores(alice.ctx, alice.stores, bob.address, vendBundle(crypto, bob));
      await startWithStores(bob.ctx, bob.stores, alice.address, vendBundle(crypto, alice));
      const fromAlice = await send(alice, bob, 'alice first');
      const fromBob = await send(bob, alice, 'bob first');
      // The two PreKeyMessages cross: each side sets up the other's session as current.
      expect(await receive(bob, alice, fromAlice)).toBe('alice first');
      expect(await receive(alice, bob, fromBob)).toBe('bob first');
      expect(await sameSession(alice, bob)).toBe(false);

      // Both answer at once, on different sessions; each answer promotes its session.
      const aliceAnswer = await send(alice, bob, 'alice answer');
      const bobAnswer = await send(bob, alice, 'bob answer');
      expect(await receive(bob, alice, aliceAnswer)).toBe('alice answer');
      expect(await receive(alice, bob, bobAnswer)).toBe('bob answer');
      // One message that does not cross settles both sides on one session.
      expect(await receive(bob, alice, await send(alice, bob, 'settle'))).toBe('settle');
      expect(await sameSession(alice, bob)).toBe(true);

      const failures: string[] = [];
      const random = lcg(11);
      let aliceLeft = 50;
      let bobLeft = 50;
      while (aliceLeft + bobLeft > 0) {
        const aliceTurn = bobLeft === 0 || (aliceLeft > 0 && random() < 0.5);
        const [from, to] = aliceTurn ? [alice, bob] : [bob, alice];
        const burst: { bytes: Uint8Array; body: string }[] = [];
        for (let i = 0, n = 1 + Math.floor(random() * 4); i < n; i++) {
          if (aliceTurn ? aliceLeft-- <= 0 : bobLeft-- <= 0) break;
          const body = `${aliceTurn ? 'alice' : 'bob'} ${aliceLeft}/${bobLeft}`;
          burst.push({ bytes: await send(from, to, body), body });
        }
        for (const message of burst) {
          const got = await receive(to, from, message.bytes);
          if (got !== message.body) failures.push(`${message.body}: got ${got}`);
        }
      }
      expect(failures).toEqual([]);
      expect(await sameSession(alice, bob)).toBe(true);
    });

    it('session reset: a new bundle starts a new session; old in-flight messages still decrypt', async () => {
      const alice = makeParty(crypto, 'alice');
      const bob = makeParty(crypto, 'bob', { oneTime: 3, kem: 3 });
      await startWithStores(alice.ctx, alice.stores, bob.address, vendBundle(crypto, bob));
      expect(await receive(bob, alice, await send(alice, bob, 'old 0'))).toBe('old 0');
      expect(await receive(alice, bob, await send(bob, alice, 'old 1'))).toBe('old 1');
      const oldFromAlice = await send(alice, bob, 'old 2 (in flight)');
      const oldFromBob = await send(bob, alice, 'old 3 (in flight)');
      const oldSession = ratchetKeys((await recordOf(alice, bob)).current).own;

      // Alice resets: PQXDH with a fresh bundle; the old session is archived on both sides.
      await startWithStores(alice.ctx, alice.stores, bob.address, vendBundle(crypto, bob));
      const fresh = await send(alice, bob, 'new 0');
      expect(parseIncoming(fresh).kind).toBe('prekey');
      const opened = await receiveWithStores(bob.ctx, bob.stores, alice.address, fresh);
      expect([text(opened.plaintext), opened.newSession]).toEqual(['new 0', true]);
      expect(opened.consumed.oneTimePreKeyId).toBe(FIRST_ONE_TIME_ID + 1);
      expect(await receive(alice, bob, await send(bob, alice, 'new 1'))).toBe('new 1');
      expect(await receive(bob, alice, await send(alice, bob, 'new 2'))).toBe('new 2');
      expect(await sameSession(alice, bob)).toBe(true);
      for (const [party, peer] of [
        [alice, bob],
        [bob, alice],
      ] as const) {
        const record = await recordOf(party, peer);
        expect(record.archived.length).toBe(1);
      }
      expect(ratchetKeys((await recordOf(alice, bob)).archived[0]).own).toBe(oldSession);

      // The in-flight messages of the old session decrypt from the archive (which promotes the
      // old session, as Signal does); one round trip that does not cross settles both sides on
      // one session again, and every message decrypts.
      expect(await receive(bob, alice, oldFromAlice)).toBe('old 2 (in flight)');
      expect(await receive(alice, bob, oldFromBob)).toBe('old 3 (in flight)');
      expect(await receive(bob, alice, await send(alice, bob, 'after 0'))).toBe('after 0');
      expect(await receive(alice, bob, await send(bob, alice, 'after 1'))).toBe('after 1');
      expect(await sameSession(alice, bob)).toBe(true);
    });

    it('an unanswered session expires after MAX_UNACKNOWLEDGED_SESSION_AGE_MS', () => {
      const alice = makeParty(crypto, 'alice');
      const bob = makeParty(crypto, 'bob');
      let now = NOW;
      const ctx = { ...alice.ctx, now: () => now };
      let record = startSession(ctx, { local: alice.device, bundle: vendBundle(crypto, bob) });
      now += MAX_UNACKNOWLEDGED_SESSION_AGE_MS;
      record = encryptMessage(ctx, record, utf8('still fine')).record;
      now += 1;
      expect(
        (() => {
          try {
            encryptMessage(ctx, record, utf8('too late'));
            return 'no error';
          } catch (err) {
            return (err as { code?: string }).code;
          }
        })(),
      ).toBe('SESSION_NOT_FOUND');
    });

    it('the receive flow refuses a peer whose account key is not the trusted one', async () => {
      const alice = makeParty(crypto, 'alice');
      const bob = makeParty(crypto, 'bob');
      const impostor = makeParty(crypto, 'impostor');
      await bob.stores.identity.saveTrustedAccountKey('alice', alice.account.accountKey);
      await startWithStores(impostor.ctx, impostor.stores, bob.address, vendBundle(crypto, bob));
      const forged = await send(impostor, bob, 'I am alice');
      const prekeysBefore = bob.stores.prekeys.snapshot();
      expect(
        await codeOfAsync(() => receiveWithStores(bob.ctx, bob.stores, alice.address, forged)),
      ).toBe('IDENTITY_MISMATCH');
      expect(bob.stores.prekeys.snapshot()).toBe(prekeysBefore);
      expect(bob.stores.sessions.encoded(alice.address)).toBeUndefined();
    });
  },
);
