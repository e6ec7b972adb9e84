/**
 * Wire formats of spec/one-to-one.md §1–§3 (packages/wire/src/formats/{keys,sign-content,
 * identity,prekeys,version}.ts): round trips of every format, and what decoding refuses.
 */
import { allProviders } from '@sigil/crypto/testing';
import { type Codec, decode, encode, opaqueVar, uint32 } from '@sigil/wire';
import {
  DeviceCertificate,
  DeviceCertificateTBS,
  DeviceListTBS,
  Ed25519PublicKey,
  KemPreKey,
  KemPreKeyTBS,
  KeyType,
  MlKem1024PublicKey,
  OneTimePreKey,
  PreKeyBundle,
  PublicKey,
  SignContent,
  SignedDeviceList,
  SignedPreKey,
  SignedPreKeyTBS,
  X25519PublicKey,
} from '@sigil/wire/formats';
import { describe, expect, it } from 'vitest';
import type { DeviceIdentity } from '../src/identity/device.ts';
import {
  bundleOf,
  concat,
  deviceListOf,
  LenientCertificateTBS,
  LenientDeviceListTBS,
  LenientPublicKey,
  makeAccount,
  outcomeOf,
} from './identity-fixtures.ts';

function roundTrip<T>(codec: Codec<T>, value: T): Uint8Array {
  const bytes = encode(codec, value);
  const back = decode(codec, bytes);
  expect(back).toEqual(value);
  expect(encode(codec, back)).toEqual(bytes);
  return bytes;
}

/** Every strict prefix of `bytes` must be CODEC_TRUNCATED; returns the failing lengths. */
function truncationFailures(codec: Codec<unknown>, bytes: Uint8Array): string[] {
  const failures: string[] = [];
  for (let n = 0; n < bytes.length; n++) {
    const outcome = outcomeOf(() => decode(codec, bytes.subarray(0, n)));
    if (outcome !== 'CODEC_TRUNCATED') failures.push(`prefix ${n}: ${outcome}`);
  }
  return failures;
}

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'identity formats (%s)',
  (_name, crypto) => {
    const alice = makeAccount(crypto, `formats-${crypto.name}`);
    const device = alice.devices[0] as DeviceIdentity;
    const list = deviceListOf(alice, 3n);
    const kem = alice.kemPreKeys[0];
    if (kem === undefined) throw new Error('fixture has a KEM prekey');

    // Every format of §1–§3 with a real value, for round trips and truncation.
    const cases: [string, Codec<never>, unknown][] = [
      [
        'PublicKey/x25519',
        PublicKey as Codec<never>,
        { type: KeyType.x25519, key: device.identityKey },
      ],
      [
        'PublicKey/ed25519',
        PublicKey as Codec<never>,
        { type: KeyType.ed25519, key: device.signingKey },
      ],
      ['PublicKey/ml_kem_1024', PublicKey as Codec<never>, kem.kemPreKey.tbs.key],
      ['X25519PublicKey', X25519PublicKey as Codec<never>, device.certificate.tbs.identityKey],
      ['Ed25519PublicKey', Ed25519PublicKey as Codec<never>, device.certificate.tbs.signingKey],
      ['MlKem1024PublicKey', MlKem1024PublicKey as Codec<never>, kem.kemPreKey.tbs.key],
      [
        'SignContent',
        SignContent as Codec<never>,
        { label: new Uint8Array([83, 105]), content: new Uint8Array(300) },
      ],
      ['DeviceCertificateTBS', DeviceCertificateTBS as Codec<never>, device.certificate.tbs],
      ['DeviceCertificate', DeviceCertificate as Codec<never>, device.certificate],
      ['DeviceListTBS', DeviceListTBS as Codec<never>, list.tbs],
      ['SignedDeviceList', SignedDeviceList as Codec<never>, list],
      ['SignedPreKeyTBS', SignedPreKeyTBS as Codec<never>, alice.signedPreKey.signedPreKey.tbs],
      ['SignedPreKey', SignedPreKey as Codec<never>, alice.signedPreKey.signedPreKey],
      ['OneTimePreKey', OneTimePreKey as Codec<never>, alice.oneTimePreKeys[0]?.oneTimePreKey],
      ['KemPreKeyTBS', KemPreKeyTBS as Codec<never>, kem.kemPreKey.tbs],
      ['KemPreKey', KemPreKey as Codec<never>, kem.kemPreKey],
      ['KemPreKey/last-resort', KemPreKey as Codec<never>, alice.lastResort.kemPreKey],
      ['PreKeyBundle', PreKeyBundle as Codec<never>, bundleOf(alice, true)],
      ['PreKeyBundle/no one-time', PreKeyBundle as Codec<never>, bundleOf(alice, false)],
    ];

    it.each(cases)(
      '%s round-trips canonically and every truncation is CODEC_TRUNCATED',
      (_format, codec, value) => {
        const bytes = roundTrip(codec, value as never);
        expect(truncationFailures(codec, bytes)).toEqual([]);
      },
    );

    it('an empty device list round-trips', () => {
      roundTrip(DeviceListTBS, { ...list.tbs, devices: [] });
    });

    it('a version byte other than 1 is UNSUPPORTED_VERSION', () => {
      const failures: string[] = [];
      const check = (name: string, codec: Codec<unknown>, bytes: Uint8Array, at: number) => {
        for (const version of [0, 2, 255]) {
          const tampered = bytes.slice();
          tampered[at] = version;
          const outcome = outcomeOf(() => decode(codec, tampered));
          if (outcome !== 'UNSUPPORTED_VERSION') failures.push(`${name} v${version}: ${outcome}`);
        }
      };
      check(
        'DeviceCertificate',
        DeviceCertificate,
        encode(DeviceCertificate, device.certificate),
        0,
      );
      check('SignedDeviceList', SignedDeviceList, encode(SignedDeviceList, list), 0);
      // The first entry of the list starts after version, key, two uint64s and the varint length.
      const listBytes = encode(SignedDeviceList, list);
      const entryAt = 1 + 34 + 8 + 8 + 2;
      expect(listBytes[entryAt]).toBe(1);
      check('SignedDeviceList entry', SignedDeviceList, listBytes, entryAt);
      check('PreKeyBundle', PreKeyBundle, encode(PreKeyBundle, bundleOf(alice)), 0);
      expect(failures).toEqual([]);
    });

    it('an unknown key type, or a known type in the wrong field, is UNSUPPORTED_KEY_TYPE', () => {
      const failures: string[] = [];
      const key32 = new Uint8Array(32).fill(9);
      const expectCode = (name: string, fn: () => unknown, code: string) => {
        const outcome = outcomeOf(fn);
        if (outcome !== code) failures.push(`${name}: ${outcome}`);
      };
      for (const type of [0, 4, 255]) {
        const bytes = encode(LenientPublicKey, { type, key: key32 });
        expectCode(
          `PublicKey type ${type}`,
          () => decode(PublicKey, bytes),
          'UNSUPPORTED_KEY_TYPE',
        );
      }
      const ed = encode(LenientPublicKey, { type: KeyType.ed25519, key: key32 });
      const x = encode(LenientPublicKey, { type: KeyType.x25519, key: key32 });
      expectCode('ed25519 as X25519', () => decode(X25519PublicKey, ed), 'UNSUPPORTED_KEY_TYPE');
      expectCode('x25519 as Ed25519', () => decode(Ed25519PublicKey, x), 'UNSUPPORTED_KEY_TYPE');
      expectCode('x25519 as ML-KEM', () => decode(MlKem1024PublicKey, x), 'UNSUPPORTED_KEY_TYPE');
      // In a certificate: the identity key given as an Ed25519 key.
      const tbs = device.certificate.tbs;
      const swapped = encode(LenientCertificateTBS, {
        ...tbs,
        identityKey: { type: KeyType.ed25519, key: tbs.identityKey.key },
      });
      expectCode(
        'certificate',
        () => decode(DeviceCertificateTBS, swapped),
        'UNSUPPORTED_KEY_TYPE',
      );
      expect(failures).toEqual([]);
    });

    it('a key whose length does not match its type is INVALID_KEY_LENGTH', () => {
      const failures: string[] = [];
      for (const [type, lengths] of [
        [KeyType.x25519, [0, 31, 33, 64]],
        [KeyType.ed25519, [0, 31, 33]],
        [KeyType.mlKem1024, [32, 1184, 1567, 1569]],
      ] as const) {
        for (const length of lengths) {
          const bytes = encode(LenientPublicKey, { type, key: new Uint8Array(length) });
          const outcome = outcomeOf(() => decode(PublicKey, bytes));
          if (outcome !== 'INVALID_KEY_LENGTH')
            failures.push(`type ${type} len ${length}: ${outcome}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('encoding a key of the wrong type or length is INVALID_ARGUMENT', () => {
      expect(
        outcomeOf(() =>
          encode(X25519PublicKey, { type: KeyType.ed25519, key: new Uint8Array(32) } as never),
        ),
      ).toBe('INVALID_ARGUMENT');
      expect(
        outcomeOf(() => encode(PublicKey, { type: KeyType.x25519, key: new Uint8Array(31) })),
      ).toBe('INVALID_ARGUMENT');
      expect(
        outcomeOf(() => encode(PublicKey, { type: 9, key: new Uint8Array(32) } as never)),
      ).toBe('INVALID_ARGUMENT');
    });

    it('device ids out of 1..2^31-1 are CODEC_INVALID_VALUE on decode and INVALID_ARGUMENT on encode', () => {
      const tbs = device.certificate.tbs;
      const failures: string[] = [];
      for (const deviceId of [0, 0x8000_0000, 0xffff_ffff]) {
        const bytes = encode(LenientCertificateTBS, { ...tbs, deviceId });
        const outcome = outcomeOf(() => decode(DeviceCertificateTBS, bytes));
        if (outcome !== 'CODEC_INVALID_VALUE') failures.push(`decode ${deviceId}: ${outcome}`);
        const encoded = outcomeOf(() => encode(DeviceCertificateTBS, { ...tbs, deviceId }));
        if (encoded !== 'INVALID_ARGUMENT') failures.push(`encode ${deviceId}: ${encoded}`);
      }
      for (const deviceId of [1, 0x7fff_ffff]) {
        roundTrip(DeviceCertificateTBS, { ...tbs, deviceId });
      }
      expect(failures).toEqual([]);
    });

    it('unsorted or duplicate device ids are CODEC_INVALID_VALUE on decode and INVALID_ARGUMENT on encode', () => {
      const [first, second] = list.tbs.devices;
      if (first === undefined || second === undefined) throw new Error('two devices');
      for (const devices of [
        [second, first],
        [first, first],
        [first, second, second],
      ]) {
        const bytes = encode(LenientDeviceListTBS, { ...list.tbs, devices });
        expect(outcomeOf(() => decode(DeviceListTBS, bytes))).toBe('CODEC_INVALID_VALUE');
        expect(outcomeOf(() => encode(DeviceListTBS, { ...list.tbs, devices }))).toBe(
          'INVALID_ARGUMENT',
        );
      }
    });

    it('an unknown KEM prekey kind is CODEC_INVALID_VALUE', () => {
      const bytes = encode(KemPreKeyTBS, kem.kemPreKey.tbs);
      const kindAt = 4; // after the uint32 id
      expect(bytes[kindAt]).toBe(1);
      for (const kind of [0, 3, 255]) {
        const tampered = bytes.slice();
        tampered[kindAt] = kind;
        expect(
          outcomeOf(() => decode(KemPreKeyTBS, tampered)),
          `kind ${kind}`,
        ).toBe('CODEC_INVALID_VALUE');
      }
    });

    it('a bundle needs its KEM prekey on the wire (CODEC_TRUNCATED without it)', () => {
      const bundle = bundleOf(alice, false);
      const withoutKem = concat(
        encode(DeviceCertificate, bundle.device),
        encode(SignedPreKey, bundle.signedPreKey),
        new Uint8Array([0]),
      );
      expect(outcomeOf(() => decode(PreKeyBundle, withoutKem))).toBe('CODEC_TRUNCATED');
    });

    it('trailing bytes are CODEC_TRAILING_BYTES', () => {
      const bytes = concat(encode(SignedDeviceList, list), new Uint8Array([0]));
      expect(outcomeOf(() => decode(SignedDeviceList, bytes))).toBe('CODEC_TRAILING_BYTES');
      const opk = concat(
        encode(OneTimePreKey, alice.oneTimePreKeys[0]?.oneTimePreKey as OneTimePreKey),
        encode(uint32, 1),
      );
      expect(outcomeOf(() => decode(OneTimePreKey, opk))).toBe('CODEC_TRAILING_BYTES');
      expect(
        outcomeOf(() =>
          decode(
            SignContent,
            concat(
              encode(SignContent, { label: new Uint8Array(1), content: new Uint8Array(0) }),
              encode(opaqueVar, new Uint8Array(0)),
            ),
          ),
        ),
      ).toBe('CODEC_TRAILING_BYTES');
    });
  },
);
