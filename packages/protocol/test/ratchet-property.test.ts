/**
 * fast-check properties of the Double Ratchet over random schedules (STYLE.md §9): sends by
 * either side (some forcing a PQ step), delivery in random order, loss and duplication. A
 * model predicts every outcome:
 *
 * - a message whose chain the receiver still holds decrypts exactly once, to its plaintext;
 *   a second delivery is `DUPLICATE_MESSAGE`;
 * - a message that opens a chain newer than any the receiver has seen decrypts;
 * - a message of a chain dropped under MAX_RECEIVER_CHAINS is `MESSAGE_AUTHENTICATION_FAILED`;
 * - a send by the responder before it has received anything is `INVALID_ARGUMENT`;
 * - every failed call leaves the state byte-for-byte unchanged, and no call changes the state
 *   it was given.
 *
 * Schedules stay within the other limits (fewer than MAX_STORED_SKIPPED_KEYS messages). Fast by
 * default; `SLOW=1` for 300 runs per backend.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { toHex } from '@sigil/test-vectors/hex';
import { decode } from '@sigil/wire';
import { RatchetMessage } from '@sigil/wire/formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RECEIVER_CHAINS } from '../src/limits.ts';
import { ratchetDecrypt, ratchetEncrypt } from '../src/ratchet/double-ratchet.ts';
import type { RatchetState } from '../src/ratchet/ratchet-state.ts';
import { codeOf, encodeState, ratchetPair, text, utf8 } from './ratchet-helpers.ts';
import { type Action, action } from './schedule-arbitrary.ts';

const numRuns = process.env.SLOW ? 300 : 20;

interface InFlight {
  readonly to: 0 | 1;
  readonly bytes: Uint8Array;
  readonly body: string;
  /** The sender's ratchet key (hex): which chain the message is on. */
  readonly chain: string;
  /** Index of that chain among the sender's chains, in sending order. */
  readonly chainIndex: number;
  delivered: boolean;
}

/** What a receiver is expected to hold: its chains (oldest first) and the newest chain index. */
interface ReceiverModel {
  chains: string[];
  newest: number;
}

function runSchedule(crypto: CryptoProvider, actions: readonly Action[]): void {
  const { ctx, alice, bob } = ratchetPair(crypto);
  const states: [RatchetState, RatchetState] = [alice, bob];
  const models: [ReceiverModel, ReceiverModel] = [
    { chains: [], newest: -1 },
    { chains: [], newest: -1 },
  ];
  const senderChains: [string[], string[]] = [[], []];
  const inFlight: InFlight[] = [];
  let sent = 0;

  for (const step of actions) {
    if (step.kind === 'send') {
      const from = step.from;
      const before = toHex(encodeState(states[from]));
      const body = `message ${sent++}`;
      if (from === 1 && models[1].newest < 0) {
        expect(codeOf(() => ratchetEncrypt(ctx, states[1], utf8(body)))).toBe('INVALID_ARGUMENT');
        expect(toHex(encodeState(states[1]))).toBe(before);
        continue;
      }
      const result = ratchetEncrypt(ctx, states[from], utf8(body), {
        forcePqStep: step.forcePqStep,
      });
      expect(toHex(encodeState(states[from]))).toBe(before);
      states[from] = result.state;
      const chain = toHex(decode(RatchetMessage, result.message).header.ratchetKey.key);
      const chains = senderChains[from];
      if (chains[chains.length - 1] !== chain) chains.push(chain);
      inFlight.push({
        to: from === 0 ? 1 : 0,
        bytes: result.message,
        body,
        chain,
        chainIndex: chains.length - 1,
        delivered: false,
      });
      continue;
    }
    if (inFlight.length === 0) continue;
    const index = step.pick % inFlight.length;
    const message = inFlight[index] as InFlight;
    if (step.kind === 'drop' || !step.keep) inFlight.splice(index, 1);
    if (step.kind === 'drop') continue;

    const receiver = message.to;
    const model = models[receiver];
    const before = toHex(encodeState(states[receiver]));
    const known = model.chains.includes(message.chain);
    const opensNewChain = !known && message.chainIndex > model.newest;
    const expected = known
      ? message.delivered
        ? 'DUPLICATE_MESSAGE'
        : 'no error'
      : opensNewChain
        ? 'no error'
        : 'MESSAGE_AUTHENTICATION_FAILED';
    let plaintext: Uint8Array | undefined;
    const code = codeOf(() => {
      const result = ratchetDecrypt(ctx, states[receiver], message.bytes);
      plaintext = result.plaintext;
      states[receiver] = result.state;
    });
    expect(code, `${message.body} to ${receiver === 0 ? 'alice' : 'bob'}`).toBe(expected);
    if (code !== 'no error') {
      expect(toHex(encodeState(states[receiver]))).toBe(before);
      continue;
    }
    expect(text(plaintext as Uint8Array)).toBe(message.body);
    message.delivered = true;
    if (opensNewChain) {
      // The receiving chains are created in order: a newer chain is always the next one.
      expect(message.chainIndex).toBe(model.newest + 1);
      model.chains.push(message.chain);
      model.newest = message.chainIndex;
      if (model.chains.length > MAX_RECEIVER_CHAINS) model.chains.shift();
    }
  }
}

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'ratchet schedules (%s)',
  (_name, crypto) => {
    it('every delivered message decrypts exactly once; failures change nothing', () => {
      fc.assert(
        fc.property(fc.array(action, { minLength: 1, maxLength: 160, size: 'max' }), (actions) => {
          runSchedule(crypto, actions);
        }),
        { numRuns },
      );
    });

    it('chains dropped under MAX_RECEIVER_CHAINS are predicted by the model', () => {
      // A fixed schedule that delays one message across seven chains of its sender.
      const actions: Action[] = [{ kind: 'send', from: 0, forcePqStep: false }];
      for (let i = 0; i < 8; i++) {
        actions.push({ kind: 'send', from: 0, forcePqStep: false });
        actions.push({ kind: 'deliver', pick: 1, keep: false });
        actions.push({ kind: 'send', from: 1, forcePqStep: false });
        actions.push({ kind: 'deliver', pick: 1, keep: false });
      }
      actions.push({ kind: 'deliver', pick: 0, keep: false });
      runSchedule(crypto, actions);
    });
  },
);
