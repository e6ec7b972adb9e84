/**
 * Must-reject cases of the Double Ratchet (spec/one-to-one.md §5, §5.1, §5.2): each asserts the
 * exact SigilError code and that the receiver's state re-encodes byte for byte as before.
 * Both backends.
 */
import { allProviders } from '@sigil/crypto/testing';
import type { ErrorCode } from '@sigil/errors';
import { toHex } from '@sigil/test-vectors/hex';
import { decode, encode } from '@sigil/wire';
import { RatchetMessage } from '@sigil/wire/formats';
import { describe, expect, it } from 'vitest';
import type { ProtocolContext } from '../src/context.ts';
import { MAX_FORWARD_JUMP, MAX_STORED_SKIPPED_KEYS } from '../src/limits.ts';
import { ratchetDecrypt, ratchetEncrypt } from '../src/ratchet/double-ratchet.ts';
import type { RatchetState } from '../src/ratchet/ratchet-state.ts';
import { codeOf, encodeState, ratchetPair, skipSending, text, utf8 } from './ratchet-helpers.ts';

/** Codes a tampered header byte may produce: each names what was wrong. */
const HEADER_CODES: readonly string[] = [
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_KEY_TYPE',
  'INVALID_KEY_LENGTH',
  'CODEC_TRUNCATED',
  'CODEC_TRAILING_BYTES',
  'CODEC_NON_MINIMAL_VARINT',
  'CODEC_INVALID_VARINT',
  'CODEC_INVALID_VALUE',
  'CODEC_LENGTH_TOO_LARGE',
  'DUPLICATE_MESSAGE',
  'RATCHET_JUMP_TOO_LARGE',
  'X25519_LOW_ORDER_POINT',
  'MLKEM_INVALID_CIPHERTEXT_LENGTH',
  'MESSAGE_AUTHENTICATION_FAILED',
] satisfies ErrorCode[];

/** Decrypt must throw `code` and leave `state` byte-for-byte unchanged. */
function expectRejected(
  ctx: ProtocolContext,
  state: RatchetState,
  message: Uint8Array,
  code: ErrorCode,
): void {
  const before = toHex(encodeState(state));
  expect(codeOf(() => ratchetDecrypt(ctx, state, message))).toBe(code);
  expect(toHex(encodeState(state))).toBe(before);
}

/**
 * Flips bits of every byte of `message` (or, past the first 48 bytes, of every `stride`-th byte
 * and the last) and checks each variant is rejected with a specific code and no state change. Returns the
 * failures, naming the byte offset.
 */
function tamperEveryByte(
  ctx: ProtocolContext,
  state: RatchetState,
  message: Uint8Array,
  stride = 1,
): string[] {
  const bodyLength = decode(RatchetMessage, message).body.length;
  const bodyStart = message.length - bodyLength;
  const before = toHex(encodeState(state));
  const failures: string[] = [];
  for (let offset = 0; offset < message.length; offset++) {
    if (offset >= 48 && (offset - 48) % stride !== 0 && offset !== message.length - 1) continue;
    for (const flip of [0x01, 0x80]) {
      const tampered = message.slice();
      tampered[offset] = (tampered[offset] as number) ^ flip;
      const code = codeOf(() => ratchetDecrypt(ctx, state, tampered));
      const allowed =
        offset === 0
          ? code === 'UNSUPPORTED_VERSION'
          : offset >= bodyStart
            ? code === 'MESSAGE_AUTHENTICATION_FAILED'
            : HEADER_CODES.includes(code);
      if (!allowed) failures.push(`byte ${offset} ^ ${flip}: ${code}`);
    }
  }
  if (toHex(encodeState(state)) !== before) failures.push('state changed');
  return failures;
}

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'ratchet rejects (%s)',
  (_name, crypto) => {
    /** Alice and Bob after one round trip, Alice on her second chain with `sent` messages. */
    function secondChain(options: { forcePqStep?: boolean } = {}) {
      let { ctx, alice, bob } = ratchetPair(crypto);
      const first = ratchetEncrypt(ctx, alice, utf8('hello'));
      alice = first.state;
      bob = ratchetDecrypt(ctx, bob, first.message).state;
      const reply = ratchetEncrypt(ctx, bob, utf8('hi'));
      bob = reply.state;
      alice = ratchetDecrypt(ctx, alice, reply.message).state;
      const messages: Uint8Array[] = [];
      for (let i = 0; i < 3; i++) {
        const sent = ratchetEncrypt(ctx, alice, utf8(`message ${i}`), options);
        alice = sent.state;
        messages.push(sent.message);
      }
      return { ctx, alice, bob, messages: messages as [Uint8Array, Uint8Array, Uint8Array] };
    }

    it('tampering with any byte of a later message is rejected; the original still opens', () => {
      const { ctx, bob: start, messages } = secondChain();
      let bob = start;
      bob = ratchetDecrypt(ctx, bob, messages[0]).state;
      bob = ratchetDecrypt(ctx, bob, messages[1]).state;
      expect(tamperEveryByte(ctx, bob, messages[2])).toEqual([]);
      expect(text(ratchetDecrypt(ctx, bob, messages[2]).plaintext)).toBe('message 2');
    });

    it('tampering with a PQ chain message is rejected, on its chain and as a new chain', () => {
      const { ctx, bob, messages } = secondChain({ forcePqStep: true });
      // As the first message Bob sees of the chain, so the DH and KEM steps run on tampered input
      // (each costs a decapsulation, so bytes past the ratchet key are sampled).
      expect(tamperEveryByte(ctx, bob, messages[1], 101)).toEqual([]);
      // On the chain Bob already has (bytes past the ratchet key sampled, every 7th).
      const onChain = ratchetDecrypt(ctx, bob, messages[0]).state;
      expect(tamperEveryByte(ctx, onChain, messages[1], 7)).toEqual([]);
      expect(text(ratchetDecrypt(ctx, onChain, messages[1]).plaintext)).toBe('message 1');
    });

    it('unknown version byte: UNSUPPORTED_VERSION', () => {
      const { ctx, bob, messages } = secondChain();
      for (const version of [0, 2, 255]) {
        const bytes = messages[0].slice();
        bytes[0] = version;
        expectRejected(ctx, bob, bytes, 'UNSUPPORTED_VERSION');
      }
    });

    it('every truncation: CODEC_TRUNCATED; extra bytes: CODEC_TRAILING_BYTES', () => {
      const { ctx, bob, messages } = secondChain({ forcePqStep: true });
      const message = messages[0];
      const failures: number[] = [];
      for (let length = 0; length < message.length; length++) {
        const code = codeOf(() => ratchetDecrypt(ctx, bob, message.subarray(0, length)));
        if (code !== 'CODEC_TRUNCATED') failures.push(length);
      }
      expect(failures).toEqual([]);
      const longer = new Uint8Array(message.length + 1);
      longer.set(message);
      expectRejected(ctx, bob, longer, 'CODEC_TRAILING_BYTES');
    });

    it('a low-order ratchet key: X25519_LOW_ORDER_POINT', () => {
      const { ctx, bob, messages } = secondChain();
      const message = decode(RatchetMessage, messages[0]);
      const lowOrder = [
        new Uint8Array(32), // u = 0
        Uint8Array.of(1, ...new Uint8Array(31)), // u = 1
        Uint8Array.from(
          Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex'),
        ), // order 8
      ];
      for (const key of lowOrder) {
        const bytes = encode(RatchetMessage, {
          ...message,
          header: { ...message.header, ratchetKey: { type: 1, key } },
        });
        expectRejected(ctx, bob, bytes, 'X25519_LOW_ORDER_POINT');
      }
    });

    it('an ML-KEM ciphertext of the wrong length: MLKEM_INVALID_CIPHERTEXT_LENGTH', () => {
      const { ctx, bob, messages } = secondChain({ forcePqStep: true });
      const message = decode(RatchetMessage, messages[0]);
      const kem = message.header.kem;
      if (kem === undefined) throw new Error('expected a KemStep');
      for (const length of [1, 1567, 1569, 1088]) {
        const bytes = encode(RatchetMessage, {
          ...message,
          header: { ...message.header, kem: { ...kem, ciphertext: new Uint8Array(length) } },
        });
        expectRejected(ctx, bob, bytes, 'MLKEM_INVALID_CIPHERTEXT_LENGTH');
      }
    });

    it('a first message without KEM advertisement: PQXDH_KEM_REQUIRED', () => {
      const { ctx, alice, bob } = ratchetPair(crypto);
      const first = decode(RatchetMessage, ratchetEncrypt(ctx, alice, utf8('hello')).message);
      const stripped = encode(RatchetMessage, {
        ...first,
        header: { ...first.header, kem: undefined },
      });
      expectRejected(ctx, bob, stripped, 'PQXDH_KEM_REQUIRED');
    });

    it('a KEM ciphertext to a responder that advertised no KEM key: MESSAGE_AUTHENTICATION_FAILED', () => {
      const { ctx, alice, bob } = ratchetPair(crypto);
      const first = decode(RatchetMessage, ratchetEncrypt(ctx, alice, utf8('hello')).message);
      const kem = first.header.kem;
      if (kem === undefined) throw new Error('expected a KemStep');
      const forged = encode(RatchetMessage, {
        ...first,
        header: { ...first.header, kem: { ...kem, ciphertext: new Uint8Array(1568) } },
      });
      expectRejected(ctx, bob, forged, 'MESSAGE_AUTHENTICATION_FAILED');
    });

    it(`a counter jump beyond MAX_FORWARD_JUMP (${MAX_FORWARD_JUMP}): RATCHET_JUMP_TOO_LARGE`, () => {
      const { ctx, alice, bob: start, messages } = secondChain();
      // Bob has counter 0 of Alice's second chain (next: 1); Alice's next counter is 3.
      const bob = ratchetDecrypt(ctx, start, messages[0]).state;
      // Alice's state at counter `from`, skipped ahead once (HMACs are the cost here).
      const from = MAX_FORWARD_JUMP - MAX_STORED_SKIPPED_KEYS;
      const base = skipSending(crypto, alice, from - 3);
      const sendAt = (counter: number, body: string) =>
        ratchetEncrypt(ctx, skipSending(crypto, base, counter - from), utf8(body)).message;
      expectRejected(ctx, bob, sendAt(MAX_FORWARD_JUMP + 2, 'too far'), 'RATCHET_JUMP_TOO_LARGE');
      // Exactly at the limit it opens, and only the newest MAX_STORED_SKIPPED_KEYS keys stay.
      const opened = ratchetDecrypt(ctx, bob, sendAt(MAX_FORWARD_JUMP + 1, 'edge'));
      expect(text(opened.plaintext)).toBe('edge');
      const oldestKept = MAX_FORWARD_JUMP + 1 - MAX_STORED_SKIPPED_KEYS;
      expect(text(ratchetDecrypt(ctx, opened.state, sendAt(oldestKept, 'kept')).plaintext)).toBe(
        'kept',
      );
      expect(
        text(ratchetDecrypt(ctx, opened.state, sendAt(MAX_FORWARD_JUMP, 'last')).plaintext),
      ).toBe('last');
      expectRejected(ctx, opened.state, sendAt(oldestKept - 1, 'dropped'), 'DUPLICATE_MESSAGE');
      expectRejected(ctx, opened.state, messages[2], 'DUPLICATE_MESSAGE');
    });

    it('a previous-counter (PN) jump beyond MAX_FORWARD_JUMP: RATCHET_JUMP_TOO_LARGE', () => {
      for (const [extra, code] of [
        [0, undefined],
        [1, 'RATCHET_JUMP_TOO_LARGE'],
      ] as const) {
        let { ctx, alice, bob } = ratchetPair(crypto);
        const first = ratchetEncrypt(ctx, alice, utf8('hello'));
        bob = ratchetDecrypt(ctx, bob, first.message).state;
        // Alice "sent" MAX_FORWARD_JUMP more messages on her first chain, all lost.
        alice = skipSending(crypto, first.state, MAX_FORWARD_JUMP + extra);
        const reply = ratchetEncrypt(ctx, bob, utf8('hi'));
        bob = reply.state;
        alice = ratchetDecrypt(ctx, alice, reply.message).state;
        const next = ratchetEncrypt(ctx, alice, utf8('next')).message;
        if (code === undefined) expect(text(ratchetDecrypt(ctx, bob, next).plaintext)).toBe('next');
        else expectRejected(ctx, bob, next, code);
      }
    });

    it('a counter past the end of an older chain: MESSAGE_AUTHENTICATION_FAILED', () => {
      let { ctx, alice, bob } = ratchetPair(crypto);
      const first = ratchetEncrypt(ctx, alice, utf8('hello'));
      bob = ratchetDecrypt(ctx, bob, first.message).state;
      const reply = ratchetEncrypt(ctx, bob, utf8('hi'));
      bob = reply.state;
      alice = ratchetDecrypt(ctx, first.state, reply.message).state;
      bob = ratchetDecrypt(
        ctx,
        bob,
        ratchetEncrypt(ctx, alice, utf8('second chain')).message,
      ).state;
      // Alice's stale state sends once more on her first chain, which ended at PN = 1.
      const stale = ratchetEncrypt(ctx, first.state, utf8('stale')).message;
      expectRejected(ctx, bob, stale, 'MESSAGE_AUTHENTICATION_FAILED');
    });

    it('a message from an unknown session: MESSAGE_AUTHENTICATION_FAILED', () => {
      const one = ratchetPair(crypto);
      const other = ratchetPair(crypto);
      const message = ratchetEncrypt(one.ctx, one.alice, utf8('hello')).message;
      expectRejected(other.ctx, other.bob, message, 'MESSAGE_AUTHENTICATION_FAILED');
    });
  },
);
