/**
 * The client's formats: `Content` (@sigil/wire/formats) round trips and must-reject cases with
 * their codes; the sealer binds each blob to its row; the login signature content is the bytes
 * the relay verifies; base64url is canonical.
 */
import { getCryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { relayAuthContent } from '@sigil/relay';
import { decode, encode } from '@sigil/wire';
import { Content, ContentType, ReceiptType } from '@sigil/wire/formats';
import { describe, expect, it } from 'vitest';
import { fromBase64url, toBase64url } from '../src/internal/bytes.ts';
import { RelayAuthContent } from '../src/internal/relay-auth.ts';
import { Sealer } from '../src/sealer.ts';

const crypto = getCryptoProvider();
const id = new Uint8Array(16).fill(9);

function codeOf(fn: () => unknown): unknown {
  try {
    fn();
    return 'returned';
  } catch (err) {
    return SigilError.is(err) ? err.code : err;
  }
}

describe('Content', () => {
  const cases: Content[] = [
    {
      version: 1,
      messageId: id,
      sentAt: 5n,
      destination: undefined,
      body: { tag: ContentType.text, value: { text: 'héllo 👋' } },
    },
    {
      version: 1,
      messageId: id,
      sentAt: 0n,
      destination: 'A'.repeat(43),
      body: { tag: ContentType.bytes, value: { data: new Uint8Array([0, 255]) } },
    },
    {
      version: 1,
      messageId: id,
      sentAt: 2n ** 63n,
      destination: undefined,
      body: {
        tag: ContentType.resendRequest,
        value: { envelopeHashes: [new Uint8Array(32), new Uint8Array(32).fill(1)] },
      },
    },
    {
      version: 1,
      messageId: id,
      sentAt: 1n,
      destination: undefined,
      body: {
        tag: ContentType.receipt,
        value: { receiptType: ReceiptType.read, messageIds: [id] },
      },
    },
  ];

  it.each(cases.map((c) => [c.body.tag, c] as const))('type %i round trips', (_tag, content) => {
    const bytes = encode(Content, content);
    expect(decode(Content, bytes)).toEqual(content);
    expect(encode(Content, decode(Content, bytes))).toEqual(bytes);
  });

  it('rejects what it must, with the code', () => {
    const text = encode(Content, cases[0] as Content);
    const failures: string[] = [];
    const expectCode = (name: string, bytes: Uint8Array, code: string) => {
      const got = codeOf(() => decode(Content, bytes));
      if (got !== code) failures.push(`${name}: ${String(got)}`);
    };
    const mutate = (at: number, value: number) => {
      const copy = text.slice();
      copy[at] = value;
      return copy;
    };
    expectCode('version 2', mutate(0, 2), 'UNSUPPORTED_VERSION');
    // version(1) id(16) sentAt(8) destination presence(1) type(1) ...
    expectCode('unknown type', mutate(26, 9), 'CODEC_INVALID_VALUE');
    expectCode('bad presence byte', mutate(25, 2), 'CODEC_INVALID_VALUE');
    expectCode('truncated', text.subarray(0, text.length - 1), 'CODEC_TRUNCATED');
    expectCode('trailing', new Uint8Array([...text, 0]), 'CODEC_TRAILING_BYTES');
    const badUtf8 = new Uint8Array([...text.subarray(0, 27), 2, 0xc3, 0x28]);
    expectCode('invalid UTF-8', badUtf8, 'CODEC_INVALID_VALUE');
    const emptyHashes = new Uint8Array([...text.subarray(0, 26), ContentType.resendRequest, 0]);
    expectCode('empty hash list', emptyHashes, 'CODEC_INVALID_VALUE');
    const shortHash = new Uint8Array([
      ...text.subarray(0, 26),
      ContentType.resendRequest,
      31,
      ...new Uint8Array(31),
    ]);
    expectCode('31-byte hash', shortHash, 'CODEC_TRUNCATED');
    const badReceipt = new Uint8Array([...text.subarray(0, 26), ContentType.receipt, 3, 16, ...id]);
    expectCode('receipt type 3', badReceipt, 'CODEC_INVALID_VALUE');
    expect(failures).toEqual([]);
    const lone = {
      ...(cases[0] as Content),
      body: { tag: ContentType.text, value: { text: '\ud800' } },
    } as Content;
    expect(codeOf(() => encode(Content, lone))).toBe('INVALID_ARGUMENT');
  });
});

describe('Sealer', () => {
  it('opens only with the same key, kind and row', () => {
    const key = crypto.random.bytes(32);
    const sealer = new Sealer(crypto, key, (n) => crypto.random.bytes(n));
    const blob = sealer.seal('session', 'acct/1', new Uint8Array([1, 2, 3]));
    expect(sealer.open('session', 'acct/1', blob)).toEqual(new Uint8Array([1, 2, 3]));
    const other = new Sealer(crypto, crypto.random.bytes(32), (n) => crypto.random.bytes(n));
    for (const [name, open] of [
      ['another row', () => sealer.open('session', 'acct/2', blob)],
      ['another kind', () => sealer.open('message', 'acct/1', blob)],
      ['another key', () => other.open('session', 'acct/1', blob)],
      [
        'a flipped bit',
        () =>
          sealer.open(
            'session',
            'acct/1',
            blob.map((b, i) => (i === 20 ? b ^ 1 : b)),
          ),
      ],
      ['too short', () => sealer.open('session', 'acct/1', blob.subarray(0, 27))],
    ] as const) {
      expect(codeOf(open), name).toBe('RECORD_AUTHENTICATION_FAILED');
    }
    expect(codeOf(() => new Sealer(crypto, new Uint8Array(16), () => new Uint8Array(12)))).toBe(
      'INVALID_KEY_LENGTH',
    );
    expect(JSON.stringify({ sealer })).not.toContain(toBase64url(key));
  });
});

describe('wire helpers', () => {
  it('the login content is the bytes the relay verifies', () => {
    const params = {
      origin: 'http://127.0.0.1:8787',
      challengeId: 'abcdefghijklmnopqrstuv',
      nonce: crypto.random.bytes(32),
      accountId: 'A'.repeat(43),
      deviceId: 7,
    };
    const te = new TextEncoder();
    expect(
      encode(RelayAuthContent, {
        origin: te.encode(params.origin),
        challengeId: te.encode(params.challengeId),
        nonce: params.nonce,
        accountId: te.encode(params.accountId),
        deviceId: params.deviceId,
      }),
    ).toEqual(relayAuthContent(params));
  });

  it('base64url is canonical and matches Node', () => {
    for (let length = 0; length < 40; length++) {
      const data = crypto.random.bytes(length);
      const text = toBase64url(data);
      expect(text).toBe(Buffer.from(data).toString('base64url'));
      expect(fromBase64url(text)).toEqual(data);
    }
    for (const bad of ['A', 'AB=', 'A+', 'AF']) {
      expect(
        codeOf(() => fromBase64url(bad)),
        bad,
      ).toBe('RELAY_RESPONSE_INVALID');
    }
  });
});
