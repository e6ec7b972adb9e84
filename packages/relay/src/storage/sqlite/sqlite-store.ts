/**
 * {@link RelayStore} on embedded SQLite (`node:sqlite`). Every multi-row change is one
 * `BEGIN IMMEDIATE` transaction (database.ts); node:sqlite is synchronous, so a method runs to
 * completion without interleaving with other requests of this process, and the write lock
 * serialises it against other processes on the same file.
 *
 * @example
 * ```ts
 * const store = SqliteRelayStore.open(join(dataDir, 'relay.db'));
 * ```
 * @module
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SigilError } from '@sigil/errors';
import { DEVICE_TABLES } from '../device-tables.ts';
import type {
  AccountRecord,
  BundleParts,
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
import { RelayDatabase, type SqlRow } from './database.ts';
import * as groups from './groups.ts';
import * as keyPackages from './key-packages.ts';

const bytes = (value: unknown): Uint8Array => value as Uint8Array;
const int = (value: unknown): number => Number(value);
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

class TooMany extends Error {
  readonly kind: 'one-time' | 'kem';
  constructor(kind: 'one-time' | 'kem') {
    super(kind);
    this.kind = kind;
  }
}

/** The relay's rows in one SQLite file. */
export class SqliteRelayStore implements RelayStore {
  readonly #db: RelayDatabase;
  readonly #pendingSends: {
    send: NewSend;
    resolve: (result: EnqueueResult) => void;
    reject: (err: unknown) => void;
  }[] = [];

  private constructor(db: RelayDatabase) {
    this.#db = db;
  }

  /**
   * Opens (creating the directory and file if needed) and migrates the database at `path`;
   * `:memory:` gives a private in-memory database.
   * @throws SigilError `STORAGE_FAILURE`.
   */
  static open(path: string): SqliteRelayStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    return new SqliteRelayStore(new RelayDatabase(path));
  }

  async createAccount(account: NewAccount): Promise<CreateAccountResult> {
    return this.#write(() => {
      if (this.#db.get('SELECT 1 FROM accounts WHERE account_id = ?', account.accountId)) {
        return 'account-exists';
      }
      if (
        account.username !== undefined &&
        this.#db.get('SELECT 1 FROM accounts WHERE username = ?', account.username)
      ) {
        return 'username-taken';
      }
      this.#db.run(
        'INSERT INTO accounts (account_id, account_key, device_list, list_version, username, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        account.accountId,
        account.accountKey,
        account.deviceList,
        account.listVersion.toString(),
        account.username ?? null,
        account.createdAt,
      );
      for (const device of account.devices) this.#insertDevice(account.accountId, device);
      return 'created';
    });
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const row = this.#read(() =>
      this.#db.get('SELECT * FROM accounts WHERE account_id = ?', accountId),
    );
    if (row === undefined) return undefined;
    return {
      accountId: String(row.account_id),
      accountKey: bytes(row.account_key),
      deviceList: bytes(row.device_list),
      listVersion: BigInt(String(row.list_version)),
      username: row.username === null ? undefined : String(row.username),
      createdAt: int(row.created_at),
    };
  }

  async getAccountIdByUsername(username: string): Promise<string | undefined> {
    const row = this.#read(() =>
      this.#db.get('SELECT account_id FROM accounts WHERE username = ?', username),
    );
    return row === undefined ? undefined : String(row.account_id);
  }

  async getDevice(accountId: string, deviceId: number): Promise<DeviceRecord | undefined> {
    const row = this.#read(() =>
      this.#db.get(
        'SELECT device_id, signing_key, certificate_tbs FROM devices WHERE account_id = ? AND device_id = ?',
        accountId,
        deviceId,
      ),
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
    return this.#write((): ReplaceDeviceListResult => {
      const row = this.#db.get('SELECT list_version FROM accounts WHERE account_id = ?', accountId);
      if (row === undefined) return { status: 'not-found' };
      const current = BigInt(String(row.list_version));
      if (current !== expectedVersion) return { status: 'stale', currentVersion: current };
      this.#db.run(
        'UPDATE accounts SET device_list = ?, list_version = ? WHERE account_id = ?',
        deviceList,
        listVersion.toString(),
        accountId,
      );
      const next = new Map(devices.map((d) => [d.deviceId, d]));
      const removed: number[] = [];
      const old = this.#db
        .all(
          'SELECT device_id, signing_key, certificate_tbs FROM devices WHERE account_id = ?',
          accountId,
        )
        .map(toDevice);
      const kept = new Set<number>();
      for (const device of old) {
        const replacement = next.get(device.deviceId);
        if (replacement !== undefined && same(replacement.certificateTbs, device.certificateTbs)) {
          kept.add(device.deviceId);
          continue;
        }
        // Gone, or a new identity under the same id: nothing of the old device may survive.
        for (const table of DEVICE_TABLES) {
          this.#db.run(
            `DELETE FROM ${table} WHERE account_id = ? AND device_id = ?`,
            accountId,
            device.deviceId,
          );
        }
        removed.push(device.deviceId);
      }
      for (const device of devices) {
        if (!kept.has(device.deviceId)) this.#insertDevice(accountId, device);
      }
      return { status: 'replaced', removedDeviceIds: removed };
    });
  }

  async deleteAccount(accountId: string): Promise<boolean> {
    return this.#write(() => {
      const existed = this.#db.run('DELETE FROM accounts WHERE account_id = ?', accountId) > 0;
      for (const table of DEVICE_TABLES) {
        this.#db.run(`DELETE FROM ${table} WHERE account_id = ?`, accountId);
      }
      return existed;
    });
  }

  async createChallenge(challenge: ChallengeRecord): Promise<void> {
    this.#write(() =>
      this.#db.run(
        'INSERT INTO challenges (challenge_id, account_id, device_id, nonce, expires_at) VALUES (?, ?, ?, ?, ?)',
        challenge.challengeId,
        challenge.accountId,
        challenge.deviceId,
        challenge.nonce,
        challenge.expiresAt,
      ),
    );
  }

  async takeChallenge(challengeId: string): Promise<ChallengeRecord | undefined> {
    const row = this.#write(() =>
      this.#db.get('DELETE FROM challenges WHERE challenge_id = ? RETURNING *', challengeId),
    );
    if (row === undefined) return undefined;
    return {
      challengeId: String(row.challenge_id),
      accountId: String(row.account_id),
      deviceId: int(row.device_id),
      nonce: bytes(row.nonce),
      expiresAt: int(row.expires_at),
    };
  }

  async createToken(token: TokenRecord): Promise<void> {
    this.#write(() =>
      this.#db.run(
        'INSERT INTO tokens (token_hash, account_id, device_id, expires_at) VALUES (?, ?, ?, ?)',
        token.tokenHash,
        token.accountId,
        token.deviceId,
        token.expiresAt,
      ),
    );
  }

  async getToken(tokenHash: Uint8Array): Promise<TokenRecord | undefined> {
    const row = this.#read(() =>
      this.#db.get('SELECT * FROM tokens WHERE token_hash = ?', tokenHash),
    );
    if (row === undefined) return undefined;
    return {
      tokenHash: bytes(row.token_hash),
      accountId: String(row.account_id),
      deviceId: int(row.device_id),
      expiresAt: int(row.expires_at),
    };
  }

  async putKeys(
    accountId: string,
    deviceId: number,
    upload: KeyUpload,
    maxStored: number,
  ): Promise<PutKeysResult> {
    try {
      return this.#write((): PutKeysResult => {
        const key = [accountId, deviceId] as const;
        if (!this.#db.get('SELECT 1 FROM devices WHERE account_id = ? AND device_id = ?', ...key)) {
          return { status: 'not-found' };
        }
        if (upload.certificate !== undefined) {
          this.#db.run(
            'UPDATE devices SET certificate = ? WHERE account_id = ? AND device_id = ?',
            upload.certificate,
            ...key,
          );
        }
        for (const [table, stored] of [
          ['signed_prekeys', upload.signedPreKey],
          ['last_resort_prekeys', upload.lastResortKemPreKey],
        ] as const) {
          if (stored === undefined) continue;
          this.#db.run(
            `INSERT OR REPLACE INTO ${table} (account_id, device_id, key_id, bytes) VALUES (?, ?, ?, ?)`,
            ...key,
            stored.keyId,
            stored.bytes,
          );
        }
        for (const [table, keys, kind] of [
          ['one_time_prekeys', upload.oneTimePreKeys, 'one-time'],
          ['kem_prekeys', upload.kemPreKeys, 'kem'],
        ] as const) {
          if (keys.length === 0) continue;
          for (const stored of keys) {
            this.#db.run(
              `INSERT OR REPLACE INTO ${table} (account_id, device_id, key_id, bytes) VALUES (?, ?, ?, ?)`,
              ...key,
              stored.keyId,
              stored.bytes,
            );
          }
          const count = this.#db.get(
            `SELECT COUNT(*) AS n FROM ${table} WHERE account_id = ? AND device_id = ?`,
            ...key,
          );
          if (int(count?.n) > maxStored) throw new TooMany(kind);
        }
        return { status: 'stored' };
      });
    } catch (err) {
      if (err instanceof TooMany) return { status: 'too-many', kind: err.kind };
      throw err;
    }
  }

  async countKeys(accountId: string, deviceId: number): Promise<KeyCounts | undefined> {
    return this.#read(() => {
      const device = this.#db.get(
        'SELECT certificate FROM devices WHERE account_id = ? AND device_id = ?',
        accountId,
        deviceId,
      );
      if (device === undefined) return undefined;
      const count = (table: string): number =>
        int(
          this.#db.get(
            `SELECT COUNT(*) AS n FROM ${table} WHERE account_id = ? AND device_id = ?`,
            accountId,
            deviceId,
          )?.n,
        );
      const id = (table: string): number | undefined => {
        const row = this.#db.get(
          `SELECT key_id FROM ${table} WHERE account_id = ? AND device_id = ?`,
          accountId,
          deviceId,
        );
        return row === undefined ? undefined : int(row.key_id);
      };
      return {
        oneTimePreKeys: count('one_time_prekeys'),
        kemPreKeys: count('kem_prekeys'),
        signedPreKeyId: id('signed_prekeys'),
        lastResortKemPreKeyId: id('last_resort_prekeys'),
        hasCertificate: device.certificate !== null,
      };
    });
  }

  async takeBundles(accountId: string, deviceId?: number): Promise<TakeBundlesResult | undefined> {
    return this.#write((): TakeBundlesResult | undefined => {
      if (!this.#db.get('SELECT 1 FROM accounts WHERE account_id = ?', accountId)) return undefined;
      const devices =
        deviceId === undefined
          ? this.#db.all(
              'SELECT device_id, certificate FROM devices WHERE account_id = ? ORDER BY device_id',
              accountId,
            )
          : this.#db.all(
              'SELECT device_id, certificate FROM devices WHERE account_id = ? AND device_id = ?',
              accountId,
              deviceId,
            );
      if (devices.length === 0 && deviceId !== undefined) return undefined;
      const bundles: BundleParts[] = [];
      const missing: number[] = [];
      for (const device of devices) {
        const id = int(device.device_id);
        const spk = this.#db.get(
          'SELECT bytes FROM signed_prekeys WHERE account_id = ? AND device_id = ?',
          accountId,
          id,
        );
        const lastResort = this.#db.get(
          'SELECT bytes FROM last_resort_prekeys WHERE account_id = ? AND device_id = ?',
          accountId,
          id,
        );
        if (device.certificate === null || spk === undefined || lastResort === undefined) {
          missing.push(id);
          continue;
        }
        const oneTime = this.#takeOne('one_time_prekeys', accountId, id);
        const kem = this.#takeOne('kem_prekeys', accountId, id);
        bundles.push({
          deviceId: id,
          certificate: bytes(device.certificate),
          signedPreKey: bytes(spk.bytes),
          oneTimePreKey: oneTime,
          kemPreKey: kem ?? bytes(lastResort.bytes),
        });
      }
      return { bundles, missingDeviceIds: missing };
    });
  }

  async putKeyPackages(
    accountId: string,
    deviceId: number,
    upload: KeyPackageUpload,
    maxStored: number,
  ): Promise<PutKeyPackagesResult> {
    return this.#write(() =>
      keyPackages.putKeyPackages(this.#db, accountId, deviceId, upload, maxStored),
    );
  }

  async countKeyPackages(
    accountId: string,
    deviceId: number,
  ): Promise<KeyPackageCount | undefined> {
    return this.#read(() => keyPackages.countKeyPackages(this.#db, accountId, deviceId));
  }

  async claimKeyPackages(accountId: string): Promise<ClaimKeyPackagesResult | undefined> {
    return this.#write(() => keyPackages.claimKeyPackages(this.#db, accountId));
  }

  async createGroup(
    groupId: Uint8Array,
    creator: GroupMember,
    createdAt: number,
  ): Promise<CreateGroupResult> {
    return this.#write(() => groups.createGroup(this.#db, groupId, creator, createdAt));
  }

  async getGroup(groupId: Uint8Array): Promise<GroupRecord | undefined> {
    return this.#read(() => groups.getGroup(this.#db, groupId));
  }

  async commitGroup(commit: GroupCommit): Promise<GroupCommitResult> {
    return this.#write(() => groups.commitGroup(this.#db, commit));
  }

  async sendGroupMessage(send: GroupSend): Promise<GroupSendResult> {
    return this.#write(() => groups.sendGroupMessage(this.#db, send));
  }

  async leaveGroup(leave: GroupLeave): Promise<GroupLeaveResult> {
    return this.#write(() => groups.leaveGroup(this.#db, leave));
  }

  /**
   * Group commit: sends that arrive in the same turn of the event loop are stored in one
   * transaction, so they share one fsync. Each send is checked on its own (a device-set mismatch
   * of one does not affect the others) and its promise resolves only after the commit is durable.
   */
  enqueue(send: NewSend): Promise<EnqueueResult> {
    return new Promise((resolve, reject) => {
      this.#pendingSends.push({ send, resolve, reject });
      if (this.#pendingSends.length === 1) setImmediate(() => this.#flushSends());
    });
  }

  #flushSends(): void {
    const batch = this.#pendingSends.splice(0);
    let results: EnqueueResult[];
    try {
      results = this.#write(() => batch.map(({ send }) => this.#enqueueOne(send)));
    } catch (err) {
      for (const pending of batch) pending.reject(err);
      return;
    }
    for (const [i, pending] of batch.entries()) pending.resolve(results[i] as EnqueueResult);
  }

  /** Checks and stores one send inside the caller's transaction. */
  #enqueueOne(send: NewSend): EnqueueResult {
    if (!this.#db.get('SELECT 1 FROM accounts WHERE account_id = ?', send.recipientAccountId)) {
      return { status: 'not-found' };
    }
    const expected = new Set(
      this.#db
        .all('SELECT device_id FROM devices WHERE account_id = ?', send.recipientAccountId)
        .map((row) => int(row.device_id))
        .filter((id) => id !== send.excludeDeviceId),
    );
    const given = new Set(send.messages.map((m) => m.deviceId));
    const missing = [...expected].filter((id) => !given.has(id)).sort((a, b) => a - b);
    const extra = [...given].filter((id) => !expected.has(id)).sort((a, b) => a - b);
    if (missing.length > 0 || extra.length > 0 || given.size !== send.messages.length) {
      return { status: 'device-set-mismatch', missingDeviceIds: missing, extraDeviceIds: extra };
    }
    const ids: bigint[] = [];
    for (const message of send.messages) {
      const row = this.#db.get(
        'INSERT INTO messages (account_id, device_id, sender_account_id, sender_device_id, ciphertext, received_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
        send.recipientAccountId,
        message.deviceId,
        send.senderAccountId,
        send.senderDeviceId,
        message.ciphertext,
        send.receivedAt,
      );
      ids.push(BigInt(int(row?.id)));
    }
    return { status: 'stored', ids };
  }

  async fetchMessages(
    accountId: string,
    deviceId: number,
    afterId: bigint,
    limit: number,
  ): Promise<StoredMessage[]> {
    const rows = this.#read(() =>
      this.#db.all(
        'SELECT id, sender_account_id, sender_device_id, ciphertext, received_at, group_id FROM messages WHERE account_id = ? AND device_id = ? AND id > ? ORDER BY id LIMIT ?',
        accountId,
        deviceId,
        afterId,
        limit,
      ),
    );
    return rows.map((row) => ({
      id: BigInt(int(row.id)),
      senderAccountId: String(row.sender_account_id),
      senderDeviceId: int(row.sender_device_id),
      ciphertext: bytes(row.ciphertext),
      receivedAt: int(row.received_at),
      ...(row.group_id === null ? {} : { groupId: bytes(row.group_id) }),
    }));
  }

  async ackMessages(accountId: string, deviceId: number, ids: readonly bigint[]): Promise<number> {
    if (ids.length === 0) return 0;
    // Not fsynced: a lost ack only means the message is delivered again (at-least-once).
    return this.#write(() => {
      let deleted = 0;
      for (const id of ids) {
        deleted += this.#db.run(
          'DELETE FROM messages WHERE id = ? AND account_id = ? AND device_id = ?',
          id,
          accountId,
          deviceId,
        );
      }
      return deleted;
    }, true);
  }

  async countQueued(): Promise<number> {
    return this.#read(() => int(this.#db.get('SELECT COUNT(*) AS n FROM messages')?.n));
  }

  async purgeExpired(now: number, messagesBefore: number): Promise<PurgeResult> {
    // Not fsynced: purged rows that come back after a power loss are purged again.
    return this.#write(
      () => ({
        messages: this.#db.run('DELETE FROM messages WHERE received_at < ?', messagesBefore),
        challenges: this.#db.run('DELETE FROM challenges WHERE expires_at <= ?', now),
        tokens: this.#db.run('DELETE FROM tokens WHERE expires_at <= ?', now),
      }),
      true,
    );
  }

  async ping(): Promise<void> {
    this.#read(() => this.#db.get('SELECT 1 AS ok'));
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  #insertDevice(accountId: string, device: DeviceRecord): void {
    this.#db.run(
      'INSERT INTO devices (account_id, device_id, signing_key, certificate_tbs) VALUES (?, ?, ?, ?)',
      accountId,
      device.deviceId,
      device.signingKey,
      device.certificateTbs,
    );
  }

  /** Removes and returns the one-time key with the lowest id, if any. */
  #takeOne(table: string, accountId: string, deviceId: number): Uint8Array | undefined {
    const row = this.#db.get(
      `DELETE FROM ${table} WHERE account_id = ?1 AND device_id = ?2 AND key_id = (SELECT MIN(key_id) FROM ${table} WHERE account_id = ?1 AND device_id = ?2) RETURNING bytes`,
      accountId,
      deviceId,
    );
    return row === undefined ? undefined : bytes(row.bytes);
  }

  /** Runs a read; a database failure becomes `STORAGE_FAILURE`. */
  #read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw storageFailure(err);
    }
  }

  /**
   * Runs a write in one transaction; a database failure becomes `STORAGE_FAILURE`. `lazy`
   * skips the fsync of the commit (database.ts `lazyTransaction`).
   */
  #write<T>(fn: () => T, lazy = false): T {
    try {
      return lazy ? this.#db.lazyTransaction(fn) : this.#db.transaction(fn);
    } catch (err) {
      if (err instanceof TooMany || err instanceof SigilError) throw err;
      throw storageFailure(err);
    }
  }
}

function toDevice(row: SqlRow): DeviceRecord {
  return {
    deviceId: int(row.device_id),
    signingKey: bytes(row.signing_key),
    certificateTbs: bytes(row.certificate_tbs),
  };
}

function storageFailure(err: unknown): SigilError {
  if (err instanceof SigilError) return err;
  return new SigilError('STORAGE_FAILURE', 'relay database operation failed', { cause: err });
}
