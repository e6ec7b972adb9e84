/**
 * Test data for the relay: real accounts, signed device lists, certificates and prekeys, made
 * with the public signing helper of `@sigil/protocol/public` and the wire formats. This is the
 * one file to change when the tests switch to the protocol package's secret-side helpers
 * (createAccount, createDevice, createDeviceList, generateSignedPreKey, ...).
 */
import { type CryptoProvider, getCryptoProvider, type KeyPair } from '@sigil/crypto';
import {
  LABEL_DEVICE_CERTIFICATE,
  LABEL_DEVICE_LIST,
  LABEL_KEM_PRE_KEY,
  LABEL_SIGNED_PRE_KEY,
  signWithLabel,
} from '@sigil/protocol/public';
import { encode } from '@sigil/wire';
import {
  DeviceCertificate,
  DeviceCertificateTBS,
  DeviceListTBS,
  KemPreKey,
  KemPreKeyKind,
  KemPreKeyTBS,
  KeyType,
  OneTimePreKey,
  SignedDeviceList,
  SignedPreKey,
  SignedPreKeyTBS,
} from '@sigil/wire/formats';
import { accountIdOf } from '../src/auth/relay-auth.ts';

/** The crypto provider of the relay under test (the default backend on Node). */
export const crypto: CryptoProvider = getCryptoProvider();

/** A device of a test account with its secret keys. */
export interface TestDevice {
  readonly deviceId: number;
  readonly identity: KeyPair;
  readonly signing: KeyPair;
  readonly tbs: DeviceCertificateTBS;
  /** Encoded DeviceCertificate signed by the account key. */
  readonly certificate: Uint8Array;
}

/** A test account: its account key pair and devices. */
export interface TestAccount {
  readonly accountKey: KeyPair;
  readonly accountId: string;
  readonly devices: TestDevice[];
}

const CREATED_AT = 1_700_000_000_000n;

/** A new device of `account` (not added to its list). */
export function makeDevice(accountKey: KeyPair, deviceId: number): TestDevice {
  const identity = crypto.x25519.generateKeyPair();
  const signing = crypto.ed25519.generateKeyPair();
  const tbs: DeviceCertificateTBS = {
    version: 1,
    accountKey: { type: KeyType.ed25519, key: accountKey.publicKey },
    deviceId,
    identityKey: { type: KeyType.x25519, key: identity.publicKey },
    signingKey: { type: KeyType.ed25519, key: signing.publicKey },
    createdAt: CREATED_AT,
  };
  const signature = signWithLabel(
    crypto,
    accountKey.secretKey,
    LABEL_DEVICE_CERTIFICATE,
    encode(DeviceCertificateTBS, tbs),
  );
  return {
    deviceId,
    identity,
    signing,
    tbs,
    certificate: encode(DeviceCertificate, { tbs, signature }),
  };
}

/** A new account with devices `deviceIds`. */
export function makeAccount(deviceIds: readonly number[] = [1]): TestAccount {
  const accountKey = crypto.ed25519.generateKeyPair();
  return {
    accountKey,
    accountId: accountIdOf(crypto, accountKey.publicKey),
    devices: deviceIds.map((id) => makeDevice(accountKey, id)),
  };
}

/**
 * An encoded SignedDeviceList of `devices` at `version`, signed by `signer` (the account key
 * unless a test forges one).
 */
export function deviceList(
  account: TestAccount,
  version: bigint,
  devices: readonly TestDevice[] = account.devices,
  signer: KeyPair = account.accountKey,
): Uint8Array {
  const tbs: DeviceListTBS = {
    version: 1,
    accountKey: { type: KeyType.ed25519, key: account.accountKey.publicKey },
    listVersion: version,
    issuedAt: CREATED_AT,
    devices: [...devices].sort((a, b) => a.deviceId - b.deviceId).map((d) => d.tbs),
  };
  const signature = signWithLabel(
    crypto,
    signer.secretKey,
    LABEL_DEVICE_LIST,
    encode(DeviceListTBS, tbs),
  );
  return encode(SignedDeviceList, { tbs, signature });
}

/** An encoded SignedPreKey of `device` (signed by `signer`, default the device's own key). */
export function signedPreKey(device: TestDevice, id: number, signer = device.signing): Uint8Array {
  const tbs = {
    id,
    key: { type: KeyType.x25519, key: crypto.x25519.generateKeyPair().publicKey },
    createdAt: CREATED_AT,
  } as const;
  const signature = signWithLabel(
    crypto,
    signer.secretKey,
    LABEL_SIGNED_PRE_KEY,
    encode(SignedPreKeyTBS, tbs),
  );
  return encode(SignedPreKey, { tbs, signature });
}

/** `count` encoded X25519 one-time prekeys with ids from `startId`. */
export function oneTimePreKeys(startId: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    encode(OneTimePreKey, {
      id: startId + i,
      key: { type: KeyType.x25519, key: crypto.x25519.generateKeyPair().publicKey },
    }),
  );
}

/** One ML-KEM-1024 public key, reused across KEM prekeys to keep tests fast. */
const kemPublicKey = crypto.mlkem.generateKeyPair('ml-kem-1024').publicKey;

/** An encoded KemPreKey of `device`. */
export function kemPreKey(
  device: TestDevice,
  id: number,
  kind: 'one-time' | 'last-resort',
  signer = device.signing,
): Uint8Array {
  const tbs: KemPreKeyTBS = {
    id,
    kind: kind === 'one-time' ? KemPreKeyKind.oneTime : KemPreKeyKind.lastResort,
    key: { type: KeyType.mlKem1024, key: kemPublicKey },
    createdAt: CREATED_AT,
  };
  const signature = signWithLabel(
    crypto,
    signer.secretKey,
    LABEL_KEM_PRE_KEY,
    encode(KemPreKeyTBS, tbs),
  );
  return encode(KemPreKey, { tbs, signature });
}

/** `count` encoded one-time KemPreKeys of `device` with ids from `startId`. */
export function kemPreKeys(device: TestDevice, startId: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => kemPreKey(device, startId + i, 'one-time'));
}

/** Base64url of bytes (the relay's JSON form of binary fields). */
export const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
