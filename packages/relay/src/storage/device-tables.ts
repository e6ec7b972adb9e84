/**
 * The tables that hold rows per device, in both storage engines' schemas (the SQLite and
 * PostgreSQL migrations create them under the same names). When a device leaves its account
 * every one is wiped, in this order: `devices` last, after everything that refers to it.
 * @module
 */

/** Tables with rows per device, wiped when a device leaves its account (devices last). */
export const DEVICE_TABLES = [
  'signed_prekeys',
  'last_resort_prekeys',
  'one_time_prekeys',
  'kem_prekeys',
  'key_packages',
  'last_resort_key_packages',
  'group_members',
  'challenges',
  'tokens',
  'messages',
  'devices',
] as const;
