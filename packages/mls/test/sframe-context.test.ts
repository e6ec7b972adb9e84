/**
 * The SFrame context (RFC 9605 §4.4, §7.4, §9.1, §9.3) on both backends and all five suites:
 * round trips, and the must-reject cases, each with its code and with the receiver's state left
 * unchanged: tampered tag, ciphertext, header or metadata; unknown KID and keys used in the wrong
 * direction; replays and frames below the replay window; truncated frames and non-minimal
 * headers; counter exhaustion on the sender; and redaction of keys.
 */
import { inspect } from 'node:util';
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { describe, expect, it } from 'vitest';
import { getSFrameCipherSuite } from '../src/sframe/cipher-suite.ts';
import { SFrameContext } from '../src/sframe/context.ts';
import { decodeSFrameHeader, encodeSFrameHeader } from '../src/sframe/header.ts';
import { SFRAME_MAX_UINT64, SFRAME_REPLAY_WINDOW } from '../src/sframe/limits.ts';
import { codeOf, hex } from './helpers.ts';

const text = (s: string) => new TextEncoder().encode(s);
const SUITES = [1, 2, 3, 4, 5] as const;

/** A sender and a receiver sharing one base key under `kid`. */
function pair(provider: CryptoProvider, cipherSuite: number, kid = 0x123n) {
  const baseKey = provider.random.bytes(32);
  const sender = new SFrameContext({ provider, cipherSuite });
  sender.addSendKey(kid, baseKey);
  const receiver = new SFrameContext({ provider, cipherSuite });
  receiver.addReceiveKey(kid, baseKey);
  return { kid, baseKey, sender, receiver };
}

/** A copy of `bytes` with bit 0 of byte `index` flipped (negative index: from the end). */
function flip(bytes: Uint8Array, index: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const at = index < 0 ? out.length + index : index;
  out[at] = (out[at] as number) ^ 1;
  return out;
}

describe.each(allProviders())('SFrame context ($name)', (provider) => {
  describe.each(SUITES)('suite %i', (cipherSuite) => {
    const suite = getSFrameCipherSuite(provider, cipherSuite);

    it('round-trips frames with fresh counters, including empty metadata and plaintext', () => {
      const { kid, sender, receiver } = pair(provider, cipherSuite);
      const metadata = text('rtp header ext');
      const a = sender.encrypt(kid, metadata, text('frame'));
      const b = sender.encrypt(kid, metadata, text('frame'));
      const empty = sender.encrypt(kid, new Uint8Array(0), new Uint8Array(0));
      expect(hex(a)).not.toBe(hex(b));
      expect(empty.length).toBe(decodeSFrameHeader(empty).length + suite.tagLength);
      expect(receiver.decrypt(metadata, a)).toMatchObject({ kid, ctr: 0n });
      expect(new TextDecoder().decode(receiver.decrypt(metadata, b).plaintext)).toBe('frame');
      expect(receiver.decrypt(new Uint8Array(0), empty).plaintext.length).toBe(0);
      expect(sender.nextCounter(kid)).toBe(3n);
    });

    it('rejects tampered tag, ciphertext, header and metadata, and stays usable', () => {
      const { kid, sender, receiver } = pair(provider, cipherSuite);
      const metadata = text('meta');
      const frame = sender.encrypt(kid, metadata, text('a media frame of some length'));
      const headerLength = decodeSFrameHeader(frame).length;
      const forgeries = {
        tag: flip(frame, -1),
        ciphertext: flip(frame, headerLength),
        // Flips the CTR's lowest bit inside the header: still parses, now (kid, 1).
        header: flip(frame, 0),
      };
      for (const [what, forged] of Object.entries(forgeries)) {
        expect(
          codeOf(() => receiver.decrypt(metadata, forged)),
          what,
        ).toBe('AEAD_AUTHENTICATION_FAILED');
      }
      expect(codeOf(() => receiver.decrypt(text('metA'), frame))).toBe(
        'AEAD_AUTHENTICATION_FAILED',
      );
      expect(codeOf(() => receiver.decrypt(new Uint8Array(0), frame))).toBe(
        'AEAD_AUTHENTICATION_FAILED',
      );
      // None of the failures moved the replay window: CTR 1 (the forged header's) and the
      // genuine frame are both still accepted.
      expect(receiver.decrypt(metadata, frame).ctr).toBe(0n);
      const next = sender.encrypt(kid, metadata, text('next'));
      expect(receiver.decrypt(metadata, next).ctr).toBe(1n);
    });

    it('rejects truncated frames', () => {
      const { kid, sender, receiver } = pair(provider, cipherSuite);
      const frame = sender.encrypt(kid, new Uint8Array(0), text('payload'));
      const headerLength = decodeSFrameHeader(frame).length;
      expect(codeOf(() => receiver.decrypt(new Uint8Array(0), new Uint8Array(0)))).toBe(
        'SFRAME_HEADER_INVALID',
      );
      // The header says KID takes two bytes; only one is there.
      expect(codeOf(() => receiver.decrypt(new Uint8Array(0), frame.subarray(0, 2)))).toBe(
        'SFRAME_HEADER_INVALID',
      );
      for (const cut of [1, suite.tagLength, frame.length - headerLength]) {
        expect(
          codeOf(() => receiver.decrypt(new Uint8Array(0), frame.subarray(0, frame.length - cut))),
          `cut ${cut}`,
        ).toBe('AEAD_AUTHENTICATION_FAILED');
      }
      expect(receiver.decrypt(new Uint8Array(0), frame).ctr).toBe(0n);
    });
  });

  it('rejects unknown KIDs and keys used in the wrong direction', () => {
    const { kid, baseKey, sender, receiver } = pair(provider, 1);
    const frame = sender.encrypt(kid, new Uint8Array(0), text('x'));
    const stranger = new SFrameContext({ provider, cipherSuite: 1 });
    stranger.addReceiveKey(kid + 1n, baseKey);
    expect(codeOf(() => stranger.decrypt(new Uint8Array(0), frame))).toBe('SFRAME_UNKNOWN_KEY_ID');
    // A send key never decrypts (§4.4.1), a receive key never encrypts.
    expect(codeOf(() => sender.decrypt(new Uint8Array(0), frame))).toBe('SFRAME_UNKNOWN_KEY_ID');
    expect(codeOf(() => receiver.encrypt(kid, new Uint8Array(0), text('x')))).toBe(
      'SFRAME_UNKNOWN_KEY_ID',
    );
    // A removed key is gone.
    expect(receiver.removeKey(kid)).toBe(true);
    expect(receiver.removeKey(kid)).toBe(false);
    expect(codeOf(() => receiver.decrypt(new Uint8Array(0), frame))).toBe('SFRAME_UNKNOWN_KEY_ID');
  });

  it('refuses a second key under a KID (either direction)', () => {
    const { kid, baseKey, sender, receiver } = pair(provider, 4);
    expect(codeOf(() => sender.addSendKey(kid, baseKey))).toBe('SFRAME_KEY_ID_IN_USE');
    expect(codeOf(() => sender.addReceiveKey(kid, baseKey))).toBe('SFRAME_KEY_ID_IN_USE');
    expect(codeOf(() => receiver.addSendKey(kid, baseKey))).toBe('SFRAME_KEY_ID_IN_USE');
    sender.encrypt(kid, new Uint8Array(0), text('x'));
    expect(sender.nextCounter(kid)).toBe(1n);
  });

  it(`rejects replays within the ${SFRAME_REPLAY_WINDOW}-counter window and older frames`, () => {
    const { kid, sender, receiver } = pair(provider, 2);
    const none = new Uint8Array(0);
    const frames = Array.from({ length: SFRAME_REPLAY_WINDOW + 2 }, (_, i) =>
      sender.encrypt(kid, none, text(`frame ${i}`)),
    );
    const last = SFRAME_REPLAY_WINDOW + 1;
    // Out of order: the newest first, then older ones inside the window.
    expect(receiver.decrypt(none, frames[last] as Uint8Array).ctr).toBe(BigInt(last));
    expect(receiver.decrypt(none, frames[last - 5] as Uint8Array).ctr).toBe(BigInt(last - 5));
    // highest - (W - 1): the oldest counter the window still covers.
    expect(receiver.decrypt(none, frames[2] as Uint8Array).ctr).toBe(2n);
    // highest - W and below: too old to tell, rejected.
    expect(codeOf(() => receiver.decrypt(none, frames[1] as Uint8Array))).toBe(
      'SFRAME_COUNTER_TOO_OLD',
    );
    expect(codeOf(() => receiver.decrypt(none, frames[0] as Uint8Array))).toBe(
      'SFRAME_COUNTER_TOO_OLD',
    );
    // Replays of accepted frames.
    for (const index of [last, last - 5, 2]) {
      expect(
        codeOf(() => receiver.decrypt(none, frames[index] as Uint8Array)),
        `${index}`,
      ).toBe('SFRAME_REPLAY');
    }
    // A frame inside the window that was never seen is still fine.
    expect(receiver.decrypt(none, frames[last - 1] as Uint8Array).ctr).toBe(BigInt(last - 1));
  });

  it('a forged frame with a far-ahead CTR does not move the window', () => {
    const { kid, sender, receiver } = pair(provider, 3);
    const none = new Uint8Array(0);
    const forged = Uint8Array.from([
      ...encodeSFrameHeader(kid, 1_000_000n),
      ...provider.random.bytes(20),
    ]);
    expect(codeOf(() => receiver.decrypt(none, forged))).toBe('AEAD_AUTHENTICATION_FAILED');
    expect(receiver.decrypt(none, sender.encrypt(kid, none, text('first'))).ctr).toBe(0n);
  });

  it('keeps on-demand receive keys only after a frame authenticates, up to the limit', () => {
    const baseKey = provider.random.bytes(16);
    const none = new Uint8Array(0);
    const sender = new SFrameContext({ provider, cipherSuite: 4 });
    for (const kid of [10n, 11n, 12n]) sender.addSendKey(kid, baseKey);
    const asked: bigint[] = [];
    const receiver = new SFrameContext({
      provider,
      cipherSuite: 4,
      maxReceiveKeys: 2,
      resolveReceiveKey: (kid) => {
        asked.push(kid);
        return kid >= 10n && kid <= 13n ? baseKey : undefined;
      },
    });
    const forged = Uint8Array.from([...encodeSFrameHeader(13n, 0n), ...new Uint8Array(20)]);
    expect(codeOf(() => receiver.decrypt(none, forged))).toBe('AEAD_AUTHENTICATION_FAILED');
    expect(receiver.hasReceiveKey(13n)).toBe(false);
    const unknown = Uint8Array.from([...encodeSFrameHeader(99n, 0n), ...new Uint8Array(20)]);
    expect(codeOf(() => receiver.decrypt(none, unknown))).toBe('SFRAME_UNKNOWN_KEY_ID');

    expect(receiver.decrypt(none, sender.encrypt(10n, none, text('a'))).kid).toBe(10n);
    expect(receiver.decrypt(none, sender.encrypt(11n, none, text('b'))).kid).toBe(11n);
    expect([receiver.hasReceiveKey(10n), receiver.hasReceiveKey(11n)]).toEqual([true, true]);
    expect(codeOf(() => receiver.decrypt(none, sender.encrypt(12n, none, text('c'))))).toBe(
      'SFRAME_UNKNOWN_KEY_ID',
    );
    // Kept keys keep working (and are not resolved again); removing one frees a place.
    asked.length = 0;
    expect(receiver.decrypt(none, sender.encrypt(10n, none, text('d'))).ctr).toBe(1n);
    expect(asked).toEqual([]);
    expect(receiver.removeKeys((kid) => kid === 11n)).toBe(1);
    expect(receiver.decrypt(none, sender.encrypt(12n, none, text('e'))).ctr).toBe(1n);
    expect(codeOf(() => new SFrameContext({ provider, cipherSuite: 4, maxReceiveKeys: 0 }))).toBe(
      'INVALID_ARGUMENT',
    );
  });

  it('never reuses a counter: throws at 2^64 instead of wrapping', () => {
    const baseKey = provider.random.bytes(16);
    const kid = 7n;
    const sender = new SFrameContext({ provider, cipherSuite: 5 });
    sender.addSendKey(kid, baseKey, { nextCounter: SFRAME_MAX_UINT64 - 1n });
    const receiver = new SFrameContext({ provider, cipherSuite: 5 });
    receiver.addReceiveKey(kid, baseKey);
    const none = new Uint8Array(0);
    const a = sender.encrypt(kid, none, text('a'));
    const b = sender.encrypt(kid, none, text('b'));
    expect(codeOf(() => sender.encrypt(kid, none, text('c')))).toBe('SFRAME_COUNTER_EXHAUSTED');
    expect(codeOf(() => sender.encrypt(kid, none, text('c')))).toBe('SFRAME_COUNTER_EXHAUSTED');
    expect(sender.nextCounter(kid)).toBe(SFRAME_MAX_UINT64 + 1n);
    expect(receiver.decrypt(none, a).ctr).toBe(SFRAME_MAX_UINT64 - 1n);
    expect(receiver.decrypt(none, b).ctr).toBe(SFRAME_MAX_UINT64);
    expect(
      codeOf(() => sender.addSendKey(8n, baseKey, { nextCounter: SFRAME_MAX_UINT64 + 1n })),
    ).toBe('INVALID_ARGUMENT');
  });

  it('rejects bad arguments and unknown cipher suites', () => {
    for (const cipherSuite of [0, 6, 7, 8, 0xf000]) {
      expect(codeOf(() => new SFrameContext({ provider, cipherSuite }))).toBe(
        'UNSUPPORTED_ALGORITHM',
      );
    }
    const context = new SFrameContext({ provider, cipherSuite: 1 });
    const key = provider.random.bytes(16);
    expect(codeOf(() => context.addSendKey(-1n, key))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => context.addSendKey(2n ** 64n, key))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => context.addSendKey(1 as unknown as bigint, key))).toBe('INVALID_ARGUMENT');
    context.addSendKey(1n, key);
    expect(codeOf(() => context.encrypt(1n, 'm' as unknown as Uint8Array, key))).toBe(
      'INVALID_ARGUMENT',
    );
    // A rejected call consumed no counter.
    expect(context.nextCounter(1n)).toBe(0n);
  });

  it('prints no key material', () => {
    const { kid, baseKey, sender: s, receiver } = pair(provider, 1);
    s.encrypt(kid, new Uint8Array(0), text('x'));
    for (const printed of [
      JSON.stringify(s),
      inspect(s),
      JSON.stringify(receiver),
      inspect(receiver),
    ]) {
      expect(printed).not.toContain(hex(baseKey));
      expect(printed).toMatch(/suite|cipherSuite/);
    }
    expect(JSON.parse(JSON.stringify(s))).toEqual({ cipherSuite: 1, sendKeys: 1, receiveKeys: 0 });
  });
});

describe('SFrame header codec (§4.3)', () => {
  it('rejects non-minimal and truncated encodings', () => {
    const cases: Record<string, number[]> = {
      'extended CTR below 8': [0x08, 0x05],
      'extended KID below 8': [0x80, 0x03],
      'CTR with a leading zero byte': [0x09, 0x00, 0x10],
      'KID with a leading zero byte': [0x90, 0x00, 0xff],
      'CTR 0 in extended form': [0x08, 0x00],
      'truncated 8-byte CTR': [0x0f, 1, 2, 3, 4, 5, 6, 7],
      'truncated KID before CTR': [0x99, 0x01],
    };
    for (const [what, bytes] of Object.entries(cases)) {
      expect(
        codeOf(() => decodeSFrameHeader(Uint8Array.from(bytes))),
        what,
      ).toBe('SFRAME_HEADER_INVALID');
    }
    expect(codeOf(() => decodeSFrameHeader([0] as unknown as Uint8Array))).toBe('INVALID_ARGUMENT');
  });

  it('encodes the RFC figure forms and refuses out-of-range values', () => {
    expect(hex(encodeSFrameHeader(7n, 7n))).toBe('77');
    expect(hex(encodeSFrameHeader(8n, 0n))).toBe('8008');
    expect(hex(encodeSFrameHeader(0n, 8n))).toBe('0808');
    expect(hex(encodeSFrameHeader(0x123n, 0x4567n))).toBe('9901234567');
    for (const bad of [-1n, 2n ** 64n]) {
      expect(codeOf(() => encodeSFrameHeader(bad, 0n))).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => encodeSFrameHeader(0n, bad))).toBe('INVALID_ARGUMENT');
    }
  });
});
