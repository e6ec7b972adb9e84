/**
 * Public verification of device certificates and signed device lists (spec/one-to-one.md §1.2,
 * §2; packages/protocol/src/public/). Every must-reject asserts its exact code.
 */
import { allProviders } from '@sigil/crypto/testing';
import { encode } from '@sigil/wire';
import {
  DeviceCertificate,
  DeviceCertificateTBS,
  type DeviceListTBS,
  DeviceListTBS as DeviceListTBSCodec,
  KeyType,
  type SignedDeviceList,
  SignedDeviceList as SignedDeviceListCodec,
} from '@sigil/wire/formats';
import { describe, expect, it } from 'vitest';
import { createDevice, type DeviceIdentity } from '../src/identity/device.ts';
import { createDeviceList } from '../src/identity/device-list.ts';
import {
  decodeDeviceCertificate,
  decodeSignedDeviceList,
  findDevice,
  LABEL_DEVICE_CERTIFICATE,
  LABEL_DEVICE_LIST,
  LABEL_SIGNED_PRE_KEY,
  requireDeviceOnList,
  signContentBytes,
  signWithLabel,
  verifyDeviceCertificate,
  verifySignedDeviceList,
  verifyWithLabel,
} from '../src/public/index.ts';
import {
  deviceListOf,
  LenientCertificateTBS,
  LenientDeviceListTBS,
  makeAccount,
  outcomeOf,
  signedBytes,
} from './identity-fixtures.ts';

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'identity verification (%s)',
  (_name, crypto) => {
    const alice = makeAccount(crypto, `verify-${crypto.name}`);
    const mallory = makeAccount(crypto, `mallory-${crypto.name}`);
    const device = alice.devices[0] as DeviceIdentity;
    const ak = alice.account.accountKey;
    const aliceSk = alice.account.keyPair.secretKey;
    const list = deviceListOf(alice, 4n);

    /** A certificate whose TBS is `tbs`, signed by `sk` under `label`. */
    const certWith = (
      tbs: DeviceCertificateTBS,
      sk = aliceSk,
      label = LABEL_DEVICE_CERTIFICATE,
    ) => ({
      tbs,
      signature: signWithLabel(crypto, sk, label, encode(DeviceCertificateTBS, tbs)),
    });
    /** A list whose TBS is `tbs`, signed by `sk`. */
    const listWith = (tbs: DeviceListTBS, sk = aliceSk): SignedDeviceList => ({
      tbs,
      signature: signWithLabel(crypto, sk, LABEL_DEVICE_LIST, encode(DeviceListTBSCodec, tbs)),
    });

    describe('SignWithLabel (§1.2)', () => {
      it('verifies under the same key, label and content only', () => {
        const content = new Uint8Array([1, 2, 3]);
        const signature = signWithLabel(crypto, aliceSk, LABEL_DEVICE_LIST, content);
        expect(verifyWithLabel(crypto, ak, LABEL_DEVICE_LIST, content, signature)).toBe(true);
        expect(verifyWithLabel(crypto, ak, LABEL_DEVICE_CERTIFICATE, content, signature)).toBe(
          false,
        );
        expect(
          verifyWithLabel(crypto, ak, LABEL_DEVICE_LIST, content.subarray(0, 2), signature),
        ).toBe(false);
        const other = mallory.account.accountKey;
        expect(verifyWithLabel(crypto, other, LABEL_DEVICE_LIST, content, signature)).toBe(false);
        expect(
          verifyWithLabel(crypto, ak, LABEL_DEVICE_LIST, content, signature.subarray(0, 63)),
        ).toBe(false);
        // A bare signature over the content (no SignContent) is not a labelled signature.
        const bare = crypto.ed25519.sign(aliceSk, content);
        expect(verifyWithLabel(crypto, ak, LABEL_DEVICE_LIST, content, bare)).toBe(false);
      });

      it('signs encode(SignContent) = label<V> || content<V>', () => {
        const label = new TextEncoder().encode(LABEL_SIGNED_PRE_KEY);
        expect(signContentBytes(LABEL_SIGNED_PRE_KEY, new Uint8Array([7]))).toEqual(
          new Uint8Array([label.length, ...label, 1, 7]),
        );
      });

      it('refuses labels outside Sigil/v1/ (INVALID_ARGUMENT)', () => {
        for (const label of [
          'DeviceList',
          'Sigil/v2/DeviceList',
          'Sigil/v1/',
          'Sigil/v1/Dé',
          'Sigil/v1/a b',
        ]) {
          const outcome = outcomeOf(() => signWithLabel(crypto, aliceSk, label, new Uint8Array(0)));
          expect(outcome, label).toBe('INVALID_ARGUMENT');
        }
      });
    });

    describe('device certificates', () => {
      it('a valid certificate verifies, from bytes, with and without the expected account key', () => {
        const decoded = decodeDeviceCertificate(encode(DeviceCertificate, device.certificate));
        const verified = verifyDeviceCertificate(crypto, decoded, ak);
        expect(verified.deviceId).toBe(1);
        expect(verified.accountKey).toEqual(ak);
        expect(verified.identityKey).toEqual(device.identityKey);
        expect(verified.signingKey).toEqual(device.signingKey);
        expect(verified.createdAt).toBe(BigInt(1_735_689_600_000));
        expect(verifyDeviceCertificate(crypto, device.certificate).deviceId).toBe(1);
      });

      it('a bad signature is SIGNATURE_INVALID', () => {
        const { tbs, signature } = device.certificate;
        const flipped = signature.slice();
        flipped[10] = (flipped[10] as number) ^ 1;
        const cases: [string, DeviceCertificate][] = [
          ['flipped bit', { tbs, signature: flipped }],
          ['truncated', { tbs, signature: signature.subarray(0, 63) }],
          ['empty', { tbs, signature: new Uint8Array(0) }],
          ['other label', certWith(tbs, aliceSk, LABEL_DEVICE_LIST)],
          [
            'signed by another key naming this account',
            certWith(tbs, mallory.account.keyPair.secretKey),
          ],
          ['other content', { tbs: { ...tbs, createdAt: tbs.createdAt + 1n }, signature }],
        ];
        for (const [name, cert] of cases) {
          expect(
            outcomeOf(() => verifyDeviceCertificate(crypto, cert, ak)),
            name,
          ).toBe('SIGNATURE_INVALID');
          expect(
            outcomeOf(() => verifyDeviceCertificate(crypto, cert)),
            name,
          ).toBe('SIGNATURE_INVALID');
        }
      });

      it('another account key than the expected one is IDENTITY_MISMATCH', () => {
        const foreign = (mallory.devices[0] as DeviceIdentity).certificate;
        expect(outcomeOf(() => verifyDeviceCertificate(crypto, foreign, ak))).toBe(
          'IDENTITY_MISMATCH',
        );
        expect(
          outcomeOf(() => verifyDeviceCertificate(crypto, device.certificate, new Uint8Array(31))),
        ).toBe('INVALID_KEY_LENGTH');
      });

      it('in-memory values with a wrong version, key type or key length are refused', () => {
        const { tbs } = device.certificate;
        const cases: [string, DeviceCertificateTBS, string][] = [
          ['version', { ...tbs, version: 2 as 1 }, 'UNSUPPORTED_VERSION'],
          [
            'identity as ed25519',
            { ...tbs, identityKey: { type: KeyType.ed25519, key: tbs.identityKey.key } as never },
            'UNSUPPORTED_KEY_TYPE',
          ],
          [
            'signing as x25519',
            { ...tbs, signingKey: { type: KeyType.x25519, key: tbs.signingKey.key } as never },
            'UNSUPPORTED_KEY_TYPE',
          ],
          [
            'account as x25519',
            { ...tbs, accountKey: { type: KeyType.x25519, key: ak } as never },
            'UNSUPPORTED_KEY_TYPE',
          ],
          [
            'short identity key',
            { ...tbs, identityKey: { type: KeyType.x25519, key: new Uint8Array(31) } },
            'INVALID_KEY_LENGTH',
          ],
        ];
        for (const [name, bad, code] of cases) {
          const cert = { tbs: bad, signature: device.certificate.signature };
          expect(
            outcomeOf(() => verifyDeviceCertificate(crypto, cert, ak)),
            name,
          ).toBe(code);
        }
      });
    });

    describe('signed device lists', () => {
      it('a valid list verifies from bytes and lists its devices sorted', () => {
        const verified = verifySignedDeviceList(
          crypto,
          decodeSignedDeviceList(encode(SignedDeviceListCodec, list)),
          {
            expectedAccountKey: ak,
            previousVersion: 3n,
          },
        );
        expect(verified.listVersion).toBe(4n);
        expect(verified.accountKey).toEqual(ak);
        expect(verified.devices.map((d) => d.deviceId)).toEqual([1, 7]);
        expect(findDevice(verified, 7)?.identityKey.key).toEqual(alice.devices[1]?.identityKey);
        expect(findDevice(verified, 2)).toBeUndefined();
        expect(verifySignedDeviceList(crypto, list).listVersion).toBe(4n);
      });

      it('createDeviceList sorts its input and refuses duplicates and foreign devices', () => {
        const [one, seven] = alice.devices as [DeviceIdentity, DeviceIdentity];
        const reversed = createDeviceList(
          alice.ctx,
          alice.account,
          [seven, one.certificate.tbs],
          1n,
        );
        expect(reversed.tbs.devices.map((d) => d.deviceId)).toEqual([1, 7]);
        expect(
          outcomeOf(() => createDeviceList(alice.ctx, alice.account, [one, one.certificate], 1n)),
        ).toBe('INVALID_ARGUMENT');
        const foreign = mallory.devices[1] as DeviceIdentity;
        expect(
          outcomeOf(() => createDeviceList(alice.ctx, alice.account, [one, foreign], 1n)),
        ).toBe('INVALID_ARGUMENT');
        expect(outcomeOf(() => createDeviceList(alice.ctx, alice.account, [one], -1n))).toBe(
          'INVALID_ARGUMENT',
        );
      });

      it('a bad signature is SIGNATURE_INVALID', () => {
        const flipped = list.signature.slice();
        flipped[0] = (flipped[0] as number) ^ 0x80;
        const cases: [string, SignedDeviceList][] = [
          ['flipped bit', { tbs: list.tbs, signature: flipped }],
          ['empty', { tbs: list.tbs, signature: new Uint8Array(0) }],
          [
            'signed by another key naming this account',
            listWith(list.tbs, mallory.account.keyPair.secretKey),
          ],
          ['other version', { tbs: { ...list.tbs, listVersion: 5n }, signature: list.signature }],
          [
            'device removed',
            { tbs: { ...list.tbs, devices: list.tbs.devices.slice(1) }, signature: list.signature },
          ],
          [
            'certificate signature as list signature',
            { tbs: list.tbs, signature: device.certificate.signature },
          ],
        ];
        for (const [name, bad] of cases) {
          expect(
            outcomeOf(() => verifySignedDeviceList(crypto, bad, { expectedAccountKey: ak })),
            name,
          ).toBe('SIGNATURE_INVALID');
        }
      });

      it('another account key than the expected one is IDENTITY_MISMATCH', () => {
        const theirs = deviceListOf(mallory, 9n);
        expect(
          outcomeOf(() => verifySignedDeviceList(crypto, theirs, { expectedAccountKey: ak })),
        ).toBe('IDENTITY_MISMATCH');
      });

      it('an entry certified for another account is IDENTITY_MISMATCH, even when the list is signed', () => {
        const intruder = createDevice(mallory.ctx, mallory.account, 3);
        const [one, seven] = list.tbs.devices as [DeviceCertificateTBS, DeviceCertificateTBS];
        const bad = listWith({ ...list.tbs, devices: [one, intruder.certificate.tbs, seven] });
        expect(
          outcomeOf(() => verifySignedDeviceList(crypto, bad, { expectedAccountKey: ak })),
        ).toBe('IDENTITY_MISMATCH');
        expect(outcomeOf(() => verifySignedDeviceList(crypto, bad))).toBe('IDENTITY_MISMATCH');
      });

      it('a version not above the one held is DEVICE_LIST_STALE', () => {
        for (const previousVersion of [4n, 5n, 2n ** 64n - 1n]) {
          const outcome = outcomeOf(() =>
            verifySignedDeviceList(crypto, list, { expectedAccountKey: ak, previousVersion }),
          );
          expect(outcome, `held ${previousVersion}`).toBe('DEVICE_LIST_STALE');
        }
        expect(verifySignedDeviceList(crypto, list, { previousVersion: 0n }).listVersion).toBe(4n);
      });

      it('properly signed lists with unsorted, duplicate or out-of-range ids do not decode (CODEC_INVALID_VALUE)', () => {
        const [one, seven] = list.tbs.devices as [DeviceCertificateTBS, DeviceCertificateTBS];
        const variants: [string, unknown[]][] = [
          ['unsorted', [seven, one]],
          ['duplicate', [one, one, seven]],
          ['id 0', [{ ...one, deviceId: 0 }, seven]],
          ['id 2^31', [one, { ...seven, deviceId: 0x8000_0000 }]],
        ];
        for (const [name, devices] of variants) {
          const tbs = encode(LenientDeviceListTBS, { ...list.tbs, devices: devices as never });
          const bytes = signedBytes(tbs, signWithLabel(crypto, aliceSk, LABEL_DEVICE_LIST, tbs));
          expect(
            outcomeOf(() => decodeSignedDeviceList(bytes)),
            name,
          ).toBe('CODEC_INVALID_VALUE');
          // The same value built in memory cannot even be re-encoded to check its signature.
          const value = {
            tbs: { ...list.tbs, devices: devices as DeviceCertificateTBS[] },
            signature: new Uint8Array(64),
          };
          expect(
            outcomeOf(() => verifySignedDeviceList(crypto, value)),
            name,
          ).toBe('INVALID_ARGUMENT');
        }
        // A lenient encoding of a well-formed list is byte-identical (the twin codec is faithful).
        expect(encode(LenientCertificateTBS, one)).toEqual(encode(DeviceCertificateTBS, one));
      });

      it('in-memory lists with a wrong version or key type are refused', () => {
        const [one, seven] = list.tbs.devices as [DeviceCertificateTBS, DeviceCertificateTBS];
        const badEntry = {
          ...seven,
          signingKey: { type: KeyType.x25519, key: seven.signingKey.key } as never,
        };
        const cases: [string, DeviceListTBS, string][] = [
          ['list version byte', { ...list.tbs, version: 2 as 1 }, 'UNSUPPORTED_VERSION'],
          [
            'entry version byte',
            { ...list.tbs, devices: [one, { ...seven, version: 0 as 1 }] },
            'UNSUPPORTED_VERSION',
          ],
          [
            'account key type',
            { ...list.tbs, accountKey: { type: KeyType.x25519, key: ak } as never },
            'UNSUPPORTED_KEY_TYPE',
          ],
          ['entry key type', { ...list.tbs, devices: [one, badEntry] }, 'UNSUPPORTED_KEY_TYPE'],
        ];
        for (const [name, tbs, code] of cases) {
          const value = { tbs, signature: list.signature };
          expect(
            outcomeOf(() => verifySignedDeviceList(crypto, value)),
            name,
          ).toBe(code);
        }
      });

      it('tampering with any byte of an encoded signed list is rejected', () => {
        const bytes = encode(SignedDeviceListCodec, list);
        const accepted: string[] = [];
        const codes = new Set<string>();
        for (let i = 0; i < bytes.length; i++) {
          for (const mask of [0x01, 0xff]) {
            const tampered = bytes.slice();
            tampered[i] = (tampered[i] as number) ^ mask;
            const outcome = outcomeOf(() =>
              verifySignedDeviceList(crypto, decodeSignedDeviceList(tampered), {
                expectedAccountKey: ak,
              }),
            );
            if (outcome === 'ok') accepted.push(`byte ${i} ^ ${mask}`);
            codes.add(outcome);
          }
        }
        expect(accepted).toEqual([]);
        expect(codes.has('SIGNATURE_INVALID')).toBe(true);
      });
    });

    describe('device on list', () => {
      const verifiedList = verifySignedDeviceList(crypto, list, { expectedAccountKey: ak });

      it('accepts a listed device, refuses an unlisted one or one listed with other keys', () => {
        requireDeviceOnList(verifiedList, verifyDeviceCertificate(crypto, device.certificate, ak));
        const newcomer = createDevice(alice.ctx, alice.account, 2);
        const unlisted = verifyDeviceCertificate(crypto, newcomer.certificate, ak);
        expect(outcomeOf(() => requireDeviceOnList(verifiedList, unlisted))).toBe(
          'DEVICE_NOT_ON_LIST',
        );
        const replaced = createDevice(alice.ctx, alice.account, 7);
        const rekeyed = verifyDeviceCertificate(crypto, replaced.certificate, ak);
        expect(outcomeOf(() => requireDeviceOnList(verifiedList, rekeyed))).toBe(
          'DEVICE_NOT_ON_LIST',
        );
        const foreign = verifyDeviceCertificate(
          crypto,
          (mallory.devices[0] as DeviceIdentity).certificate,
        );
        expect(outcomeOf(() => requireDeviceOnList(verifiedList, foreign))).toBe(
          'IDENTITY_MISMATCH',
        );
      });
    });
  },
);
