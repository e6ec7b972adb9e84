/**
 * RFC 9420 §8.2 transcript hashes against the interop vectors (mls-implementations
 * transcript-hashes.json), on both backends, for cipher suites 1 and 3: the AuthenticatedContent
 * decodes as a Commit and re-encodes to the same bytes, its confirmation tag is the MAC of the
 * new confirmed transcript hash, and both hashes match.
 */
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsTranscriptHashes } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { decode, encode } from '@sigil/wire';
import { afterAll, describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { AuthenticatedContent } from '../src/framing/framed-content.ts';
import { verifyConfirmationTag } from '../src/key-schedule.ts';
import { confirmedTranscriptHash, interimTranscriptHash } from '../src/transcript-hashes.ts';
import { codeOf, expectBytes, supportedCases } from './helpers.ts';

const FAMILY = 'rfc9420/transcript-hashes';
const all = loadMlsTranscriptHashes();
const { run: cases, skipped } = supportedCases(all);

afterAll(() => flushTally());

describe.each(allProviders())(`${FAMILY} ($name backend)`, (provider) => {
  it(`runs the ${cases.length} cases of suites 1 and 3 (skips ${skipped} of suites 2, 4-7)`, () => {
    expect([all.length, cases.length, skipped]).toEqual([7, 2, 5]);
  });

  it('confirmation tag and both transcript hashes match', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const suite = getCipherSuite(provider, c.cipherSuite);
      const content = decode(AuthenticatedContent, c.authenticatedContent);
      expectBytes(
        failures,
        `${c.name} re-encoding`,
        encode(AuthenticatedContent, content),
        c.authenticatedContent,
      );
      if (content.content.contentType !== 'commit') failures.push(`${c.name}: not a commit`);
      const tag = content.auth.confirmationTag ?? new Uint8Array(0);
      if (!verifyConfirmationTag(suite, c.confirmationKey, c.confirmedTranscriptHashAfter, tag)) {
        failures.push(`${c.name}: confirmation tag does not verify`);
      }
      const confirmed = confirmedTranscriptHash(suite, c.interimTranscriptHashBefore, content);
      expectBytes(failures, `${c.name} confirmed`, confirmed, c.confirmedTranscriptHashAfter);
      expectBytes(
        failures,
        `${c.name} interim`,
        interimTranscriptHash(suite, confirmed, tag),
        c.interimTranscriptHashAfter,
      );
      tally(FAMILY, provider.name, 'valid');
    }
    expect(failures).toEqual([]);
  });

  it('refuses non-commit content', () => {
    const c = cases[0];
    if (c === undefined) throw new Error('no case');
    const suite = getCipherSuite(provider, c.cipherSuite);
    const content = decode(AuthenticatedContent, c.authenticatedContent);
    const proposal: AuthenticatedContent = {
      wireFormat: content.wireFormat,
      content: {
        ...content.content,
        contentType: 'application',
        applicationData: new Uint8Array(1),
      },
      auth: { signature: content.auth.signature },
    };
    expect(
      codeOf(() => confirmedTranscriptHash(suite, c.interimTranscriptHashBefore, proposal)),
    ).toBe('INVALID_ARGUMENT');
  });
});
