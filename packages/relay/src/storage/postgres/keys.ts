/**
 * The key directory half of the PostgreSQL store: uploads, counts, and bundles that hand each
 * one-time key out at most once.
 *
 * Hand-out: `DELETE ... WHERE key = (SELECT ... ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
 * RETURNING`. A concurrent fetch skips a key another transaction is taking instead of waiting
 * for it, so concurrent fetches take different keys and never the same one twice. (When every
 * remaining key is being taken at that instant, a fetch falls back to the last-resort KEM key;
 * the keys being taken are handed out by the others.)
 *
 * @module
 */
import type {
  BundleParts,
  KeyCounts,
  KeyUpload,
  PutKeysResult,
  StoredKey,
  TakeBundlesResult,
} from '../relay-store.ts';
import { bytea, fromBytea, type PgDatabase, type Queryable } from './database.ts';

class TooMany extends Error {
  readonly kind: 'one-time' | 'kem';
  constructor(kind: 'one-time' | 'kem') {
    super(kind);
    this.kind = kind;
  }
}

/** Prekeys in PostgreSQL. */
export class PgKeys {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  /** RelayStore.putKeys: one transaction; an upload over `maxStored` stores nothing. */
  async put(
    accountId: string,
    deviceId: number,
    upload: KeyUpload,
    maxStored: number,
  ): Promise<PutKeysResult> {
    try {
      return await this.#db.transaction(async (q): Promise<PutKeysResult> => {
        const key = [accountId, deviceId] as const;
        // Locked: concurrent uploads of one device count their keys one after the other.
        const device = await q.query(
          'SELECT 1 FROM devices WHERE account_id = $1 AND device_id = $2 FOR UPDATE',
          [...key],
        );
        if (device.rowCount === 0) return { status: 'not-found' };
        if (upload.certificate !== undefined) {
          await q.query(
            'UPDATE devices SET certificate = $3 WHERE account_id = $1 AND device_id = $2',
            [...key, bytea(upload.certificate)],
          );
        }
        for (const [table, stored] of [
          ['signed_prekeys', upload.signedPreKey],
          ['last_resort_prekeys', upload.lastResortKemPreKey],
        ] as const) {
          if (stored === undefined) continue;
          await q.query(
            `INSERT INTO ${table} (account_id, device_id, key_id, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, device_id) DO UPDATE SET key_id = EXCLUDED.key_id, bytes = EXCLUDED.bytes`,
            [...key, stored.keyId, bytea(stored.bytes)],
          );
        }
        for (const [table, keys, kind] of [
          ['one_time_prekeys', upload.oneTimePreKeys, 'one-time'],
          ['kem_prekeys', upload.kemPreKeys, 'kem'],
        ] as const) {
          if (keys.length === 0) continue;
          const unique = lastById(keys);
          await q.query(
            `INSERT INTO ${table} (account_id, device_id, key_id, bytes) SELECT $1, $2, k, b FROM unnest($3::bigint[], $4::bytea[]) AS t(k, b) ON CONFLICT (account_id, device_id, key_id) DO UPDATE SET bytes = EXCLUDED.bytes`,
            [...key, unique.map((k) => k.keyId), unique.map((k) => bytea(k.bytes))],
          );
          const count = await q.query(
            `SELECT count(*) AS n FROM ${table} WHERE account_id = $1 AND device_id = $2`,
            [...key],
          );
          // Thrown so the transaction rolls back: nothing of the upload is stored.
          if (Number(count.rows[0]?.n) > maxStored) throw new TooMany(kind);
        }
        return { status: 'stored' };
      });
    } catch (err) {
      if (err instanceof TooMany) return { status: 'too-many', kind: err.kind };
      throw err;
    }
  }

  /** RelayStore.countKeys. */
  async count(accountId: string, deviceId: number): Promise<KeyCounts | undefined> {
    const [row] = await this.#db.query(
      `SELECT d.certificate IS NOT NULL AS has_certificate,
        (SELECT count(*) FROM one_time_prekeys k WHERE k.account_id = d.account_id AND k.device_id = d.device_id) AS one_time,
        (SELECT count(*) FROM kem_prekeys k WHERE k.account_id = d.account_id AND k.device_id = d.device_id) AS kem,
        (SELECT key_id FROM signed_prekeys k WHERE k.account_id = d.account_id AND k.device_id = d.device_id) AS signed_id,
        (SELECT key_id FROM last_resort_prekeys k WHERE k.account_id = d.account_id AND k.device_id = d.device_id) AS last_resort_id
       FROM devices d WHERE d.account_id = $1 AND d.device_id = $2`,
      [accountId, deviceId],
    );
    if (row === undefined) return undefined;
    return {
      oneTimePreKeys: Number(row.one_time),
      kemPreKeys: Number(row.kem),
      signedPreKeyId: row.signed_id === null ? undefined : Number(row.signed_id),
      lastResortKemPreKeyId: row.last_resort_id === null ? undefined : Number(row.last_resort_id),
      hasCertificate: row.has_certificate === true,
    };
  }

  /** RelayStore.takeBundles: each one-time key handed out once (`SKIP LOCKED`). */
  async takeBundles(accountId: string, deviceId?: number): Promise<TakeBundlesResult | undefined> {
    return this.#db.transaction(async (q): Promise<TakeBundlesResult | undefined> => {
      const account = await q.query('SELECT 1 FROM accounts WHERE account_id = $1', [accountId]);
      if (account.rowCount === 0) return undefined;
      const devices = await q.query(
        {
          name: 'sigil_bundle_devices',
          text: `SELECT d.device_id, d.certificate, s.bytes AS signed, l.bytes AS last_resort
             FROM devices d
             LEFT JOIN signed_prekeys s ON s.account_id = d.account_id AND s.device_id = d.device_id
             LEFT JOIN last_resort_prekeys l ON l.account_id = d.account_id AND l.device_id = d.device_id
             WHERE d.account_id = $1 AND ($2::integer IS NULL OR d.device_id = $2)
             ORDER BY d.device_id`,
        },
        [accountId, deviceId ?? null],
      );
      if (devices.rowCount === 0 && deviceId !== undefined) return undefined;
      const bundles: BundleParts[] = [];
      const missing: number[] = [];
      for (const device of devices.rows) {
        const id = Number(device.device_id);
        if (device.certificate === null || device.signed === null || device.last_resort === null) {
          missing.push(id);
          continue;
        }
        const oneTime = await takeOne(q, 'one_time_prekeys', accountId, id);
        const kem = await takeOne(q, 'kem_prekeys', accountId, id);
        bundles.push({
          deviceId: id,
          certificate: fromBytea(device.certificate),
          signedPreKey: fromBytea(device.signed),
          oneTimePreKey: oneTime,
          kemPreKey: kem ?? fromBytea(device.last_resort),
        });
      }
      return { bundles, missingDeviceIds: missing };
    });
  }
}

/**
 * Removes and returns the one-time key with the lowest id that no concurrent transaction holds
 * (`SKIP LOCKED`: concurrent fetches take different keys instead of waiting for each other).
 */
async function takeOne(
  q: Queryable,
  table: 'one_time_prekeys' | 'kem_prekeys',
  accountId: string,
  deviceId: number,
): Promise<Uint8Array | undefined> {
  const result = await q.query({
    name: `sigil_take_${table}`,
    text: `DELETE FROM ${table} WHERE (account_id, device_id, key_id) = (SELECT account_id, device_id, key_id FROM ${table} WHERE account_id = $1 AND device_id = $2 ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING bytes`,
    values: [accountId, deviceId],
  });
  const row = result.rows[0];
  return row === undefined ? undefined : fromBytea(row.bytes);
}

/** Keys with duplicate ids reduced to the last of each (as SQLite's INSERT OR REPLACE does). */
function lastById(keys: readonly StoredKey[]): StoredKey[] {
  return [...new Map(keys.map((k) => [k.keyId, k])).values()];
}
