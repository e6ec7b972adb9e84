/**
 * Session records (spec/one-to-one.md §7): round trips, sealing, must-reject cases, the
 * archive limit, and the records written by earlier releases (spec/vectors/) loading with the
 * current code. Both backends.
 */
import { readFileSync } from 'node:fs';
import { allProviders } from '@sigil/crypto/testing';
import { fromHex, toHex } from '@sigil/test-vectors/hex';
import { describe, expect, it } from 'vitest';
import { MAX_ARCHIVED_SESSIONS } from '../src/limits.ts';
import { ratchetDecrypt, ratchetEncrypt } from '../src/ratchet/double-ratchet.ts';
import type { RatchetState } from '../src/ratchet/ratchet-state.ts';
import {
  decodeSessionRecord,
  EMPTY_SESSION_RECORD,
  encodeSessionRecord,
  openSessionRecord,
  promoteSession,
  type SessionRecord,
  sealSessionRecord,
} from '../src/session/session-record.ts';
import { codeOf, encodeState, ratchetPair, sampleSession, text, utf8 } from './ratchet-helpers.ts';

interface PartyVector {
  record: string;
  sealed: string;
  receive: { message: string; plaintext: string }[];
}
interface RecordVector {
  sealKey: string;
  alice: PartyVector;
  bob: PartyVector;
}

const VECTOR_FILES = ['session-record-v1.json'];
const vectors = VECTOR_FILES.map((file) => {
  const url = new URL(`../../../spec/vectors/${file}`, import.meta.url);
  return [file, JSON.parse(readFileSync(url, 'utf8')) as RecordVector] as const;
});

describe.each(allProviders().map((p) => [p.name, p] as const))(
  'session records (%s)',
  (_name, crypto) => {
    const draw = (length: number) => crypto.random.bytes(length);

    /** A record whose current session is Alice's after one message, with one archived session. */
    function sampleRecord() {
      const pair = ratchetPair(crypto);
      const sent = ratchetEncrypt(pair.ctx, pair.alice, utf8('hello'));
      const older = ratchetPair(crypto);
      const record: SessionRecord = promoteSession(
        { current: sampleSession(draw, older.bob, false), archived: [] },
        sampleSession(draw, sent.state, true),
      );
      return { pair, sent, record };
    }

    it('round trip: same bytes again, and the decoded ratchet keeps working', () => {
      const { pair, sent, record } = sampleRecord();
      const bytes = encodeSessionRecord(record);
      const decoded = decodeSessionRecord(bytes);
      expect(toHex(encodeSessionRecord(decoded))).toBe(toHex(bytes));
      expect(decoded.archived).toHaveLength(1);
      expect(decoded.current?.pendingPreKey?.kemPreKeyId).toBe(200);
      expect(decoded.current?.peer.deviceId).toBe(7);
      const alice = decoded.current?.ratchet;
      if (alice === undefined) throw new Error('no current session');
      expect(toHex(alice.associatedData)).toBe(toHex(pair.associatedData));
      expect(toHex(encodeState(alice))).toBe(toHex(encodeState(sent.state)));
      const bob = ratchetDecrypt(pair.ctx, pair.bob, sent.message).state;
      const next = ratchetEncrypt(pair.ctx, alice, utf8('from the record'));
      expect(text(ratchetDecrypt(pair.ctx, bob, next.message).plaintext)).toBe('from the record');
    });

    it('an empty record round-trips', () => {
      const bytes = encodeSessionRecord(EMPTY_SESSION_RECORD);
      expect(toHex(bytes)).toBe('010000');
      expect(decodeSessionRecord(bytes)).toEqual(EMPTY_SESSION_RECORD);
    });

    it('sealed round trip; wrong key, altered or short input: RECORD_AUTHENTICATION_FAILED', () => {
      const { pair, record } = sampleRecord();
      const bytes = encodeSessionRecord(record);
      const key = draw(32);
      const sealed = sealSessionRecord(pair.ctx, key, bytes);
      expect(sealed.length).toBe(bytes.length + 28);
      expect(toHex(openSessionRecord(pair.ctx, key, sealed))).toBe(toHex(bytes));
      // A fresh nonce each time.
      expect(toHex(sealSessionRecord(pair.ctx, key, bytes))).not.toBe(toHex(sealed));

      const wrongKey = key.slice();
      wrongKey[0] = (wrongKey[0] as number) ^ 1;
      expect(codeOf(() => openSessionRecord(pair.ctx, wrongKey, sealed))).toBe(
        'RECORD_AUTHENTICATION_FAILED',
      );
      const failures: number[] = [];
      for (const offset of [0, 11, 12, 100, sealed.length - 17, sealed.length - 1]) {
        const altered = sealed.slice();
        altered[offset] = (altered[offset] as number) ^ 0x40;
        const code = codeOf(() => openSessionRecord(pair.ctx, key, altered));
        if (code !== 'RECORD_AUTHENTICATION_FAILED') failures.push(offset);
      }
      expect(failures).toEqual([]);
      for (const length of [0, 12, 27, sealed.length - 1]) {
        expect(codeOf(() => openSessionRecord(pair.ctx, key, sealed.subarray(0, length)))).toBe(
          'RECORD_AUTHENTICATION_FAILED',
        );
      }
      expect(codeOf(() => openSessionRecord(pair.ctx, key.subarray(0, 16), sealed))).toBe(
        'INVALID_KEY_LENGTH',
      );
      expect(codeOf(() => sealSessionRecord(pair.ctx, key.subarray(0, 16), bytes))).toBe(
        'INVALID_KEY_LENGTH',
      );
    });

    it('unknown record version: UNSUPPORTED_VERSION; truncated: CODEC_TRUNCATED', () => {
      const bytes = encodeSessionRecord(sampleRecord().record);
      for (const version of [0, 2, 255]) {
        const other = bytes.slice();
        other[0] = version;
        expect(codeOf(() => decodeSessionRecord(other))).toBe('UNSUPPORTED_VERSION');
      }
      const failures: number[] = [];
      for (let length = 0; length < bytes.length; length += 1 + (length % 97)) {
        if (codeOf(() => decodeSessionRecord(bytes.subarray(0, length))) !== 'CODEC_TRUNCATED') {
          failures.push(length);
        }
      }
      expect(failures).toEqual([]);
    });

    it(`keeps the newest ${MAX_ARCHIVED_SESSIONS} archived sessions, newest first`, () => {
      const { record } = sampleRecord();
      const ratchet = record.current?.ratchet;
      if (ratchet === undefined) throw new Error('no current session');
      let current: SessionRecord = EMPTY_SESSION_RECORD;
      const sessions = Array.from({ length: MAX_ARCHIVED_SESSIONS + 3 }, () =>
        sampleSession(draw, ratchet, false),
      );
      for (const session of sessions) current = promoteSession(current, session);
      expect(current.current).toBe(sessions[sessions.length - 1]);
      expect(current.archived).toHaveLength(MAX_ARCHIVED_SESSIONS);
      expect(current.archived[0]).toBe(sessions[sessions.length - 2]);
      expect(current.archived[MAX_ARCHIVED_SESSIONS - 1]).toBe(
        sessions[sessions.length - 1 - MAX_ARCHIVED_SESSIONS],
      );
      const decoded = decodeSessionRecord(encodeSessionRecord(current));
      expect(decoded.archived).toHaveLength(MAX_ARCHIVED_SESSIONS);
    });

    it.each(vectors)('loads the records of %s with the current code', (_file, vector) => {
      const ctx = { crypto };
      const key = fromHex(vector.sealKey);
      const [alice, bob] = [vector.alice, vector.bob].map((party): RatchetState => {
        const bytes = fromHex(party.record);
        expect(toHex(openSessionRecord(ctx, key, fromHex(party.sealed)))).toBe(party.record);
        const record = decodeSessionRecord(bytes);
        expect(toHex(encodeSessionRecord(record))).toBe(party.record);
        expect(record.archived).toHaveLength(1);
        let state = record.current?.ratchet;
        if (state === undefined) throw new Error('no current session');
        for (const { message, plaintext } of party.receive) {
          const result = ratchetDecrypt(ctx, state, fromHex(message));
          expect(text(result.plaintext)).toBe(plaintext);
          state = result.state;
        }
        return state;
      }) as [RatchetState, RatchetState];
      // Both sides keep talking.
      const fromBob = ratchetEncrypt(ctx, bob, utf8('reply from bob'));
      const aliceNext = ratchetDecrypt(ctx, alice, fromBob.message);
      expect(text(aliceNext.plaintext)).toBe('reply from bob');
      const fromAlice = ratchetEncrypt(ctx, aliceNext.state, utf8('and alice'));
      expect(text(ratchetDecrypt(ctx, fromBob.state, fromAlice.message).plaintext)).toBe(
        'and alice',
      );
    });
  },
);
