/**
 * The post-quantum step of the Double Ratchet (spec/one-to-one.md §5.2): when it happens
 * (every PQ_STEP_INTERVAL sending chains of a party, or when forced), that both root keys move
 * together, that the ML-KEM shared secret enters KDF_RK, and that a PQ chain whose first
 * message is lost still heals. Both backends.
 */
import { allProviders } from '@sigil/crypto/testing';
import { toHex } from '@sigil/test-vectors/hex';
import { decode, encode } from '@sigil/wire';
import { RatchetMessage } from '@sigil/wire/formats';
import { describe, expect, it } from 'vitest';
import { PQ_STEP_INTERVAL } from '../src/limits.ts';
import { ratchetDecrypt, ratchetEncrypt } from '../src/ratchet/double-ratchet.ts';
import { type RatchetState, ratchetStateToRecord } from '../src/ratchet/ratchet-state.ts';
import { kdfRk } from '../src/ratchet/root-key.ts';
import { codeOf, encodeState, ratchetPair, utf8 } from './ratchet-helpers.ts';

/** Length of the KEM ciphertext a message carries: undefined (no KemStep), 0 or 1568. */
function kemCiphertextLength(message: Uint8Array): number | undefined {
  return decode(RatchetMessage, message).header.kem?.ciphertext.length;
}

const rootKey = (state: RatchetState) => toHex(ratchetStateToRecord(state).rootKey);

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'PQ ratchet step (%s)',
  (_name, crypto) => {
    it(`steps on every ${PQ_STEP_INTERVAL}th sending chain of each party; first chains advertise`, () => {
      let { ctx, alice, bob } = ratchetPair(crypto);
      const aliceSteps: (number | undefined)[] = [];
      const bobSteps: (number | undefined)[] = [];
      for (let round = 0; round <= 2 * PQ_STEP_INTERVAL; round++) {
        // Two messages per chain: both carry the chain's KemStep.
        for (let i = 0; i < 2; i++) {
          const sent = ratchetEncrypt(ctx, alice, utf8(`a${round}.${i}`));
          alice = sent.state;
          if (i === 0) aliceSteps.push(kemCiphertextLength(sent.message));
          else expect(kemCiphertextLength(sent.message)).toBe(aliceSteps[round]);
          bob = ratchetDecrypt(ctx, bob, sent.message).state;
        }
        const reply = ratchetEncrypt(ctx, bob, utf8(`b${round}`));
        bob = reply.state;
        bobSteps.push(kemCiphertextLength(reply.message));
        alice = ratchetDecrypt(ctx, alice, reply.message).state;
      }
      const expected = aliceSteps.map((_, chain) =>
        chain === 0 ? 0 : chain % PQ_STEP_INTERVAL === 0 ? 1568 : undefined,
      );
      expect(aliceSteps).toEqual(expected);
      expect(bobSteps).toEqual(expected);
    });

    it('a forced step moves both root keys together and mixes in the KEM secret', () => {
      let { ctx, alice, bob } = ratchetPair(crypto);
      const first = ratchetEncrypt(ctx, alice, utf8('hello'));
      alice = first.state;
      bob = ratchetDecrypt(ctx, bob, first.message).state;
      const reply = ratchetEncrypt(ctx, bob, utf8('hi'));
      bob = reply.state;
      alice = ratchetDecrypt(ctx, alice, reply.message).state;

      const aliceBefore = rootKey(alice);
      const bobRecordBefore = ratchetStateToRecord(bob);
      expect(toHex(bobRecordBefore.rootKey)).toBe(aliceBefore);

      const forced = ratchetEncrypt(ctx, alice, utf8('pq'), { forcePqStep: true });
      alice = forced.state;
      const message = decode(RatchetMessage, forced.message);
      const ciphertext = message.header.kem?.ciphertext ?? new Uint8Array(0);
      expect(ciphertext.length).toBe(1568);
      bob = ratchetDecrypt(ctx, bob, forced.message).state;

      const aliceAfter = rootKey(alice);
      expect(aliceAfter).not.toBe(aliceBefore);
      expect(rootKey(bob)).toBe(aliceAfter);

      // Recompute Bob's step from his old state: the KEM secret is what makes the root key.
      const dh = crypto.x25519.sharedSecret(
        bobRecordBefore.ratchetKeyPair.secretKey,
        message.header.ratchetKey.key,
      );
      const kemSeed = bobRecordBefore.kemKeyPair?.seed ?? new Uint8Array(64);
      const kemSecret = crypto.mlkem.decapsulate('ml-kem-1024', kemSeed, ciphertext);
      const rk = bobRecordBefore.rootKey;
      expect(toHex(kdfRk(crypto, rk, dh, kemSecret).rootKey)).toBe(aliceAfter);
      expect(toHex(kdfRk(crypto, rk, dh, new Uint8Array(0)).rootKey)).not.toBe(aliceAfter);
      const other = crypto.mlkem.encapsulate(
        'ml-kem-1024',
        bobRecordBefore.kemKeyPair?.publicKey ?? new Uint8Array(1568),
      );
      expect(toHex(kdfRk(crypto, rk, dh, other.sharedSecret).rootKey)).not.toBe(aliceAfter);

      // Bob's next chain still works and carries no step (his counter restarts with his chains).
      const after = ratchetEncrypt(ctx, bob, utf8('after'));
      expect(kemCiphertextLength(after.message)).toBeUndefined();
      expect(ratchetDecrypt(ctx, alice, after.message).plaintext.length).toBe(5);
    });

    it('the same DH transcript with another valid KEM ciphertext fails to authenticate', () => {
      let { ctx, alice, bob } = ratchetPair(crypto);
      alice = ratchetEncrypt(ctx, alice, utf8('hello')).state;
      const first = ratchetEncrypt(ctx, alice, utf8('hello again'));
      bob = ratchetDecrypt(ctx, bob, first.message).state;
      const reply = ratchetEncrypt(ctx, bob, utf8('hi'));
      bob = reply.state;
      alice = ratchetDecrypt(ctx, alice, reply.message).state;
      const forced = ratchetEncrypt(ctx, alice, utf8('pq'), { forcePqStep: true });
      const message = decode(RatchetMessage, forced.message);
      const bobKemKey = ratchetStateToRecord(bob).kemKeyPair?.publicKey ?? new Uint8Array(1568);
      const swapped = encode(RatchetMessage, {
        ...message,
        header: {
          ...message.header,
          kem: {
            ciphertext: crypto.mlkem.encapsulate('ml-kem-1024', bobKemKey).ciphertext,
            nextKey: message.header.kem?.nextKey ?? { type: 3, key: bobKemKey },
          },
        },
      });
      const before = encodeState(bob);
      expect(codeOf(() => ratchetDecrypt(ctx, bob, swapped))).toBe('MESSAGE_AUTHENTICATION_FAILED');
      expect(toHex(encodeState(bob))).toBe(toHex(before));
      expect(ratchetDecrypt(ctx, bob, forced.message).plaintext.length).toBe(2);
    });

    it('a PQ chain whose first message is lost still heals from its second', () => {
      let { ctx, alice, bob } = ratchetPair(crypto);
      const first = ratchetEncrypt(ctx, alice, utf8('hello'));
      alice = first.state;
      bob = ratchetDecrypt(ctx, bob, first.message).state;
      const reply = ratchetEncrypt(ctx, bob, utf8('hi'));
      bob = reply.state;
      alice = ratchetDecrypt(ctx, alice, reply.message).state;
      const lost = ratchetEncrypt(ctx, alice, utf8('lost'), { forcePqStep: true });
      const second = ratchetEncrypt(ctx, lost.state, utf8('second'));
      alice = second.state;
      expect(kemCiphertextLength(second.message)).toBe(1568);
      bob = ratchetDecrypt(ctx, bob, second.message).state;
      expect(rootKey(bob)).toBe(rootKey(alice));
      expect(ratchetDecrypt(ctx, bob, lost.message).plaintext.length).toBe(4);
    });

    it('a step forced mid-chain waits for the next chain', () => {
      let { ctx, alice, bob } = ratchetPair(crypto);
      const first = ratchetEncrypt(ctx, alice, utf8('hello'), { forcePqStep: true });
      alice = first.state;
      expect(kemCiphertextLength(first.message)).toBe(0); // the first chain only advertises
      bob = ratchetDecrypt(ctx, bob, first.message).state;
      const reply = ratchetEncrypt(ctx, bob, utf8('hi'));
      expect(kemCiphertextLength(reply.message)).toBe(0); // Bob's first chain advertises too
      bob = reply.state;
      alice = ratchetDecrypt(ctx, alice, reply.message).state;
      const next = ratchetEncrypt(ctx, alice, utf8('now'));
      expect(kemCiphertextLength(next.message)).toBe(1568);
      bob = ratchetDecrypt(ctx, bob, next.message).state;
      // The request is used up: Alice's following chain carries no step.
      const reply2 = ratchetEncrypt(ctx, bob, utf8('ok'));
      alice = ratchetDecrypt(ctx, next.state, reply2.message).state;
      expect(kemCiphertextLength(ratchetEncrypt(ctx, alice, utf8('x')).message)).toBeUndefined();
    });
  },
);
