/**
 * The PostgreSQL schema as numbered migrations, the same tables and meaning as the SQLite ones
 * (sqlite/migrations.ts). Each migration runs once, in its own transaction, under an advisory
 * lock (several instances starting at once migrate one after the other), and is recorded in
 * `schema_migrations`; a database written by a newer relay is refused. Never edit a released
 * migration: append a new one.
 *
 * Types: binary columns are `bytea`; the device-list version is a uint64, kept as
 * `numeric(20,0)`; times are milliseconds since the epoch in `bigint`; prekey ids (uint32) are
 * `bigint`. `messages.id` comes from the sequence `message_ids`, so a sequence number is never
 * reused (sequences never go back), and the store allocates it while it holds the recipient's
 * device rows locked, so within one mailbox ids increase in commit order (postgres/mailbox.ts).
 *
 * Migration 2 adds the MLS delivery service (same tables as SQLite's migration 2): KeyPackages
 * (`key_packages.id` orders hand-out, oldest first), groups with their epoch and GroupInfo,
 * group members, and `messages.group_id` for group traffic.
 *
 * When the mailbox table outgrows one machine's working set, partition it by recipient
 * (`PARTITION BY HASH (account_id)`): every query of the relay names the recipient's account.
 * docs/deploy.md has the numbers.
 *
 * @module
 */

/** One schema change. */
export interface PgMigration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** Every migration, in order. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'accounts, devices, key directory, authentication, mailboxes',
    sql: `
      CREATE TABLE accounts (
        account_id text PRIMARY KEY,
        account_key bytea NOT NULL,
        device_list bytea NOT NULL,
        list_version numeric(20, 0) NOT NULL,
        username text UNIQUE,
        created_at bigint NOT NULL
      );
      CREATE TABLE devices (
        account_id text NOT NULL,
        device_id integer NOT NULL,
        signing_key bytea NOT NULL,
        certificate_tbs bytea NOT NULL,
        certificate bytea,
        PRIMARY KEY (account_id, device_id)
      );
      CREATE TABLE signed_prekeys (
        account_id text NOT NULL,
        device_id integer NOT NULL,
        key_id bigint NOT NULL,
        bytes bytea NOT NULL,
        PRIMARY KEY (account_id, device_id)
      );
      CREATE TABLE last_resort_prekeys (
        account_id text NOT NULL,
        device_id integer NOT NULL,
        key_id bigint NOT NULL,
        bytes bytea NOT NULL,
        PRIMARY KEY (account_id, device_id)
      );
      CREATE TABLE one_time_prekeys (
        account_id text NOT NULL,
        device_id integer NOT NULL,
        key_id bigint NOT NULL,
        bytes bytea NOT NULL,
        PRIMARY KEY (account_id, device_id, key_id)
      );
      CREATE TABLE kem_prekeys (
        account_id text NOT NULL,
        device_id integer NOT NULL,
        key_id bigint NOT NULL,
        bytes bytea NOT NULL,
        PRIMARY KEY (account_id, device_id, key_id)
      );
      CREATE TABLE challenges (
        challenge_id text PRIMARY KEY,
        account_id text NOT NULL,
        device_id integer NOT NULL,
        nonce bytea NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE INDEX challenges_by_account ON challenges (account_id, device_id);
      CREATE INDEX challenges_by_expiry ON challenges (expires_at);
      CREATE TABLE tokens (
        token_hash bytea PRIMARY KEY,
        account_id text NOT NULL,
        device_id integer NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE INDEX tokens_by_account ON tokens (account_id, device_id);
      CREATE INDEX tokens_by_expiry ON tokens (expires_at);
      CREATE SEQUENCE message_ids;
      CREATE TABLE messages (
        id bigint PRIMARY KEY DEFAULT nextval('message_ids'),
        account_id text NOT NULL,
        device_id integer NOT NULL,
        sender_account_id text NOT NULL,
        sender_device_id integer NOT NULL,
        ciphertext bytea NOT NULL,
        received_at bigint NOT NULL
      );
      ALTER SEQUENCE message_ids OWNED BY messages.id;
      -- Ciphertext does not compress: store it out of line without trying.
      ALTER TABLE messages ALTER COLUMN ciphertext SET STORAGE EXTERNAL;
      CREATE INDEX messages_by_mailbox ON messages (account_id, device_id, id);
      CREATE INDEX messages_by_age ON messages (received_at);
    `,
  },
  {
    version: 2,
    description: 'MLS delivery service: KeyPackages, groups, group mailbox envelopes',
    sql: `
      ALTER TABLE messages ADD COLUMN group_id bytea;
      CREATE TABLE key_packages (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id text NOT NULL,
        device_id integer NOT NULL,
        ref bytea NOT NULL,
        bytes bytea NOT NULL,
        UNIQUE (account_id, device_id, ref)
      );
      CREATE TABLE last_resort_key_packages (
        account_id text NOT NULL,
        device_id integer NOT NULL,
        ref bytea NOT NULL,
        bytes bytea NOT NULL,
        PRIMARY KEY (account_id, device_id)
      );
      CREATE TABLE groups (
        group_id bytea PRIMARY KEY,
        epoch numeric(20, 0) NOT NULL,
        group_info bytea,
        created_at bigint NOT NULL
      );
      CREATE TABLE group_members (
        group_id bytea NOT NULL,
        account_id text NOT NULL,
        device_id integer NOT NULL,
        PRIMARY KEY (group_id, account_id, device_id)
      );
      CREATE INDEX group_members_by_device ON group_members (account_id, device_id);
    `,
  },
];
