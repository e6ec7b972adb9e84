/**
 * The embedded SQLite storage engine of the relay (node:sqlite).
 * @module
 */
export { MIGRATIONS, type Migration } from './migrations.ts';
export { SqliteRelayStore } from './sqlite-store.ts';
