/**
 * The SQLite schema as numbered migrations. Each migration runs once, in its own transaction,
 * and is recorded in `schema_migrations`; a database written by a newer relay (a version above
 * the last one here) is refused. Never edit a released migration: append a new one.
 *
 * Tables (all STRICT):
 * - `accounts`: account id, account key, the current signed device list exactly as signed and
 *   its version (a uint64, kept as decimal text because SQLite integers are signed), username.
 * - `devices`: one row per device on the current list: its signing key, the encoded
 *   DeviceCertificateTBS from the list, and the signed DeviceCertificate once uploaded.
 * - `signed_prekeys`, `last_resort_prekeys`: one row per device (the latest upload wins).
 * - `one_time_prekeys` (X25519) and `kem_prekeys` (ML-KEM-1024, one-time): many per device;
 *   each is deleted by the transaction that hands it out.
 * - `challenges`: single-use authentication challenges; `tokens`: SHA-256 of bearer tokens.
 * - `messages`: per-device mailboxes. `id` is AUTOINCREMENT so a sequence number is never
 *   reused, even after the newest message is acknowledged (an old ack cannot delete a newer one).
 *   `group_id` (migration 2) is set for group traffic: the ciphertext is an MLSMessage of it.
 * - `key_packages` (MLS, one-time, many per device, handed out oldest `id` first and deleted
 *   by the transaction that hands them out) and `last_resort_key_packages` (one per device,
 *   handed out again): `ref` is the KeyPackageRef, `bytes` the encoded MLSMessage as uploaded.
 * - `groups`: the delivery service's view of an MLS group: id, epoch (uint64 as decimal text),
 *   the current GroupInfo if any; `group_members`: its member devices.
 *
 * @module
 */

/** One schema change. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'accounts, devices, key directory, authentication, mailboxes',
    sql: `
      CREATE TABLE accounts (
        account_id TEXT PRIMARY KEY,
        account_key BLOB NOT NULL,
        device_list BLOB NOT NULL,
        list_version TEXT NOT NULL,
        username TEXT UNIQUE,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE devices (
        account_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        signing_key BLOB NOT NULL,
        certificate_tbs BLOB NOT NULL,
        certificate BLOB,
        PRIMARY KEY (account_id, device_id)
      ) STRICT;
      CREATE TABLE signed_prekeys (
        account_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        key_id INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (account_id, device_id)
      ) STRICT;
      CREATE TABLE last_resort_prekeys (
        account_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        key_id INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (account_id, device_id)
      ) STRICT;
      CREATE TABLE one_time_prekeys (
        account_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        key_id INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (account_id, device_id, key_id)
      ) STRICT;
      CREATE TABLE kem_prekeys (
        account_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        key_id INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (account_id, device_id, key_id)
      ) STRICT;
      CREATE TABLE challenges (
        challenge_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        nonce BLOB NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX challenges_by_account ON challenges (account_id, device_id);
      CREATE INDEX challenges_by_expiry ON challenges (expires_at);
      CREATE TABLE tokens (
        token_hash BLOB PRIMARY KEY,
        account_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX tokens_by_account ON tokens (account_id, device_id);
      CREATE INDEX tokens_by_expiry ON tokens (expires_at);
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        sender_account_id TEXT NOT NULL,
        sender_device_id INTEGER NOT NULL,
        ciphertext BLOB NOT NULL,
        received_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX messages_by_mailbox ON messages (account_id, device_id, id);
      CREATE INDEX messages_by_age ON messages (received_at);
    `,
  },
  {
    version: 2,
    description: 'MLS delivery service: KeyPackages, groups, group mailbox envelopes',
    sql: `
      ALTER TABLE messages ADD COLUMN group_id BLOB;
      CREATE TABLE key_packages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        ref BLOB NOT NULL,
        bytes BLOB NOT NULL,
        UNIQUE (account_id, device_id, ref)
      ) STRICT;
      CREATE TABLE last_resort_key_packages (
        account_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        ref BLOB NOT NULL,
        bytes BLOB NOT NULL,
        PRIMARY KEY (account_id, device_id)
      ) STRICT;
      CREATE TABLE groups (
        group_id BLOB PRIMARY KEY,
        epoch TEXT NOT NULL,
        group_info BLOB,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE group_members (
        group_id BLOB NOT NULL,
        account_id TEXT NOT NULL,
        device_id INTEGER NOT NULL,
        PRIMARY KEY (group_id, account_id, device_id)
      ) STRICT;
      CREATE INDEX group_members_by_device ON group_members (account_id, device_id);
    `,
  },
];
