/**
 * An SFrame context (RFC 9605 §4.4.1, Appendix A): the keys of one cipher suite by KID, each
 * marked for sending or receiving, never both (§4.4.1), with encryption (§4.4.3) and decryption
 * (§4.4.4) of whole frames.
 *
 * Counters and replay:
 * - Sending: each send key holds the next CTR (initially 0, or a value restored from storage as
 *   §9.1 describes). `encrypt` reserves the CTR before it uses it, so no (KID, CTR) is ever used
 *   twice (§7.4, §9.1), and throws `SFRAME_COUNTER_EXHAUSTED` instead of wrapping past 2^64 - 1.
 *   Adding a key under a KID already present throws `SFRAME_KEY_ID_IN_USE` (re-adding would
 *   restart its counter). A removed KID is free again: re-add the same base key for sending only
 *   with its persisted `nextCounter`.
 * - Receiving: each receive key keeps a sliding window ({@link SFRAME_REPLAY_WINDOW} counters,
 *   after RFC 3711 §3.3.2, as §9.3 suggests). A frame whose CTR was accepted before is rejected
 *   with `SFRAME_REPLAY`; one older than the window with `SFRAME_COUNTER_TOO_OLD`. The window
 *   moves only after a frame authenticates: a forged, replayed or undecryptable frame changes
 *   nothing.
 *
 * The context is a mutable object (as the RFC's API sketches it), unlike Sigil's immutable MLS
 * group states: media runs at frame rate and the counters must advance in place. Persisting it
 * means persisting `nextCounter(kid)` of each send key before further use (§9.1). Two contexts
 * must never hold the same send key: their counters would collide.
 *
 * Keys print redacted (`toJSON`, `util.inspect`); removed keys are wiped (best effort).
 *
 * @example
 * ```ts
 * const alice = new SFrameContext({ provider, cipherSuite: 4 });
 * alice.addSendKey(1n, baseKey);
 * const bob = new SFrameContext({ provider, cipherSuite: 4 });
 * bob.addReceiveKey(1n, baseKey);
 * const frame = alice.encrypt(1n, metadata, plaintext);
 * const { plaintext: got, ctr } = bob.decrypt(metadata, frame);
 * ```
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { getSFrameCipherSuite, type SFrameCipherSuite } from './cipher-suite.ts';
import { decodeSFrameHeader, encodeSFrameHeader } from './header.ts';
import { deriveSFrameKeySalt, sframeNonce } from './key-derivation.ts';
import { SFRAME_MAX_RECEIVE_KEYS, SFRAME_MAX_UINT64, SFRAME_REPLAY_WINDOW } from './limits.ts';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** Options of an {@link SFrameContext}. */
export interface SFrameContextOptions {
  readonly provider: CryptoProvider;
  /** The SFrame cipher suite (1-5, RFC 9605 §4.5) of every key in the context. */
  readonly cipherSuite: number;
  /**
   * Looks up the base key of a KID that has no receive key yet (the MLS scheme of §5.2 derives
   * them on demand). The key derived from it is kept only once a frame under that KID
   * authenticates. Return `undefined` for KIDs this context must not accept.
   */
  readonly resolveReceiveKey?: (kid: bigint) => Uint8Array | undefined;
  /**
   * Most receive keys kept before keys resolved on demand are refused (default
   * {@link SFRAME_MAX_RECEIVE_KEYS}); keys added with `addReceiveKey` are not limited.
   */
  readonly maxReceiveKeys?: number;
}

/** A decrypted frame. */
export interface SFrameDecrypted {
  /** The KID of the frame's header. */
  readonly kid: bigint;
  /** The CTR of the frame's header. */
  readonly ctr: bigint;
  readonly plaintext: Uint8Array;
}

interface SendKey {
  readonly key: Uint8Array;
  readonly salt: Uint8Array;
  /** The next CTR to use; SFRAME_MAX_UINT64 + 1 once exhausted. */
  next: bigint;
}

interface ReceiveKey {
  readonly key: Uint8Array;
  readonly salt: Uint8Array;
  /** Highest CTR accepted so far, if any. */
  highest: bigint | undefined;
  /** Bit i set: CTR `highest - i` was accepted (i < SFRAME_REPLAY_WINDOW). */
  seen: bigint;
}

const WINDOW = BigInt(SFRAME_REPLAY_WINDOW);
const WINDOW_MASK = (1n << WINDOW) - 1n;

function requireBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new SigilError('INVALID_ARGUMENT', `${name} must be a Uint8Array`);
  }
}

function requireUint64(value: unknown, name: string): asserts value is bigint {
  if (typeof value !== 'bigint' || value < 0n || value > SFRAME_MAX_UINT64) {
    throw new SigilError('INVALID_ARGUMENT', `${name} must be a bigint in [0, 2^64 - 1]`);
  }
}

function unknownKey(kid: bigint, direction: 'send' | 'receive'): SigilError {
  return new SigilError('SFRAME_UNKNOWN_KEY_ID', `no SFrame ${direction} key for this KID`, {
    details: { kid: kid.toString(), direction },
  });
}

/** Throws unless `ctr` may be accepted under `entry` (replay window check; no change). */
function checkWindow(entry: ReceiveKey, kid: bigint, ctr: bigint): void {
  if (entry.highest === undefined || ctr > entry.highest) return;
  const age = entry.highest - ctr;
  const details = { kid: kid.toString(), ctr: ctr.toString(), window: SFRAME_REPLAY_WINDOW };
  if (age >= WINDOW) {
    throw new SigilError('SFRAME_COUNTER_TOO_OLD', 'SFrame CTR is older than the replay window', {
      details,
    });
  }
  if (((entry.seen >> age) & 1n) === 1n) {
    throw new SigilError('SFRAME_REPLAY', 'SFrame (KID, CTR) was already accepted', { details });
  }
}

/** Records an authenticated `ctr` in `entry`'s window. */
function recordWindow(entry: ReceiveKey, ctr: bigint): void {
  if (entry.highest === undefined) {
    entry.highest = ctr;
    entry.seen = 1n;
  } else if (ctr > entry.highest) {
    const shift = ctr - entry.highest;
    entry.seen = shift >= WINDOW ? 1n : ((entry.seen << shift) | 1n) & WINDOW_MASK;
    entry.highest = ctr;
  } else {
    entry.seen |= 1n << (entry.highest - ctr);
  }
}

/** SFrame keys by KID, with encryption and decryption of frames. See the module comment. */
export class SFrameContext {
  /** The cipher suite of every key in this context. */
  readonly suite: SFrameCipherSuite;
  readonly #resolve: ((kid: bigint) => Uint8Array | undefined) | undefined;
  readonly #maxReceiveKeys: number;
  readonly #send = new Map<bigint, SendKey>();
  readonly #receive = new Map<bigint, ReceiveKey>();

  /**
   * @throws SigilError `UNSUPPORTED_ALGORITHM` if the cipher suite is not 1-5.
   * @throws SigilError `INVALID_ARGUMENT` if `maxReceiveKeys` is not a positive integer.
   */
  constructor(options: SFrameContextOptions) {
    this.suite = getSFrameCipherSuite(options.provider, options.cipherSuite);
    this.#resolve = options.resolveReceiveKey;
    const max = options.maxReceiveKeys ?? SFRAME_MAX_RECEIVE_KEYS;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new SigilError('INVALID_ARGUMENT', 'maxReceiveKeys must be a positive integer');
    }
    this.#maxReceiveKeys = max;
  }

  #checkFree(kid: bigint): void {
    if (this.#send.has(kid) || this.#receive.has(kid)) {
      throw new SigilError('SFRAME_KEY_ID_IN_USE', 'a key is already installed under this KID', {
        details: { kid: kid.toString() },
      });
    }
  }

  /**
   * Adds a key for sending under `kid` (§4.4.1: "Add a key for sending", Appendix A). The key
   * and salt are derived now; `baseKey` is not kept. `nextCounter` restores a persisted counter
   * (§9.1); it defaults to 0.
   * @throws SigilError `SFRAME_KEY_ID_IN_USE` if a key (either direction) exists under `kid`.
   * @throws SigilError `INVALID_ARGUMENT` for a KID or counter outside [0, 2^64 - 1].
   */
  addSendKey(kid: bigint, baseKey: Uint8Array, options: { nextCounter?: bigint } = {}): void {
    requireUint64(kid, 'kid');
    requireBytes(baseKey, 'baseKey');
    const next = options.nextCounter ?? 0n;
    requireUint64(next, 'nextCounter');
    this.#checkFree(kid);
    const { key, salt } = deriveSFrameKeySalt(this.suite, kid, baseKey);
    this.#send.set(kid, { key, salt, next });
  }

  /**
   * Adds a key for receiving under `kid` (Appendix A: "Add a key for receiving"), with an empty
   * replay window. `baseKey` is not kept.
   * @throws SigilError `SFRAME_KEY_ID_IN_USE` if a key (either direction) exists under `kid`.
   * @throws SigilError `INVALID_ARGUMENT` for a KID outside [0, 2^64 - 1].
   */
  addReceiveKey(kid: bigint, baseKey: Uint8Array): void {
    requireUint64(kid, 'kid');
    requireBytes(baseKey, 'baseKey');
    this.#checkFree(kid);
    const { key, salt } = deriveSFrameKeySalt(this.suite, kid, baseKey);
    this.#receive.set(kid, { key, salt, highest: undefined, seen: 0n });
  }

  /** Removes and wipes the key under `kid` (either direction). Returns whether there was one. */
  removeKey(kid: bigint): boolean {
    const entry = this.#send.get(kid) ?? this.#receive.get(kid);
    if (entry === undefined) return false;
    entry.key.fill(0);
    entry.salt.fill(0);
    this.#send.delete(kid);
    this.#receive.delete(kid);
    return true;
  }

  /** Removes and wipes every key whose KID matches `predicate`; returns how many. */
  removeKeys(predicate: (kid: bigint) => boolean): number {
    let removed = 0;
    for (const kid of [...this.#send.keys(), ...this.#receive.keys()]) {
      if (predicate(kid) && this.removeKey(kid)) removed += 1;
    }
    return removed;
  }

  /** Whether a send key is installed under `kid`. */
  hasSendKey(kid: bigint): boolean {
    return this.#send.has(kid);
  }

  /** Whether a receive key is installed under `kid` (on-demand keys count once kept). */
  hasReceiveKey(kid: bigint): boolean {
    return this.#receive.has(kid);
  }

  /**
   * The CTR the next frame under send key `kid` will use (persist it before further use, §9.1).
   * 2^64 once the counter is exhausted.
   * @throws SigilError `SFRAME_UNKNOWN_KEY_ID` if there is no send key under `kid`.
   */
  nextCounter(kid: bigint): bigint {
    const entry = this.#send.get(kid);
    if (entry === undefined) throw unknownKey(kid, 'send');
    return entry.next;
  }

  /**
   * encrypt(CTR, KID, metadata, plaintext) of §4.4.3 with the send key's next CTR: returns the
   * SFrame ciphertext header || AEAD.Encrypt(sframe_key, nonce, header || metadata, plaintext).
   * The CTR is consumed before encryption, so it is never reused even if a later step fails.
   * @throws SigilError `SFRAME_UNKNOWN_KEY_ID` if there is no send key under `kid`.
   * @throws SigilError `SFRAME_COUNTER_EXHAUSTED` if the key has used CTR 2^64 - 1.
   * @throws SigilError `INVALID_ARGUMENT` if `metadata` or `plaintext` is not bytes.
   */
  encrypt(kid: bigint, metadata: Uint8Array, plaintext: Uint8Array): Uint8Array {
    requireBytes(metadata, 'metadata');
    requireBytes(plaintext, 'plaintext');
    const entry = this.#send.get(kid);
    if (entry === undefined) throw unknownKey(kid, 'send');
    const ctr = entry.next;
    if (ctr > SFRAME_MAX_UINT64) {
      throw new SigilError('SFRAME_COUNTER_EXHAUSTED', 'SFrame send counter is exhausted', {
        details: { kid: kid.toString() },
      });
    }
    entry.next = ctr + 1n;
    const header = encodeSFrameHeader(kid, ctr);
    const sealed = this.suite.seal(
      entry.key,
      sframeNonce(entry.salt, ctr),
      concat(header, metadata),
      plaintext,
    );
    return concat(header, sealed);
  }

  /**
   * decrypt(metadata, sframe_ciphertext) of §4.4.4: parses the header, selects the receive key
   * by KID, checks the replay window, authenticates and decrypts, and only then records the CTR.
   * On any error nothing changes; §4.4.4 says to discard such a frame (an unknown KID may be
   * buffered until its key arrives).
   * @throws SigilError `SFRAME_HEADER_INVALID` if the header does not parse.
   * @throws SigilError `SFRAME_UNKNOWN_KEY_ID` if there is no receive key for the KID (a send
   *   key does not count: keys are never used in both directions, §4.4.1), or an on-demand key
   *   would exceed the receive key limit.
   * @throws SigilError `SFRAME_REPLAY` if the (KID, CTR) was already accepted.
   * @throws SigilError `SFRAME_COUNTER_TOO_OLD` if the CTR is below the replay window.
   * @throws SigilError `AEAD_AUTHENTICATION_FAILED` if the tag does not verify (tampered header,
   *   metadata or ciphertext, wrong key, or a frame shorter than the tag).
   * @throws SigilError `INVALID_ARGUMENT` if `metadata` or `ciphertext` is not bytes.
   */
  decrypt(metadata: Uint8Array, ciphertext: Uint8Array): SFrameDecrypted {
    requireBytes(metadata, 'metadata');
    requireBytes(ciphertext, 'ciphertext');
    const { kid, ctr, length } = decodeSFrameHeader(ciphertext);
    let entry = this.#receive.get(kid);
    let resolved = false;
    if (entry === undefined) {
      const baseKey = this.#send.has(kid) ? undefined : this.#resolve?.(kid);
      if (baseKey === undefined) throw unknownKey(kid, 'receive');
      if (this.#receive.size >= this.#maxReceiveKeys) {
        throw new SigilError('SFRAME_UNKNOWN_KEY_ID', 'SFrame receive key limit reached', {
          details: { kid: kid.toString(), direction: 'receive', limit: this.#maxReceiveKeys },
        });
      }
      const { key, salt } = deriveSFrameKeySalt(this.suite, kid, baseKey);
      entry = { key, salt, highest: undefined, seen: 0n };
      resolved = true;
    }
    checkWindow(entry, kid, ctr);
    const header = ciphertext.subarray(0, length);
    let plaintext: Uint8Array;
    try {
      plaintext = this.suite.open(
        entry.key,
        sframeNonce(entry.salt, ctr),
        concat(header, metadata),
        ciphertext.subarray(length),
      );
    } catch (error) {
      if (resolved) {
        entry.key.fill(0);
        entry.salt.fill(0);
      }
      throw error;
    }
    recordWindow(entry, ctr);
    if (resolved) this.#receive.set(kid, entry);
    return { kid, ctr, plaintext };
  }

  /** A redacted summary: the suite and the number of keys, never key material. */
  toJSON(): { cipherSuite: number; sendKeys: number; receiveKeys: number } {
    return {
      cipherSuite: this.suite.id,
      sendKeys: this.#send.size,
      receiveKeys: this.#receive.size,
    };
  }

  [inspectSymbol](): string {
    const { cipherSuite, sendKeys, receiveKeys } = this.toJSON();
    return `SFrameContext(suite ${cipherSuite}, ${sendKeys} send / ${receiveKeys} receive keys, [redacted])`;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
