/**
 * Double Ratchet scenarios (spec/one-to-one.md §5, STYLE.md §9): long conversations in random
 * bursts, reordering inside and across chains, loss of a chain's first message, duplicates,
 * immutability of states and redaction. Both backends.
 */
import { inspect } from 'node:util';
import { allProviders } from '@sigil/crypto/testing';
import { toHex } from '@sigil/test-vectors/hex';
import { describe, expect, it } from 'vitest';
import { unsafeDeterministicRandom } from '../src/context.ts';
import {
  initializeResponder,
  ratchetDecrypt,
  ratchetEncrypt,
} from '../src/ratchet/double-ratchet.ts';
import type { RatchetState } from '../src/ratchet/ratchet-state.ts';
import { ratchetStateToRecord } from '../src/ratchet/ratchet-state.ts';
import { codeOf, encodeState, ratchetPair, text, utf8 } from './ratchet-helpers.ts';

/** A small deterministic PRNG (mulberry32) so that a failing schedule can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'Double Ratchet (%s)',
  (_name, crypto) => {
    it('200 messages in random bursts both ways decrypt, in order and shuffled per burst', () => {
      const random = prng(0x5161);
      const pair = ratchetPair(crypto);
      const { ctx } = pair;
      const states: [RatchetState, RatchetState] = [pair.alice, pair.bob];
      let sender: 0 | 1 = 0;
      let sent = 0;
      const failures: string[] = [];
      while (sent < 200) {
        const burst = 1 + Math.floor(random() * 6);
        const messages: { bytes: Uint8Array; body: string }[] = [];
        for (let i = 0; i < burst && sent < 200; i++, sent++) {
          const body = `message ${sent} from ${sender === 0 ? 'alice' : 'bob'}`;
          const result = ratchetEncrypt(ctx, states[sender], utf8(body));
          states[sender] = result.state;
          messages.push({ bytes: result.message, body });
        }
        // Every other burst arrives shuffled.
        if (random() < 0.5) messages.sort(() => random() - 0.5);
        const receiver: 0 | 1 = sender === 0 ? 1 : 0;
        for (const { bytes, body } of messages) {
          const result = ratchetDecrypt(ctx, states[receiver], bytes);
          states[receiver] = result.state;
          if (text(result.plaintext) !== body) failures.push(body);
        }
        sender = receiver;
      }
      expect(failures).toEqual([]);
    });

    it('reorders across chains, tolerates a lost first message, and rejects duplicates', () => {
      let { ctx, alice, bob } = ratchetPair(crypto);
      const a = [] as Uint8Array[];
      for (let i = 0; i < 4; i++) {
        const r = ratchetEncrypt(ctx, alice, utf8(`a${i}`));
        alice = r.state;
        a.push(r.message);
      }
      // a[0] (the first message of the session) is delayed; a[2] arrives first.
      let r = ratchetDecrypt(ctx, bob, a[2] as Uint8Array);
      bob = r.state;
      expect(text(r.plaintext)).toBe('a2');
      const reply = ratchetEncrypt(ctx, bob, utf8('b0'));
      bob = reply.state;
      r = ratchetDecrypt(ctx, alice, reply.message);
      alice = r.state;
      // Alice's second chain: its first message is lost, the second arrives.
      const lost = ratchetEncrypt(ctx, alice, utf8('a4 (lost)'));
      const next = ratchetEncrypt(ctx, lost.state, utf8('a5'));
      alice = next.state;
      r = ratchetDecrypt(ctx, bob, next.message);
      bob = r.state;
      expect(text(r.plaintext)).toBe('a5');
      // Late messages of the first chain still open, once each.
      for (const i of [0, 3, 1]) {
        r = ratchetDecrypt(ctx, bob, a[i] as Uint8Array);
        bob = r.state;
        expect(text(r.plaintext)).toBe(`a${i}`);
      }
      for (const message of [a[0], a[1], a[2], a[3], next.message] as Uint8Array[]) {
        const before = encodeState(bob);
        expect(codeOf(() => ratchetDecrypt(ctx, bob, message))).toBe('DUPLICATE_MESSAGE');
        expect(toHex(encodeState(bob))).toBe(toHex(before));
      }
      // The lost message, if it turns up after all, still opens.
      r = ratchetDecrypt(ctx, bob, lost.message);
      expect(text(r.plaintext)).toBe('a4 (lost)');
    });

    it('never changes a state it was given, on success or failure', () => {
      let { ctx, alice, bob } = ratchetPair(crypto);
      for (let i = 0; i < 6; i++) {
        const aliceBefore = encodeState(alice);
        const bobBefore = encodeState(bob);
        const sent = ratchetEncrypt(ctx, alice, utf8(`m${i}`), { forcePqStep: i === 3 });
        const received = ratchetDecrypt(ctx, bob, sent.message);
        expect(toHex(encodeState(alice))).toBe(toHex(aliceBefore));
        expect(toHex(encodeState(bob))).toBe(toHex(bobBefore));
        const back = ratchetEncrypt(ctx, received.state, utf8(`r${i}`));
        alice = ratchetDecrypt(ctx, sent.state, back.message).state;
        bob = back.state;
      }
    });

    it('the responder cannot send before the first message', () => {
      const { ctx, bob } = ratchetPair(crypto);
      expect(codeOf(() => ratchetEncrypt(ctx, bob, utf8('too early')))).toBe('INVALID_ARGUMENT');
    });

    it('rejects wrong-size initial keys', () => {
      const { ctx } = ratchetPair(crypto);
      const pairKey = crypto.x25519.generateKeyPair();
      expect(
        codeOf(() =>
          initializeResponder(ctx, {
            sharedSecret: new Uint8Array(31),
            associatedData: new Uint8Array(0),
            ownRatchetKeyPair: pairKey,
          }),
        ),
      ).toBe('INVALID_KEY_LENGTH');
    });

    it('prints redacted', () => {
      const { ctx, alice } = ratchetPair(crypto);
      const state = ratchetEncrypt(ctx, alice, utf8('x')).state;
      const record = ratchetStateToRecord(state);
      const secrets = [
        record.rootKey,
        record.ratchetKeyPair.secretKey,
        record.senderChain?.chainKey,
      ]
        .filter((value): value is Uint8Array => value !== undefined)
        .map(toHex);
      const printed = [inspect(state, { depth: 10 }), JSON.stringify({ state }), String(state)];
      expect(printed).toEqual([
        'RatchetState { [redacted] }',
        '{"state":"RatchetState [redacted]"}',
        'RatchetState [redacted]',
      ]);
      for (const line of printed) for (const secret of secrets) expect(line).not.toContain(secret);
    });
  },
);

describe('Double Ratchet across backends', () => {
  it('one seed gives the same transcript on node and portable (no KEM encapsulation in it)', () => {
    const seed = utf8('ratchet transcript');
    const [node, portable] = allProviders().map((crypto) => {
      const random = unsafeDeterministicRandom(crypto, seed);
      let { ctx, alice, bob } = ratchetPair(crypto, random);
      const transcript: string[] = [];
      for (let round = 0; round < 5; round++) {
        const a = ratchetEncrypt(ctx, alice, utf8(`a${round}`));
        alice = a.state;
        bob = ratchetDecrypt(ctx, bob, a.message).state;
        const b = ratchetEncrypt(ctx, bob, utf8(`b${round}`));
        bob = b.state;
        alice = ratchetDecrypt(ctx, alice, b.message).state;
        transcript.push(toHex(a.message), toHex(b.message));
      }
      return transcript;
    }) as [string[], string[]];
    expect(portable).toEqual(node);
  });
});
