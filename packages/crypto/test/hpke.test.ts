/**
 * HPKE (RFC 9180) behaviour beyond the known answers, on both backends: round trips in every
 * mode and AEAD, and the failures, each asserted by SigilError code — tampered messages (the
 * sequence number must not move), PSK input rules (§5.1 VerifyPSKInputs), low-order keys
 * (§7.1.4), export-only suites, export lengths (§5.3), wrong lengths, the message limit (§5.2)
 * and redacted printing.
 */
import { inspect } from 'node:util';
import type { CryptoProvider } from '@sigil/crypto';
import {
  createHpke,
  type HpkeAeadName,
  type HpkeKdfName,
  type HpkeSuite,
  hpkeSuiteFromIds,
  hpkeSuiteIds,
} from '@sigil/crypto/hpke';
import { allProviders } from '@sigil/crypto/testing';
import type { ErrorCode } from '@sigil/errors';
import { SigilError } from '@sigil/errors';
import { fromHex, toHex } from '@sigil/test-vectors/hex';
import { describe, expect, it } from 'vitest';
import { unsafeContextSecrets, unsafeSetSequenceNumber } from '../src/hpke/internal.ts';

const KEM = 'DHKEM(X25519, HKDF-SHA256)' as const;
const AEADS: readonly HpkeAeadName[] = ['AES-128-GCM', 'AES-256-GCM', 'ChaCha20Poly1305'];
const KDFS: readonly HpkeKdfName[] = ['HKDF-SHA256', 'HKDF-SHA512'];
const SUITE: HpkeSuite = { kem: KEM, kdf: 'HKDF-SHA256', aead: 'AES-128-GCM' };

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const info = bytes('sigil hpke test');
const aad = bytes('header');
const plaintext = bytes('attack at dawn');
const psk = { psk: new Uint8Array(32).fill(7), pskId: bytes('psk-1') };

/** Low-order X25519 u-coordinates: 0, 1 and a point of order 8 (RFC 7748 §6.1 all-zero DH). */
const LOW_ORDER = [
  new Uint8Array(32),
  fromHex(`01${'00'.repeat(31)}`),
  fromHex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'),
];

function codeOf(fn: () => unknown): ErrorCode | 'no error' | 'not a SigilError' {
  try {
    fn();
  } catch (err) {
    return SigilError.is(err) ? err.code : 'not a SigilError';
  }
  return 'no error';
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

function flip(data: Uint8Array, index: number): Uint8Array {
  const copy = Uint8Array.from(data);
  copy[index] = (copy[index] as number) ^ 0x01;
  return copy;
}

describe.each(allProviders())('HPKE ($name)', (provider: CryptoProvider) => {
  const hpke = createHpke(provider, SUITE);
  const recipient = hpke.generateKeyPair();
  const sender = hpke.generateKeyPair();

  describe('prepared info', () => {
    it('gives exactly what the info bytes give, and opens with the bytes', () => {
      const info = new Uint8Array(4096).map((_, i) => i & 0xff);
      const ikmE = new Uint8Array(32).fill(7);
      const prepared = hpke.prepareInfo(info);
      const plain = hpke.setupBaseS(recipient.publicKey, info, { ikmE });
      const fast = hpke.setupBaseS(recipient.publicKey, prepared, { ikmE });
      expect(fast.enc).toEqual(plain.enc);
      const aad = new Uint8Array([1]);
      const message = new Uint8Array([2, 3, 4]);
      expect(fast.seal(aad, message)).toEqual(plain.seal(aad, message));
      const sealed = hpke.seal(recipient.publicKey, prepared, aad, message);
      expect(hpke.open(sealed.enc, recipient, info, aad, sealed.ciphertext)).toEqual(message);
      expect(hpke.open(sealed.enc, recipient, prepared, aad, sealed.ciphertext)).toEqual(message);
    });

    it('belongs to the HPKE instance that made it', () => {
      const other = createHpke(provider, SUITE);
      const prepared = other.prepareInfo(new Uint8Array([1, 2]));
      expect(
        codeOf(() =>
          hpke.seal(recipient.publicKey, prepared, new Uint8Array(0), new Uint8Array(1)),
        ),
      ).toBe('INVALID_ARGUMENT');
      expect(codeOf(() => hpke.prepareInfo('info' as never))).toBe('INVALID_ARGUMENT');
    });
  });

  describe('round trips', () => {
    it.each(KDFS.flatMap((kdf) => AEADS.map((aead) => [kdf, aead] as const)))(
      'every mode with %s and %s',
      (kdf, aead) => {
        const h = createHpke(provider, { kem: KEM, kdf, aead });
        const kpR = h.generateKeyPair();
        const kpS = h.generateKeyPair();
        const pairs = [
          [h.setupBaseS(kpR.publicKey, info), (enc: Uint8Array) => h.setupBaseR(enc, kpR, info)],
          [
            h.setupPSKS(kpR.publicKey, info, psk),
            (enc: Uint8Array) => h.setupPSKR(enc, kpR, info, psk),
          ],
          [
            h.setupAuthS(kpR.publicKey, info, kpS),
            (enc: Uint8Array) => h.setupAuthR(enc, kpR, info, kpS.publicKey),
          ],
          [
            h.setupAuthPSKS(kpR.publicKey, info, psk, kpS),
            (enc: Uint8Array) => h.setupAuthPSKR(enc, kpR, info, psk, kpS.publicKey),
          ],
        ] as const;
        for (const [s, makeR] of pairs) {
          const r = makeR(s.enc);
          for (let i = 0; i < 3; i++) {
            const ct = s.seal(aad, plaintext);
            expect(ct.length).toBe(plaintext.length + h.sizes.tag);
            expect(toHex(r.open(aad, ct))).toBe(toHex(plaintext));
          }
          expect(toHex(r.export(bytes('ctx'), 42))).toBe(toHex(s.export(bytes('ctx'), 42)));
        }
      },
    );

    it('single-shot seal/open and sendExport/receiveExport in every mode', () => {
      const modes = [
        [{}, {}],
        [{ psk }, { psk }],
        [{ senderKey: sender }, { senderPublicKey: sender.publicKey }],
        [
          { psk, senderKey: sender },
          { psk, senderPublicKey: sender.publicKey },
        ],
      ] as const;
      for (const [s, r] of modes) {
        const { enc, ciphertext } = hpke.seal(recipient.publicKey, info, aad, plaintext, s);
        expect(toHex(hpke.open(enc, recipient, info, aad, ciphertext, r))).toBe(toHex(plaintext));
        const sent = hpke.sendExport(recipient.publicKey, info, bytes('x'), 32, s);
        const received = hpke.receiveExport(sent.enc, recipient, info, bytes('x'), 32, r);
        expect(toHex(received)).toBe(toHex(sent.exported));
      }
    });

    it('accepts a bare secret key for skR and skS', () => {
      const s = hpke.setupAuthS(recipient.publicKey, info, sender.secretKey);
      const r = hpke.setupAuthR(s.enc, recipient.secretKey, info, sender.publicKey);
      expect(toHex(r.open(aad, s.seal(aad, plaintext)))).toBe(toHex(plaintext));
    });

    it('exposes the wire ids and sizes of a suite', () => {
      const h = createHpke(provider, { kem: KEM, kdf: 'HKDF-SHA512', aead: 'ChaCha20Poly1305' });
      expect(h.ids).toEqual({ kem: 0x20, kdf: 3, aead: 3 });
      expect(hpkeSuiteIds(h.suite)).toEqual(h.ids);
      expect(hpkeSuiteFromIds(0x20, 3, 3)).toEqual(h.suite);
      expect(h.sizes).toEqual({
        enc: 32,
        publicKey: 32,
        secretKey: 32,
        key: 32,
        nonce: 12,
        tag: 16,
        hash: 64,
      });
    });
  });

  describe('open failures leave the context unchanged', () => {
    const setup = () => {
      const s = hpke.setupBaseS(recipient.publicKey, info);
      const r = hpke.setupBaseR(s.enc, recipient, info);
      return { s, r, ct: s.seal(aad, plaintext) };
    };

    it.each([
      ['first ciphertext byte', (ct: Uint8Array) => [aad, flip(ct, 0)] as const],
      ['tag byte', (ct: Uint8Array) => [aad, flip(ct, ct.length - 1)] as const],
      ['truncated ciphertext', (ct: Uint8Array) => [aad, ct.subarray(0, 15)] as const],
      ['aad', (ct: Uint8Array) => [flip(aad, 2), ct] as const],
    ])('tampered %s -> HPKE_OPEN_FAILED, then the genuine message opens', (_what, tamper) => {
      const { r, ct } = setup();
      const [badAad, badCt] = tamper(ct);
      const err = errorOf(() => r.open(badAad, badCt));
      expect(SigilError.is(err, 'HPKE_OPEN_FAILED')).toBe(true);
      expect(SigilError.is((err as Error).cause, 'AEAD_AUTHENTICATION_FAILED')).toBe(true);
      expect(r.sequenceNumber).toBe(0n);
      expect(toHex(r.open(aad, ct))).toBe(toHex(plaintext));
      expect(r.sequenceNumber).toBe(1n);
    });

    it('out-of-order message -> HPKE_OPEN_FAILED, seq unchanged', () => {
      const { s, r, ct } = setup();
      const second = s.seal(aad, plaintext);
      expect(codeOf(() => r.open(aad, second))).toBe('HPKE_OPEN_FAILED');
      expect(r.sequenceNumber).toBe(0n);
      r.open(aad, ct);
      expect(toHex(r.open(aad, second))).toBe(toHex(plaintext));
    });

    it('tampered enc -> HPKE_OPEN_FAILED', () => {
      const { s, ct } = setup();
      const r = hpke.setupBaseR(flip(s.enc, 5), recipient, info);
      expect(codeOf(() => r.open(aad, ct))).toBe('HPKE_OPEN_FAILED');
    });

    it('wrong info, wrong recipient key -> HPKE_OPEN_FAILED', () => {
      const { s, ct } = setup();
      const other = hpke.generateKeyPair();
      const wrongInfo = hpke.setupBaseR(s.enc, recipient, bytes('other info'));
      expect(codeOf(() => wrongInfo.open(aad, ct))).toBe('HPKE_OPEN_FAILED');
      const wrongKey = hpke.setupBaseR(s.enc, other, info);
      expect(codeOf(() => wrongKey.open(aad, ct))).toBe('HPKE_OPEN_FAILED');
    });

    it('wrong psk, wrong psk id, wrong sender, wrong mode -> HPKE_OPEN_FAILED', () => {
      const s = hpke.setupAuthPSKS(recipient.publicKey, info, psk, sender);
      const ct = s.seal(aad, plaintext);
      const otherPsk = { psk: flip(psk.psk, 0), pskId: psk.pskId };
      const otherId = { psk: psk.psk, pskId: bytes('psk-2') };
      const impostor = hpke.generateKeyPair().publicKey;
      const attempts = [
        hpke.setupAuthPSKR(s.enc, recipient, info, otherPsk, sender.publicKey),
        hpke.setupAuthPSKR(s.enc, recipient, info, otherId, sender.publicKey),
        hpke.setupAuthPSKR(s.enc, recipient, info, psk, impostor),
        hpke.setupAuthR(s.enc, recipient, info, sender.publicKey),
        hpke.setupPSKR(s.enc, recipient, info, psk),
        hpke.setupBaseR(s.enc, recipient, info),
      ];
      expect(attempts.map((r) => codeOf(() => r.open(aad, ct)))).toEqual(
        attempts.map(() => 'HPKE_OPEN_FAILED'),
      );
      const single = { psk: otherPsk, senderPublicKey: sender.publicKey };
      expect(codeOf(() => hpke.open(s.enc, recipient, info, aad, ct, single))).toBe(
        'HPKE_OPEN_FAILED',
      );
    });
  });

  describe('PSK inputs (§5.1 VerifyPSKInputs)', () => {
    const pkR = recipient.publicKey;
    it.each([
      ['psk without psk_id', { psk: psk.psk, pskId: new Uint8Array(0) }],
      ['psk_id without psk', { psk: new Uint8Array(0), pskId: psk.pskId }],
      ['neither', { psk: new Uint8Array(0), pskId: new Uint8Array(0) }],
      ['a psk shorter than 32 bytes', { psk: new Uint8Array(31).fill(1), pskId: psk.pskId }],
    ])('%s -> HPKE_INVALID_PSK on both sides', (_what, bad) => {
      const enc = hpke.setupBaseS(pkR, info).enc;
      expect(codeOf(() => hpke.setupPSKS(pkR, info, bad))).toBe('HPKE_INVALID_PSK');
      expect(codeOf(() => hpke.setupPSKR(enc, recipient, info, bad))).toBe('HPKE_INVALID_PSK');
      expect(codeOf(() => hpke.setupAuthPSKS(pkR, info, bad, sender))).toBe('HPKE_INVALID_PSK');
      expect(codeOf(() => hpke.seal(pkR, info, aad, plaintext, { psk: bad }))).toBe(
        'HPKE_INVALID_PSK',
      );
    });

    it('a missing psk in a PSK mode -> HPKE_INVALID_PSK', () => {
      const missing = undefined as unknown as typeof psk;
      expect(codeOf(() => hpke.setupPSKS(pkR, info, missing))).toBe('HPKE_INVALID_PSK');
    });
  });

  describe('key validation', () => {
    it.each(LOW_ORDER.map((point) => [toHex(point).slice(0, 8), point] as const))(
      'low-order point %s… -> X25519_LOW_ORDER_POINT as pkR, enc and pkS',
      (_name, point) => {
        expect(codeOf(() => hpke.setupBaseS(point, info))).toBe('X25519_LOW_ORDER_POINT');
        expect(codeOf(() => hpke.setupAuthS(point, info, sender))).toBe('X25519_LOW_ORDER_POINT');
        expect(codeOf(() => hpke.setupBaseR(point, recipient, info))).toBe(
          'X25519_LOW_ORDER_POINT',
        );
        const enc = hpke.setupBaseS(recipient.publicKey, info).enc;
        expect(codeOf(() => hpke.setupAuthR(enc, recipient, info, point))).toBe(
          'X25519_LOW_ORDER_POINT',
        );
      },
    );

    it.each([0, 31, 33, 65])('enc, pkR or pkS of %i bytes -> INVALID_KEY_LENGTH', (length) => {
      const bad = new Uint8Array(length).fill(9);
      expect(codeOf(() => hpke.setupBaseR(bad, recipient, info))).toBe('INVALID_KEY_LENGTH');
      expect(codeOf(() => hpke.open(bad, recipient, info, aad, plaintext))).toBe(
        'INVALID_KEY_LENGTH',
      );
      expect(codeOf(() => hpke.setupBaseS(bad, info))).toBe('INVALID_KEY_LENGTH');
      const enc = hpke.setupBaseS(recipient.publicKey, info).enc;
      expect(codeOf(() => hpke.setupAuthR(enc, recipient, info, bad))).toBe('INVALID_KEY_LENGTH');
    });

    it('skR of the wrong length -> INVALID_KEY_LENGTH', () => {
      const enc = hpke.setupBaseS(recipient.publicKey, info).enc;
      expect(codeOf(() => hpke.setupBaseR(enc, new Uint8Array(31), info))).toBe(
        'INVALID_KEY_LENGTH',
      );
    });

    it('DeriveKeyPair: short ikm -> INVALID_KEY_LENGTH; same ikm -> same key pair', () => {
      expect(codeOf(() => hpke.deriveKeyPair(new Uint8Array(31)))).toBe('INVALID_KEY_LENGTH');
      const ikm = new Uint8Array(32).fill(3);
      expect(toHex(hpke.deriveKeyPair(ikm).publicKey)).toBe(
        toHex(hpke.deriveKeyPair(ikm).publicKey),
      );
    });

    it('info that is not a Uint8Array -> INVALID_ARGUMENT', () => {
      const text = 'info' as unknown as Uint8Array;
      expect(codeOf(() => hpke.setupBaseS(recipient.publicKey, text))).toBe('INVALID_ARGUMENT');
    });
  });

  describe('export-only suites and export lengths', () => {
    it.each(KDFS)('Export-only with %s: seal/open -> HPKE_EXPORT_ONLY, export works', (kdf) => {
      const h = createHpke(provider, { kem: KEM, kdf, aead: 'Export-only' });
      const s = h.setupBaseS(recipient.publicKey, info);
      const r = h.setupBaseR(s.enc, recipient, info);
      expect(codeOf(() => s.seal(aad, plaintext))).toBe('HPKE_EXPORT_ONLY');
      expect(codeOf(() => r.open(aad, plaintext))).toBe('HPKE_EXPORT_ONLY');
      expect(codeOf(() => h.seal(recipient.publicKey, info, aad, plaintext))).toBe(
        'HPKE_EXPORT_ONLY',
      );
      expect(codeOf(() => h.open(s.enc, recipient, info, aad, plaintext))).toBe('HPKE_EXPORT_ONLY');
      expect(toHex(r.export(bytes('c'), 16))).toBe(toHex(s.export(bytes('c'), 16)));
      expect(h.sizes).toMatchObject({ key: 0, nonce: 0, tag: 0 });
    });

    it.each([
      ['HKDF-SHA256', 32],
      ['HKDF-SHA512', 64],
    ] as const)('%s: L up to 255*Nh, beyond -> INVALID_OUTPUT_LENGTH', (kdf, nh) => {
      const h = createHpke(provider, { kem: KEM, kdf, aead: 'AES-256-GCM' });
      const s = h.setupBaseS(recipient.publicKey, info);
      expect(s.export(bytes('c'), 255 * nh)).toHaveLength(255 * nh);
      expect(s.export(bytes('c'), 0)).toHaveLength(0);
      for (const bad of [255 * nh + 1, 65536, -1, 1.5, Number.NaN]) {
        expect(
          codeOf(() => s.export(bytes('c'), bad)),
          `L = ${bad}`,
        ).toBe('INVALID_OUTPUT_LENGTH');
      }
      expect(codeOf(() => h.sendExport(recipient.publicKey, info, bytes('c'), 255 * nh + 1))).toBe(
        'INVALID_OUTPUT_LENGTH',
      );
    });
  });

  describe('message limit (§5.2)', () => {
    it('the last sequence number is 2^96 - 2; then HPKE_MESSAGE_LIMIT_REACHED', () => {
      const s = hpke.setupBaseS(recipient.publicKey, info);
      const r = hpke.setupBaseR(s.enc, recipient, info);
      const last = (1n << 96n) - 2n;
      unsafeSetSequenceNumber(s, last);
      unsafeSetSequenceNumber(r, last);
      const ct = s.seal(aad, plaintext);
      expect(toHex(r.open(aad, ct))).toBe(toHex(plaintext));
      expect(codeOf(() => s.seal(aad, plaintext))).toBe('HPKE_MESSAGE_LIMIT_REACHED');
      expect(codeOf(() => r.open(aad, ct))).toBe('HPKE_MESSAGE_LIMIT_REACHED');
      expect(s.sequenceNumber).toBe(last + 1n);
    });

    it('the nonce is base_nonce XOR I2OSP(seq, 12)', () => {
      const s = hpke.setupBaseS(recipient.publicKey, info);
      const { key, baseNonce } = unsafeContextSecrets(s);
      const seq = 0x0102_0304_0506n;
      unsafeSetSequenceNumber(s, seq);
      const nonce = Uint8Array.from(baseNonce);
      for (let i = 0; i < 6; i++) nonce[11 - i] = (nonce[11 - i] as number) ^ (6 - i);
      const expected = provider.aead.seal('aes-128-gcm', key, nonce, plaintext, aad);
      expect(toHex(s.seal(aad, plaintext))).toBe(toHex(expected));
    });
  });

  describe('printing', () => {
    it('contexts print without secrets', () => {
      const s = hpke.setupPSKS(recipient.publicKey, info, psk);
      const r = hpke.setupPSKR(s.enc, recipient, info, psk);
      for (const context of [s, r]) {
        const { key, baseNonce, exporterSecret } = unsafeContextSecrets(context);
        const printed = [inspect(context), JSON.stringify(context), String(context)];
        for (const text of printed) {
          expect(text).toContain('[redacted]');
          for (const secret of [key, baseNonce, exporterSecret, psk.psk]) {
            expect(text).not.toContain(toHex(secret));
            expect(text).not.toContain(Buffer.from(secret).toString('base64'));
          }
        }
      }
      expect(inspect(s)).toBe(
        'HpkeSenderContext { suite: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM; ' +
          'sequenceNumber: 0; secrets: [redacted] }',
      );
      expect(JSON.parse(JSON.stringify(r))).toEqual({
        type: 'HpkeRecipientContext',
        suite: SUITE,
        sequenceNumber: '0',
        secrets: '[redacted]',
      });
    });
  });

  describe('suites', () => {
    it('unknown names and ids -> UNSUPPORTED_ALGORITHM', () => {
      const bad = { ...SUITE, aead: 'AES-192-GCM' } as unknown as HpkeSuite;
      expect(codeOf(() => createHpke(provider, bad))).toBe('UNSUPPORTED_ALGORITHM');
      expect(codeOf(() => createHpke(provider, { ...SUITE, kem: 'toString' } as never))).toBe(
        'UNSUPPORTED_ALGORITHM',
      );
      expect(codeOf(() => hpkeSuiteFromIds(0x10, 1, 1))).toBe('UNSUPPORTED_ALGORITHM');
      expect(codeOf(() => hpkeSuiteFromIds(0x20, 2, 1))).toBe('UNSUPPORTED_ALGORITHM');
      expect(codeOf(() => hpkeSuiteFromIds(0x20, 1, 4))).toBe('UNSUPPORTED_ALGORITHM');
    });
  });
});
