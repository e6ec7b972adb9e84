/**
 * Must-reject cases of the session layer (spec/one-to-one.md §3, §4), each asserting the exact
 * SigilError code: tampering with every byte of a first message, a wrong recipient, replays
 * (one-time and last-resort), bad bundle signatures, low-order keys, KEM downgrades and wrong
 * ciphertext lengths, a jump beyond the limit, unknown versions and types, truncation, misuse.
 * `decryptMessage` is pure: a call that throws returns nothing to persist and consumes no
 * prekey; the store-level tests check that the receive flow keeps it so. Both backends.
 *
 * The tamper test flips every byte of a PreKeyMessage; on the portable backend the two
 * 1568-byte KEM fields are sampled (every 29th byte) unless `SLOW=1`.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { type ErrorCode, SigilError } from '@sigil/errors';
import { decode, encode, opaqueVar, varintSize } from '@sigil/wire';
import {
  DeviceCertificate,
  KemPreKeyTBS,
  PreKeyBundle,
  PreKeyMessage,
  PreKeyMessagePrefix,
  SessionMessage,
  SignedPreKeyTBS,
} from '@sigil/wire/formats';
import { describe, expect, it } from 'vitest';
import { LABEL_KEM_PRE_KEY, LABEL_SIGNED_PRE_KEY } from '../src/labels.ts';
import { MAX_FORWARD_JUMP } from '../src/limits.ts';
import { buildPreKeyBundle } from '../src/prekeys/bundle.ts';
import { decodePreKeyBundle } from '../src/public/decode.ts';
import type { VerifiedDeviceCertificate } from '../src/public/verify-identity.ts';
import { verifyPreKeyBundle } from '../src/public/verify-prekeys.ts';
import { type IncomingMessage, parseIncoming } from '../src/session/incoming.ts';
import {
  type DecryptMessageParams,
  decryptMessage,
  encryptMessage,
  type PreKeySecrets,
  startSession,
} from '../src/session/session-cipher.ts';
import type { SessionRecord } from '../src/session/session-record.ts';
import { concat } from './identity-fixtures.ts';
import { receiveWithStores } from './memory-stores.ts';
import { codeOf, skipSending } from './ratchet-helpers.ts';
import { codeOfAsync, makeParty, type Party, text, utf8, vendBundle } from './session-helpers.ts';

const SLOW = process.env.SLOW !== undefined;

/** Codes the bytes of a message can produce when they do not parse. */
const PARSE_CODES: readonly ErrorCode[] = [
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_KEY_TYPE',
  'INVALID_KEY_LENGTH',
  'CODEC_TRUNCATED',
  'CODEC_TRAILING_BYTES',
  'CODEC_NON_MINIMAL_VARINT',
  'CODEC_INVALID_VARINT',
  'CODEC_INVALID_VALUE',
  'CODEC_LENGTH_TOO_LARGE',
];

const LOW_ORDER = [
  new Uint8Array(32), // u = 0
  Uint8Array.of(1, ...new Uint8Array(31)), // u = 1
  Uint8Array.from(
    Buffer.from('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', 'hex'),
  ), // order 8
];

/** The prekeys `party` holds for the ids `bytes` names (a synchronous store lookup). */
function prekeysFor(party: Party, message: IncomingMessage): PreKeySecrets | undefined {
  if (message.kind !== 'prekey') return undefined;
  const ids = message.prekeyIds;
  const store = party.stores.prekeys;
  return {
    signedPreKey: store.signed.get(ids.signedPreKeyId),
    oneTimePreKey:
      ids.oneTimePreKeyId === undefined ? undefined : store.oneTime.get(ids.oneTimePreKeyId),
    kemPreKey: store.kem.get(ids.kemPreKeyId),
  };
}

/** `party` decrypts `bytes` with `record`, its prekeys looked up as a store would. */
function receive(
  party: Party,
  bytes: Uint8Array,
  record: SessionRecord | undefined = undefined,
  extra: Partial<DecryptMessageParams> = {},
) {
  const message = parseIncoming(bytes);
  return decryptMessage(party.ctx, {
    local: party.device,
    record,
    message,
    prekeys: prekeysFor(party, message),
    seenLastResort: [],
    ...extra,
  });
}

/** Alice's first message to Bob, and what both hold around it. */
function firstMessage(crypto: CryptoProvider, options: { oneTime?: boolean } = {}) {
  const alice = makeParty(crypto, 'alice');
  const bob = makeParty(crypto, 'bob');
  const bundle = vendBundle(crypto, bob, options);
  const record = startSession(alice.ctx, { local: alice.device, bundle });
  const sent = encryptMessage(alice.ctx, record, utf8('first'));
  return { alice, bob, aliceRecord: sent.record, first: sent.message };
}

/** Byte ranges of a PreKeyMessage, by field, with the codes a flipped byte may produce. */
function regions(first: Uint8Array) {
  const message = decode(SessionMessage, first);
  if (message.tag !== 1) throw new Error('expected a PreKeyMessage');
  const value = message.value;
  const cert = encode(DeviceCertificate, value.initiator).length;
  const prefix = 1 + encode(PreKeyMessagePrefix, value).length;
  const ciphertextEnd = prefix;
  const ciphertextStart = ciphertextEnd - value.kemCiphertext.length;
  const idsStart = 2 + cert + 34;
  const inner = value.message;
  const bodyStart = first.length - inner.body.length;
  const nextKeyEnd = bodyStart - varintSize(inner.body.length);
  const nextKeyStart = nextKeyEnd - 1568;
  // An id changed to one of another stored prekey derives another SK: the message fails.
  const ids: ErrorCode[] = ['PREKEY_NOT_FOUND', 'MESSAGE_AUTHENTICATION_FAILED'];
  const list: { name: string; start: number; end: number; codes: readonly ErrorCode[] }[] = [
    { name: 'type', start: 0, end: 1, codes: ['CODEC_INVALID_VALUE'] },
    { name: 'version', start: 1, end: 2, codes: ['UNSUPPORTED_VERSION'] },
    {
      name: 'initiator certificate',
      start: 2,
      end: 2 + cert,
      codes: [...PARSE_CODES, 'SIGNATURE_INVALID'],
    },
    {
      name: 'responder identity key',
      start: 2 + cert,
      end: idsStart,
      codes: [...PARSE_CODES, 'IDENTITY_MISMATCH'],
    },
    { name: 'signed prekey id', start: idsStart, end: idsStart + 4, codes: ids },
    {
      name: 'one-time prekey id',
      start: idsStart + 4,
      end: idsStart + 9,
      codes: [...PARSE_CODES, ...ids],
    },
    { name: 'KEM prekey id', start: idsStart + 9, end: idsStart + 13, codes: ids },
    {
      name: 'base key',
      start: idsStart + 13,
      end: idsStart + 47,
      codes: [...PARSE_CODES, 'MESSAGE_AUTHENTICATION_FAILED'],
    },
    {
      name: 'KEM ciphertext length',
      start: idsStart + 47,
      end: ciphertextStart,
      codes: PARSE_CODES,
    },
    {
      name: 'KEM ciphertext',
      start: ciphertextStart,
      end: ciphertextEnd,
      codes: ['MESSAGE_AUTHENTICATION_FAILED'],
    },
    {
      name: 'ratchet header',
      start: ciphertextEnd,
      end: nextKeyStart,
      codes: [
        ...PARSE_CODES,
        'PQXDH_KEM_REQUIRED',
        'RATCHET_JUMP_TOO_LARGE',
        'X25519_LOW_ORDER_POINT',
        'MESSAGE_AUTHENTICATION_FAILED',
      ],
    },
    {
      name: 'advertised KEM key',
      start: nextKeyStart,
      end: nextKeyEnd,
      codes: ['MESSAGE_AUTHENTICATION_FAILED'],
    },
    { name: 'body length', start: nextKeyEnd, end: bodyStart, codes: PARSE_CODES },
    {
      name: 'body',
      start: bodyStart,
      end: first.length,
      codes: ['MESSAGE_AUTHENTICATION_FAILED'],
    },
  ];
  return list;
}

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'session rejects (%s)',
  (_name, crypto) => {
    it('tampering with every byte of a first message is rejected with its field code', () => {
      const { bob, first } = firstMessage(crypto);
      const sample = crypto.name === 'portable' && !SLOW ? 29 : 1;
      const failures: string[] = [];
      let tried = 0;
      for (const region of regions(first)) {
        const large = region.end - region.start >= 1568;
        for (let offset = region.start; offset < region.end; offset++) {
          if (large && (offset - region.start) % sample !== 0 && offset !== region.end - 1) {
            continue;
          }
          // Large fields feed one derivation each byte: one flip. Small ones: two.
          for (const flip of large ? [0x01] : [0x01, 0x80]) {
            const tampered = first.slice();
            tampered[offset] = (tampered[offset] as number) ^ flip;
            const code = codeOf(() => receive(bob, tampered));
            tried++;
            if (!(region.codes as readonly string[]).includes(code)) {
              failures.push(`${region.name} byte ${offset} ^ ${flip}: ${code}`);
            }
          }
        }
      }
      expect(failures).toEqual([]);
      expect(tried).toBeGreaterThan(400);
      // Nothing was consumed or changed: the genuine message still sets up the session.
      expect(text(receive(bob, first).plaintext)).toBe('first');
    }, 600_000);

    it('a failed first message consumes nothing in the store; the genuine one then works', async () => {
      const { alice, bob, first } = firstMessage(crypto);
      const before = bob.stores.prekeys.snapshot();
      const forged = first.slice();
      forged[first.length - 1] = (forged[first.length - 1] as number) ^ 1;
      const bad = () => receiveWithStores(bob.ctx, bob.stores, alice.address, forged);
      expect(await codeOfAsync(bad)).toBe('MESSAGE_AUTHENTICATION_FAILED');
      expect(bob.stores.prekeys.snapshot()).toBe(before);
      expect(bob.stores.sessions.encoded(alice.address)).toBeUndefined();
      const good = await receiveWithStores(bob.ctx, bob.stores, alice.address, first);
      expect(text(good.plaintext)).toBe('first');
      expect(bob.stores.prekeys.snapshot()).not.toBe(before);
    });

    it('wrong recipient: IDENTITY_MISMATCH; a rewritten recipient fails to authenticate', () => {
      const { bob, first } = firstMessage(crypto);
      const otherDevice = makeParty(crypto, 'bob 7', { account: bob.account, deviceId: 7 });
      const carol = makeParty(crypto, 'carol');
      expect(codeOf(() => receive(otherDevice, first))).toBe('IDENTITY_MISMATCH');
      expect(codeOf(() => receive(carol, first))).toBe('IDENTITY_MISMATCH');
      // Rewriting the field to the receiver's key: its prekeys have the same ids (devices
      // choose ids), but SK and AD are Bob's, so the first message cannot authenticate.
      const message = decode(PreKeyMessage, first.subarray(1));
      for (const receiver of [otherDevice, carol]) {
        const rewritten = concat(
          Uint8Array.of(1),
          encode(PreKeyMessage, {
            ...message,
            responderIdentityKey: { type: 1, key: receiver.device.identityKey },
          }),
        );
        expect(codeOf(() => receive(receiver, rewritten))).toBe('MESSAGE_AUTHENTICATION_FAILED');
        const unknownIds = concat(
          Uint8Array.of(1),
          encode(PreKeyMessage, {
            ...message,
            responderIdentityKey: { type: 1, key: receiver.device.identityKey },
            signedPreKeyId: 77,
          }),
        );
        expect(codeOf(() => receive(receiver, unknownIds))).toBe('PREKEY_NOT_FOUND');
      }
    });

    it('replay of a first message: DUPLICATE_MESSAGE on its session, PREKEY_NOT_FOUND without', () => {
      for (const oneTime of [true, false]) {
        const { bob, first } = firstMessage(crypto, { oneTime });
        const opened = receive(bob, first);
        const { consumed } = opened;
        expect(consumed.kemPreKeyId).toBe(200);
        expect(consumed.oneTimePreKeyId).toBe(oneTime ? 100 : undefined);
        expect(codeOf(() => receive(bob, first, opened.record))).toBe('DUPLICATE_MESSAGE');
        // The application deletes what was consumed; with the session gone (a lost or deleted
        // record) the replay would need those keys.
        if (consumed.oneTimePreKeyId !== undefined) {
          bob.stores.prekeys.oneTime.delete(consumed.oneTimePreKeyId);
        }
        bob.stores.prekeys.kem.delete(consumed.kemPreKeyId as number);
        expect(codeOf(() => receive(bob, first))).toBe('PREKEY_NOT_FOUND');
        expect(codeOf(() => receive(bob, first, { current: undefined, archived: [] }))).toBe(
          'PREKEY_NOT_FOUND',
        );
      }
    });

    it('replay with a last-resort KEM prekey: DUPLICATE_MESSAGE; the use must be tracked', () => {
      const alice = makeParty(crypto, 'alice');
      const bob = makeParty(crypto, 'bob', { oneTime: 0, kem: 0 });
      const bundle = vendBundle(crypto, bob);
      const record = startSession(alice.ctx, { local: alice.device, bundle });
      const first = encryptMessage(alice.ctx, record, utf8('first')).message;
      expect(codeOf(() => receive(bob, first, undefined, { seenLastResort: undefined }))).toBe(
        'INVALID_ARGUMENT',
      );
      const opened = receive(bob, first);
      const use = opened.consumed.lastResortUse;
      if (use === undefined) throw new Error('expected a last-resort use');
      expect(use.ciphertextHash).toEqual(
        crypto.hash.digest(
          'sha256',
          (parseIncoming(first) as { kemCiphertext: Uint8Array }).kemCiphertext,
        ),
      );
      expect(codeOf(() => receive(bob, first, undefined, { seenLastResort: [use] }))).toBe(
        'DUPLICATE_MESSAGE',
      );
      const seen = (id: number, hash: Uint8Array) =>
        id === use.kemPreKeyId && Buffer.from(hash).equals(Buffer.from(use.ciphertextHash));
      expect(codeOf(() => receive(bob, first, undefined, { seenLastResort: seen }))).toBe(
        'DUPLICATE_MESSAGE',
      );
      // Another session on the same last-resort key is a different use.
      const again = startSession(alice.ctx, { local: alice.device, bundle });
      const second = encryptMessage(alice.ctx, again, utf8('second')).message;
      expect(text(receive(bob, second, undefined, { seenLastResort: [use] }).plaintext)).toBe(
        'second',
      );
    });

    it('a bundle with a bad signature on either prekey: SIGNATURE_INVALID', () => {
      const bob = makeParty(crypto, 'bob');
      const bundle = decode(PreKeyBundle, encode(PreKeyBundle, vendBundle(crypto, bob).bundle));
      const flip = (signature: Uint8Array) => {
        const out = signature.slice();
        out[7] = (out[7] as number) ^ 4;
        return out;
      };
      const badSigned = {
        ...bundle,
        signedPreKey: { ...bundle.signedPreKey, signature: flip(bundle.signedPreKey.signature) },
      };
      const badKem = {
        ...bundle,
        kemPreKey: { ...bundle.kemPreKey, signature: flip(bundle.kemPreKey.signature) },
      };
      for (const bad of [badSigned, badKem]) {
        const bytes = encode(PreKeyBundle, bad);
        expect(
          codeOf(() =>
            verifyPreKeyBundle(crypto, decodePreKeyBundle(bytes), bob.account.accountKey),
          ),
        ).toBe('SIGNATURE_INVALID');
      }
    });

    it('low-order keys: X25519_LOW_ORDER_POINT for a base key, signed prekey or one-time prekey', () => {
      const { alice, bob, first } = firstMessage(crypto);
      const message = decode(PreKeyMessage, first.subarray(1));
      for (const key of LOW_ORDER) {
        const bytes = concat(
          Uint8Array.of(1),
          encode(PreKeyMessage, { ...message, baseKey: { type: 1, key } }),
        );
        expect(codeOf(() => receive(bob, bytes))).toBe('X25519_LOW_ORDER_POINT');

        // A validly signed prekey with a low-order key, and an (unsigned) one-time prekey.
        const tbs = { ...bob.signedPreKey.signedPreKey.tbs, key: { type: 1 as const, key } };
        const signedPreKey = {
          tbs,
          signature: bob.device.sign(crypto, LABEL_SIGNED_PRE_KEY, encode(SignedPreKeyTBS, tbs)),
        };
        const kemPreKey = bob.lastResort.kemPreKey;
        for (const parts of [
          { signedPreKey, oneTimePreKey: undefined },
          {
            signedPreKey: bob.signedPreKey.signedPreKey,
            oneTimePreKey: { id: 5, key: { type: 1 as const, key } },
          },
        ]) {
          const bundle = verifyPreKeyBundle(
            crypto,
            buildPreKeyBundle({ device: bob.device.certificate, kemPreKey, ...parts }),
            bob.account.accountKey,
          );
          expect(codeOf(() => startSession(alice.ctx, { local: alice.device, bundle }))).toBe(
            'X25519_LOW_ORDER_POINT',
          );
        }
      }
    });

    it('KEM ciphertext: wrong length MLKEM_INVALID_CIPHERTEXT_LENGTH, stripped PQXDH_KEM_REQUIRED', () => {
      const { bob, first } = firstMessage(crypto);
      const message = decode(PreKeyMessage, first.subarray(1));
      const withCiphertext = (kemCiphertext: Uint8Array) =>
        concat(Uint8Array.of(1), encode(PreKeyMessage, { ...message, kemCiphertext }));
      for (const length of [1, 1088, 1567, 1569]) {
        expect(codeOf(() => receive(bob, withCiphertext(new Uint8Array(length))))).toBe(
          'MLKEM_INVALID_CIPHERTEXT_LENGTH',
        );
      }
      // The downgrade to X3DH inside the format: no ciphertext.
      expect(codeOf(() => receive(bob, withCiphertext(new Uint8Array(0))))).toBe(
        'PQXDH_KEM_REQUIRED',
      );
      // The field removed altogether: the message no longer parses (the inner message's version
      // and key type bytes move into the ciphertext's length and body; its key length byte 0x20
      // is then read as the inner version).
      const prefix = encode(PreKeyMessagePrefix, message);
      const cut = prefix.length - encode(opaqueVar, message.kemCiphertext).length;
      const stripped = concat(
        Uint8Array.of(1),
        prefix.subarray(0, cut),
        first.subarray(1 + prefix.length),
      );
      expect(codeOf(() => receive(bob, stripped))).toBe('UNSUPPORTED_VERSION');
      // A bundle whose signed "KEM prekey" is an X25519 key is refused before any PQXDH.
      const bundle = vendBundle(crypto, bob).bundle;
      const kemTbs = {
        ...bundle.kemPreKey.tbs,
        key: { type: 1 as const, key: new Uint8Array(32) },
      };
      const x3dhBundle = {
        ...bundle,
        kemPreKey: {
          tbs: kemTbs,
          signature: bob.device.sign(crypto, LABEL_KEM_PRE_KEY, encode(KemPreKeyTBS, kemTbs)),
        },
      };
      expect(codeOf(() => verifyPreKeyBundle(crypto, x3dhBundle, bob.account.accountKey))).toBe(
        'PQXDH_KEM_REQUIRED',
      );
    });

    it('a jump beyond MAX_FORWARD_JUMP: RATCHET_JUMP_TOO_LARGE, first message or later', () => {
      const { alice, bob, aliceRecord, first } = firstMessage(crypto);
      const current = aliceRecord.current;
      if (current === undefined) throw new Error('no session');
      const jumped: SessionRecord = {
        current: { ...current, ratchet: skipSending(crypto, current.ratchet, MAX_FORWARD_JUMP) },
        archived: [],
      };
      const far = encryptMessage(alice.ctx, jumped, utf8('far')).message;
      expect(parseIncoming(far).kind).toBe('prekey');
      expect(codeOf(() => receive(bob, far))).toBe('RATCHET_JUMP_TOO_LARGE');

      const opened = receive(bob, first);
      let bobRecord = opened.record;
      const reply = encryptMessage(bob.ctx, bobRecord, utf8('reply'));
      bobRecord = reply.record;
      const aliceNow = receive(alice, reply.message, aliceRecord).record;
      const aliceCurrent = encryptMessage(alice.ctx, aliceNow, utf8('x')).record.current;
      if (aliceCurrent === undefined) throw new Error('no session');
      const skipped: SessionRecord = {
        current: {
          ...aliceCurrent,
          ratchet: skipSending(crypto, aliceCurrent.ratchet, MAX_FORWARD_JUMP + 1),
        },
        archived: [],
      };
      const late = encryptMessage(alice.ctx, skipped, utf8('late')).message;
      expect(parseIncoming(late).kind).toBe('ratchet');
      expect(codeOf(() => receive(bob, late, bobRecord))).toBe('RATCHET_JUMP_TOO_LARGE');
    });

    it('unknown versions: UNSUPPORTED_VERSION; unknown message type: CODEC_INVALID_VALUE', () => {
      const { alice, bob, aliceRecord, first } = firstMessage(crypto);
      const opened = receive(bob, first);
      const reply = encryptMessage(bob.ctx, opened.record, utf8('reply')).message;
      const innerVersionAt =
        1 + encode(PreKeyMessagePrefix, decode(PreKeyMessage, first.subarray(1))).length;
      for (const version of [0, 2, 255]) {
        for (const [bytes, at, record, party] of [
          [first, 1, undefined, bob],
          [first, innerVersionAt, undefined, bob],
          [reply, 1, aliceRecord, alice],
        ] as const) {
          const changed = bytes.slice();
          changed[at] = version;
          expect(
            codeOf(() => receive(party, changed, record)),
            `offset ${at}`,
          ).toBe('UNSUPPORTED_VERSION');
        }
      }
      for (const type of [0, 3, 255]) {
        const changed = first.slice();
        changed[0] = type;
        expect(codeOf(() => receive(bob, changed))).toBe('CODEC_INVALID_VALUE');
      }
    });

    it('every truncation of a first or later message: CODEC_TRUNCATED', () => {
      const { alice, bob, aliceRecord, first } = firstMessage(crypto);
      const opened = receive(bob, first);
      const reply = encryptMessage(bob.ctx, opened.record, utf8('reply')).message;
      const failures: string[] = [];
      for (const [name, bytes, party, record] of [
        ['first', first, bob, undefined],
        ['reply', reply, alice, aliceRecord],
      ] as const) {
        for (let length = 0; length < bytes.length; length++) {
          const code = codeOf(() => receive(party, bytes.subarray(0, length), record));
          if (code !== 'CODEC_TRUNCATED') failures.push(`${name} cut at ${length}: ${code}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('no session: SESSION_NOT_FOUND to decrypt a plain message or to encrypt', () => {
      const { alice, bob, aliceRecord, first } = firstMessage(crypto);
      const opened = receive(bob, first);
      const reply = encryptMessage(bob.ctx, opened.record, utf8('reply')).message;
      expect(codeOf(() => receive(alice, reply, undefined))).toBe('SESSION_NOT_FOUND');
      expect(codeOf(() => encryptMessage(alice.ctx, undefined, utf8('x')))).toBe(
        'SESSION_NOT_FOUND',
      );
      expect(
        codeOf(() => encryptMessage(alice.ctx, { current: undefined, archived: [] }, utf8('x'))),
      ).toBe('SESSION_NOT_FOUND');
      expect(text(receive(alice, reply, aliceRecord).plaintext)).toBe('reply');
    });

    it('misuse: hand-built messages, prekeys of other ids, a refusing peerCheck, a bad certificate', () => {
      const { alice, bob, first } = firstMessage(crypto);
      const parsed = parseIncoming(first);
      expect(
        codeOf(() =>
          decryptMessage(bob.ctx, { local: bob.device, record: undefined, message: { ...parsed } }),
        ),
      ).toBe('INVALID_ARGUMENT');
      const prekeys = prekeysFor(bob, parsed);
      expect(
        codeOf(() =>
          receive(bob, first, undefined, {
            prekeys: { ...prekeys, oneTimePreKey: bob.stores.prekeys.oneTime.get(101) },
          }),
        ),
      ).toBe('INVALID_ARGUMENT');
      const refuse = (peer: VerifiedDeviceCertificate) => {
        expect(peer.deviceId).toBe(alice.device.deviceId);
        throw new SigilError('IDENTITY_MISMATCH', 'not the trusted account key');
      };
      expect(codeOf(() => receive(bob, first, undefined, { peerCheck: refuse }))).toBe(
        'IDENTITY_MISMATCH',
      );
      const message = decode(PreKeyMessage, first.subarray(1));
      const signature = message.initiator.signature.slice();
      signature[0] = (signature[0] as number) ^ 1;
      const badCert = concat(
        Uint8Array.of(1),
        encode(PreKeyMessage, { ...message, initiator: { ...message.initiator, signature } }),
      );
      expect(codeOf(() => receive(bob, badCert))).toBe('SIGNATURE_INVALID');
    });
  },
);
