/**
 * @sigil/client: the SDK an application uses to message people end to end through a Sigil
 * relay (DESIGN.md, Client). Browser-safe: Node-only parts (the node:sqlite store, the storage
 * key file) are at `@sigil/client/node`.
 *
 * - {@link SigilClient}: accounts, contacts, sending, receiving, events.
 * - {@link ClientStore} and {@link MemoryStore}: the local store interface and its in-memory
 *   implementation.
 *
 * @example
 * ```ts
 * import { getCryptoProvider } from '@sigil/crypto';
 * import { MemoryStore, SigilClient } from '@sigil/client';
 * const crypto = getCryptoProvider();
 * const client = new SigilClient({ crypto, store: new MemoryStore(), storageKey: crypto.random.bytes(32) });
 * await client.createAccount({ relayUrl: 'http://127.0.0.1:8787', username: 'alice' });
 * ```
 * @module
 */
export { type OpenOptions, SigilClient } from './client.ts';
export type {
  ClientDeps,
  ClientOptions,
  Clock,
  Transport,
  UnsafeTestHooks,
  WebSocketConstructor,
  WebSocketLike,
} from './deps.ts';
export type { Listener } from './events.ts';
export * as limits from './limits.ts';
export { MemoryStore } from './store/memory.ts';
export type {
  ClientStore,
  ContactRecord,
  GroupRow,
  KeyPackageSecretRow,
  MessageQuery,
  MessageRow,
  NewMessageRow,
  OutboxRow,
  PendingIdentity,
  PreKeyKind,
  PreKeyRow,
  SentRow,
  StoreTransaction,
} from './store.ts';
export type * from './types.ts';
