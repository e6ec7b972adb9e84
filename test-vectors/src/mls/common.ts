/**
 * Shared pieces of the RFC 9420 vector loaders: the file table and small decoding helpers.
 * @module
 */
import { readJson } from '../paths.ts';

/** The files under test-vectors/data. */
export const MLS_VECTOR_FILES = {
  treeMath: 'mls/tree-math.json',
  cryptoBasics: 'mls/crypto-basics.json',
  keySchedule: 'mls/key-schedule.json',
  pskSecret: 'mls/psk_secret.json',
  transcriptHashes: 'mls/transcript-hashes.json',
  secretTree: 'mls/secret-tree.json',
  messageProtection: 'mls/message-protection.json',
  treeValidation: 'mls/tree-validation.json',
  treeOperations: 'mls/tree-operations.json',
  treeKem: 'mls/treekem.json',
  welcome: 'mls/welcome.json',
  passiveClientWelcome: 'mls/passive-client-welcome.json',
  passiveClientHandlingCommit: 'mls/passive-client-handling-commit.json',
  passiveClientRandom: 'mls/passive-client-random.json',
} as const;

/** A hex string as the vector files hold it. */
export type Hex = string;

/** Reads a vector file that holds a JSON array. */
export function load<T>(file: string): readonly T[] {
  const raw = readJson<unknown>(file);
  if (!Array.isArray(raw)) throw new Error(`${file}: expected an array`);
  return raw as T[];
}

/** The cipher suite of case `index`. */
export function suiteOf(file: string, index: number, raw: { cipher_suite?: unknown }): number {
  if (!Number.isInteger(raw.cipher_suite)) throw new Error(`${file}: case ${index} has no suite`);
  return raw.cipher_suite as number;
}

/** `optional<T>` as the files encode it: null becomes undefined. */
export const orUndefined = (value: number | null): number | undefined =>
  value === null ? undefined : value;
