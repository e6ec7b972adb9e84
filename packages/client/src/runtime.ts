/**
 * The state an open client works with (internal): its dependencies with defaults filled in, the
 * account state kept (sealed) in the store, this device's identity and the account's verified
 * device list. The operation modules (prekeys, contacts, send, receive, outbox) take a
 * {@link Runtime}.
 *
 * The account state is one sealed record: the secret keys of the account (only on a device
 * that holds the account key) and of this device, the own signed device list, and the counters
 * and timestamps of prekey maintenance.
 *
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import {
  AccountIdentity,
  type AccountIdentityRecord,
  DeviceIdentity,
  type DeviceIdentityRecord,
  decodeSignedDeviceList,
  type ProtocolContext,
  type VerifiedDeviceList,
  verifySignedDeviceList,
} from '@sigil/protocol';
import type { ClientOptions, Clock, UnsafeTestHooks } from './deps.ts';
import type { Emitter } from './events.ts';
import { decodeRecord, encodeRecord } from './internal/json-record.ts';
import {
  ONE_TIME_PRE_KEY_TARGET,
  PRE_KEY_CHECK_INTERVAL_MS,
  PRE_KEY_REFILL_THRESHOLD,
  RECONNECT_BASE_MS,
  RECONNECT_MAX_MS,
  REPLACED_PRE_KEY_GRACE_MS,
  SIGNED_PRE_KEY_ROTATION_MS,
} from './limits.ts';
import type { RelayApi } from './relay-api.ts';
import type { Sealer } from './sealer.ts';
import type { ClientStore, StoreTransaction } from './store.ts';

/** The account state record (sealed as one blob; see the module comment). */
export interface AccountState {
  readonly version: 1;
  /** Whether the relay confirmed the registration (a crash before it is retried by `open`). */
  readonly registered: boolean;
  readonly relayUrl: string;
  readonly accountId: string;
  readonly username: string | undefined;
  readonly deviceId: number;
  /** The account key's secret: only on the device that created the account. */
  readonly accountKey: AccountIdentityRecord | undefined;
  readonly device: DeviceIdentityRecord;
  /** The account's latest signed device list this device verified (encoded). */
  readonly deviceList: Uint8Array;
  readonly nextSignedPreKeyId: number;
  readonly nextOneTimePreKeyId: number;
  readonly nextKemPreKeyId: number;
  /** The signed prekey and last-resort KEM prekey the relay should hold. */
  readonly signedPreKeyId: number;
  readonly lastResortKemPreKeyId: number;
  /** When those two were last generated, ms. */
  readonly signedPreKeyRotatedAt: number;
  readonly createdAt: number;
}

/** Options with every default filled in. */
export type ResolvedOptions = Required<ClientOptions>;

/** Fills in the defaults of {@link ClientOptions}. */
export function resolveOptions(options: ClientOptions = {}): ResolvedOptions {
  return {
    preKeyTarget: Math.min(options.preKeyTarget ?? ONE_TIME_PRE_KEY_TARGET, 100),
    preKeyRefillThreshold: options.preKeyRefillThreshold ?? PRE_KEY_REFILL_THRESHOLD,
    signedPreKeyRotationMs: options.signedPreKeyRotationMs ?? SIGNED_PRE_KEY_ROTATION_MS,
    replacedPreKeyGraceMs: options.replacedPreKeyGraceMs ?? REPLACED_PRE_KEY_GRACE_MS,
    preKeyCheckIntervalMs: options.preKeyCheckIntervalMs ?? PRE_KEY_CHECK_INTERVAL_MS,
    reconnectBaseMs: options.reconnectBaseMs ?? RECONNECT_BASE_MS,
    reconnectMaxMs: options.reconnectMaxMs ?? RECONNECT_MAX_MS,
  };
}

/** The dependencies every operation needs, before an account is loaded. */
export interface Services {
  readonly crypto: CryptoProvider;
  /** The protocol context: crypto, random and the clock. */
  readonly protocol: ProtocolContext;
  readonly store: ClientStore;
  readonly sealer: Sealer;
  readonly clock: Clock;
  readonly random: (length: number) => Uint8Array;
  readonly emitter: Emitter;
  readonly options: ResolvedOptions;
  readonly hooks: UnsafeTestHooks;
}

/** An open client's state. */
export interface Runtime extends Services {
  readonly api: RelayApi;
  /** The account state; replaced (never mutated) by {@link saveAccountState}. */
  state: AccountState;
  readonly device: DeviceIdentity;
  readonly account: AccountIdentity | undefined;
  /** The own account's latest verified device list. */
  ownList: VerifiedDeviceList;
}

/**
 * Reads and opens the account state, or `undefined` when the store holds none.
 * @throws SigilError `STORAGE_KEY_INVALID` if the storage key does not open it.
 */
export async function loadAccountState(
  tx: StoreTransaction,
  sealer: Sealer,
): Promise<AccountState | undefined> {
  const sealed = await tx.getAccount();
  if (sealed === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = sealer.open('account', 'account', sealed);
  } catch (err) {
    throw new SigilError('STORAGE_KEY_INVALID', 'the storage key does not open this store', {
      cause: err,
    });
  }
  const state = decodeRecord<AccountState>(bytes);
  if (state.version !== 1) throw new SigilError('UNSUPPORTED_VERSION', 'unknown account state');
  return state;
}

/** Seals and writes the account state. */
export async function putAccountState(
  tx: StoreTransaction,
  sealer: Sealer,
  state: AccountState,
): Promise<void> {
  await tx.putAccount(sealer.seal('account', 'account', encodeRecord(state)));
}

/**
 * Changes the account state in one transaction: `update` gets the state as stored (another
 * process sharing the store may have changed it since this runtime loaded it) and the
 * transaction for more writes, and returns the new state. The new state becomes the runtime's
 * inside the transaction, so a later transaction never starts from an older one; a rollback
 * restores the previous one.
 */
export async function updateAccountState(
  rt: Runtime,
  update: (state: AccountState, tx: StoreTransaction) => AccountState | Promise<AccountState>,
): Promise<AccountState> {
  const before = rt.state;
  try {
    return await rt.store.transaction(async (tx) => {
      const latest = (await loadAccountState(tx, rt.sealer)) ?? rt.state;
      const next = await update(latest, tx);
      await putAccountState(tx, rt.sealer, next);
      rt.state = next;
      return next;
    });
  } catch (err) {
    rt.state = before;
    throw err;
  }
}

/** The identities and the verified own list of a loaded state. */
export function openIdentities(
  crypto: CryptoProvider,
  state: AccountState,
): { device: DeviceIdentity; account: AccountIdentity | undefined; ownList: VerifiedDeviceList } {
  const device = DeviceIdentity.fromRecord(crypto, state.device);
  const account =
    state.accountKey === undefined
      ? undefined
      : AccountIdentity.fromRecord(crypto, state.accountKey);
  const ownList = verifySignedDeviceList(crypto, decodeSignedDeviceList(state.deviceList), {
    expectedAccountKey: device.accountKey,
  });
  return { device, account, ownList };
}
