/**
 * HPKE encryption contexts (RFC 9180 §5.2, §5.3): a sender context seals, a recipient context
 * opens, both export secrets. Each message uses the nonce base_nonce XOR I2OSP(seq, Nn) and the
 * sequence number advances only after a successful seal or open, so a forged ciphertext changes
 * no state. Contexts print as `[redacted]` (STYLE.md §7).
 *
 * Contexts come from the setup functions of `createHpke`; this module only defines them.
 *
 * @example
 * ```ts
 * const sender = hpke.setupBaseS(pkR, info);
 * const ct = sender.seal(aad, plaintext);
 * const recipient = hpke.setupBaseR(sender.enc, recipientKeyPair, info);
 * recipient.open(aad, ct); // plaintext
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { AeadAlgorithm, CryptoProvider } from '../provider.ts';
import type { KeyScheduleOutput } from './key-schedule.ts';
import { type LabeledKdf, requireBytes } from './labeled.ts';
import type { HpkeSuite, ResolvedSuite } from './suite.ts';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');
const REDACTED = '[redacted]';

/** What a context needs: the suite, its key-schedule KDF and the key-schedule output. */
export interface ContextInit {
  readonly provider: CryptoProvider;
  readonly suite: ResolvedSuite;
  /** LabeledExpand bound to the suite's suite_id (for Export). */
  readonly kdf: LabeledKdf;
  readonly secrets: KeyScheduleOutput;
}

/** 2^(8*Nn) - 1 by Nn, computed once per nonce length (BigInt work off the per-setup path). */
const seqLimits = new Map<number, bigint>();

function seqLimitFor(nonceLength: number): bigint {
  let limit = seqLimits.get(nonceLength);
  if (limit === undefined) {
    limit = (1n << BigInt(8 * nonceLength)) - 1n;
    seqLimits.set(nonceLength, limit);
  }
  return limit;
}

/** The mutable state behind a context. Never leaves this module except through the test hook. */
class ContextState {
  readonly init: ContextInit;
  /** seq: the number of messages sealed or opened so far. */
  seq = 0n;
  /**
   * Largest usable seq is 2^(8*Nn) - 2: RFC 9180 §5.2 IncrementSeq raises once seq reaches
   * 2^(8*Nn) - 1, so no message is ever returned for that value.
   */
  readonly seqLimit: bigint;

  constructor(init: ContextInit) {
    this.init = init;
    this.seqLimit = seqLimitFor(init.suite.aead.nonceLength);
  }

  /** The AEAD, or HPKE_EXPORT_ONLY for an export-only suite. */
  algorithm(): AeadAlgorithm {
    const algorithm = this.init.suite.aead.algorithm;
    if (algorithm === undefined) {
      throw new SigilError('HPKE_EXPORT_ONLY', 'this HPKE context is export-only');
    }
    return algorithm;
  }

  /** ComputeNonce(seq) = base_nonce XOR I2OSP(seq, Nn) (§5.2), after the message limit check. */
  nonce(): Uint8Array {
    if (this.seq >= this.seqLimit) {
      throw new SigilError('HPKE_MESSAGE_LIMIT_REACHED', 'HPKE context message limit reached');
    }
    const nonce = Uint8Array.from(this.init.secrets.baseNonce);
    let seq = this.seq;
    for (let i = nonce.length - 1; i >= 0 && seq > 0n; i--) {
      nonce[i] = (nonce[i] as number) ^ Number(seq & 0xffn);
      seq >>= 8n;
    }
    return nonce;
  }

  seal(aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const algorithm = this.algorithm();
    const { provider, secrets } = this.init;
    const ct = provider.aead.seal(algorithm, secrets.key, this.nonce(), plaintext, aad);
    this.seq += 1n;
    return ct;
  }

  open(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    const algorithm = this.algorithm();
    const { provider, secrets } = this.init;
    let plaintext: Uint8Array;
    try {
      plaintext = provider.aead.open(algorithm, secrets.key, this.nonce(), ciphertext, aad);
    } catch (err) {
      if (SigilError.is(err, 'AEAD_AUTHENTICATION_FAILED')) {
        throw new SigilError('HPKE_OPEN_FAILED', 'HPKE open failed', { cause: err });
      }
      throw err;
    }
    // Only now: a failed open leaves seq where it was (§5.2).
    this.seq += 1n;
    return plaintext;
  }

  export(exporterContext: Uint8Array, length: number): Uint8Array {
    requireBytes(exporterContext, 'exporterContext');
    // LabeledExpand checks L <= 255*Nh and raises INVALID_OUTPUT_LENGTH (§5.3).
    return this.init.kdf.expand(this.init.secrets.exporterSecret, 'sec', exporterContext, length);
  }
}

let stateOf: (context: HpkeContext) => ContextState;

/** What sender and recipient contexts share: the suite, the sequence number and Export. */
export class HpkeContext {
  readonly #state: ContextState;

  static {
    stateOf = (context) => context.#state;
  }

  /** Not for direct use: contexts come from the setup functions of `createHpke`. */
  constructor(init: ContextInit) {
    this.#state = new ContextState(init);
  }

  /** The cipher suite of this context. */
  get suite(): HpkeSuite {
    const { kem, kdf, aead } = this.#state.init.suite;
    return { kem: kem.name, kdf: kdf.name, aead: aead.name };
  }

  /** seq (§5.2): messages sealed or opened so far. Not secret. */
  get sequenceNumber(): bigint {
    return this.#state.seq;
  }

  /**
   * Export(exporter_context, L) (§5.3): an L-byte secret bound to this context and
   * `exporterContext`. Works in every mode and for export-only suites.
   * @throws SigilError `INVALID_OUTPUT_LENGTH` if `length` is not an integer in [0, 255*Nh].
   * @throws SigilError `INVALID_ARGUMENT` if `exporterContext` is not a Uint8Array.
   */
  export(exporterContext: Uint8Array, length: number): Uint8Array {
    return this.#state.export(exporterContext, length);
  }

  /** A description without secrets. */
  toJSON(): { type: string; suite: HpkeSuite; sequenceNumber: string; secrets: string } {
    return {
      type: this.constructor.name,
      suite: this.suite,
      sequenceNumber: this.sequenceNumber.toString(),
      secrets: REDACTED,
    };
  }

  /** A description without secrets. */
  toString(): string {
    const { kem, kdf, aead } = this.suite;
    return `${this.constructor.name} { suite: ${kem}, ${kdf}, ${aead}; sequenceNumber: ${this.sequenceNumber}; secrets: ${REDACTED} }`;
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/** A sender's context (ContextS, §5.2): seals messages to the recipient, in order. */
export class HpkeSenderContext extends HpkeContext {
  /** enc (Nenc bytes): the encapsulated key the recipient needs to set up its context. */
  readonly enc: Uint8Array;

  /** Not for direct use: contexts come from the setup functions of `createHpke`. */
  constructor(init: ContextInit, enc: Uint8Array) {
    super(init);
    this.enc = enc;
  }

  /**
   * Seal(aad, pt) (§5.2): encrypts the next message; the ciphertext is Nt bytes longer.
   * @throws SigilError `HPKE_EXPORT_ONLY` for an export-only suite.
   * @throws SigilError `HPKE_MESSAGE_LIMIT_REACHED` once 2^(8*Nn) - 1 messages were sealed.
   * @throws SigilError `INVALID_ARGUMENT` if `aad` or `plaintext` is not a Uint8Array.
   */
  seal(aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    return stateOf(this).seal(aad, plaintext);
  }
}

/** A recipient's context (ContextR, §5.2): opens the sender's messages, in order. */
export class HpkeRecipientContext extends HpkeContext {
  /**
   * Open(aad, ct) (§5.2): decrypts the next message. A failure leaves the sequence number
   * unchanged, so the genuine message can still be opened afterwards.
   * @throws SigilError `HPKE_OPEN_FAILED` (cause: `AEAD_AUTHENTICATION_FAILED`) if the
   *   ciphertext, `aad`, or the context (wrong key, PSK, enc or order) does not match.
   * @throws SigilError `HPKE_EXPORT_ONLY` for an export-only suite.
   * @throws SigilError `HPKE_MESSAGE_LIMIT_REACHED` once 2^(8*Nn) - 1 messages were opened.
   * @throws SigilError `INVALID_ARGUMENT` if `aad` or `ciphertext` is not a Uint8Array.
   */
  open(aad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    return stateOf(this).open(aad, ciphertext);
  }
}

/**
 * Test hook: copies of a context's key, base_nonce and exporter_secret. Exported only through
 * `hpke/internal.ts`, never from `@sigil/crypto/hpke`.
 */
export function unsafeContextSecrets(context: HpkeContext): KeyScheduleOutput {
  const { secrets } = stateOf(context).init;
  return {
    key: Uint8Array.from(secrets.key),
    baseNonce: Uint8Array.from(secrets.baseNonce),
    exporterSecret: Uint8Array.from(secrets.exporterSecret),
  };
}

/**
 * Test hook: sets seq, to reach the message limit without 2^96 messages. Reusing a sequence
 * number reuses a nonce: tests only. Exported only through `hpke/internal.ts`.
 */
export function unsafeSetSequenceNumber(context: HpkeContext, seq: bigint): void {
  stateOf(context).seq = seq;
}
