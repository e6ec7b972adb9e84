/**
 * The PostgreSQL storage engine of the relay (`pg`), for several instances on one database.
 * @module
 */
export { isConnectionError, type PgOptions, toStorageError } from './database.ts';
export { PG_MIGRATIONS, type PgMigration } from './migrations.ts';
export { PostgresRelayStore } from './postgres-store.ts';
