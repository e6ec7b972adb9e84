/**
 * The MLS KeyPackage directory on PostgreSQL (contract "Relay HTTP API" 1-3), the same
 * behaviour as sqlite/key-packages.ts.
 *
 * Concurrency: an upload locks its device row (`FOR UPDATE`), so concurrent uploads of one
 * device count their KeyPackages one after the other. A claim hands each one-time KeyPackage
 * out with `DELETE ... WHERE id = (SELECT ... ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
 * RETURNING`: concurrent claims take different KeyPackages, never the same one twice, and do
 * not wait for each other (a claim that finds every remaining one being taken at that instant
 * gets the last-resort KeyPackage; the others are handed out by the claims holding them).
 *
 * @module
 */
import type {
  ClaimedKeyPackage,
  ClaimKeyPackagesResult,
  KeyPackageCount,
  KeyPackageUpload,
  PutKeyPackagesResult,
  StoredKeyPackage,
} from '../relay-store.ts';
import { bytea, fromBytea, type PgDatabase } from './database.ts';

/** KeyPackages in PostgreSQL. */
export class PgKeyPackages {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** RelayStore.putKeyPackages: one transaction; an upload over `maxStored` stores nothing. */
  put(
    accountId: string,
    deviceId: number,
    upload: KeyPackageUpload,
    maxStored: number,
  ): Promise<PutKeyPackagesResult> {
    return this.#db.transaction(async (q): Promise<PutKeyPackagesResult> => {
      const key = [accountId, deviceId] as const;
      const device = await q.query(
        'SELECT 1 FROM devices WHERE account_id = $1 AND device_id = $2 FOR UPDATE',
        [...key],
      );
      if (device.rowCount === 0) return { status: 'not-found' };
      const unique = uniqueByRef(upload.keyPackages);
      const stored = await q.query(
        'SELECT ref FROM key_packages WHERE account_id = $1 AND device_id = $2 AND ref = ANY($3::bytea[])',
        [...key, unique.map((kp) => bytea(kp.ref))],
      );
      const count = await q.query(
        'SELECT count(*) AS n FROM key_packages WHERE account_id = $1 AND device_id = $2',
        [...key],
      );
      // Checked before anything is written, so a refused upload stores nothing.
      if (Number(count.rows[0]?.n) + unique.length - (stored.rowCount ?? 0) > maxStored) {
        return { status: 'too-many' };
      }
      if (unique.length > 0) {
        await q.query(
          'INSERT INTO key_packages (account_id, device_id, ref, bytes) SELECT $1, $2, r, b FROM unnest($3::bytea[], $4::bytea[]) WITH ORDINALITY AS t(r, b, n) ORDER BY n ON CONFLICT (account_id, device_id, ref) DO NOTHING',
          [...key, unique.map((kp) => bytea(kp.ref)), unique.map((kp) => bytea(kp.bytes))],
        );
      }
      if (upload.lastResort !== undefined) {
        await q.query(
          'INSERT INTO last_resort_key_packages (account_id, device_id, ref, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, device_id) DO UPDATE SET ref = EXCLUDED.ref, bytes = EXCLUDED.bytes',
          [...key, bytea(upload.lastResort.ref), bytea(upload.lastResort.bytes)],
        );
      }
      const counts = await q.query(COUNT_SQL, [...key]);
      return { status: 'stored', ...toCount(counts.rows[0] as Record<string, unknown>) };
    });
  }

  /** RelayStore.countKeyPackages. */
  async count(accountId: string, deviceId: number): Promise<KeyPackageCount | undefined> {
    const [row] = await this.#db.query(COUNT_SQL, [accountId, deviceId]);
    return row === undefined ? undefined : toCount(row);
  }

  /** RelayStore.claimKeyPackages: each one-time KeyPackage handed out once (`SKIP LOCKED`). */
  claim(accountId: string): Promise<ClaimKeyPackagesResult | undefined> {
    return this.#db.transaction(async (q): Promise<ClaimKeyPackagesResult | undefined> => {
      const account = await q.query('SELECT 1 FROM accounts WHERE account_id = $1', [accountId]);
      if (account.rowCount === 0) return undefined;
      const devices = await q.query(
        `SELECT d.device_id, l.bytes AS last_resort FROM devices d
           LEFT JOIN last_resort_key_packages l
             ON l.account_id = d.account_id AND l.device_id = d.device_id
           WHERE d.account_id = $1 ORDER BY d.device_id`,
        [accountId],
      );
      const keyPackages: ClaimedKeyPackage[] = [];
      const missingDeviceIds: number[] = [];
      for (const row of devices.rows) {
        const deviceId = Number(row.device_id);
        const taken = await q.query({
          name: 'sigil_take_key_package',
          text: 'DELETE FROM key_packages WHERE id = (SELECT id FROM key_packages WHERE account_id = $1 AND device_id = $2 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING bytes',
          values: [accountId, deviceId],
        });
        const oneTime = taken.rows[0];
        if (oneTime !== undefined) {
          keyPackages.push({ deviceId, bytes: fromBytea(oneTime.bytes), lastResort: false });
        } else if (row.last_resort !== null) {
          keyPackages.push({ deviceId, bytes: fromBytea(row.last_resort), lastResort: true });
        } else {
          missingDeviceIds.push(deviceId);
        }
      }
      return { keyPackages, missingDeviceIds };
    });
  }
}

const COUNT_SQL = `SELECT
    (SELECT count(*) FROM key_packages k WHERE k.account_id = d.account_id AND k.device_id = d.device_id) AS n,
    EXISTS (SELECT 1 FROM last_resort_key_packages l WHERE l.account_id = d.account_id AND l.device_id = d.device_id) AS has_last_resort
  FROM devices d WHERE d.account_id = $1 AND d.device_id = $2`;

function toCount(row: Record<string, unknown>): KeyPackageCount {
  return { count: Number(row.n), hasLastResort: row.has_last_resort === true };
}

/** KeyPackages with duplicate refs reduced to the first of each. */
function uniqueByRef(keyPackages: readonly StoredKeyPackage[]): StoredKeyPackage[] {
  const seen = new Map<string, StoredKeyPackage>();
  for (const kp of keyPackages) {
    const ref = Buffer.from(kp.ref).toString('hex');
    if (!seen.has(ref)) seen.set(ref, kp);
  }
  return [...seen.values()];
}
