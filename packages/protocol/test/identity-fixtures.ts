/**
 * Fixtures for the identity, prekey and bundle suites (spec/one-to-one.md §1–§3): a seeded
 * context, a complete account with devices and prekeys, lenient twins of the strict codecs (to
 * build bytes the strict ones must reject), and error capture.
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { encode, opaqueVar, struct, uint8, uint32, uint64, vector } from '@sigil/wire';
import { PreKeyBundle } from '@sigil/wire/formats';
import { type ProtocolContext, unsafeDeterministicRandom } from '../src/context.ts';
import { type AccountIdentity, createAccount } from '../src/identity/account.ts';
import { createDevice, type DeviceIdentity } from '../src/identity/device.ts';
import { createDeviceList } from '../src/identity/device-list.ts';
import { buildPreKeyBundle } from '../src/prekeys/bundle.ts';
import {
  generateKemPreKeys,
  generateLastResortKemPreKey,
  type KemPreKeyPair,
} from '../src/prekeys/kem-pre-key.ts';
import { generateOneTimePreKeys, type OneTimePreKeyPair } from '../src/prekeys/one-time-pre-key.ts';
import { generateSignedPreKey, type SignedPreKeyPair } from '../src/prekeys/signed-pre-key.ts';

/** A fixed clock: 2025-01-01T00:00:00Z. */
export const NOW = 1_735_689_600_000;

/** A deterministic context for `crypto` seeded by `label`. */
export function seededContext(crypto: CryptoProvider, label: string): ProtocolContext {
  return {
    crypto,
    random: unsafeDeterministicRandom(crypto, new TextEncoder().encode(label)),
    now: () => NOW,
  };
}

/** Everything one account publishes, with the secrets behind it. */
export interface AccountFixture {
  readonly ctx: ProtocolContext;
  readonly account: AccountIdentity;
  readonly devices: readonly DeviceIdentity[];
  readonly signedPreKey: SignedPreKeyPair;
  readonly oneTimePreKeys: readonly OneTimePreKeyPair[];
  readonly kemPreKeys: readonly KemPreKeyPair[];
  readonly lastResort: KemPreKeyPair;
}

/** An account with devices 1 and 7 (and `extraDevices`), prekeys for device 1. */
export function makeAccount(crypto: CryptoProvider, label = 'alice'): AccountFixture {
  const ctx = seededContext(crypto, label);
  const account = createAccount(ctx);
  const devices = [createDevice(ctx, account, 1), createDevice(ctx, account, 7)];
  const first = devices[0] as DeviceIdentity;
  return {
    ctx,
    account,
    devices,
    signedPreKey: generateSignedPreKey(ctx, first, 5),
    oneTimePreKeys: generateOneTimePreKeys(ctx, 100, 2),
    kemPreKeys: generateKemPreKeys(ctx, first, 200, 1),
    lastResort: generateLastResortKemPreKey(ctx, first, 999),
  };
}

/** The signed device list of a fixture at `version`. */
export function deviceListOf(fixture: AccountFixture, version = 1n) {
  return createDeviceList(fixture.ctx, fixture.account, fixture.devices, version);
}

/** The bundle of a fixture's device 1, with or without its first one-time prekey. */
export function bundleOf(fixture: AccountFixture, withOneTime = true): PreKeyBundle {
  return buildPreKeyBundle({
    device: (fixture.devices[0] as DeviceIdentity).certificate,
    signedPreKey: fixture.signedPreKey.signedPreKey,
    oneTimePreKey: withOneTime ? fixture.oneTimePreKeys[0]?.oneTimePreKey : undefined,
    kemPreKey: (fixture.kemPreKeys[0] as KemPreKeyPair).kemPreKey,
  });
}

/** The encoded bundle of a fixture. */
export function bundleBytes(fixture: AccountFixture, withOneTime = true): Uint8Array {
  return encode(PreKeyBundle, bundleOf(fixture, withOneTime));
}

/** What a call did: 'ok' or the SigilError code it threw (any other error is rethrown). */
export function outcomeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (SigilError.is(error)) return error.code;
    throw error;
  }
}

/** a || b || ... in a fresh array. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

// Lenient twins of the strict formats: same byte layout, no version / key-type / device-id /
// ordering checks. They build bytes (properly signed where needed) that the strict codecs of
// @sigil/wire/formats must refuse.

/** `PublicKey` with any type byte and any length. */
export const LenientPublicKey = struct({ type: uint8, key: opaqueVar });

/** `DeviceCertificateTBS` with any version, key types and device id. */
export const LenientCertificateTBS = struct({
  version: uint8,
  accountKey: LenientPublicKey,
  deviceId: uint32,
  identityKey: LenientPublicKey,
  signingKey: LenientPublicKey,
  createdAt: uint64,
});

/** `DeviceListTBS` with any version and devices in any order. */
export const LenientDeviceListTBS = struct({
  version: uint8,
  accountKey: LenientPublicKey,
  listVersion: uint64,
  issuedAt: uint64,
  devices: vector(LenientCertificateTBS),
});

/** `tbs || signature<V>`: the layout of every signed structure. */
export function signedBytes(tbs: Uint8Array, signature: Uint8Array): Uint8Array {
  return concat(tbs, encode(opaqueVar, signature));
}
