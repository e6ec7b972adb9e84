/**
 * fast-check properties of the session layer over random schedules (STYLE.md §9), from the
 * first message on: Alice starts a session from Bob's bundle; sends by either side (some forcing
 * a PQ step), delivery in random order, loss and duplication, through the in-memory stores and
 * the application's receive flow. A model predicts every outcome:
 *
 * - Alice's messages are PreKeyMessages until she has received one from Bob, then plain;
 * - Bob cannot send before he has a session (`SESSION_NOT_FOUND`);
 * - the first message Bob receives (whichever of Alice's PreKeyMessages it is) sets up his
 *   session and consumes the one-time prekeys; the other PreKeyMessages of that session decrypt
 *   on it (a retransmission of the pending wrapper), a second delivery is `DUPLICATE_MESSAGE`;
 * - otherwise the ratchet's rules, for PreKeyMessages too (their session is found by its AD): a
 *   new chain decrypts, a dropped one (MAX_RECEIVER_CHAINS) is `MESSAGE_AUTHENTICATION_FAILED`,
 *   a duplicate is `DUPLICATE_MESSAGE`;
 * - every failure leaves the stored record and the prekey store exactly as they were.
 *
 * Fast by default; `SLOW=1` for 100 runs per backend.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { decode } from '@sigil/wire';
import { RatchetMessage } from '@sigil/wire/formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RECEIVER_CHAINS } from '../src/limits.ts';
import { parseIncoming } from '../src/session/incoming.ts';
import { receiveWithStores, sendWithStores, startWithStores } from './memory-stores.ts';
import { type Action, action } from './schedule-arbitrary.ts';
import { codeOfAsync, makeParty, type Party, text, utf8, vendBundle } from './session-helpers.ts';

const numRuns = process.env.SLOW ? 100 : 12;

interface InFlight {
  readonly to: 0 | 1;
  readonly bytes: Uint8Array;
  readonly body: string;
  readonly prekey: boolean;
  /** The sender's ratchet key (hex): which chain the message is on. */
  readonly chain: string;
  /** Index of that chain among the sender's chains, in sending order. */
  readonly chainIndex: number;
  delivered: boolean;
}

/** What a party is expected to hold: its receiving chains (oldest first), the newest index. */
interface Model {
  hasSession: boolean;
  received: boolean;
  chains: string[];
  newest: number;
}

function chainOf(bytes: Uint8Array): string {
  const { ratchetMessage } = parseIncoming(bytes);
  return Buffer.from(decode(RatchetMessage, ratchetMessage).header.ratchetKey.key).toString('hex');
}

async function runSchedule(crypto: CryptoProvider, actions: readonly Action[]): Promise<void> {
  const parties: [Party, Party] = [makeParty(crypto, 'alice'), makeParty(crypto, 'bob')];
  const [alice, bob] = parties;
  await startWithStores(alice.ctx, alice.stores, bob.address, vendBundle(crypto, bob));
  const models: [Model, Model] = [
    { hasSession: true, received: false, chains: [], newest: -1 },
    { hasSession: false, received: false, chains: [], newest: -1 },
  ];
  const senderChains: [string[], string[]] = [[], []];
  const inFlight: InFlight[] = [];
  let sent = 0;

  for (const step of actions) {
    if (step.kind === 'send') {
      const from = parties[step.from];
      const to = parties[step.from === 0 ? 1 : 0];
      const body = `message ${sent++}`;
      if (!models[step.from].hasSession) {
        const before = from.stores.sessions.encoded(to.address);
        const code = await codeOfAsync(() =>
          sendWithStores(from.ctx, from.stores, to.address, utf8(body)),
        );
        expect(code).toBe('SESSION_NOT_FOUND');
        expect(from.stores.sessions.encoded(to.address)).toBe(before);
        continue;
      }
      const bytes = await sendWithStores(from.ctx, from.stores, to.address, utf8(body), {
        forcePqStep: step.forcePqStep,
      });
      const prekey = parseIncoming(bytes).kind === 'prekey';
      expect(prekey, body).toBe(step.from === 0 && !models[0].received);
      const chain = chainOf(bytes);
      const chains = senderChains[step.from];
      if (chains[chains.length - 1] !== chain) chains.push(chain);
      inFlight.push({
        to: step.from === 0 ? 1 : 0,
        bytes,
        body,
        prekey,
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

    const receiver = parties[message.to];
    const sender = parties[message.to === 0 ? 1 : 0];
    const model = models[message.to];
    const known = model.chains.includes(message.chain);
    const opensNewChain = !known && message.chainIndex > model.newest;
    let expected: string;
    if (known) expected = message.delivered ? 'DUPLICATE_MESSAGE' : 'no error';
    else if (!model.hasSession) expected = 'no error';
    else expected = opensNewChain ? 'no error' : 'MESSAGE_AUTHENTICATION_FAILED';

    const recordBefore = receiver.stores.sessions.encoded(sender.address);
    const prekeysBefore = receiver.stores.prekeys.snapshot();
    let plaintext = '';
    const code = await codeOfAsync(async () => {
      const result = await receiveWithStores(
        receiver.ctx,
        receiver.stores,
        sender.address,
        message.bytes,
      );
      plaintext = text(result.plaintext);
      expect(result.newSession).toBe(!model.hasSession);
    });
    expect(code, `${message.body} to ${message.to === 0 ? 'alice' : 'bob'}`).toBe(expected);
    if (code !== 'no error') {
      expect(receiver.stores.sessions.encoded(sender.address)).toBe(recordBefore);
      expect(receiver.stores.prekeys.snapshot()).toBe(prekeysBefore);
      continue;
    }
    expect(plaintext).toBe(message.body);
    message.delivered = true;
    model.hasSession = true;
    model.received = true;
    if (!known) {
      // Receiving chains are created in order: a newer chain is always the next one.
      expect(message.chainIndex).toBe(model.newest + 1);
      model.chains.push(message.chain);
      model.newest = message.chainIndex;
      if (model.chains.length > MAX_RECEIVER_CHAINS) model.chains.shift();
    }
  }
}

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'session schedules (%s)',
  (_name, crypto) => {
    it('every delivered message decrypts exactly once, from the first on; failures change nothing', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(action, { minLength: 1, maxLength: 100, size: 'max' }),
          async (actions) => {
            await runSchedule(crypto, actions);
          },
        ),
        { numRuns },
      );
    });

    it('a PreKeyMessage delayed past its dropped chain fails to authenticate', async () => {
      // Alice's first message is held back while the conversation moves through seven chains.
      const actions: Action[] = [
        { kind: 'send', from: 0, forcePqStep: false },
        { kind: 'send', from: 0, forcePqStep: false },
        { kind: 'deliver', pick: 1, keep: false },
      ];
      for (let i = 0; i < 7; i++) {
        actions.push({ kind: 'send', from: 1, forcePqStep: false });
        actions.push({ kind: 'deliver', pick: 1, keep: false });
        actions.push({ kind: 'send', from: 0, forcePqStep: false });
        actions.push({ kind: 'deliver', pick: 1, keep: false });
      }
      actions.push({ kind: 'deliver', pick: 0, keep: false });
      await runSchedule(crypto, actions);
    });
  },
);
