/**
 * Parties for the session-layer suites: an account with one device, its prekeys in an
 * in-memory prekey store, and a relay-like `vendBundle` that hands out each one-time prekey at
 * most once (then the last-resort KEM prekey), verified as an initiator would.
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import { PreKeyBundle } from '@sigil/wire/formats';
import type { ProtocolContext } from '../src/context.ts';
import { type AccountIdentity, createAccount } from '../src/identity/account.ts';
import { createDevice, type DeviceIdentity } from '../src/identity/device.ts';
import { buildPreKeyBundle } from '../src/prekeys/bundle.ts';
import {
  generateKemPreKeys,
  generateLastResortKemPreKey,
  type KemPreKeyPair,
} from '../src/prekeys/kem-pre-key.ts';
import { generateOneTimePreKeys, type OneTimePreKeyPair } from '../src/prekeys/one-time-pre-key.ts';
import { generateSignedPreKey, type SignedPreKeyPair } from '../src/prekeys/signed-pre-key.ts';
import { decodePreKeyBundle } from '../src/public/decode.ts';
import { type VerifiedPreKeyBundle, verifyPreKeyBundle } from '../src/public/verify-prekeys.ts';
import type { PeerAddress } from '../src/storage.ts';
import { seededContext } from './identity-fixtures.ts';
import {
  MemoryIdentityStore,
  MemoryPreKeyStore,
  MemorySessionStore,
  type Stores,
} from './memory-stores.ts';

/** Prekey ids every party uses (devices choose their ids, so they collide across devices). */
export const SIGNED_PRE_KEY_ID = 1;
export const FIRST_ONE_TIME_ID = 100;
export const FIRST_KEM_ID = 200;
export const LAST_RESORT_ID = 999;

/** One device of an account, with its stores and the prekeys not yet handed out. */
export interface Party {
  readonly ctx: ProtocolContext;
  readonly account: AccountIdentity;
  readonly device: DeviceIdentity;
  readonly address: PeerAddress;
  readonly stores: Stores;
  readonly signedPreKey: SignedPreKeyPair;
  readonly lastResort: KemPreKeyPair;
  /** One-time prekeys the "relay" has not handed out yet. */
  readonly oneTime: OneTimePreKeyPair[];
  /** One-time KEM prekeys the "relay" has not handed out yet. */
  readonly kem: KemPreKeyPair[];
}

/** Options of {@link makeParty}. */
export interface PartyOptions {
  /** Device id (default 1). */
  readonly deviceId?: number;
  /** Another device of this account instead of a new account. */
  readonly account?: AccountIdentity;
  /** One-time X25519 prekeys (default 2). */
  readonly oneTime?: number;
  /** One-time KEM prekeys (default 2). */
  readonly kem?: number;
}

/** A party named `name` (its seed), its prekeys registered in its prekey store. */
export function makeParty(crypto: CryptoProvider, name: string, options: PartyOptions = {}): Party {
  const ctx = seededContext(crypto, `party ${name}`);
  const account = options.account ?? createAccount(ctx);
  const device = createDevice(ctx, account, options.deviceId ?? 1);
  const signedPreKey = generateSignedPreKey(ctx, device, SIGNED_PRE_KEY_ID);
  const oneTime = generateOneTimePreKeys(ctx, FIRST_ONE_TIME_ID, options.oneTime ?? 2);
  const kem = generateKemPreKeys(ctx, device, FIRST_KEM_ID, options.kem ?? 2);
  const lastResort = generateLastResortKemPreKey(ctx, device, LAST_RESORT_ID);
  const prekeys = new MemoryPreKeyStore();
  prekeys.signed.set(signedPreKey.id, signedPreKey);
  for (const pair of oneTime) prekeys.oneTime.set(pair.id, pair);
  for (const pair of [...kem, lastResort]) prekeys.kem.set(pair.id, pair);
  return {
    ctx,
    account,
    device,
    address: { account: name, deviceId: device.deviceId },
    stores: {
      sessions: new MemorySessionStore(),
      prekeys,
      identity: new MemoryIdentityStore(device),
    },
    signedPreKey,
    lastResort,
    oneTime: [...oneTime],
    kem: [...kem],
  };
}

/** Options of {@link vendBundle}. */
export interface VendOptions {
  /** Hand out a one-time prekey if one is left (default true). */
  readonly oneTime?: boolean;
  /** Hand out a one-time KEM prekey if one is left, else the last-resort one (default true). */
  readonly kemOneTime?: boolean;
}

/**
 * What the relay serves for `party`'s device, through the wire encoding, verified under the
 * party's account key as the initiator would. Each one-time prekey is handed out once.
 */
export function vendBundle(
  crypto: CryptoProvider,
  party: Party,
  options: VendOptions = {},
): VerifiedPreKeyBundle {
  const oneTime = options.oneTime === false ? undefined : party.oneTime.shift();
  const kem = options.kemOneTime === false ? undefined : party.kem.shift();
  const bundle = buildPreKeyBundle({
    device: party.device.certificate,
    signedPreKey: party.signedPreKey.signedPreKey,
    oneTimePreKey: oneTime?.oneTimePreKey,
    kemPreKey: (kem ?? party.lastResort).kemPreKey,
  });
  return verifyPreKeyBundle(
    crypto,
    decodePreKeyBundle(encode(PreKeyBundle, bundle)),
    party.account.accountKey,
  );
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** UTF-8 text. */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** The SigilError code an async call rejects with, or 'no error'. */
export async function codeOfAsync(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof SigilError) return err.code;
    throw err;
  }
  return 'no error';
}
