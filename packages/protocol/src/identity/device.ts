/**
 * Device identity (spec/one-to-one.md §2): a device id, an X25519 identity key IK, an Ed25519
 * device signing key DSK, and the `DeviceCertificate` in which the account key AK vouches for
 * them. Secret side: never give this object to the relay.
 *
 * Randomness: {@link createDevice} draws, in order, the 32-byte X25519 identity secret key and
 * the 32-byte Ed25519 signing seed from `ctx.random`; `createdAt` is `ctx.now()`.
 *
 * A device that does not hold the account key (a linked device) generates its keys itself with
 * {@link createDeviceKeys}, sends the public halves to a device that does, which calls
 * {@link certifyDevice}; the new device then wraps keys and certificate with
 * {@link DeviceIdentity.fromParts}.
 *
 * @example
 * ```ts
 * const device = createDevice(ctx, account, 1);
 * encode(DeviceCertificate, device.certificate); // publish via the device list and bundles
 * ```
 * @module
 */
import { type CryptoProvider, constantTimeEqual, KeyPair } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { decode, encode } from '@sigil/wire';
import {
  DeviceCertificate,
  DeviceCertificateTBS,
  isDeviceId,
  KeyType,
  PROTOCOL_VERSION,
} from '@sigil/wire/formats';
import { type ProtocolContext, resolveContext } from '../context.ts';
import { LABEL_DEVICE_CERTIFICATE } from '../labels.ts';
import { signWithLabel } from '../public/sign-with-label.ts';
import { verifyDeviceCertificate } from '../public/verify-identity.ts';
import type { AccountIdentity } from './account.ts';
import { describe, inspectSymbol, publicHex, REDACTED } from './redact.ts';

/** The key pairs of a device, before or without a certificate. */
export interface DeviceKeys {
  /** The X25519 identity key pair IK. */
  readonly identityKeyPair: KeyPair;
  /** The Ed25519 device signing key pair DSK (secret = 32-byte seed). */
  readonly signingKeyPair: KeyPair;
}

/** The plain-bytes form of a {@link DeviceIdentity} (for the caller's own storage). */
export interface DeviceIdentityRecord {
  /** The 32-byte X25519 identity secret key. Secret. */
  readonly identitySecretKey: Uint8Array;
  /** The 32-byte Ed25519 signing seed. Secret. */
  readonly signingSecretKey: Uint8Array;
  /** The encoded `DeviceCertificate`. */
  readonly certificate: Uint8Array;
}

/** A device's keys and its certificate. Prints redacted. */
export class DeviceIdentity {
  /** The device id, 1..2^31-1. */
  readonly deviceId: number;
  /** The X25519 identity key pair IK. */
  readonly identityKeyPair: KeyPair;
  /** The Ed25519 device signing key pair DSK. */
  readonly signingKeyPair: KeyPair;
  /** The certificate the account key issued for this device. */
  readonly certificate: DeviceCertificate;

  private constructor(keys: DeviceKeys, certificate: DeviceCertificate) {
    this.deviceId = certificate.tbs.deviceId;
    this.identityKeyPair = keys.identityKeyPair;
    this.signingKeyPair = keys.signingKeyPair;
    this.certificate = certificate;
  }

  /**
   * Joins device keys and the certificate issued for them, after checking that the certificate
   * verifies and names exactly these public keys.
   * @throws SigilError `SIGNATURE_INVALID` (and the other codes of `verifyDeviceCertificate`);
   *   `INVALID_ARGUMENT` if the certificate names other keys.
   */
  static fromParts(
    crypto: CryptoProvider,
    keys: DeviceKeys,
    certificate: DeviceCertificate,
  ): DeviceIdentity {
    const verified = verifyDeviceCertificate(crypto, certificate);
    if (
      !constantTimeEqual(verified.identityKey, keys.identityKeyPair.publicKey) ||
      !constantTimeEqual(verified.signingKey, keys.signingKeyPair.publicKey)
    ) {
      throw new SigilError('INVALID_ARGUMENT', 'certificate does not match the device keys');
    }
    return new DeviceIdentity(keys, certificate);
  }

  /** The 32-byte Ed25519 account key AK that certified this device. */
  get accountKey(): Uint8Array {
    return this.certificate.tbs.accountKey.key;
  }

  /** The 32-byte X25519 identity public key IK. */
  get identityKey(): Uint8Array {
    return this.identityKeyPair.publicKey;
  }

  /** The 32-byte Ed25519 device signing public key DSK. */
  get signingKey(): Uint8Array {
    return this.signingKeyPair.publicKey;
  }

  /**
   * `SignWithLabel(DSK, label, content)` (§1.2).
   * @throws SigilError `INVALID_ARGUMENT` for a label outside `Sigil/v1/`.
   */
  sign(crypto: CryptoProvider, label: string, content: Uint8Array): Uint8Array {
    return signWithLabel(crypto, this.signingKeyPair.secretKey, label, content);
  }

  /** Copies of the secret keys and the encoded certificate. Holds secrets: store it sealed. */
  toRecord(): DeviceIdentityRecord {
    return {
      identitySecretKey: this.identityKeyPair.secretKey.slice(),
      signingSecretKey: this.signingKeyPair.secretKey.slice(),
      certificate: encode(DeviceCertificate, this.certificate),
    };
  }

  /**
   * Rebuilds a device from {@link DeviceIdentity.toRecord}: recomputes the public keys, and
   * checks the certificate and that it names them.
   * @throws SigilError `INVALID_KEY_LENGTH`, Codec codes for a bad certificate encoding,
   *   `SIGNATURE_INVALID`, `INVALID_ARGUMENT` if the keys do not match the certificate.
   */
  static fromRecord(crypto: CryptoProvider, record: DeviceIdentityRecord): DeviceIdentity {
    const identitySecret = record.identitySecretKey.slice();
    const signingSecret = record.signingSecretKey.slice();
    const keys: DeviceKeys = {
      identityKeyPair: new KeyPair(crypto.x25519.publicKey(identitySecret), identitySecret),
      signingKeyPair: new KeyPair(crypto.ed25519.publicKey(signingSecret), signingSecret),
    };
    return DeviceIdentity.fromParts(crypto, keys, decode(DeviceCertificate, record.certificate));
  }

  /** Zeroes both secret keys (best effort). */
  wipe(): void {
    this.identityKeyPair.wipe();
    this.signingKeyPair.wipe();
  }

  toJSON(): Record<string, string | number> {
    return {
      deviceId: this.deviceId,
      identityKey: publicHex(this.identityKey),
      signingKey: publicHex(this.signingKey),
      secretKeys: REDACTED,
    };
  }

  toString(): string {
    return describe('DeviceIdentity', this.toJSON());
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/**
 * Fresh device key pairs from `ctx.random`: first the 32-byte X25519 identity secret key, then
 * the 32-byte Ed25519 signing seed.
 */
export function createDeviceKeys(ctx: ProtocolContext): DeviceKeys {
  const { crypto, random } = resolveContext(ctx);
  const identitySecret = random(32);
  const signingSecret = random(32);
  return {
    identityKeyPair: new KeyPair(crypto.x25519.publicKey(identitySecret), identitySecret),
    signingKeyPair: new KeyPair(crypto.ed25519.publicKey(signingSecret), signingSecret),
  };
}

/** The public halves a device sends to be certified. */
export interface DeviceCertificateRequest {
  /** The device id to certify, 1..2^31-1. */
  readonly deviceId: number;
  /** The 32-byte X25519 identity public key IK. */
  readonly identityKey: Uint8Array;
  /** The 32-byte Ed25519 device signing public key DSK. */
  readonly signingKey: Uint8Array;
}

/**
 * Issues a device certificate (§2): `SignWithLabel(AK, "DeviceCertificate", tbs)` with
 * `createdAt = ctx.now()`.
 * @throws SigilError `INVALID_ARGUMENT` if the device id is out of range or a key is not 32
 *   bytes.
 */
export function certifyDevice(
  ctx: ProtocolContext,
  account: AccountIdentity,
  request: DeviceCertificateRequest,
): DeviceCertificate {
  const { crypto, now } = resolveContext(ctx);
  if (!isDeviceId(request.deviceId)) {
    throw new SigilError('INVALID_ARGUMENT', 'device id must be an integer in 1..2^31-1');
  }
  const tbs: DeviceCertificateTBS = {
    version: PROTOCOL_VERSION,
    accountKey: { type: KeyType.ed25519, key: account.accountKey },
    deviceId: request.deviceId,
    identityKey: { type: KeyType.x25519, key: request.identityKey },
    signingKey: { type: KeyType.ed25519, key: request.signingKey },
    createdAt: timestamp(now()),
  };
  const content = encode(DeviceCertificateTBS, tbs);
  return { tbs, signature: account.sign(crypto, LABEL_DEVICE_CERTIFICATE, content) };
}

/**
 * Creates a device on a device that holds the account key: fresh keys
 * ({@link createDeviceKeys}) and their certificate ({@link certifyDevice}).
 * @throws SigilError `INVALID_ARGUMENT` if `deviceId` is not in 1..2^31-1.
 */
export function createDevice(
  ctx: ProtocolContext,
  account: AccountIdentity,
  deviceId: number,
): DeviceIdentity {
  if (!isDeviceId(deviceId)) {
    throw new SigilError('INVALID_ARGUMENT', 'device id must be an integer in 1..2^31-1');
  }
  const keys = createDeviceKeys(ctx);
  const certificate = certifyDevice(ctx, account, {
    deviceId,
    identityKey: keys.identityKeyPair.publicKey,
    signingKey: keys.signingKeyPair.publicKey,
  });
  return DeviceIdentity.fromParts(ctx.crypto, keys, certificate);
}

/**
 * A `uint64` millisecond timestamp from a clock reading.
 * @throws SigilError `INVALID_ARGUMENT` if the clock returns a negative or non-finite value.
 */
export function timestamp(ms: number): bigint {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new SigilError('INVALID_ARGUMENT', 'clock returned an invalid time');
  }
  return BigInt(Math.floor(ms));
}
