/**
 * Test helpers for the Double Ratchet suites: a fresh pair of ratchets from a random shared
 * secret and signed prekey (no PQXDH needed), state encoding for byte-for-byte comparisons, and
 * error-code capture.
 * @module
 */
import { type CryptoProvider, KeyPair } from '@sigil/crypto';
import { type ErrorCode, SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import { KeyType, RatchetStateV1 } from '@sigil/wire/formats';
import type { ProtocolContext } from '../src/context.ts';
import { nextChainKey } from '../src/ratchet/chain-key.ts';
import { initializeInitiator, initializeResponder } from '../src/ratchet/double-ratchet.ts';
import {
  type RatchetState,
  ratchetStateFromRecord,
  ratchetStateToRecord,
} from '../src/ratchet/ratchet-state.ts';
import type { SessionState } from '../src/session/session-record.ts';

/** Alice (initiator) and Bob (responder) sharing a random SK and AD. */
export interface RatchetPair {
  readonly ctx: ProtocolContext;
  readonly alice: RatchetState;
  readonly bob: RatchetState;
  readonly associatedData: Uint8Array;
}

/** A fresh pair of ratchets on `crypto` (randomness from `random` if given). */
export function ratchetPair(
  crypto: CryptoProvider,
  random?: (length: number) => Uint8Array,
): RatchetPair {
  const ctx: ProtocolContext = random === undefined ? { crypto } : { crypto, random };
  const draw = random ?? ((n: number) => crypto.random.bytes(n));
  const sharedSecret = draw(32);
  const associatedData = draw(70);
  const spkSecret = draw(32);
  const ownRatchetKeyPair = new KeyPair(crypto.x25519.publicKey(spkSecret), spkSecret);
  const alice = initializeInitiator(ctx, {
    sharedSecret,
    associatedData,
    peerRatchetKey: ownRatchetKeyPair.publicKey,
  });
  const bob = initializeResponder(ctx, { sharedSecret, associatedData, ownRatchetKeyPair });
  return { ctx, alice, bob, associatedData };
}

/** The `RatchetStateV1` encoding of a state, for byte-for-byte comparisons. */
export function encodeState(state: RatchetState): Uint8Array {
  return encode(RatchetStateV1, ratchetStateToRecord(state));
}

/** The code of the SigilError `fn` throws, `'no error'`, or a marker for a foreign error. */
export function codeOf(fn: () => unknown): ErrorCode | 'no error' | `not a SigilError: ${string}` {
  try {
    fn();
  } catch (err) {
    if (err instanceof SigilError) return err.code;
    return `not a SigilError: ${String(err)}`;
  }
  return 'no error';
}

/**
 * The sender's state after `count` more messages on its open sending chain that were never
 * sent (as if lost): its next message has counter `nextCounter + count`.
 */
export function skipSending(
  crypto: CryptoProvider,
  state: RatchetState,
  count: number,
): RatchetState {
  const record = ratchetStateToRecord(state);
  const chain = record.senderChain;
  if (chain === undefined) throw new Error('no open sending chain');
  let chainKey = chain.chainKey;
  for (let i = 0; i < count; i++) chainKey = nextChainKey(crypto, chainKey);
  return ratchetStateFromRecord(
    { ...record, senderChain: { ...chain, chainKey, nextCounter: chain.nextCounter + count } },
    state.associatedData,
  );
}

/**
 * A session around `ratchet` with a peer identity of random keys and, if `pending`, a pending
 * PreKeyMessage header (its certificate is not signed: records do not verify it).
 */
export function sampleSession(
  draw: (length: number) => Uint8Array,
  ratchet: RatchetState,
  pending: boolean,
): SessionState {
  const peer = {
    accountKey: { type: KeyType.ed25519, key: draw(32) },
    deviceId: 7,
    identityKey: { type: KeyType.x25519, key: draw(32) },
  };
  if (!pending) return { peer, pendingPreKey: undefined, ratchet };
  return {
    peer,
    ratchet,
    pendingPreKey: {
      initiator: {
        tbs: {
          version: 1,
          accountKey: { type: KeyType.ed25519, key: draw(32) },
          deviceId: 1,
          identityKey: { type: KeyType.x25519, key: draw(32) },
          signingKey: { type: KeyType.ed25519, key: draw(32) },
          createdAt: 1_735_689_600_000n,
        },
        signature: draw(64),
      },
      signedPreKeyId: 5,
      oneTimePreKeyId: 100,
      kemPreKeyId: 200,
      baseKey: { type: KeyType.x25519, key: draw(32) },
      kemCiphertext: draw(1568),
      createdAt: 1_735_689_600_000n,
    },
  };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A string from UTF-8 bytes. */
export function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
