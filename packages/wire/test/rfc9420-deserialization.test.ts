/**
 * RFC 9420 interop vectors "Vector Deserialization" (mls-implementations deserialization.json):
 * each variable-length vector header (§2.1.2 varint) must decode to its length, and each
 * length must encode to exactly that header. The codec has no crypto backend: backend 'n/a'.
 */
import { loadMlsDeserialization } from '@sigil/test-vectors/mls-deserialization';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_VECTOR_LENGTH,
  decode,
  encode,
  MAX_VARINT,
  opaqueVar,
  varint,
  varintSize,
} from '../src/index.ts';
import { codeOf } from './helpers.ts';

const FAMILY = 'rfc9420/deserialization';
const cases = loadMlsDeserialization();

function hex(data: Uint8Array): string {
  return Buffer.from(data).toString('hex');
}

describe(FAMILY, () => {
  afterAll(() => flushTally());

  it('loads all 14 cases', () => {
    expect(cases.length).toBe(14);
  });

  it('encode(length) == header and decode(header) == length', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const name = `case #${c.index} (header ${c.headerHex}, length ${c.length})`;
      const encoded = hex(encode(varint, c.length));
      if (encoded !== c.headerHex.toLowerCase()) failures.push(`${name}: encoded as ${encoded}`);
      if (varintSize(c.length) !== c.header.length) failures.push(`${name}: wrong varintSize`);
      try {
        const decoded = decode(varint, c.header);
        if (decoded !== c.length) failures.push(`${name}: decoded as ${decoded}`);
      } catch (err) {
        failures.push(`${name}: decode threw ${String(err)}`);
      }
      // The header as the prefix of an opaque<V>: the body must be exactly `length` bytes.
      if (c.length <= DEFAULT_MAX_VECTOR_LENGTH) {
        const framed = new Uint8Array(c.header.length + c.length);
        framed.set(c.header);
        const body = decode(opaqueVar, framed);
        if (body.length !== c.length) failures.push(`${name}: opaque<V> body of ${body.length}`);
        const short = codeOf(() => decode(opaqueVar, framed.subarray(0, framed.length - 1)));
        if (c.length > 0 && short !== 'CODEC_TRUNCATED') failures.push(`${name}: short ${short}`);
      } else {
        // Too long to materialise: the limit, then the truncation check, fire before any copy.
        const over = codeOf(() => decode(opaqueVar, c.header));
        if (over !== 'CODEC_LENGTH_TOO_LARGE') failures.push(`${name}: over limit ${over}`);
        const short = codeOf(() => decode(opaqueVar, c.header, { maxVectorLength: MAX_VARINT }));
        if (short !== 'CODEC_TRUNCATED') failures.push(`${name}: short ${short}`);
      }
      tally(FAMILY, 'n/a', 'valid');
    }
    expect(failures).toEqual([]);
  });
});
