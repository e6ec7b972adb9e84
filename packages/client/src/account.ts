/**
 * This device's account (DESIGN.md, Identities and devices): creating one (every key generated
 * here; only public keys leave the device), joining one as a further device, loading it and
 * logging in, and the account's own device list (adding and removing devices, following
 * changes).
 *
 * Creating an account commits the keys and an unregistered account state first, then registers
 * at the relay, then uploads the prekeys; `open()` finishes whatever a crash interrupted
 * (registration is retried with the same signed list, missing prekeys are uploaded by the
 * prekey maintenance).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  certifyDevice,
  createAccount as createAccountKey,
  createDevice,
  createDeviceList,
  type DeviceCertificateRequest,
  DeviceIdentity,
  type DeviceKeys,
  decodeSignedDeviceList,
  requireDeviceOnList,
  type VerifiedDeviceList,
  verifyDeviceCertificate,
  verifySignedDeviceList,
} from '@sigil/protocol';
import { decode, encode } from '@sigil/wire';
import { DeviceCertificate, SignedDeviceList } from '@sigil/wire/formats';
import type { Transport } from './deps.ts';
import { accountIdOf, isUsername } from './internal/bytes.ts';
import { challengeSigner } from './internal/relay-auth.ts';
import { generatePreKeys, storePreKeys } from './prekeys.ts';
import { RelayApi } from './relay-api.ts';
import {
  type AccountState,
  loadAccountState,
  openIdentities,
  type Runtime,
  type Services,
  updateAccountState,
} from './runtime.ts';

/** The device ids that joined and left between two lists. */
export function diffDevices(
  before: readonly { deviceId: number }[],
  after: readonly { deviceId: number }[],
): { added: number[]; removed: number[] } {
  const old = new Set(before.map((d) => d.deviceId));
  const now = new Set(after.map((d) => d.deviceId));
  return {
    added: [...now].filter((id) => !old.has(id)),
    removed: [...old].filter((id) => !now.has(id)),
  };
}

async function requireNoAccount(services: Services): Promise<void> {
  const existing = await services.store.transaction((tx) => loadAccountState(tx, services.sealer));
  if (existing?.registered === true) {
    throw new SigilError('ACCOUNT_EXISTS', 'this store already holds an account');
  }
}

function baseState(
  relayUrl: string,
  accountId: string,
  username: string | undefined,
  device: DeviceIdentity,
  deviceList: Uint8Array,
  now: number,
): AccountState {
  return {
    version: 1,
    registered: false,
    relayUrl,
    accountId,
    username,
    deviceId: device.deviceId,
    accountKey: undefined,
    device: device.toRecord(),
    deviceList,
    nextSignedPreKeyId: 1,
    nextOneTimePreKeyId: 1,
    nextKemPreKeyId: 1,
    signedPreKeyId: 0,
    lastResortKemPreKeyId: 0,
    signedPreKeyRotatedAt: 0,
    createdAt: now,
  };
}

/** A runtime for a loaded (or just created) state. */
function runtimeOf(
  services: Services,
  transport: Transport,
  state: AccountState,
  api = new RelayApi(state.relayUrl, transport.fetch),
): Runtime {
  const { device, account, ownList } = openIdentities(services.crypto, state);
  return { ...services, api, state, device, account, ownList };
}

/** Logs the runtime's device in. */
export async function login(rt: Runtime): Promise<void> {
  await rt.api.login(
    rt.state.accountId,
    rt.device.deviceId,
    challengeSigner(rt.crypto, rt.device, rt.state.accountId),
  );
}

/**
 * Creates an account on a relay: account key, device 1, signed device list version 1, prekeys;
 * registers, logs in and uploads the prekeys.
 * @throws SigilError `ACCOUNT_EXISTS`; `INVALID_ARGUMENT` for a bad username or URL;
 *   `USERNAME_TAKEN`; `RELAY_UNREACHABLE` and other relay codes.
 */
export async function createAccount(
  services: Services,
  transport: Transport,
  params: { relayUrl: string; username?: string | undefined },
): Promise<Runtime> {
  const { relayUrl, username } = params;
  if (username !== undefined && !isUsername(username)) {
    throw new SigilError(
      'INVALID_ARGUMENT',
      'a username is 3-32 of a-z 0-9 _ . and starts with a letter',
    );
  }
  checkRelayUrl(relayUrl);
  await requireNoAccount(services);
  const ctx = services.protocol;
  const accountKey = createAccountKey(ctx);
  const device = createDevice(ctx, accountKey, 1);
  const list = encode(SignedDeviceList, createDeviceList(ctx, accountKey, [device], 1n));
  const accountId = accountIdOf(services.crypto, accountKey.accountKey);
  const state = {
    ...baseState(relayUrl, accountId, username, device, list, services.clock.now()),
    accountKey: accountKey.toRecord(),
  };
  const batch = generatePreKeys(services, device, state, {
    rotate: true,
    oneTime: services.options.preKeyTarget,
    kem: services.options.preKeyTarget,
  });
  await services.store.transaction(async (tx) => {
    const existing = await loadAccountState(tx, services.sealer);
    if (existing?.registered === true)
      throw new SigilError('ACCOUNT_EXISTS', 'this store already holds an account');
    await storePreKeys(services, tx, batch);
  });
  const rt = runtimeOf(services, transport, batch.state);
  await register(rt);
  await login(rt);
  await rt.api.putKeys({
    ...batch.upload,
    certificate: encode(DeviceCertificate, device.certificate),
  });
  return rt;
}

/** Registers the account of an unregistered state (idempotent: an existing account is fine). */
async function register(rt: Runtime): Promise<void> {
  const accountKey = rt.account?.accountKey;
  if (accountKey === undefined) throw new SigilError('INTERNAL', 'no account key to register');
  try {
    await rt.api.register(accountKey, rt.state.deviceList, rt.state.username);
  } catch (err) {
    // A registration that reached the relay before a crash: the account exists with our key.
    if (!SigilError.is(err, 'CONFLICT')) throw err;
  }
  await updateAccountState(rt, (state) => ({ ...state, registered: true }));
}

/**
 * Joins an existing account as a further device: `keys` were generated on this device
 * (`createDeviceKeys`), `certificate` is what the account holder's `addDevice` returned for
 * their public halves. Logs in, checks the account's list names this device, uploads prekeys.
 * @throws SigilError `ACCOUNT_EXISTS`; `SIGNATURE_INVALID` / `INVALID_ARGUMENT` for a
 *   certificate that does not match the keys; `DEVICE_NOT_ON_LIST`; relay codes.
 */
export async function joinAccount(
  services: Services,
  transport: Transport,
  params: {
    relayUrl: string;
    keys: DeviceKeys;
    certificate: Uint8Array;
    username?: string | undefined;
  },
): Promise<Runtime> {
  checkRelayUrl(params.relayUrl);
  await requireNoAccount(services);
  const { crypto } = services;
  const device = DeviceIdentity.fromParts(
    crypto,
    params.keys,
    decode(DeviceCertificate, params.certificate),
  );
  const accountId = accountIdOf(crypto, device.accountKey);
  const api = new RelayApi(params.relayUrl, transport.fetch);
  await api.login(accountId, device.deviceId, challengeSigner(crypto, device, accountId));
  const listBytes = await api.deviceList(accountId);
  const list = verifySignedDeviceList(crypto, decodeSignedDeviceList(listBytes), {
    expectedAccountKey: device.accountKey,
  });
  requireDeviceOnList(list, verifyDeviceCertificate(crypto, device.certificate, device.accountKey));
  const state = {
    ...baseState(
      params.relayUrl,
      accountId,
      params.username,
      device,
      listBytes,
      services.clock.now(),
    ),
    registered: true,
  };
  const batch = generatePreKeys(services, device, state, {
    rotate: true,
    oneTime: services.options.preKeyTarget,
    kem: services.options.preKeyTarget,
  });
  await services.store.transaction((tx) => storePreKeys(services, tx, batch));
  const rt = runtimeOf(services, transport, batch.state, api);
  await api.putKeys({
    ...batch.upload,
    certificate: encode(DeviceCertificate, device.certificate),
  });
  return rt;
}

/**
 * Loads the account from the store and logs in (finishing a registration a crash interrupted).
 * @throws SigilError `NO_LOCAL_ACCOUNT`; `STORAGE_KEY_INVALID`; relay codes.
 */
export async function openAccount(services: Services, transport: Transport): Promise<Runtime> {
  const state = await services.store.transaction((tx) => loadAccountState(tx, services.sealer));
  if (state === undefined) throw new SigilError('NO_LOCAL_ACCOUNT', 'no account in this store');
  const rt = runtimeOf(services, transport, state);
  if (!state.registered) await register(rt);
  await login(rt);
  return rt;
}

/**
 * Fetches the own account's device list; on a new version, stores it, drops sessions with
 * devices that left and emits `device-list-changed`.
 * @throws SigilError relay codes; `DEVICE_LIST_STALE` for a list older than the one held;
 *   `IDENTITY_MISMATCH` / `SIGNATURE_INVALID` for a list not signed by the account key.
 */
export async function refreshOwnList(rt: Runtime): Promise<void> {
  const bytes = await rt.api.deviceList(rt.state.accountId);
  const list = verifySignedDeviceList(rt.crypto, decodeSignedDeviceList(bytes), {
    expectedAccountKey: rt.device.accountKey,
  });
  if (list.listVersion === rt.ownList.listVersion) return;
  if (list.listVersion < rt.ownList.listVersion) {
    throw new SigilError('DEVICE_LIST_STALE', 'the relay served an older own device list');
  }
  await adoptOwnList(rt, bytes, list);
}

async function adoptOwnList(
  rt: Runtime,
  bytes: Uint8Array,
  list: VerifiedDeviceList,
): Promise<void> {
  let adopted = false;
  await updateAccountState(rt, async (state, tx) => {
    // Another process sharing the store may have stored this list or a newer one meanwhile.
    const held = decodeSignedDeviceList(state.deviceList).tbs.listVersion;
    if (held >= list.listVersion) return state;
    const { removed } = diffDevices(
      decodeSignedDeviceList(state.deviceList).tbs.devices,
      list.devices,
    );
    for (const deviceId of removed) await tx.deleteSession(state.accountId, deviceId);
    adopted = true;
    return { ...state, deviceList: bytes };
  });
  const before = rt.ownList;
  rt.ownList = openIdentities(rt.crypto, rt.state).ownList;
  if (!adopted && rt.ownList.listVersion === before.listVersion) return;
  const { added, removed } = diffDevices(before.devices, rt.ownList.devices);
  rt.emitter.emit('device-list-changed', {
    contact: undefined,
    accountId: rt.state.accountId,
    listVersion: rt.ownList.listVersion,
    added,
    removed,
  });
}

/**
 * On the device that holds the account key: certifies a new device's public keys and publishes
 * the device list with it (version + 1). Returns the encoded certificate for `joinAccount`.
 * @throws SigilError `INVALID_ARGUMENT` without the account key or for a device id in use;
 *   relay codes (`DEVICE_LIST_STALE` if the list changed meanwhile).
 */
export async function addDevice(
  rt: Runtime,
  request: DeviceCertificateRequest,
): Promise<Uint8Array> {
  const account = requireAccountKey(rt);
  if (rt.ownList.devices.some((d) => d.deviceId === request.deviceId)) {
    throw new SigilError('INVALID_ARGUMENT', 'that device id is on the list already');
  }
  const certificate = certifyDevice(rt.protocol, account, request);
  await publishList(rt, [...rt.ownList.devices, certificate.tbs]);
  return encode(DeviceCertificate, certificate);
}

/**
 * On the device that holds the account key: publishes the device list without `deviceId`. The
 * relay deletes that device's keys, mailbox and tokens.
 * @throws SigilError `INVALID_ARGUMENT` without the account key, for this device or an unknown id.
 */
export async function removeDevice(rt: Runtime, deviceId: number): Promise<void> {
  requireAccountKey(rt);
  if (deviceId === rt.device.deviceId || !rt.ownList.devices.some((d) => d.deviceId === deviceId)) {
    throw new SigilError('INVALID_ARGUMENT', 'not another device on the list');
  }
  await publishList(
    rt,
    rt.ownList.devices.filter((d) => d.deviceId !== deviceId),
  );
}

function requireAccountKey(rt: Runtime) {
  if (rt.account === undefined) {
    throw new SigilError('INVALID_ARGUMENT', 'only the device holding the account key can do this');
  }
  return rt.account;
}

async function publishList(rt: Runtime, devices: VerifiedDeviceList['devices']): Promise<void> {
  const account = requireAccountKey(rt);
  const signed = createDeviceList(rt.protocol, account, devices, rt.ownList.listVersion + 1n);
  const bytes = encode(SignedDeviceList, signed);
  await rt.api.putDeviceList(rt.state.accountId, bytes);
  const list = verifySignedDeviceList(rt.crypto, signed, {
    expectedAccountKey: account.accountKey,
  });
  await adoptOwnList(rt, bytes, list);
}

function checkRelayUrl(relayUrl: string): void {
  let url: URL;
  try {
    url = new URL(relayUrl);
  } catch {
    throw new SigilError('INVALID_ARGUMENT', 'the relay URL is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SigilError('INVALID_ARGUMENT', 'the relay URL must be http:// or https://');
  }
}
