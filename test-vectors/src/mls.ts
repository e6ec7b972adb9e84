/**
 * Loaders for the RFC 9420 interop vectors of mlswg/mls-implementations (data/mls/, format
 * in data/mls/test-vectors.md): tree-math, crypto-basics, key-schedule, psk_secret,
 * transcript-hashes, secret-tree, message-protection, tree-validation, tree-operations,
 * treekem, welcome and the passive-client scenarios. One typed loader per file; hex fields
 * are decoded to bytes, `optional<T>` nulls become `undefined`, uint64 epochs become bigints.
 * The vectors carry no tcId: each case is named by its position (and cipher suite).
 *
 * @example
 * ```ts
 * for (const c of loadMlsKeySchedule()) console.log(c.name, c.epochs.length);
 * ```
 * @module
 */
export { MLS_VECTOR_FILES } from './mls/common.ts';
export * from './mls/framing.ts';
export * from './mls/group.ts';
export * from './mls/messages.ts';
export * from './mls/schedule.ts';
export * from './mls/tree.ts';
