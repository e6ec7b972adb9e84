/**
 * What a `SigilClient` is given instead of reaching for globals (STYLE.md §3): the crypto
 * provider, the local store and its storage key, the network transport, a clock and a random
 * source, plus tunable limits and test hooks.
 *
 * In a browser and on Node 24 the default transport is the global `fetch` and `WebSocket`.
 *
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import type { ClientStore } from './store.ts';

/** A clock: milliseconds since the Unix epoch. */
export interface Clock {
  now(): number;
}

/** The part of the WebSocket API the client uses (browsers' and Node's global `WebSocket`). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  onclose: ((event: { readonly code: number; readonly reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor: `new WebSocket(url)`. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** How the client reaches the relay. */
export interface Transport {
  /** `fetch` (the global one by default). */
  readonly fetch: typeof fetch;
  /** The WebSocket constructor (the global one by default). */
  readonly WebSocket: WebSocketConstructor;
}

/** Limits a client may override (defaults in limits.ts). */
export interface ClientOptions {
  /** One-time prekeys of each kind kept on the relay (at most 100: one upload). */
  readonly preKeyTarget?: number;
  /** Refill below this many. */
  readonly preKeyRefillThreshold?: number;
  /** Signed prekey rotation period, ms. */
  readonly signedPreKeyRotationMs?: number;
  /** How long a replaced signed or last-resort prekey is kept, ms. */
  readonly replacedPreKeyGraceMs?: number;
  /** Periodic prekey check while open, ms (0 disables the timer). */
  readonly preKeyCheckIntervalMs?: number;
  /** First reconnect delay, ms. */
  readonly reconnectBaseMs?: number;
  /** Longest reconnect delay, ms. */
  readonly reconnectMaxMs?: number;
}

/**
 * Test-only hooks: each runs at one point of receiving a message and may throw to simulate a
 * crash there. Never set them in an application.
 */
export interface UnsafeTestHooks {
  /** Inside the store transaction, after decryption and before the commit. */
  readonly afterDecrypt?: () => void;
  /** After the commit and the events, before the message is acknowledged to the relay. */
  readonly afterCommit?: () => void;
  /** After the relay accepted an own group commit, before this device confirms it. */
  readonly afterGroupCommitPosted?: () => void;
}

/** The dependencies of a `SigilClient`. */
export interface ClientDeps {
  /** The crypto backend (`getCryptoProvider()` picks the platform's default). */
  readonly crypto: CryptoProvider;
  /** The local store. The client does not close it unless `ownsStore` is set. */
  readonly store: ClientStore;
  /** The 32-byte key that seals every secret in the store (node: `loadStorageKey`). */
  readonly storageKey: Uint8Array;
  /** fetch and WebSocket; default: the globals. */
  readonly transport?: Transport;
  /** Default: `Date.now`. */
  readonly clock?: Clock;
  /** Default: `crypto.random.bytes`. */
  readonly random?: (length: number) => Uint8Array;
  /** Tunable limits. */
  readonly options?: ClientOptions;
  /** Close `store` when the client closes. */
  readonly ownsStore?: boolean;
  /** Test-only crash points. */
  readonly unsafeTestHooks?: UnsafeTestHooks;
}

/** The global transport, or an error when the platform has none. */
export function defaultTransport(): Transport {
  const globals = globalThis as { fetch?: typeof fetch; WebSocket?: unknown };
  if (typeof globals.fetch !== 'function' || typeof globals.WebSocket !== 'function') {
    throw new SigilError(
      'INVALID_ARGUMENT',
      'this platform has no global fetch and WebSocket: pass deps.transport',
    );
  }
  // The DOM typings of WebSocket's handlers are narrower than WebSocketLike's; the runtime
  // objects are the same.
  return {
    fetch: globals.fetch.bind(globalThis),
    WebSocket: globals.WebSocket as WebSocketConstructor,
  };
}
