/**
 * This device's MLS KeyPackages (RFC 9420 §10; groups-api.md, "Identities in MLS" and
 * KeyPackage routes): how other members add this device to a group.
 *
 * - Each KeyPackage has suite 1, a basic credential with identity `${accountId}/${deviceId}`,
 *   the device signing key (DSK) as the leaf's signature key, and capabilities advertising the
 *   legacy Sigil group-name extension (0xF5A1, which only groups created before names moved to
 *   the encrypted traffic have; limits.ts). Its init and leaf private keys are sealed in the store
 *   by KeyPackageRef (`key-package` kind, row id = the ref in hex), committed before upload.
 * - Maintenance (like prekeys.ts): the relay's count is read; below `KEY_PACKAGE_REFILL_THRESHOLD`
 *   it is refilled to `KEY_PACKAGE_TARGET`; a last-resort KeyPackage is uploaded when the relay
 *   has none or it is older than `LAST_RESORT_KEY_PACKAGE_ROTATION_MS`. Replaced last-resort
 *   secrets are kept `replacedPreKeyGraceMs`, then deleted.
 * - A one-time KeyPackage's secret is deleted when a Welcome used it (groups/receive.ts), or
 *   by maintenance once its lifetime is over (one claimed but never used); the last-resort one
 *   is kept.
 *
 * @module
 */
import { KeyPair } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import {
  type CipherSuite,
  createKeyPackage,
  DEFAULT_CAPABILITIES,
  decodeMlsMessage,
  encodeMlsMessage,
  getCipherSuite,
  type KeyPackage,
  KeyPackagePrivateKeys,
  keyPackageRef,
} from '@sigil/mls';
import { toHex, utf8 } from '../internal/bytes.ts';
import { decodeRecord, encodeRecord } from '../internal/json-record.ts';
import {
  GROUP_NAME_EXTENSION,
  KEY_PACKAGE_LIFETIME_MS,
  KEY_PACKAGE_REFILL_THRESHOLD,
  KEY_PACKAGE_TARGET,
  LAST_RESORT_KEY_PACKAGE_ROTATION_MS,
} from '../limits.ts';
import type { Runtime, Services } from '../runtime.ts';
import type { KeyPackageSecretRow, StoreTransaction } from '../store.ts';

/** The MLS cipher suite of Sigil groups. */
export const GROUP_CIPHER_SUITE = 1;

/** The suite object for `services`' crypto provider. */
export function groupSuite(services: Services): CipherSuite {
  return getCipherSuite(services.crypto, GROUP_CIPHER_SUITE);
}

/** The credential identity of a device: UTF-8 of `${accountId}/${deviceId}`. */
export function deviceIdentity(accountId: string, deviceId: number): Uint8Array {
  return utf8(`${accountId}/${deviceId}`);
}

/** A fresh KeyPackage of this device (not stored): for the creator's own leaf, or to upload. */
export function newKeyPackage(rt: Runtime): {
  keyPackage: KeyPackage;
  privateKeys: KeyPackagePrivateKeys;
} {
  const notBefore = BigInt(Math.floor(rt.clock.now() / 1000)) - 3600n;
  return createKeyPackage({
    suite: groupSuite(rt),
    identity: deviceIdentity(rt.state.accountId, rt.device.deviceId),
    signatureKeyPair: rt.device.signingKeyPair,
    // Valid from an hour ago: other clocks may be behind.
    lifetime: { notBefore, notAfter: notBefore + BigInt(KEY_PACKAGE_LIFETIME_MS / 1000) },
    capabilities: { ...DEFAULT_CAPABILITIES, extensions: [GROUP_NAME_EXTENSION] },
  });
}

interface SecretRecord {
  readonly version: 1;
  /** The encoded MLSMessage of the KeyPackage. */
  readonly keyPackage: Uint8Array;
  readonly initSecret: Uint8Array;
  readonly encryptionSecret: Uint8Array;
}

function sealKeyPackage(
  rt: Runtime,
  created: { keyPackage: KeyPackage; privateKeys: KeyPackagePrivateKeys },
  lastResort: boolean,
  now: number,
): { row: KeyPackageSecretRow; encoded: Uint8Array } {
  const encoded = encodeMlsMessage({
    wireFormat: 'mls_key_package',
    keyPackage: created.keyPackage,
  });
  const ref = toHex(keyPackageRef(groupSuite(rt), created.keyPackage));
  const record: SecretRecord = {
    version: 1,
    keyPackage: encoded,
    initSecret: created.privateKeys.init.secretKey,
    encryptionSecret: created.privateKeys.encryption.secretKey,
  };
  const data = rt.sealer.seal('key-package', ref, encodeRecord(record));
  return { row: { ref, data, lastResort, createdAt: now }, encoded };
}

/** A stored KeyPackage with its private keys (signature key: this device's DSK). */
export interface OwnKeyPackage {
  readonly keyPackage: KeyPackage;
  readonly privateKeys: KeyPackagePrivateKeys;
  readonly lastResort: boolean;
}

/**
 * The KeyPackage with this ref (hex) from the store, or `undefined`.
 * @throws SigilError `RECORD_AUTHENTICATION_FAILED` for a row that does not open.
 */
export async function loadKeyPackage(
  rt: Runtime,
  tx: StoreTransaction,
  ref: string,
): Promise<OwnKeyPackage | undefined> {
  const row = await tx.getKeyPackageSecret(ref);
  if (row === undefined) return undefined;
  const record = decodeRecord<SecretRecord>(rt.sealer.open('key-package', ref, row.data));
  const message = decodeMlsMessage(record.keyPackage);
  if (message.wireFormat !== 'mls_key_package') {
    throw new SigilError('STORAGE_FAILURE', 'a stored KeyPackage is not a KeyPackage');
  }
  const { keyPackage } = message;
  const privateKeys = new KeyPackagePrivateKeys(
    new KeyPair(keyPackage.initKey, record.initSecret),
    new KeyPair(keyPackage.leafNode.encryptionKey, record.encryptionSecret),
    rt.device.signingKeyPair,
  );
  return { keyPackage, privateKeys, lastResort: row.lastResort };
}

/**
 * Checks the relay's KeyPackages and refills or replaces them (see the module comment). Safe
 * at any time; concurrent calls are the caller's to avoid (Background runs one at a time).
 * @throws SigilError relay codes (`KEY_PACKAGE_INVALID`, `KEY_PACKAGE_LIMIT`, ...);
 *   `STORAGE_FAILURE`.
 */
export async function maintainKeyPackages(rt: Runtime): Promise<void> {
  const counts = await rt.api.keyPackageCount();
  const now = rt.clock.now();
  const rows = await rt.store.transaction((tx) => tx.listKeyPackageSecrets());
  const lastResorts = rows.filter((r) => r.lastResort);
  const newest = lastResorts.at(-1);
  const rotate =
    !counts.hasLastResort ||
    newest === undefined ||
    now - newest.createdAt >= LAST_RESORT_KEY_PACKAGE_ROTATION_MS;
  const wanted =
    counts.count < KEY_PACKAGE_REFILL_THRESHOLD ? KEY_PACKAGE_TARGET - counts.count : 0;
  // One-time KeyPackages past their lifetime can no longer be used by anyone.
  const expired = rows.filter((r) => !r.lastResort && now - r.createdAt > KEY_PACKAGE_LIFETIME_MS);
  if (expired.length > 0) {
    await rt.store.transaction(async (tx) => {
      for (const row of expired) await tx.deleteKeyPackageSecret(row.ref);
    });
  }
  if (wanted <= 0 && !rotate) return;
  const oneTime = Array.from({ length: wanted }, () =>
    sealKeyPackage(rt, newKeyPackage(rt), false, now),
  );
  const lastResort = rotate ? sealKeyPackage(rt, newKeyPackage(rt), true, now) : undefined;
  await rt.store.transaction(async (tx) => {
    for (const { row } of oneTime) await tx.putKeyPackageSecret(row);
    if (lastResort !== undefined) {
      await tx.putKeyPackageSecret(lastResort.row);
      // Replaced last-resort KeyPackages may still be in Welcomes in flight: kept for a while.
      const cutoff = now - LAST_RESORT_KEY_PACKAGE_ROTATION_MS - rt.options.replacedPreKeyGraceMs;
      for (const row of lastResorts) {
        if (row.createdAt < cutoff) await tx.deleteKeyPackageSecret(row.ref);
      }
    }
  });
  await rt.api.putKeyPackages(
    oneTime.map((k) => k.encoded),
    lastResort?.encoded,
  );
}
