/**
 * {@link RelayStore} on PostgreSQL (the `pg` driver), for several relay instances on one
 * database. Same behaviour as the SQLite store, checked by the same test suite
 * (test/storage/store-suite.ts); what differs is how concurrency is made safe, because
 * requests of many instances run at once:
 *
 * - One-time prekeys (keys.ts): each is handed out by `DELETE ... WHERE key = (SELECT ... ORDER
 *   BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING`: concurrent fetches take different keys,
 *   never the same one twice, and do not wait for each other.
 * - Sends (mailbox.ts): group commit, and message ids that increase in commit order per mailbox.
 * - Every multi-row change is one transaction. Changes that delete a device's data (device list
 *   replaced, account deleted) first lock the device rows, the same rows sends lock, so a send
 *   cannot slip mail into a mailbox being deleted (mailbox.ts).
 * - Uniqueness (account id, username) is decided by the constraints (`ON CONFLICT DO NOTHING`),
 *   not by a check before the insert.
 * - A lost connection is `UNAVAILABLE` (503, retryable); the next request reconnects.
 *
 * @example
 * ```ts
 * const store = await PostgresRelayStore.open({ url: 'postgres://postgres@127.0.0.1/sigil',
 *   schema: 'relay' });
 * ```
 * @module
 */

import { DEVICE_TABLES } from '../device-tables.ts';
import type {
  AccountRecord,
  ChallengeRecord,
  ClaimKeyPackagesResult,
  CreateAccountResult,
  CreateGroupResult,
  DeviceRecord,
  EnqueueResult,
  GroupCommit,
  GroupCommitResult,
  GroupLeave,
  GroupLeaveResult,
  GroupMember,
  GroupRecord,
  GroupSend,
  GroupSendResult,
  KeyCounts,
  KeyPackageCount,
  KeyPackageUpload,
  KeyUpload,
  NewAccount,
  NewSend,
  PurgeResult,
  PutKeyPackagesResult,
  PutKeysResult,
  RelayStore,
  ReplaceDeviceListResult,
  StoredMessage,
  TakeBundlesResult,
  TokenRecord,
} from '../relay-store.ts';
import { bytea, fromBytea, PgDatabase, type PgOptions, type Queryable } from './database.ts';
import { PgGroups } from './groups.ts';
import { PgKeyPackages } from './key-packages.ts';
import { PgKeys } from './keys.ts';
import { PgMailbox } from './mailbox.ts';

type Row = Record<string, unknown>;

const toDevice = (row: Row): DeviceRecord => ({
  deviceId: Number(row.device_id),
  signingKey: fromBytea(row.signing_key),
  certificateTbs: fromBytea(row.certificate_tbs),
});

/** The relay's rows in one PostgreSQL schema. */
export class PostgresRelayStore implements RelayStore {
  readonly #db: PgDatabase;
  readonly #mailbox: PgMailbox;
  readonly #keys: PgKeys;
  readonly #keyPackages: PgKeyPackages;
  readonly #groups: PgGroups;

  private constructor(db: PgDatabase) {
    this.#db = db;
    this.#mailbox = new PgMailbox(db);
    this.#keys = new PgKeys(db);
    this.#keyPackages = new PgKeyPackages(db);
    this.#groups = new PgGroups(db);
  }

  /**
   * Connects and migrates the schema.
   * @throws SigilError `UNAVAILABLE` (server unreachable), `STORAGE_FAILURE` (newer schema,
   *   failed migration), `INVALID_ARGUMENT` (bad schema name).
   */
  static async open(options: PgOptions): Promise<PostgresRelayStore> {
    return new PostgresRelayStore(await PgDatabase.open(options));
  }

  async createAccount(account: NewAccount): Promise<CreateAccountResult> {
    return this.#db.transaction(async (q): Promise<CreateAccountResult> => {
      const inserted = await q.query(
        'INSERT INTO accounts (account_id, account_key, device_list, list_version, username, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING account_id',
        [
          account.accountId,
          bytea(account.accountKey),
          bytea(account.deviceList),
          account.listVersion.toString(),
          account.username ?? null,
          account.createdAt,
        ],
      );
      if (inserted.rowCount === 0) {
        const exists = await q.query('SELECT 1 FROM accounts WHERE account_id = $1', [
          account.accountId,
        ]);
        return exists.rowCount === 0 ? 'username-taken' : 'account-exists';
      }
      await insertDevices(q, account.accountId, account.devices);
      return 'created';
    });
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const [row] = await this.#db.query(
      {
        name: 'sigil_get_account',
        text: 'SELECT account_id, account_key, device_list, list_version::text AS list_version, username, created_at FROM accounts WHERE account_id = $1',
      },
      [accountId],
    );
    if (row === undefined) return undefined;
    return {
      accountId: String(row.account_id),
      accountKey: fromBytea(row.account_key),
      deviceList: fromBytea(row.device_list),
      listVersion: BigInt(String(row.list_version)),
      username: row.username === null ? undefined : String(row.username),
      createdAt: Number(row.created_at),
    };
  }

  async getAccountIdByUsername(username: string): Promise<string | undefined> {
    const [row] = await this.#db.query('SELECT account_id FROM accounts WHERE username = $1', [
      username,
    ]);
    return row === undefined ? undefined : String(row.account_id);
  }

  async getDevice(accountId: string, deviceId: number): Promise<DeviceRecord | undefined> {
    const [row] = await this.#db.query(
      {
        name: 'sigil_get_device',
        text: 'SELECT device_id, signing_key, certificate_tbs FROM devices WHERE account_id = $1 AND device_id = $2',
      },
      [accountId, deviceId],
    );
    return row === undefined ? undefined : toDevice(row);
  }

  async replaceDeviceList(
    accountId: string,
    expectedVersion: bigint,
    deviceList: Uint8Array,
    listVersion: bigint,
    devices: readonly DeviceRecord[],
  ): Promise<ReplaceDeviceListResult> {
    return this.#db.transaction(async (q): Promise<ReplaceDeviceListResult> => {
      const account = await q.query(
        'SELECT list_version::text AS v FROM accounts WHERE account_id = $1 FOR UPDATE',
        [accountId],
      );
      const row = account.rows[0];
      if (row === undefined) return { status: 'not-found' };
      const current = BigInt(String(row.v));
      if (current !== expectedVersion) return { status: 'stale', currentVersion: current };
      await q.query(
        'UPDATE accounts SET device_list = $1, list_version = $2 WHERE account_id = $3',
        [bytea(deviceList), listVersion.toString(), accountId],
      );
      // Locked first: sends to these devices finish (or wait) before their mail is deleted.
      const old = await q.query(
        'SELECT device_id, signing_key, certificate_tbs FROM devices WHERE account_id = $1 ORDER BY device_id FOR UPDATE',
        [accountId],
      );
      const next = new Map(devices.map((d) => [d.deviceId, d]));
      const removed: number[] = [];
      const kept = new Set<number>();
      for (const device of old.rows.map(toDevice)) {
        const replacement = next.get(device.deviceId);
        if (
          replacement !== undefined &&
          Buffer.from(replacement.certificateTbs).equals(Buffer.from(device.certificateTbs))
        ) {
          kept.add(device.deviceId);
          continue;
        }
        // Gone, or a new identity under the same id: nothing of the old device may survive.
        removed.push(device.deviceId);
      }
      if (removed.length > 0) {
        for (const table of DEVICE_TABLES) {
          await q.query(`DELETE FROM ${table} WHERE account_id = $1 AND device_id = ANY($2)`, [
            accountId,
            removed,
          ]);
        }
      }
      await insertDevices(
        q,
        accountId,
        devices.filter((d) => !kept.has(d.deviceId)),
      );
      return { status: 'replaced', removedDeviceIds: removed };
    });
  }

  async deleteAccount(accountId: string): Promise<boolean> {
    return this.#db.transaction(async (q) => {
      // Locks in the order replaceDeviceList takes them (account, then devices). Sends to these
      // devices finish (or wait) before their mail is deleted.
      await q.query('SELECT 1 FROM accounts WHERE account_id = $1 FOR UPDATE', [accountId]);
      await q.query('SELECT 1 FROM devices WHERE account_id = $1 ORDER BY device_id FOR UPDATE', [
        accountId,
      ]);
      const deleted = await q.query('DELETE FROM accounts WHERE account_id = $1', [accountId]);
      for (const table of DEVICE_TABLES) {
        await q.query(`DELETE FROM ${table} WHERE account_id = $1`, [accountId]);
      }
      return (deleted.rowCount ?? 0) > 0;
    });
  }

  async createChallenge(challenge: ChallengeRecord): Promise<void> {
    await this.#db.query(
      'INSERT INTO challenges (challenge_id, account_id, device_id, nonce, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [
        challenge.challengeId,
        challenge.accountId,
        challenge.deviceId,
        bytea(challenge.nonce),
        challenge.expiresAt,
      ],
    );
  }

  async takeChallenge(challengeId: string): Promise<ChallengeRecord | undefined> {
    const [row] = await this.#db.query(
      'DELETE FROM challenges WHERE challenge_id = $1 RETURNING challenge_id, account_id, device_id, nonce, expires_at',
      [challengeId],
    );
    if (row === undefined) return undefined;
    return {
      challengeId: String(row.challenge_id),
      accountId: String(row.account_id),
      deviceId: Number(row.device_id),
      nonce: fromBytea(row.nonce),
      expiresAt: Number(row.expires_at),
    };
  }

  async createToken(token: TokenRecord): Promise<void> {
    await this.#db.query(
      'INSERT INTO tokens (token_hash, account_id, device_id, expires_at) VALUES ($1, $2, $3, $4)',
      [bytea(token.tokenHash), token.accountId, token.deviceId, token.expiresAt],
    );
  }

  async getToken(tokenHash: Uint8Array): Promise<TokenRecord | undefined> {
    const [row] = await this.#db.query(
      {
        name: 'sigil_get_token',
        text: 'SELECT token_hash, account_id, device_id, expires_at FROM tokens WHERE token_hash = $1',
      },
      [bytea(tokenHash)],
    );
    if (row === undefined) return undefined;
    return {
      tokenHash: fromBytea(row.token_hash),
      accountId: String(row.account_id),
      deviceId: Number(row.device_id),
      expiresAt: Number(row.expires_at),
    };
  }

  putKeys(
    accountId: string,
    deviceId: number,
    upload: KeyUpload,
    maxStored: number,
  ): Promise<PutKeysResult> {
    return this.#keys.put(accountId, deviceId, upload, maxStored);
  }

  countKeys(accountId: string, deviceId: number): Promise<KeyCounts | undefined> {
    return this.#keys.count(accountId, deviceId);
  }

  /** One-time keys handed out with `SKIP LOCKED`: see keys.ts. */
  takeBundles(accountId: string, deviceId?: number): Promise<TakeBundlesResult | undefined> {
    return this.#keys.takeBundles(accountId, deviceId);
  }

  putKeyPackages(
    accountId: string,
    deviceId: number,
    upload: KeyPackageUpload,
    maxStored: number,
  ): Promise<PutKeyPackagesResult> {
    return this.#keyPackages.put(accountId, deviceId, upload, maxStored);
  }

  countKeyPackages(accountId: string, deviceId: number): Promise<KeyPackageCount | undefined> {
    return this.#keyPackages.count(accountId, deviceId);
  }

  /** One-time KeyPackages handed out with `SKIP LOCKED`: see key-packages.ts. */
  claimKeyPackages(accountId: string): Promise<ClaimKeyPackagesResult | undefined> {
    return this.#keyPackages.claim(accountId);
  }

  createGroup(
    groupId: Uint8Array,
    creator: GroupMember,
    createdAt: number,
  ): Promise<CreateGroupResult> {
    return this.#groups.create(groupId, creator, createdAt);
  }

  getGroup(groupId: Uint8Array): Promise<GroupRecord | undefined> {
    return this.#groups.get(groupId);
  }

  /** Under the group's row lock: see groups.ts. */
  commitGroup(commit: GroupCommit): Promise<GroupCommitResult> {
    return this.#groups.commit(commit);
  }

  sendGroupMessage(send: GroupSend): Promise<GroupSendResult> {
    return this.#groups.send(send);
  }

  leaveGroup(leave: GroupLeave): Promise<GroupLeaveResult> {
    return this.#groups.leave(leave);
  }

  /** Group commit: see mailbox.ts. */
  enqueue(send: NewSend): Promise<EnqueueResult> {
    return this.#mailbox.enqueue(send);
  }

  fetchMessages(
    accountId: string,
    deviceId: number,
    afterId: bigint,
    limit: number,
  ): Promise<StoredMessage[]> {
    return this.#mailbox.fetch(accountId, deviceId, afterId, limit);
  }

  ackMessages(accountId: string, deviceId: number, ids: readonly bigint[]): Promise<number> {
    return this.#mailbox.ack(accountId, deviceId, ids);
  }

  countQueued(): Promise<number> {
    return this.#mailbox.countQueued();
  }

  purgeExpired(now: number, messagesBefore: number): Promise<PurgeResult> {
    return this.#mailbox.purge(now, messagesBefore);
  }

  async ping(): Promise<void> {
    await this.#db.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.#mailbox.drain();
    await this.#db.close();
  }
}

async function insertDevices(
  q: Queryable,
  accountId: string,
  devices: readonly DeviceRecord[],
): Promise<void> {
  if (devices.length === 0) return;
  await q.query(
    'INSERT INTO devices (account_id, device_id, signing_key, certificate_tbs) SELECT $1, * FROM unnest($2::integer[], $3::bytea[], $4::bytea[])',
    [
      accountId,
      devices.map((d) => d.deviceId),
      devices.map((d) => bytea(d.signingKey)),
      devices.map((d) => bytea(d.certificateTbs)),
    ],
  );
}
