/**
 * The Double Ratchet with Sigil's post-quantum step (spec/one-to-one.md §5, §5.1, §5.2), as a
 * pure state machine: every function takes a {@link RatchetState} and returns a new one, and a
 * call that throws leaves nothing changed (the old state stays valid and re-encodes to the same
 * bytes). The caller persists the new state, then acknowledges the message.
 *
 * Sending chains start lazily: a party that receives a new peer ratchet key opens its receiving
 * chain at once and its next sending chain (the DH step, and the PQ step when due) only when it
 * next sends. So `ratchetDecrypt` draws no randomness, and `ratchetEncrypt` draws, in this
 * order, when it starts a chain: 32 bytes (the X25519 ratchet secret), then for a PQ step 32
 * bytes (the ML-KEM encapsulation randomness m), then for a PQ step or the party's first KEM
 * advertisement 64 bytes (the seed of its next ML-KEM-1024 key pair). `initializeInitiator`
 * draws 32 bytes (ratchet secret) then 64 (KEM seed).
 *
 * Per message on an open chain the work is one KDF_CK, one MessageKeys and one AEAD.
 *
 * @example
 * ```ts
 * let alice = initializeInitiator(ctx, { sharedSecret, associatedData, peerRatchetKey: spk });
 * let bob = initializeResponder(ctx, { sharedSecret, associatedData, ownRatchetKeyPair: spkPair });
 * const sent = ratchetEncrypt(ctx, alice, text);
 * alice = sent.state;
 * const received = ratchetDecrypt(ctx, bob, sent.message); // throws on any failure
 * bob = received.state;
 * ```
 * @module
 */
import { KeyPair } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { decode, varintBytes, varintSize } from '@sigil/wire';
import { type KemStep, KeyType, type RatchetHeader, RatchetMessage } from '@sigil/wire/formats';
import { encapsulate, type ProtocolContext, resolveContext } from '../context.ts';
import { PQ_STEP_INTERVAL } from '../limits.ts';
import { pad, unpad } from '../padding.ts';
import { kdfCk } from './chain-key.ts';
import { deriveMessageKeys } from './message-keys.ts';
import {
  createRatchetState,
  headerParts,
  type RatchetData,
  type RatchetState,
  type ReceiverChain,
  ratchetData,
  type SenderChain,
} from './ratchet-state.ts';
import {
  advanceTo,
  checkJump,
  findChain,
  findSkipped,
  skipTo,
  trimChains,
  withoutSkipped,
} from './receiver-chains.ts';
import { kdfRk } from './root-key.ts';

const EMPTY: Uint8Array = new Uint8Array(0);
const VERSION_BYTE = 1;
const MAX_COUNTER = 0xffff_ffff;

/** Inputs of {@link initializeInitiator}. */
export interface InitiatorParams {
  /** SK from PQXDH (32 bytes): the first root key. */
  readonly sharedSecret: Uint8Array;
  /** AD from PQXDH: the prefix of every message's AAD. */
  readonly associatedData: Uint8Array;
  /** The responder's signed prekey SPK_B (X25519, 32 bytes): its first ratchet key. */
  readonly peerRatchetKey: Uint8Array;
}

/** Inputs of {@link initializeResponder}. */
export interface ResponderParams {
  /** SK from PQXDH (32 bytes). */
  readonly sharedSecret: Uint8Array;
  /** AD from PQXDH. */
  readonly associatedData: Uint8Array;
  /** The signed prekey pair SPK_B: the responder's first ratchet key pair. */
  readonly ownRatchetKeyPair: KeyPair;
}

/** Options of {@link ratchetEncrypt}. */
export interface EncryptOptions {
  /**
   * Make the next sending chain a post-quantum step whatever the interval (spec §5.2). If this
   * message starts a chain, it is that chain; otherwise the request is kept in the state until
   * the next chain starts (a chain can only start after the peer's next ratchet key arrives).
   */
  readonly forcePqStep?: boolean;
}

/** The result of {@link ratchetEncrypt}. */
export interface EncryptResult {
  /** The state to persist. */
  readonly state: RatchetState;
  /** The encoded `RatchetMessage`. */
  readonly message: Uint8Array;
}

/** The result of {@link ratchetDecrypt}. */
export interface DecryptResult {
  /** The state to persist before acknowledging the message. */
  readonly state: RatchetState;
  /** The plaintext, unpadded. */
  readonly plaintext: Uint8Array;
}

function requireLength(value: Uint8Array, length: number, name: string): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new SigilError('INVALID_KEY_LENGTH', `${name} must be ${length} bytes`);
  }
}

/**
 * The initiator's state (spec §5): root key SK, then a DH ratchet step against the responder's
 * signed prekey opens its first sending chain, whose messages advertise its first KEM ratchet
 * key (`kem` with an empty ciphertext, §5.2).
 *
 * @throws SigilError `INVALID_KEY_LENGTH` for a wrong-size secret or key,
 *   `X25519_LOW_ORDER_POINT` if `peerRatchetKey` is a low-order point.
 */
export function initializeInitiator(ctx: ProtocolContext, params: InitiatorParams): RatchetState {
  requireLength(params.sharedSecret, 32, 'sharedSecret');
  requireLength(params.peerRatchetKey, 32, 'peerRatchetKey');
  const resolved = resolveContext(ctx);
  const { crypto } = resolved;
  const ratchetKeyPair = x25519KeyPair(crypto, resolved.random(32));
  const kemKeyPair = crypto.mlkem.generateKeyPair('ml-kem-1024', resolved.random(64));
  const dh = crypto.x25519.sharedSecret(ratchetKeyPair.secretKey, params.peerRatchetKey);
  const root = kdfRkFor(crypto, params.sharedSecret, dh, EMPTY);
  const kem: KemStep = {
    ciphertext: EMPTY,
    nextKey: { type: KeyType.mlKem1024, key: kemKeyPair.publicKey },
  };
  return createRatchetState({
    associatedData: params.associatedData.slice(),
    rootKey: root.rootKey,
    ratchetKeyPair,
    senderChain: {
      chainKey: root.chainKey,
      nextCounter: 0,
      kem,
      ...headerParts(ratchetKeyPair.publicKey, 0, kem),
    },
    previousCounter: 0,
    receiverChains: [],
    kemKeyPair,
    peerKemKey: undefined,
    chainsSinceKemStep: 0,
    kemStepRequested: false,
  });
}

/**
 * The responder's state (spec §5): root key SK and the signed prekey pair as ratchet key pair.
 * It cannot send until it has decrypted the initiator's first message. Draws no randomness.
 *
 * @throws SigilError `INVALID_KEY_LENGTH` for a wrong-size secret or key pair.
 */
export function initializeResponder(ctx: ProtocolContext, params: ResponderParams): RatchetState {
  void ctx;
  requireLength(params.sharedSecret, 32, 'sharedSecret');
  requireLength(params.ownRatchetKeyPair.publicKey, 32, 'ownRatchetKeyPair.publicKey');
  requireLength(params.ownRatchetKeyPair.secretKey, 32, 'ownRatchetKeyPair.secretKey');
  return createRatchetState({
    associatedData: params.associatedData.slice(),
    rootKey: params.sharedSecret.slice(),
    ratchetKeyPair: new KeyPair(
      params.ownRatchetKeyPair.publicKey.slice(),
      params.ownRatchetKeyPair.secretKey.slice(),
    ),
    senderChain: undefined,
    previousCounter: 0,
    receiverChains: [],
    kemKeyPair: undefined,
    peerKemKey: undefined,
    chainsSinceKemStep: 0,
    kemStepRequested: false,
  });
}

/**
 * Encrypts one message (spec §5): pads the plaintext, starts a sending chain first if the last
 * peer ratchet key has not been answered yet (a DH step, and a PQ step every
 * PQ_STEP_INTERVAL chains or when asked), and returns the encoded `RatchetMessage`.
 *
 * @throws SigilError `INVALID_ARGUMENT` if the state cannot send yet (a responder before the
 *   first message) or the chain is exhausted (2^32 messages); `X25519_LOW_ORDER_POINT` or
 *   `MLKEM_INVALID_ENCAPSULATION_KEY` (not for keys this ratchet accepted).
 */
export function ratchetEncrypt(
  ctx: ProtocolContext,
  state: RatchetState,
  plaintext: Uint8Array,
  options: EncryptOptions = {},
): EncryptResult {
  let data = ratchetData(state);
  if (options.forcePqStep === true && !data.kemStepRequested) {
    data = { ...data, kemStepRequested: true };
  }
  if (data.senderChain === undefined) data = startSendingChain(ctx, data);
  const chain = data.senderChain as SenderChain;
  if (chain.nextCounter >= MAX_COUNTER) {
    throw new SigilError('INVALID_ARGUMENT', 'sending chain exhausted');
  }
  const { crypto } = ctx;
  const step = kdfCk(crypto, chain.chainKey);
  const keys = deriveMessageKeys(crypto, step.messageKey);

  // aad = AD || header, where header = prefix || uint32(counter) || suffix.
  const ad = data.associatedData;
  const headerLength = chain.headerPrefix.length + 4 + chain.headerSuffix.length;
  const aad = new Uint8Array(ad.length + headerLength);
  aad.set(ad, 0);
  aad.set(chain.headerPrefix, ad.length);
  const counterAt = ad.length + chain.headerPrefix.length;
  new DataView(aad.buffer).setUint32(counterAt, chain.nextCounter);
  aad.set(chain.headerSuffix, counterAt + 4);
  // The nonce is derived with the key: each message key seals exactly one message (§5).
  const body = crypto.aead.seal('aes-256-gcm', keys.key, keys.nonce, pad(plaintext), aad);
  keys.key.fill(0);

  const lengthPrefix = varintBytes(body.length);
  const message = new Uint8Array(1 + headerLength + lengthPrefix.length + body.length);
  message[0] = VERSION_BYTE;
  message.set(aad.subarray(ad.length), 1);
  message.set(lengthPrefix, 1 + headerLength);
  message.set(body, 1 + headerLength + lengthPrefix.length);

  const senderChain: SenderChain = {
    ...chain,
    chainKey: step.chainKey,
    nextCounter: chain.nextCounter + 1,
  };
  return { state: createRatchetState({ ...data, senderChain }), message };
}

/** Opens a new sending chain: the DH step, with the PQ step or KEM advertisement (§5.2). */
function startSendingChain(ctx: ProtocolContext, data: RatchetData): RatchetData {
  const peer = data.receiverChains[data.receiverChains.length - 1];
  if (peer === undefined) {
    throw new SigilError(
      'INVALID_ARGUMENT',
      'cannot send before the first message of the session has been received',
    );
  }
  const resolved = resolveContext(ctx);
  const { crypto } = resolved;
  const ratchetKeyPair = x25519KeyPair(crypto, resolved.random(32));
  const dh = crypto.x25519.sharedSecret(ratchetKeyPair.secretKey, peer.ratchetKey);

  let chainsSinceKemStep = data.chainsSinceKemStep + 1;
  let { kemKeyPair, kemStepRequested } = data;
  let kem: KemStep | undefined;
  let kemSecret = EMPTY;
  const due = kemStepRequested || chainsSinceKemStep >= PQ_STEP_INTERVAL;
  if (due && data.peerKemKey !== undefined) {
    const encapsulated = encapsulate(resolved, data.peerKemKey);
    kemSecret = encapsulated.sharedSecret;
    kemKeyPair = crypto.mlkem.generateKeyPair('ml-kem-1024', resolved.random(64));
    kem = { ciphertext: encapsulated.ciphertext, nextKey: mlKemKey(kemKeyPair) };
    chainsSinceKemStep = 0;
    kemStepRequested = false;
  } else if (kemKeyPair === undefined) {
    // The responder's first chain advertises its first KEM ratchet key (§5.2).
    kemKeyPair = crypto.mlkem.generateKeyPair('ml-kem-1024', resolved.random(64));
    kem = { ciphertext: EMPTY, nextKey: mlKemKey(kemKeyPair) };
    chainsSinceKemStep = 0;
  }
  const root = kdfRkFor(crypto, data.rootKey, dh, kemSecret);
  kemSecret.fill(0);
  return {
    ...data,
    rootKey: root.rootKey,
    ratchetKeyPair,
    senderChain: {
      chainKey: root.chainKey,
      nextCounter: 0,
      kem,
      ...headerParts(ratchetKeyPair.publicKey, data.previousCounter, kem),
    },
    kemKeyPair,
    chainsSinceKemStep,
    kemStepRequested,
  };
}

/**
 * Decrypts one `RatchetMessage` (spec §5). On any failure it throws and `state` is unchanged;
 * on success the returned state has used up the message's key, so the same message again is
 * `DUPLICATE_MESSAGE`.
 *
 * @throws SigilError `UNSUPPORTED_VERSION`; `Codec` codes (`CODEC_TRUNCATED`, ...) and
 *   `UNSUPPORTED_KEY_TYPE` / `INVALID_KEY_LENGTH` for bytes that do not parse;
 *   `DUPLICATE_MESSAGE` for a counter already used or whose key was dropped;
 *   `RATCHET_JUMP_TOO_LARGE` beyond MAX_FORWARD_JUMP; `X25519_LOW_ORDER_POINT` for a low-order
 *   ratchet key; `MLKEM_INVALID_CIPHERTEXT_LENGTH`; `PQXDH_KEM_REQUIRED` if the peer's first
 *   chain advertises no KEM key; `MESSAGE_AUTHENTICATION_FAILED` if the body or header does not
 *   authenticate; `PADDING_INVALID` for an authentic message with bad padding.
 */
export function ratchetDecrypt(
  ctx: ProtocolContext,
  state: RatchetState,
  messageBytes: Uint8Array,
): DecryptResult {
  const data = ratchetData(state);
  const { crypto } = ctx;
  if (!(messageBytes instanceof Uint8Array)) {
    throw new SigilError('INVALID_ARGUMENT', 'message must be a Uint8Array');
  }
  const { header, body } = decode(RatchetMessage, messageBytes);
  // The codec is canonical, so the header's encoding is exactly these bytes (§5 AAD).
  const headerEnd = messageBytes.length - body.length - varintSize(body.length);
  const headerBytes = messageBytes.subarray(1, headerEnd);
  const open = (messageKey: Uint8Array): Uint8Array =>
    openBody(ctx, data.associatedData, headerBytes, messageKey, body);

  const chains = data.receiverChains;
  const index = findChain(chains, header.ratchetKey.key);
  if (index >= 0) {
    const chain = chains[index] as ReceiverChain;
    let updated: ReceiverChain;
    let plaintext: Uint8Array;
    if (header.counter < chain.nextCounter) {
      const at = findSkipped(chain.skippedKeys, header.counter);
      if (at < 0) throw duplicate();
      plaintext = open((chain.skippedKeys[at] as { messageKey: Uint8Array }).messageKey);
      updated = withoutSkipped(chain, at);
    } else if (index !== chains.length - 1) {
      // An older chain ended at the PN its successor announced (authenticated): every counter
      // from there on is forged, so nothing is derived for it.
      throw new SigilError('MESSAGE_AUTHENTICATION_FAILED', 'counter past the end of its chain');
    } else {
      const advanced = advanceTo(crypto, chain, header.counter);
      plaintext = open(advanced.messageKey);
      updated = advanced.chain;
    }
    const receiverChains = chains.slice();
    receiverChains[index] = updated;
    return {
      state: createRatchetState({ ...data, receiverChains: trimChains(receiverChains) }),
      plaintext,
    };
  }
  return receiveOnNewChain(ctx, data, header, open);
}

/** A message under a peer ratchet key not seen yet: the receiving half of a DH step. */
function receiveOnNewChain(
  ctx: ProtocolContext,
  data: RatchetData,
  header: RatchetHeader,
  open: (messageKey: Uint8Array) => Uint8Array,
): DecryptResult {
  const { crypto } = ctx;
  const chains = data.receiverChains;
  const current = chains[chains.length - 1];
  // Cheap checks first: nothing is derived for a message that the limits refuse.
  if (current !== undefined) checkJump(current.nextCounter, header.previousCounter);
  checkJump(0, header.counter);
  if (header.kem === undefined && data.peerKemKey === undefined) {
    throw new SigilError('PQXDH_KEM_REQUIRED', "the peer's first chain advertises no KEM key");
  }

  const dh = crypto.x25519.sharedSecret(data.ratchetKeyPair.secretKey, header.ratchetKey.key);
  let kemSecret = EMPTY;
  const ciphertext = header.kem?.ciphertext ?? EMPTY;
  if (ciphertext.length > 0) {
    if (data.kemKeyPair === undefined) {
      // We never advertised a KEM key, so no authentic message can encapsulate to one.
      throw new SigilError('MESSAGE_AUTHENTICATION_FAILED', 'unexpected KEM ciphertext');
    }
    kemSecret = crypto.mlkem.decapsulate('ml-kem-1024', data.kemKeyPair.secretKey, ciphertext);
  }
  const root = kdfRkFor(crypto, data.rootKey, dh, kemSecret);
  kemSecret.fill(0);

  const previous = current === undefined ? [] : [skipTo(crypto, current, header.previousCounter)];
  const opened = advanceTo(
    crypto,
    { ratchetKey: header.ratchetKey.key, chainKey: root.chainKey, nextCounter: 0, skippedKeys: [] },
    header.counter,
  );
  const plaintext = open(opened.messageKey);

  const receiverChains = trimChains([...chains.slice(0, -1), ...previous, opened.chain]);
  return {
    state: createRatchetState({
      ...data,
      rootKey: root.rootKey,
      senderChain: undefined,
      previousCounter: data.senderChain?.nextCounter ?? data.previousCounter,
      receiverChains,
      peerKemKey: header.kem?.nextKey.key ?? data.peerKemKey,
    }),
    plaintext,
  };
}

/** Derives the message's keys, authenticates and decrypts the body, and unpads. */
function openBody(
  ctx: ProtocolContext,
  associatedData: Uint8Array,
  headerBytes: Uint8Array,
  messageKey: Uint8Array,
  body: Uint8Array,
): Uint8Array {
  const keys = deriveMessageKeys(ctx.crypto, messageKey);
  const aad = new Uint8Array(associatedData.length + headerBytes.length);
  aad.set(associatedData, 0);
  aad.set(headerBytes, associatedData.length);
  let padded: Uint8Array;
  try {
    padded = ctx.crypto.aead.open('aes-256-gcm', keys.key, keys.nonce, body, aad);
  } catch (err) {
    if (SigilError.is(err, 'AEAD_AUTHENTICATION_FAILED')) {
      throw new SigilError('MESSAGE_AUTHENTICATION_FAILED', 'message did not authenticate', {
        cause: err,
      });
    }
    throw err;
  } finally {
    keys.key.fill(0);
  }
  return unpad(padded);
}

function duplicate(): SigilError {
  return new SigilError('DUPLICATE_MESSAGE', 'message already received or its key was dropped');
}

function kdfRkFor(
  crypto: ProtocolContext['crypto'],
  rootKey: Uint8Array,
  dh: Uint8Array,
  kemSecret: Uint8Array,
): { rootKey: Uint8Array; chainKey: Uint8Array } {
  const out = kdfRk(crypto, rootKey, dh, kemSecret);
  dh.fill(0);
  return out;
}

/** An X25519 key pair from a secret drawn from the context (clamped by X25519 itself). */
function x25519KeyPair(crypto: ProtocolContext['crypto'], secretKey: Uint8Array): KeyPair {
  return new KeyPair(crypto.x25519.publicKey(secretKey), secretKey);
}

function mlKemKey(pair: KeyPair): KemStep['nextKey'] {
  return { type: KeyType.mlKem1024, key: pair.publicKey };
}
