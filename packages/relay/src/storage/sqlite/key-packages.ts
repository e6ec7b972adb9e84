/**
 * The MLS KeyPackage directory on SQLite (contract "Relay HTTP API" 1-3): uploads with a
 * per-device limit and last-resort replacement, counts, and claims that hand each one-time
 * KeyPackage out once (deleted by the transaction that returns it). Each function runs inside
 * the caller's transaction (sqlite-store.ts `#write`), which serialises it against every other
 * writer of the file.
 *
 * @module
 */
import type {
  ClaimedKeyPackage,
  ClaimKeyPackagesResult,
  KeyPackageCount,
  KeyPackageUpload,
  PutKeyPackagesResult,
} from '../relay-store.ts';
import type { RelayDatabase } from './database.ts';

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** RelayStore.putKeyPackages, inside a transaction. */
export function putKeyPackages(
  db: RelayDatabase,
  accountId: string,
  deviceId: number,
  upload: KeyPackageUpload,
  maxStored: number,
): PutKeyPackagesResult {
  const key = [accountId, deviceId] as const;
  if (!db.get('SELECT 1 FROM devices WHERE account_id = ? AND device_id = ?', ...key)) {
    return { status: 'not-found' };
  }
  // Checked before anything is written, so a refused upload stores nothing.
  const fresh = upload.keyPackages.filter(
    (kp, i) =>
      upload.keyPackages.findIndex((other) => sameBytes(other.ref, kp.ref)) === i &&
      !db.get(
        'SELECT 1 FROM key_packages WHERE account_id = ? AND device_id = ? AND ref = ?',
        ...key,
        kp.ref,
      ),
  );
  if (countOneTime(db, accountId, deviceId) + fresh.length > maxStored) {
    return { status: 'too-many' };
  }
  for (const kp of fresh) {
    db.run(
      'INSERT INTO key_packages (account_id, device_id, ref, bytes) VALUES (?, ?, ?, ?)',
      ...key,
      kp.ref,
      kp.bytes,
    );
  }
  if (upload.lastResort !== undefined) {
    db.run(
      'INSERT OR REPLACE INTO last_resort_key_packages (account_id, device_id, ref, bytes) VALUES (?, ?, ?, ?)',
      ...key,
      upload.lastResort.ref,
      upload.lastResort.bytes,
    );
  }
  return { status: 'stored', ...(countKeyPackages(db, accountId, deviceId) as KeyPackageCount) };
}

/** RelayStore.countKeyPackages. */
export function countKeyPackages(
  db: RelayDatabase,
  accountId: string,
  deviceId: number,
): KeyPackageCount | undefined {
  const key = [accountId, deviceId] as const;
  if (!db.get('SELECT 1 FROM devices WHERE account_id = ? AND device_id = ?', ...key)) {
    return undefined;
  }
  const lastResort = db.get(
    'SELECT 1 FROM last_resort_key_packages WHERE account_id = ? AND device_id = ?',
    ...key,
  );
  return { count: countOneTime(db, accountId, deviceId), hasLastResort: lastResort !== undefined };
}

/** RelayStore.claimKeyPackages, inside a transaction. */
export function claimKeyPackages(
  db: RelayDatabase,
  accountId: string,
): ClaimKeyPackagesResult | undefined {
  if (!db.get('SELECT 1 FROM accounts WHERE account_id = ?', accountId)) return undefined;
  const devices = db
    .all('SELECT device_id FROM devices WHERE account_id = ? ORDER BY device_id', accountId)
    .map((row) => Number(row.device_id));
  const keyPackages: ClaimedKeyPackage[] = [];
  const missingDeviceIds: number[] = [];
  for (const deviceId of devices) {
    const oneTime = db.get(
      'DELETE FROM key_packages WHERE id = (SELECT MIN(id) FROM key_packages WHERE account_id = ?1 AND device_id = ?2) RETURNING bytes',
      accountId,
      deviceId,
    );
    if (oneTime !== undefined) {
      keyPackages.push({ deviceId, bytes: oneTime.bytes as Uint8Array, lastResort: false });
      continue;
    }
    const lastResort = db.get(
      'SELECT bytes FROM last_resort_key_packages WHERE account_id = ? AND device_id = ?',
      accountId,
      deviceId,
    );
    if (lastResort === undefined) missingDeviceIds.push(deviceId);
    else keyPackages.push({ deviceId, bytes: lastResort.bytes as Uint8Array, lastResort: true });
  }
  return { keyPackages, missingDeviceIds };
}

function countOneTime(db: RelayDatabase, accountId: string, deviceId: number): number {
  return Number(
    db.get(
      'SELECT COUNT(*) AS n FROM key_packages WHERE account_id = ? AND device_id = ?',
      accountId,
      deviceId,
    )?.n,
  );
}
