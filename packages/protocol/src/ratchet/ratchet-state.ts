/**
 * The runtime state of one Double Ratchet (spec/one-to-one.md §5, §5.2) and its conversion to
 * and from the persisted `RatchetStateV1` of `@sigil/wire/formats` (§7).
 *
 * A {@link RatchetState} is an immutable value: `ratchetEncrypt` and `ratchetDecrypt` return a
 * new one and never change the one they were given, so a failed decrypt leaves nothing to roll
 * back and an old state stays valid (it re-encodes to the same bytes). States share the byte
 * arrays they do not change, which is why nothing here ever writes into a stored array.
 *
 * The state prints as `RatchetState { [redacted] }`: it holds root, chain and message keys and
 * the ratchet secret keys, which only {@link ratchetStateToRecord} hands out (for sealing).
 *
 * @example
 * ```ts
 * const record = ratchetStateToRecord(state); // RatchetStateV1, for a SessionStateV1
 * const again = ratchetStateFromRecord(record, associatedData);
 * ```
 * @module
 */
import { KeyPair } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { encode, optional, uint32 } from '@sigil/wire';
import {
  KemStep,
  KeyType,
  type RatchetStateV1,
  type ReceiverChainV1,
  X25519PublicKey,
} from '@sigil/wire/formats';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');
const OptionalKemStep = optional(KemStep);

/** A message key kept for a skipped message. */
export interface SkippedKey {
  /** The message's counter N. */
  readonly counter: number;
  /** Its message key mk. */
  readonly messageKey: Uint8Array;
}

/** One receiving chain (one peer ratchet key). */
export interface ReceiverChain {
  /** The peer's X25519 ratchet public key (DHr). */
  readonly ratchetKey: Uint8Array;
  /** CKr for message `nextCounter`. */
  readonly chainKey: Uint8Array;
  /** Nr: the next counter not yet derived. */
  readonly nextCounter: number;
  /** Keys of skipped messages, ascending counter. */
  readonly skippedKeys: readonly SkippedKey[];
}

/** The sending chain, with its header bytes precomputed (they are the same for every message). */
export interface SenderChain {
  /** CKs for message `nextCounter`. */
  readonly chainKey: Uint8Array;
  /** Ns: the counter of the next message. */
  readonly nextCounter: number;
  /** The post-quantum step every message of the chain carries, if any. */
  readonly kem: KemStep | undefined;
  /** `encode(ratchetKey) || uint32(previousCounter)`: the header before `counter`. */
  readonly headerPrefix: Uint8Array;
  /** `encode(optional<KemStep> kem)`: the header after `counter`. */
  readonly headerSuffix: Uint8Array;
}

/** Everything a {@link RatchetState} holds. Internal to the ratchet. */
export interface RatchetData {
  /** AD of the session (spec §4), the prefix of every message's AAD. */
  readonly associatedData: Uint8Array;
  /** RK. */
  readonly rootKey: Uint8Array;
  /** DHs: the current X25519 ratchet key pair. */
  readonly ratchetKeyPair: KeyPair;
  /** The current sending chain; `undefined` when the next message starts a new one. */
  readonly senderChain: SenderChain | undefined;
  /** PN for the current (or next) sending chain. */
  readonly previousCounter: number;
  /** Receiving chains, oldest first, at most MAX_RECEIVER_CHAINS. */
  readonly receiverChains: readonly ReceiverChain[];
  /** This party's ML-KEM-1024 ratchet key pair (seed form), once advertised. */
  readonly kemKeyPair: KeyPair | undefined;
  /** The peer's last advertised ML-KEM-1024 key. */
  readonly peerKemKey: Uint8Array | undefined;
  /** Sending chains started since this party's last KEM step. */
  readonly chainsSinceKemStep: number;
  /** Whether the next sending chain must be a post-quantum step. */
  readonly kemStepRequested: boolean;
}

let readData: (state: RatchetState) => RatchetData;
let makeState: (data: RatchetData) => RatchetState;

/**
 * The state of one Double Ratchet: an immutable value that prints redacted. Create one with
 * `initializeInitiator` / `initializeResponder`, advance it with `ratchetEncrypt` /
 * `ratchetDecrypt`, persist it with {@link ratchetStateToRecord}.
 */
export class RatchetState {
  readonly #data: RatchetData;

  private constructor(data: RatchetData) {
    this.#data = data;
  }

  static {
    readData = (state) => state.#data;
    makeState = (data) => new RatchetState(data);
  }

  /** The session's associated data AD (public: it names both devices). */
  get associatedData(): Uint8Array {
    return this.#data.associatedData.slice();
  }

  /**
   * Whether a sending chain is open: false before the responder's first reply, and after a new
   * peer ratchet key arrived until the next message is sent.
   */
  get hasSendingChain(): boolean {
    return this.#data.senderChain !== undefined;
  }

  /** `JSON.stringify` shows no secret. */
  toJSON(): string {
    return 'RatchetState [redacted]';
  }

  /** `String(state)` shows no secret. */
  toString(): string {
    return 'RatchetState [redacted]';
  }

  /** `util.inspect` / `console.log` show no secret. */
  [inspectSymbol](): string {
    return 'RatchetState { [redacted] }';
  }
}

/** The data of a state. Internal to the ratchet: never hand it to callers. */
export function ratchetData(state: RatchetState): RatchetData {
  if (!(state instanceof RatchetState)) {
    throw new SigilError('INVALID_ARGUMENT', 'expected a RatchetState');
  }
  return readData(state);
}

/** A state holding `data`. Internal to the ratchet. */
export function createRatchetState(data: RatchetData): RatchetState {
  return makeState(data);
}

/** The header bytes before and after `counter` for a chain under `ratchetPublicKey`. */
export function headerParts(
  ratchetPublicKey: Uint8Array,
  previousCounter: number,
  kem: KemStep | undefined,
): { headerPrefix: Uint8Array; headerSuffix: Uint8Array } {
  const key = encode(X25519PublicKey, { type: KeyType.x25519, key: ratchetPublicKey });
  const headerPrefix = new Uint8Array(key.length + 4);
  headerPrefix.set(key, 0);
  headerPrefix.set(encode(uint32, previousCounter), key.length);
  return { headerPrefix, headerSuffix: encode(OptionalKemStep, kem) };
}

/**
 * The persisted form of a state (`RatchetStateV1`, spec §7). The result holds every secret of
 * the ratchet: encode it into a session record and seal it. The associated data is not part of
 * it (it lives in `SessionStateV1`; read it from `state.associatedData`).
 *
 * The returned value shares byte arrays with the state: do not modify them.
 */
export function ratchetStateToRecord(state: RatchetState): RatchetStateV1 {
  const data = ratchetData(state);
  const sender = data.senderChain;
  return {
    rootKey: data.rootKey,
    ratchetKeyPair: {
      publicKey: data.ratchetKeyPair.publicKey,
      secretKey: data.ratchetKeyPair.secretKey,
    },
    senderChain:
      sender === undefined
        ? undefined
        : { chainKey: sender.chainKey, nextCounter: sender.nextCounter, kem: sender.kem },
    previousCounter: data.previousCounter,
    receiverChains: data.receiverChains.map(
      (chain): ReceiverChainV1 => ({
        ratchetKey: chain.ratchetKey,
        chainKey: chain.chainKey,
        nextCounter: chain.nextCounter,
        skippedKeys: chain.skippedKeys,
      }),
    ),
    kemKeyPair:
      data.kemKeyPair === undefined
        ? undefined
        : { publicKey: data.kemKeyPair.publicKey, seed: data.kemKeyPair.secretKey },
    peerKemKey: data.peerKemKey,
    chainsSinceKemStep: data.chainsSinceKemStep,
    kemStepRequested: data.kemStepRequested,
  };
}

/**
 * A state from its persisted form and the session's associated data. The state takes the
 * record's byte arrays as they are (a freshly decoded record owns them); do not modify them
 * afterwards.
 *
 * Records with more receiver chains or skipped keys than the current limits load as they are;
 * the next decrypt trims them.
 * Nothing is recomputed (no key is checked against its secret): records are local data,
 * authenticated when sealed, and loading one must stay cheap on the per-message path.
 */
export function ratchetStateFromRecord(
  record: RatchetStateV1,
  associatedData: Uint8Array,
): RatchetState {
  const pair = record.ratchetKeyPair;
  const sender = record.senderChain;
  return createRatchetState({
    associatedData,
    rootKey: record.rootKey,
    ratchetKeyPair: new KeyPair(pair.publicKey, pair.secretKey),
    senderChain:
      sender === undefined
        ? undefined
        : {
            chainKey: sender.chainKey,
            nextCounter: sender.nextCounter,
            kem: sender.kem,
            ...headerParts(pair.publicKey, record.previousCounter, sender.kem),
          },
    previousCounter: record.previousCounter,
    receiverChains: record.receiverChains,
    kemKeyPair:
      record.kemKeyPair === undefined
        ? undefined
        : new KeyPair(record.kemKeyPair.publicKey, record.kemKeyPair.seed),
    peerKemKey: record.peerKemKey,
    chainsSinceKemStep: record.chainsSinceKemStep,
    kemStepRequested: record.kemStepRequested,
  });
}

/** Byte equality of public values (not constant time: never use it on secrets). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
