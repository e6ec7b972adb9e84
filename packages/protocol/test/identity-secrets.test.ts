/**
 * The secret side of identities and prekeys (spec/one-to-one.md §2–§3;
 * packages/protocol/src/identity/, src/prekeys/): randomness order, records, redaction, argument
 * checks.
 */
import { inspect } from 'node:util';
import { allProviders } from '@sigil/crypto/testing';
import { KemPreKeyKind } from '@sigil/wire/formats';
import { describe, expect, it } from 'vitest';
import { unsafeDeterministicRandom } from '../src/context.ts';
import { AccountIdentity, createAccount } from '../src/identity/account.ts';
import {
  certifyDevice,
  createDevice,
  createDeviceKeys,
  DeviceIdentity,
} from '../src/identity/device.ts';
import {
  generateKemPreKeys,
  generateLastResortKemPreKey,
  KemPreKeyPair,
} from '../src/prekeys/kem-pre-key.ts';
import { generateOneTimePreKeys, OneTimePreKeyPair } from '../src/prekeys/one-time-pre-key.ts';
import { generateSignedPreKey, SignedPreKeyPair } from '../src/prekeys/signed-pre-key.ts';
import { verifyKemPreKey, verifySignedPreKey } from '../src/public/index.ts';
import { makeAccount, NOW, outcomeOf, seededContext } from './identity-fixtures.ts';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Every way an object can be printed. */
function printed(value: object): string {
  return [inspect(value), inspect({ nested: value }), JSON.stringify(value), String(value)].join(
    '\n',
  );
}

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'identity secrets (%s)',
  (_name, crypto) => {
    it('draws randomness in the documented order', () => {
      const seed = new TextEncoder().encode(`order-${crypto.name}`);
      const ctx = { crypto, random: unsafeDeterministicRandom(crypto, seed), now: () => NOW };
      const mirror = unsafeDeterministicRandom(crypto, seed);
      const account = createAccount(ctx);
      expect(account.keyPair.secretKey).toEqual(mirror(32));
      expect(account.accountKey).toEqual(crypto.ed25519.publicKey(account.keyPair.secretKey));
      const device = createDevice(ctx, account, 3);
      expect(device.identityKeyPair.secretKey).toEqual(mirror(32));
      expect(device.signingKeyPair.secretKey).toEqual(mirror(32));
      expect(device.certificate.tbs.createdAt).toBe(BigInt(NOW));
      const spk = generateSignedPreKey(ctx, device, 1);
      expect(spk.keyPair.secretKey).toEqual(mirror(32));
      const opks = generateOneTimePreKeys(ctx, 10, 3);
      for (const opk of opks) expect(opk.keyPair.secretKey).toEqual(mirror(32));
      expect(opks.map((opk) => opk.id)).toEqual([10, 11, 12]);
      const kems = generateKemPreKeys(ctx, device, 20, 2);
      for (const kem of kems) expect(kem.keyPair.secretKey).toEqual(mirror(64));
      const lastResort = generateLastResortKemPreKey(ctx, device, 30);
      expect(lastResort.keyPair.secretKey).toEqual(mirror(64));
      expect(lastResort.kind).toBe(KemPreKeyKind.lastResort);
      expect(kems.map((kem) => [kem.id, kem.kind])).toEqual([
        [20, KemPreKeyKind.oneTime],
        [21, KemPreKeyKind.oneTime],
      ]);
    });

    it('the same seed gives the same identities (deterministic tests and vectors)', () => {
      const a = makeAccount(crypto, 'same-seed');
      const b = makeAccount(crypto, 'same-seed');
      expect(a.account.toRecord()).toEqual(b.account.toRecord());
      expect(a.devices[1]?.toRecord()).toEqual(b.devices[1]?.toRecord());
      expect(a.lastResort.toRecord()).toEqual(b.lastResort.toRecord());
    });

    it('generated prekeys verify under the device signing key', () => {
      const alice = makeAccount(crypto, `secrets-${crypto.name}`);
      const device = alice.devices[0] as DeviceIdentity;
      verifySignedPreKey(crypto, device.signingKey, alice.signedPreKey.signedPreKey);
      verifyKemPreKey(crypto, device.signingKey, alice.lastResort.kemPreKey);
      // The KEM prekey's seed decapsulates what is encapsulated to its public key.
      const kem = alice.kemPreKeys[0] as KemPreKeyPair;
      const { ciphertext, sharedSecret } = crypto.mlkem.encapsulate('ml-kem-1024', kem.publicKey);
      expect(kem.decapsulate(crypto, ciphertext)).toEqual(sharedSecret);
    });

    it('records round-trip and are checked on the way back', () => {
      const alice = makeAccount(crypto, `records-${crypto.name}`);
      const device = alice.devices[0] as DeviceIdentity;
      const account = AccountIdentity.fromRecord(crypto, alice.account.toRecord());
      expect(account.accountKey).toEqual(alice.account.accountKey);
      const restored = DeviceIdentity.fromRecord(crypto, device.toRecord());
      expect(restored.toRecord()).toEqual(device.toRecord());
      expect(restored.certificate).toEqual(device.certificate);
      const spk = SignedPreKeyPair.fromRecord(crypto, alice.signedPreKey.toRecord());
      expect(spk.signedPreKey).toEqual(alice.signedPreKey.signedPreKey);
      const opk = OneTimePreKeyPair.fromRecord(
        crypto,
        (alice.oneTimePreKeys[1] as OneTimePreKeyPair).toRecord(),
      );
      expect(opk.oneTimePreKey).toEqual(alice.oneTimePreKeys[1]?.oneTimePreKey);
      const kem = KemPreKeyPair.fromRecord(crypto, alice.lastResort.toRecord());
      expect(kem.kemPreKey).toEqual(alice.lastResort.kemPreKey);
      expect(kem.publicKey).toEqual(alice.lastResort.publicKey);

      // Mismatched halves are refused.
      const other = makeAccount(crypto, `records-other-${crypto.name}`);
      const accountRecord = { ...alice.account.toRecord(), publicKey: other.account.accountKey };
      expect(outcomeOf(() => AccountIdentity.fromRecord(crypto, accountRecord))).toBe(
        'INVALID_ARGUMENT',
      );
      const deviceRecord = {
        ...device.toRecord(),
        identitySecretKey: other.devices[0]?.toRecord().identitySecretKey as Uint8Array,
      };
      expect(outcomeOf(() => DeviceIdentity.fromRecord(crypto, deviceRecord))).toBe(
        'INVALID_ARGUMENT',
      );
      const spkRecord = {
        ...alice.signedPreKey.toRecord(),
        secretKey: other.signedPreKey.toRecord().secretKey,
      };
      expect(outcomeOf(() => SignedPreKeyPair.fromRecord(crypto, spkRecord))).toBe(
        'INVALID_ARGUMENT',
      );
      const kemRecord = { ...alice.lastResort.toRecord(), seed: other.lastResort.toRecord().seed };
      expect(outcomeOf(() => KemPreKeyPair.fromRecord(crypto, kemRecord))).toBe('INVALID_ARGUMENT');
      expect(
        outcomeOf(() =>
          AccountIdentity.fromRecord(crypto, {
            ...alice.account.toRecord(),
            secretKey: new Uint8Array(31),
          }),
        ),
      ).toBe('INVALID_KEY_LENGTH');
    });

    it('toRecord returns copies: wiping the record leaves the object intact', () => {
      const alice = makeAccount(crypto, `copies-${crypto.name}`);
      const record = alice.account.toRecord();
      record.secretKey.fill(0);
      expect(alice.account.keyPair.secretKey.some((b) => b !== 0)).toBe(true);
    });

    it('a linked device: keys made on it, certified by the account, joined with fromParts', () => {
      const alice = makeAccount(crypto, `link-${crypto.name}`);
      const keys = createDeviceKeys(alice.ctx);
      const certificate = certifyDevice(alice.ctx, alice.account, {
        deviceId: 9,
        identityKey: keys.identityKeyPair.publicKey,
        signingKey: keys.signingKeyPair.publicKey,
      });
      const linked = DeviceIdentity.fromParts(crypto, keys, certificate);
      expect(linked.deviceId).toBe(9);
      expect(linked.accountKey).toEqual(alice.account.accountKey);
      const strangerKeys = createDeviceKeys(alice.ctx);
      expect(outcomeOf(() => DeviceIdentity.fromParts(crypto, strangerKeys, certificate))).toBe(
        'INVALID_ARGUMENT',
      );
      const forged = { ...certificate, signature: new Uint8Array(64) };
      expect(outcomeOf(() => DeviceIdentity.fromParts(crypto, keys, forged))).toBe(
        'SIGNATURE_INVALID',
      );
    });

    it('secret objects print redacted', () => {
      const alice = makeAccount(crypto, `print-${crypto.name}`);
      const device = alice.devices[0] as DeviceIdentity;
      const objects: [object, Uint8Array[]][] = [
        [alice.account, [alice.account.keyPair.secretKey]],
        [device, [device.identityKeyPair.secretKey, device.signingKeyPair.secretKey]],
        [alice.signedPreKey, [alice.signedPreKey.keyPair.secretKey]],
        [
          alice.oneTimePreKeys[0] as OneTimePreKeyPair,
          [(alice.oneTimePreKeys[0] as OneTimePreKeyPair).keyPair.secretKey],
        ],
        [alice.lastResort, [alice.lastResort.keyPair.secretKey]],
      ];
      for (const [object, secrets] of objects) {
        const text = printed(object);
        expect(text).toContain('[redacted]');
        for (const secret of secrets) {
          expect(text).not.toContain(hex(secret));
          expect(text).not.toContain(hex(secret.subarray(0, 8)));
          expect(text).not.toContain(String(Array.from(secret.subarray(0, 4))));
        }
      }
      expect(inspect(alice.account)).toBe(
        `AccountIdentity { accountKey: ${hex(alice.account.accountKey)}, secretKey: [redacted] }`,
      );
    });

    it('refuses out-of-range ids and counts (INVALID_ARGUMENT)', () => {
      const ctx = seededContext(crypto, 'ranges');
      const account = createAccount(ctx);
      for (const id of [0, -1, 0x8000_0000, 1.5, Number.NaN]) {
        expect(
          outcomeOf(() => createDevice(ctx, account, id)),
          `device ${id}`,
        ).toBe('INVALID_ARGUMENT');
      }
      const device = createDevice(ctx, account, 0x7fff_ffff);
      expect(device.deviceId).toBe(0x7fff_ffff);
      expect(outcomeOf(() => generateSignedPreKey(ctx, device, 2 ** 32))).toBe('INVALID_ARGUMENT');
      expect(outcomeOf(() => generateOneTimePreKeys(ctx, 2 ** 32 - 2, 3))).toBe('INVALID_ARGUMENT');
      expect(generateOneTimePreKeys(ctx, 2 ** 32 - 2, 2).map((k) => k.id)).toEqual([
        2 ** 32 - 2,
        2 ** 32 - 1,
      ]);
      expect(outcomeOf(() => generateOneTimePreKeys(ctx, 0, -1))).toBe('INVALID_ARGUMENT');
      expect(outcomeOf(() => generateKemPreKeys(ctx, device, 0, 10_001))).toBe('INVALID_ARGUMENT');
      expect(generateOneTimePreKeys(ctx, 0, 0)).toEqual([]);
      expect(outcomeOf(() => generateLastResortKemPreKey(ctx, device, -1))).toBe(
        'INVALID_ARGUMENT',
      );
      const badClock = { ...ctx, now: () => Number.NaN };
      expect(outcomeOf(() => createDevice(badClock, account, 2))).toBe('INVALID_ARGUMENT');
    });
  },
);
