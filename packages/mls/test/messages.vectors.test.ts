/**
 * RFC 9420 interop vectors, messages.json: every serialized structure decodes with Sigil's
 * codecs and re-encodes to the same bytes (message syntax, independent of cipher suites and
 * backends). Proposal bodies are given without their ProposalType, so the test frames each
 * with its type and strips it again after encoding.
 */

import { loadMlsMessages, type MlsMessagesField } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { type Codec, decode, encode, uint16 } from '@sigil/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeMlsMessage, encodeMlsMessage } from '../src/index.ts';
import { Commit } from '../src/wire/commit.ts';
import { PROPOSAL_TYPES, Proposal, type ProposalType } from '../src/wire/proposal.ts';
import { RatchetTreeNodes } from '../src/wire/ratchet-tree.ts';
import { GroupSecrets } from '../src/wire/welcome.ts';

const cases = loadMlsMessages();

const MESSAGE_FIELDS: Partial<Record<MlsMessagesField, string>> = {
  mls_welcome: 'mls_welcome',
  mls_group_info: 'mls_group_info',
  mls_key_package: 'mls_key_package',
  public_message_application: 'mls_public_message',
  public_message_proposal: 'mls_public_message',
  public_message_commit: 'mls_public_message',
  private_message: 'mls_private_message',
};

const PROPOSAL_FIELDS: Partial<Record<MlsMessagesField, ProposalType>> = {
  add_proposal: 'add',
  update_proposal: 'update',
  remove_proposal: 'remove',
  pre_shared_key_proposal: 'psk',
  re_init_proposal: 'reinit',
  external_init_proposal: 'external_init',
  group_context_extensions_proposal: 'group_context_extensions',
};

function roundTrip<T>(codec: Codec<T>, bytes: Uint8Array): Uint8Array {
  return encode(codec, decode(codec, bytes));
}

/** Re-encodes a proposal body by framing it with its ProposalType. */
function proposalRoundTrip(type: ProposalType, body: Uint8Array): Uint8Array {
  const framed = new Uint8Array(2 + body.length);
  framed.set(encode(uint16, PROPOSAL_TYPES[type]), 0);
  framed.set(body, 2);
  const decoded = decode(Proposal, framed);
  expect(decoded.proposalType).toBe(type);
  return encode(Proposal, decoded).subarray(2);
}

describe('rfc9420/messages', () => {
  afterAll(() => flushTally());

  it('has the 300 cases of the file', () => {
    expect(cases.length).toBe(300);
  });

  it('every structure re-encodes byte for byte', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const check = (field: MlsMessagesField, again: () => Uint8Array) => {
        try {
          if (Buffer.compare(again(), c[field]) !== 0) failures.push(`case ${c.index} ${field}`);
        } catch (error) {
          failures.push(`case ${c.index} ${field}: ${(error as Error).message}`);
        }
      };
      for (const [field, wireFormat] of Object.entries(MESSAGE_FIELDS)) {
        const name = field as MlsMessagesField;
        check(name, () => {
          const message = decodeMlsMessage(c[name]);
          if (message.wireFormat !== wireFormat)
            throw new Error(`wire format ${message.wireFormat}`);
          return encodeMlsMessage(message);
        });
      }
      for (const [field, type] of Object.entries(PROPOSAL_FIELDS)) {
        const name = field as MlsMessagesField;
        check(name, () => proposalRoundTrip(type, c[name]));
      }
      check('ratchet_tree', () => roundTrip(RatchetTreeNodes, c.ratchet_tree));
      check('group_secrets', () => roundTrip(GroupSecrets, c.group_secrets));
      check('commit', () => roundTrip(Commit, c.commit));
      tally('rfc9420/messages', 'n/a', 'valid');
    }
    expect(failures).toEqual([]);
  });
});
