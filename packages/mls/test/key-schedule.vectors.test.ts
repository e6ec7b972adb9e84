/**
 * RFC 9420 §8 key schedule against the interop vectors (mls-implementations key-schedule.json),
 * on both backends, for cipher suites 1 and 3: per epoch the GroupContext encoding, every
 * secret (joiner, welcome, init, sender data, encryption, exporter, epoch authenticator,
 * external, confirmation key, membership key, resumption PSK), external_pub =
 * DeriveKeyPair(external_secret) and MLS-Exporter, chaining init_secret from epoch to epoch.
 */
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsKeySchedule } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { decode } from '@sigil/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import {
  advanceKeySchedule,
  externalKeyPair,
  keyScheduleFromJoiner,
  mlsExporter,
} from '../src/key-schedule.ts';
import { encodeGroupContext, GroupContext } from '../src/wire/group-context.ts';
import { expectBytes, hex, supportedCases } from './helpers.ts';

const FAMILY = 'rfc9420/key-schedule';
const all = loadMlsKeySchedule();
const { run: cases, skipped } = supportedCases(all);

afterAll(() => flushTally());

describe.each(allProviders())(`${FAMILY} ($name backend)`, (provider) => {
  it(`runs the ${cases.length} cases of suites 1 and 3 (skips ${skipped} of suites 2, 4-7)`, () => {
    expect([all.length, cases.length, skipped]).toEqual([7, 2, 5]);
  });

  it('every epoch of every case matches', () => {
    const failures: string[] = [];
    let epochsChecked = 0;
    for (const c of cases) {
      const suite = getCipherSuite(provider, c.cipherSuite);
      let initSecret = c.initialInitSecret;
      c.epochs.forEach((e, index) => {
        const f = (what: string) => `${c.name} epoch ${index} ${what}`;
        const groupContext: GroupContext = {
          version: 1,
          cipherSuite: c.cipherSuite,
          groupId: c.groupId,
          epoch: BigInt(index),
          treeHash: e.treeHash,
          confirmedTranscriptHash: e.confirmedTranscriptHash,
          extensions: [],
        };
        expectBytes(failures, f('group_context'), encodeGroupContext(groupContext), e.groupContext);
        if (hex(encodeGroupContext(decode(GroupContext, e.groupContext))) !== hex(e.groupContext)) {
          failures.push(f('group_context does not round-trip'));
        }
        const s = advanceKeySchedule(suite, {
          initSecret,
          commitSecret: e.commitSecret,
          pskSecret: e.pskSecret,
          groupContext,
        });
        expectBytes(failures, f('joiner_secret'), s.joinerSecret, e.joinerSecret);
        expectBytes(failures, f('welcome_secret'), s.welcomeSecret, e.welcomeSecret);
        expectBytes(failures, f('init_secret'), s.initSecret, e.initSecret);
        expectBytes(failures, f('sender_data_secret'), s.senderDataSecret, e.senderDataSecret);
        expectBytes(failures, f('encryption_secret'), s.encryptionSecret, e.encryptionSecret);
        expectBytes(failures, f('exporter_secret'), s.exporterSecret, e.exporterSecret);
        expectBytes(failures, f('epoch_authenticator'), s.epochAuthenticator, e.epochAuthenticator);
        expectBytes(failures, f('external_secret'), s.externalSecret, e.externalSecret);
        expectBytes(failures, f('confirmation_key'), s.confirmationKey, e.confirmationKey);
        expectBytes(failures, f('membership_key'), s.membershipKey, e.membershipKey);
        expectBytes(failures, f('resumption_psk'), s.resumptionPsk, e.resumptionPsk);
        expectBytes(
          failures,
          f('external_pub'),
          externalKeyPair(suite, s.externalSecret).publicKey,
          e.externalPub,
        );
        const x = e.exporter;
        expectBytes(
          failures,
          f('exporter'),
          mlsExporter(suite, s.exporterSecret, x.label, x.context, x.length),
          x.secret,
        );
        // A joiner reaches the same epoch from joiner_secret alone (Welcome path, §12.4.3.1).
        const joined = keyScheduleFromJoiner(suite, e.joinerSecret, e.pskSecret, groupContext);
        expectBytes(failures, f('epoch_secret via joiner'), joined.epochSecret, s.epochSecret);
        initSecret = s.initSecret;
        epochsChecked += 1;
      });
      tally(FAMILY, provider.name, 'valid');
    }
    expect(failures).toEqual([]);
    expect(epochsChecked).toBe(10);
  });

  it('epoch secrets print as [redacted]', () => {
    const c = cases[0];
    if (c === undefined) throw new Error('no case');
    const e = c.epochs[0];
    if (e === undefined) throw new Error('no epoch');
    const s = advanceKeySchedule(getCipherSuite(provider, c.cipherSuite), {
      initSecret: c.initialInitSecret,
      groupContext: {
        version: 1,
        cipherSuite: c.cipherSuite,
        groupId: c.groupId,
        epoch: 0n,
        treeHash: e.treeHash,
        confirmedTranscriptHash: e.confirmedTranscriptHash,
        extensions: [],
      },
    });
    expect(JSON.stringify({ s })).toBe('{"s":"[redacted]"}');
    expect(String(s)).toBe('EpochSecrets([redacted])');
    s.wipe();
    expect(s.epochSecret.every((b) => b === 0)).toBe(true);
  });
});
