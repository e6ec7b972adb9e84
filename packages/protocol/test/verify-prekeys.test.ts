/**
 * Public verification of signed prekeys, KEM prekeys and prekey bundles (spec/one-to-one.md §3;
 * packages/protocol/src/public/verify-prekeys.ts). Every must-reject asserts its exact code.
 */
import { allProviders } from '@sigil/crypto/testing';
import { encode } from '@sigil/wire';
import {
  DeviceCertificate,
  type KemPreKey,
  KemPreKey as KemPreKeyCodec,
  KemPreKeyKind,
  type KemPreKeyTBS,
  KemPreKeyTBS as KemPreKeyTBSCodec,
  KeyType,
  type PreKeyBundle,
  PreKeyBundle as PreKeyBundleCodec,
  type SignedPreKey,
  SignedPreKey as SignedPreKeyCodec,
  SignedPreKeyTBS,
} from '@sigil/wire/formats';
import { describe, expect, it } from 'vitest';
import type { DeviceIdentity } from '../src/identity/device.ts';
import {
  decodeKemPreKey,
  decodePreKeyBundle,
  decodeSignedPreKey,
  LABEL_KEM_PRE_KEY,
  LABEL_SIGNED_PRE_KEY,
  verifyKemPreKey,
  verifyPreKeyBundle,
  verifySignedPreKey,
} from '../src/public/index.ts';
import { bundleBytes, bundleOf, makeAccount, outcomeOf } from './identity-fixtures.ts';

const SLOW = Boolean(process.env.SLOW);

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'prekey verification (%s)',
  (_name, crypto) => {
    const alice = makeAccount(crypto, `prekeys-${crypto.name}`);
    const mallory = makeAccount(crypto, `prekeys-mallory-${crypto.name}`);
    const device = alice.devices[0] as DeviceIdentity;
    const otherDevice = alice.devices[1] as DeviceIdentity;
    const ak = alice.account.accountKey;
    const spk = alice.signedPreKey.signedPreKey;
    const kem = (alice.kemPreKeys[0] as { kemPreKey: KemPreKey }).kemPreKey;

    /** A KEM prekey with any key, properly signed by `signer`. */
    const kemWith = (key: KemPreKeyTBS['key'], signer = device): KemPreKey => {
      const tbs: KemPreKeyTBS = { ...kem.tbs, key };
      return {
        tbs,
        signature: signer.sign(crypto, LABEL_KEM_PRE_KEY, encode(KemPreKeyTBSCodec, tbs)),
      };
    };

    describe('signed prekeys', () => {
      it('a valid signed prekey verifies from bytes', () => {
        const verified = verifySignedPreKey(
          crypto,
          device.signingKey,
          decodeSignedPreKey(encode(SignedPreKeyCodec, spk)),
        );
        expect(verified.id).toBe(5);
        expect(verified.publicKey).toEqual(alice.signedPreKey.publicKey);
      });

      it('a bad signature is SIGNATURE_INVALID', () => {
        const flipped = spk.signature.slice();
        flipped[63] = (flipped[63] as number) ^ 1;
        const cases: [string, Uint8Array, SignedPreKey][] = [
          ['flipped bit', device.signingKey, { tbs: spk.tbs, signature: flipped }],
          ['other id', device.signingKey, { tbs: { ...spk.tbs, id: 6 }, signature: spk.signature }],
          ['another device key', otherDevice.signingKey, spk],
          ['the account key', ak, spk],
          [
            'KEM prekey label',
            device.signingKey,
            {
              tbs: spk.tbs,
              signature: device.sign(crypto, LABEL_KEM_PRE_KEY, encode(SignedPreKeyTBS, spk.tbs)),
            },
          ],
        ];
        for (const [name, key, value] of cases) {
          expect(
            outcomeOf(() => verifySignedPreKey(crypto, key, value)),
            name,
          ).toBe('SIGNATURE_INVALID');
        }
      });

      it('a wrong key type or length is refused', () => {
        const edKey = {
          ...spk,
          tbs: { ...spk.tbs, key: { type: KeyType.ed25519, key: spk.tbs.key.key } as never },
        };
        expect(outcomeOf(() => verifySignedPreKey(crypto, device.signingKey, edKey))).toBe(
          'UNSUPPORTED_KEY_TYPE',
        );
        const short = {
          ...spk,
          tbs: { ...spk.tbs, key: { type: KeyType.x25519, key: new Uint8Array(16) } },
        };
        expect(outcomeOf(() => verifySignedPreKey(crypto, device.signingKey, short))).toBe(
          'INVALID_KEY_LENGTH',
        );
        expect(outcomeOf(() => verifySignedPreKey(crypto, new Uint8Array(33), spk))).toBe(
          'INVALID_KEY_LENGTH',
        );
      });
    });

    describe('KEM prekeys', () => {
      it('one-time and last-resort KEM prekeys verify from bytes', () => {
        const oneTime = verifyKemPreKey(
          crypto,
          device.signingKey,
          decodeKemPreKey(encode(KemPreKeyCodec, kem)),
        );
        expect(oneTime.kind).toBe(KemPreKeyKind.oneTime);
        expect(oneTime.id).toBe(200);
        expect(oneTime.publicKey.length).toBe(1568);
        const lastResort = verifyKemPreKey(crypto, device.signingKey, alice.lastResort.kemPreKey);
        expect(lastResort.kind).toBe(KemPreKeyKind.lastResort);
        expect(lastResort.id).toBe(999);
      });

      it('a bad signature is SIGNATURE_INVALID', () => {
        const flipped = kem.signature.slice();
        flipped[1] = (flipped[1] as number) ^ 4;
        const lastResortTbs = { ...kem.tbs, kind: KemPreKeyKind.lastResort };
        const cases: [string, Uint8Array, KemPreKey][] = [
          ['flipped bit', device.signingKey, { tbs: kem.tbs, signature: flipped }],
          [
            'one-time relabelled last-resort',
            device.signingKey,
            { tbs: lastResortTbs, signature: kem.signature },
          ],
          ['another device key', otherDevice.signingKey, kem],
          [
            'signed-prekey signature',
            device.signingKey,
            { tbs: kem.tbs, signature: spk.signature },
          ],
        ];
        for (const [name, key, value] of cases) {
          expect(
            outcomeOf(() => verifyKemPreKey(crypto, key, value)),
            name,
          ).toBe('SIGNATURE_INVALID');
        }
      });

      it('a signed KEM prekey that is not ML-KEM-1024 decodes but is UNSUPPORTED_KEY_TYPE', () => {
        for (const key of [
          { type: KeyType.x25519, key: device.identityKey },
          { type: KeyType.ed25519, key: device.signingKey },
        ] as const) {
          const bytes = encode(KemPreKeyCodec, kemWith(key));
          const decoded = decodeKemPreKey(bytes);
          expect(
            outcomeOf(() => verifyKemPreKey(crypto, device.signingKey, decoded)),
            `type ${key.type}`,
          ).toBe('UNSUPPORTED_KEY_TYPE');
        }
      });
    });

    describe('bundles', () => {
      it('a valid bundle verifies from bytes, with and without a one-time prekey', () => {
        const full = verifyPreKeyBundle(crypto, decodePreKeyBundle(bundleBytes(alice, true)), ak);
        expect(full.device.deviceId).toBe(1);
        expect(full.device.identityKey).toEqual(device.identityKey);
        expect(full.signedPreKey.publicKey).toEqual(alice.signedPreKey.publicKey);
        expect(full.oneTimePreKey?.id).toBe(100);
        expect(full.oneTimePreKey?.publicKey).toEqual(alice.oneTimePreKeys[0]?.publicKey);
        expect(full.kemPreKey.publicKey).toEqual(alice.kemPreKeys[0]?.publicKey);
        const bare = verifyPreKeyBundle(crypto, decodePreKeyBundle(bundleBytes(alice, false)), ak);
        expect(bare.oneTimePreKey).toBeUndefined();
        const lastResort = verifyPreKeyBundle(
          crypto,
          { ...bundleOf(alice, false), kemPreKey: alice.lastResort.kemPreKey },
          ak,
        );
        expect(lastResort.kemPreKey.kind).toBe(KemPreKeyKind.lastResort);
      });

      it('rejects in the order of spec §3, each with its code', () => {
        const good = bundleOf(alice, true);
        const badCert = {
          ...good.device,
          signature: good.device.signature.map((b, i) => (i === 0 ? b ^ 1 : b)),
        };
        const badSpk = { ...good.signedPreKey, tbs: { ...good.signedPreKey.tbs, id: 99 } };
        const badKem = { ...good.kemPreKey, tbs: { ...good.kemPreKey.tbs, id: 1 } };
        const x25519Kem = kemWith({ type: KeyType.x25519, key: device.identityKey });
        const otherDevicesSpk = { ...good, signedPreKey: signedBy(otherDevice, good.signedPreKey) };
        const cases: [string, PreKeyBundle, Uint8Array, string][] = [
          ['wrong account key', good, mallory.account.accountKey, 'IDENTITY_MISMATCH'],
          [
            'wrong account key beats everything',
            { ...good, device: badCert, kemPreKey: x25519Kem },
            mallory.account.accountKey,
            'IDENTITY_MISMATCH',
          ],
          [
            'certificate of another account',
            { ...good, device: (mallory.devices[0] as DeviceIdentity).certificate },
            ak,
            'IDENTITY_MISMATCH',
          ],
          ['bad certificate signature', { ...good, device: badCert }, ak, 'SIGNATURE_INVALID'],
          [
            'bad certificate beats missing KEM',
            { ...good, device: badCert, kemPreKey: x25519Kem },
            ak,
            'SIGNATURE_INVALID',
          ],
          ['bad signed prekey', { ...good, signedPreKey: badSpk }, ak, 'SIGNATURE_INVALID'],
          ['signed prekey of another device', otherDevicesSpk, ak, 'SIGNATURE_INVALID'],
          [
            'bad signed prekey beats missing KEM',
            { ...good, signedPreKey: badSpk, kemPreKey: x25519Kem },
            ak,
            'SIGNATURE_INVALID',
          ],
          [
            'one-time prekey of the wrong type',
            {
              ...good,
              oneTimePreKey: {
                id: 1,
                key: { type: KeyType.ed25519, key: device.signingKey } as never,
              },
            },
            ak,
            'UNSUPPORTED_KEY_TYPE',
          ],
          ['no KEM prekey', { ...good, kemPreKey: undefined as never }, ak, 'PQXDH_KEM_REQUIRED'],
          [
            'signed X25519 key as KEM prekey',
            { ...good, kemPreKey: x25519Kem },
            ak,
            'PQXDH_KEM_REQUIRED',
          ],
          [
            'signed Ed25519 key as KEM prekey',
            { ...good, kemPreKey: kemWith({ type: KeyType.ed25519, key: device.signingKey }) },
            ak,
            'PQXDH_KEM_REQUIRED',
          ],
          ['bad KEM prekey signature', { ...good, kemPreKey: badKem }, ak, 'SIGNATURE_INVALID'],
          [
            'KEM prekey of another device',
            { ...good, kemPreKey: kemWith(kem.tbs.key, otherDevice) },
            ak,
            'SIGNATURE_INVALID',
          ],
          [
            'certificate with version 2',
            { ...good, device: { ...good.device, tbs: { ...good.device.tbs, version: 2 as 1 } } },
            ak,
            'UNSUPPORTED_VERSION',
          ],
        ];
        for (const [name, bundle, expected, code] of cases) {
          expect(
            outcomeOf(() => verifyPreKeyBundle(crypto, bundle, expected)),
            name,
          ).toBe(code);
        }
      });

      it('a downgraded bundle (signed X25519 KEM prekey) also fails from bytes with PQXDH_KEM_REQUIRED', () => {
        const downgraded = {
          ...bundleOf(alice, true),
          kemPreKey: kemWith({ type: KeyType.x25519, key: device.identityKey }),
        };
        const decoded = decodePreKeyBundle(encode(PreKeyBundleCodec, downgraded));
        expect(outcomeOf(() => verifyPreKeyBundle(crypto, decoded, ak))).toBe('PQXDH_KEM_REQUIRED');
      });

      // Node checks every byte; the portable backend (Ed25519 verify ~2 ms) checks every byte outside
      // the 1,568-byte ML-KEM key body and every 16th byte inside it, or every byte with SLOW=1.
      it('tampering with any authenticated byte of an encoded bundle is rejected', () => {
        const bytes = bundleBytes(alice, false);
        const kemStart =
          encode(DeviceCertificate, device.certificate).length +
          encode(SignedPreKeyCodec, spk).length +
          1;
        const keyBodyStart = kemStart + 4 + 1 + 1 + 2;
        const keyBodyEnd = keyBodyStart + 1568;
        const everyByte = crypto.name === 'node' || SLOW;
        const accepted: string[] = [];
        let tried = 0;
        for (let i = 0; i < bytes.length; i++) {
          const inKeyBody = i >= keyBodyStart && i < keyBodyEnd;
          if (!everyByte && inKeyBody && (i - keyBodyStart) % 16 !== 0) continue;
          tried++;
          const tampered = bytes.slice();
          tampered[i] = (tampered[i] as number) ^ 0x01;
          if (
            outcomeOf(() => verifyPreKeyBundle(crypto, decodePreKeyBundle(tampered), ak)) === 'ok'
          ) {
            accepted.push(`byte ${i}`);
          }
        }
        expect(accepted).toEqual([]);
        expect(tried).toBeGreaterThan(everyByte ? bytes.length - 1 : 300);
      });

      it('the one-time prekey is unsigned by design: tampering with it is rejected or visible', () => {
        const bytes = bundleBytes(alice, true);
        const original = verifyPreKeyBundle(crypto, decodePreKeyBundle(bytes), ak).oneTimePreKey;
        const opkStart =
          encode(DeviceCertificate, device.certificate).length +
          encode(SignedPreKeyCodec, spk).length;
        const silent: string[] = [];
        for (let i = opkStart; i < opkStart + 1 + 4 + 1 + 1 + 32; i++) {
          const tampered = bytes.slice();
          tampered[i] = (tampered[i] as number) ^ 0x01;
          let result: ReturnType<typeof verifyPreKeyBundle> | undefined;
          const outcome = outcomeOf(() => {
            result = verifyPreKeyBundle(crypto, decodePreKeyBundle(tampered), ak);
          });
          if (outcome !== 'ok') continue;
          const opk = result?.oneTimePreKey;
          const same =
            opk !== undefined &&
            original !== undefined &&
            opk.id === original.id &&
            opk.publicKey.every((b, j) => b === original.publicKey[j]);
          if (same) silent.push(`byte ${i}`);
        }
        expect(silent).toEqual([]);
      });
    });

    /** `value` re-signed by another device's signing key. */
    function signedBy(signer: DeviceIdentity, value: SignedPreKey): SignedPreKey {
      const tbsBytes = encode(SignedPreKeyTBS, value.tbs);
      return { tbs: value.tbs, signature: signer.sign(crypto, LABEL_SIGNED_PRE_KEY, tbsBytes) };
    }
  },
);
