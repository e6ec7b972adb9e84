/**
 * SFrame keys from MLS (RFC 9605 §5.2): one base key per MLS epoch from the MLS exporter, and a
 * KID per (context, sender, epoch) so that every member encrypts under its own key and salt.
 *
 * ```
 * base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk)
 * KID      = (context << (S + E)) + (sender_index << E) + (epoch % (1 << E))
 * ```
 *
 * E (`epochBits`) is set by the application ({@link SFRAME_DEFAULT_EPOCH_BITS}); S is the
 * smallest value with group_size <= 2^S, where group_size is the epoch's leaf count (the tree
 * width, so every leaf index fits). The context value (default 0, the shortest KID) lets one
 * member send several uncoordinated streams.
 *
 * {@link SFrameMlsContext} holds the keys of up to 2^E epochs. Installing an epoch removes the
 * one with the same low E bits, as §5.2 requires; own frames use the member's own KIDs for
 * sending only, and other members' KIDs are derived on demand for receiving only (§4.4.1).
 * Epochs are installed in increasing order, so a send key can never be reinstalled with its
 * counter back at zero. Replay handling is that of {@link SFrameContext}.
 *
 * Within one epoch, each (context, member) pair names one send key: two SFrame contexts of the
 * same member must not send in the same epoch with the same context value (their counters would
 * collide). Use distinct context values, or persist counters (§9.1).
 *
 * @example
 * ```ts
 * const keys = sframeKeysFromGroup(state, { cipherSuite: 4 });
 * const media = new SFrameMlsContext({ provider, cipherSuite: 4 });
 * media.installEpoch(keys);
 * const frame = media.encrypt(metadata, plaintext);
 * ```
 * @module
 */
import { type CryptoProvider, SecretBytes } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import type { GroupState } from '../group/group-state.ts';
import { mlsExporter } from '../key-schedule.ts';
import { getSFrameCipherSuite, type SFrameCipherSuiteId } from './cipher-suite.ts';
import { SFrameContext } from './context.ts';
import { SFRAME_DEFAULT_EPOCH_BITS, SFRAME_MAX_EPOCH_BITS } from './limits.ts';

/** The exporter label of §5.2. */
export const SFRAME_BASE_KEY_LABEL = 'SFrame 1.0 Base Key';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/** Options of {@link sframeKeysFromGroup} and {@link SFrameMlsContext}. */
export interface SFrameMlsOptions {
  /** The SFrame cipher suite (1-5, RFC 9605 §4.5); it sets the base key length AEAD.Nk. */
  readonly cipherSuite: number;
  /** E: low-order epoch bits in each KID (default {@link SFRAME_DEFAULT_EPOCH_BITS}). */
  readonly epochBits?: number;
}

/** The SFrame keying of one MLS epoch for one member. `baseKey` is secret. */
export interface SFrameEpochKeys {
  readonly cipherSuite: SFrameCipherSuiteId;
  /** The MLS epoch. */
  readonly epoch: bigint;
  /** E: low-order epoch bits in each KID. */
  readonly epochBits: number;
  /** S: bits of the sender index, the smallest with leafCount <= 2^S. */
  readonly indexBits: number;
  /** This member's leaf index (its KIDs are for sending only). */
  readonly ownLeafIndex: number;
  /** Leaf indices of every member of the epoch (non-blank leaves), own included, ascending. */
  readonly memberLeaves: readonly number[];
  /** base_key = MLS-Exporter("SFrame 1.0 Base Key", "", AEAD.Nk). */
  readonly baseKey: SecretBytes;
}

/** The parts of an MLS-scheme KID (§5.2, Figure 8). */
export interface SFrameMlsKeyIdParts {
  /** The context value (the top 64 - S - E bits). */
  readonly contextId: bigint;
  /** The sender's leaf index (S bits). */
  readonly leafIndex: number;
  /** epoch % 2^E (E bits). */
  readonly epochLowBits: number;
}

/** The KID layout of one epoch: E and S. */
export interface SFrameKeyIdLayout {
  readonly epochBits: number;
  readonly indexBits: number;
}

function requireEpochBits(epochBits: unknown): number {
  if (
    typeof epochBits !== 'number' ||
    !Number.isInteger(epochBits) ||
    epochBits < 0 ||
    epochBits > SFRAME_MAX_EPOCH_BITS
  ) {
    throw new SigilError(
      'INVALID_ARGUMENT',
      `epochBits must be an integer in [0, ${SFRAME_MAX_EPOCH_BITS}]`,
    );
  }
  return epochBits;
}

/** S for a group of `leafCount` leaves: the smallest S with leafCount <= 2^S. */
function indexBitsFor(leafCount: number): number {
  let bits = 0;
  while (2 ** bits < leafCount) bits += 1;
  return bits;
}

/**
 * KID = (context << (S + E)) + (sender_index << E) + (epoch % (1 << E)) (§5.2).
 * @throws SigilError `INVALID_ARGUMENT` if the leaf index needs more than S bits or the context
 *   more than 64 - S - E bits.
 */
export function sframeMlsKeyId(
  layout: SFrameKeyIdLayout,
  epoch: bigint,
  leafIndex: number,
  contextId = 0n,
): bigint {
  const e = BigInt(layout.epochBits);
  const s = BigInt(layout.indexBits);
  if (!Number.isInteger(leafIndex) || leafIndex < 0 || BigInt(leafIndex) >= 1n << s) {
    throw new SigilError('INVALID_ARGUMENT', `leafIndex must fit in ${layout.indexBits} bits`);
  }
  if (typeof contextId !== 'bigint' || contextId < 0n || contextId >= 1n << (64n - s - e)) {
    throw new SigilError(
      'INVALID_ARGUMENT',
      `contextId must be a bigint in [0, 2^${64 - layout.indexBits - layout.epochBits})`,
    );
  }
  return (contextId << (s + e)) | (BigInt(leafIndex) << e) | (epoch & ((1n << e) - 1n));
}

/** Splits an MLS-scheme KID into context, sender index and epoch bits (§5.2, Figure 8). */
export function parseSFrameMlsKeyId(layout: SFrameKeyIdLayout, kid: bigint): SFrameMlsKeyIdParts {
  const e = BigInt(layout.epochBits);
  const s = BigInt(layout.indexBits);
  return {
    contextId: kid >> (s + e),
    leafIndex: Number((kid >> e) & ((1n << s) - 1n)),
    epochLowBits: Number(kid & ((1n << e) - 1n)),
  };
}

/**
 * The SFrame keys of `state`'s current epoch (§5.2): the base key from the MLS exporter and the
 * KID layout. Reads the group state only.
 * @throws SigilError `UNSUPPORTED_ALGORITHM` if `options.cipherSuite` is not an SFrame suite 1-5.
 * @throws SigilError `INVALID_ARGUMENT` if `epochBits` is out of range or the index bits leave
 *   no room in 64 bits.
 */
export function sframeKeysFromGroup(state: GroupState, options: SFrameMlsOptions): SFrameEpochKeys {
  const suite = getSFrameCipherSuite(state.suite.provider, options.cipherSuite);
  const epochBits = requireEpochBits(options.epochBits ?? SFRAME_DEFAULT_EPOCH_BITS);
  const { tree } = state;
  const indexBits = indexBitsFor(tree.leafCount);
  if (indexBits + epochBits > 64) {
    throw new SigilError('INVALID_ARGUMENT', 'epochBits + index bits exceed 64');
  }
  const memberLeaves: number[] = [];
  for (let leaf = 0; leaf < tree.leafCount; leaf += 1) {
    if (tree.leafNode(leaf) !== undefined) memberLeaves.push(leaf);
  }
  const baseKey = mlsExporter(
    state.suite,
    state.epochSecrets.exporterSecret,
    SFRAME_BASE_KEY_LABEL,
    new Uint8Array(0),
    suite.keyLength,
  );
  return {
    cipherSuite: suite.id,
    epoch: state.groupContext.epoch,
    epochBits,
    indexBits,
    ownLeafIndex: state.ownLeafIndex,
    memberLeaves,
    baseKey: new SecretBytes(baseKey),
  };
}

/** A frame decrypted by an {@link SFrameMlsContext}. */
export interface SFrameMlsDecrypted {
  readonly kid: bigint;
  readonly ctr: bigint;
  readonly plaintext: Uint8Array;
  /** The MLS epoch whose keys decrypted it. */
  readonly epoch: bigint;
  /** The sender's leaf index, from the authenticated KID (§6.1.1; not a signature, §7.2). */
  readonly senderLeafIndex: number;
  readonly contextId: bigint;
}

interface EpochEntry {
  readonly epoch: bigint;
  readonly layout: SFrameKeyIdLayout;
  readonly ownLeafIndex: number;
  readonly members: ReadonlySet<number>;
  readonly baseKey: Uint8Array;
}

/** SFrame media keys of an MLS group, epoch by epoch (§5.2). See the module comment. */
export class SFrameMlsContext {
  readonly #frames: SFrameContext;
  readonly #epochBits: number;
  readonly #mask: bigint;
  /** Installed epochs by epoch % 2^E. */
  readonly #epochs = new Map<bigint, EpochEntry>();
  #newest: bigint | undefined;

  /**
   * @throws SigilError `UNSUPPORTED_ALGORITHM` if the cipher suite is not 1-5.
   * @throws SigilError `INVALID_ARGUMENT` if `epochBits` is out of range.
   */
  constructor(options: SFrameMlsOptions & { readonly provider: CryptoProvider }) {
    this.#epochBits = requireEpochBits(options.epochBits ?? SFRAME_DEFAULT_EPOCH_BITS);
    this.#mask = (1n << BigInt(this.#epochBits)) - 1n;
    this.#frames = new SFrameContext({
      provider: options.provider,
      cipherSuite: options.cipherSuite,
      resolveReceiveKey: (kid) => this.#resolve(kid),
    });
  }

  /** The newest installed epoch, if any: the one `encrypt` uses by default. */
  get newestEpoch(): bigint | undefined {
    return this.#newest;
  }

  /** Whether the keys of `epoch` are installed. */
  hasEpoch(epoch: bigint): boolean {
    return this.#epochs.get(epoch & this.#mask)?.epoch === epoch;
  }

  #resolve(kid: bigint): Uint8Array | undefined {
    const entry = this.#epochs.get(kid & this.#mask);
    if (entry === undefined) return undefined;
    const { leafIndex } = parseSFrameMlsKeyId(entry.layout, kid);
    // Own KIDs are for sending only (§4.4.1); other KIDs must name a member of the epoch.
    if (leafIndex === entry.ownLeafIndex || !entry.members.has(leafIndex)) return undefined;
    return entry.baseKey;
  }

  /**
   * Installs the keys of an epoch, removing (and wiping) those of the installed epoch with the
   * same low E bits (§5.2: "receivers MUST remove an old epoch when a new epoch with the same
   * low-order E bits is introduced"). The base key is copied: the caller may wipe `keys`.
   * @throws SigilError `INVALID_ARGUMENT` if `keys` has another cipher suite or E, or if its
   *   epoch is not newer than every epoch installed before (reinstalling would restart counters).
   */
  installEpoch(keys: SFrameEpochKeys): void {
    if (keys.cipherSuite !== this.#frames.suite.id || keys.epochBits !== this.#epochBits) {
      throw new SigilError('INVALID_ARGUMENT', 'keys are for another cipher suite or epochBits');
    }
    if (this.#newest !== undefined && keys.epoch <= this.#newest) {
      throw new SigilError(
        'INVALID_ARGUMENT',
        'SFrame epochs must be installed in increasing order',
        { details: { epoch: keys.epoch.toString(), newest: this.#newest.toString() } },
      );
    }
    const tag = keys.epoch & this.#mask;
    const previous = this.#epochs.get(tag);
    if (previous !== undefined) this.removeEpoch(previous.epoch);
    this.#epochs.set(tag, {
      epoch: keys.epoch,
      layout: { epochBits: keys.epochBits, indexBits: keys.indexBits },
      ownLeafIndex: keys.ownLeafIndex,
      members: new Set(keys.memberLeaves),
      baseKey: Uint8Array.from(keys.baseKey.expose()),
    });
    this.#newest = keys.epoch;
  }

  /** Removes and wipes every key of `epoch`. Returns whether it was installed. */
  removeEpoch(epoch: bigint): boolean {
    const tag = epoch & this.#mask;
    const entry = this.#epochs.get(tag);
    if (entry === undefined || entry.epoch !== epoch) return false;
    this.#frames.removeKeys((kid) => (kid & this.#mask) === tag);
    entry.baseKey.fill(0);
    this.#epochs.delete(tag);
    return true;
  }

  /**
   * Encrypts a frame as this member under its KID for `contextId` (default 0) in `epoch`
   * (default the newest installed), with that KID's next counter.
   * @throws SigilError `SFRAME_UNKNOWN_KEY_ID` if the epoch is not installed.
   * @throws SigilError `SFRAME_COUNTER_EXHAUSTED`, `INVALID_ARGUMENT` as {@link SFrameContext.encrypt}.
   */
  encrypt(
    metadata: Uint8Array,
    plaintext: Uint8Array,
    options: { readonly contextId?: bigint; readonly epoch?: bigint } = {},
  ): Uint8Array {
    const epoch = options.epoch ?? this.#newest;
    const entry = epoch === undefined ? undefined : this.#epochs.get(epoch & this.#mask);
    if (epoch === undefined || entry === undefined || entry.epoch !== epoch) {
      throw new SigilError('SFRAME_UNKNOWN_KEY_ID', 'no SFrame keys installed for this epoch', {
        details: { epoch: String(epoch) },
      });
    }
    const kid = sframeMlsKeyId(entry.layout, epoch, entry.ownLeafIndex, options.contextId ?? 0n);
    if (!this.#frames.hasSendKey(kid)) this.#frames.addSendKey(kid, entry.baseKey);
    return this.#frames.encrypt(kid, metadata, plaintext);
  }

  /**
   * Decrypts a frame of another member of an installed epoch.
   * @throws SigilError `SFRAME_UNKNOWN_KEY_ID` if the KID names no installed epoch, no member,
   *   or this member itself.
   * @throws SigilError `SFRAME_HEADER_INVALID`, `SFRAME_REPLAY`, `SFRAME_COUNTER_TOO_OLD`,
   *   `AEAD_AUTHENTICATION_FAILED`, `INVALID_ARGUMENT` as {@link SFrameContext.decrypt}.
   */
  decrypt(metadata: Uint8Array, ciphertext: Uint8Array): SFrameMlsDecrypted {
    const frame = this.#frames.decrypt(metadata, ciphertext);
    const entry = this.#epochs.get(frame.kid & this.#mask);
    if (entry === undefined) throw new SigilError('INTERNAL', 'decrypted without an epoch');
    const parts = parseSFrameMlsKeyId(entry.layout, frame.kid);
    return {
      ...frame,
      epoch: entry.epoch,
      senderLeafIndex: parts.leafIndex,
      contextId: parts.contextId,
    };
  }

  /** A redacted summary: never key material. */
  toJSON(): { cipherSuite: number; epochs: string[] } {
    return {
      cipherSuite: this.#frames.suite.id,
      epochs: [...this.#epochs.values()].map((entry) => entry.epoch.toString()),
    };
  }

  [inspectSymbol](): string {
    const { cipherSuite, epochs } = this.toJSON();
    return `SFrameMlsContext(suite ${cipherSuite}, epochs [${epochs.join(', ')}], [redacted])`;
  }
}
