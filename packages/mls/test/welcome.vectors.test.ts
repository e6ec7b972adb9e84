/**
 * RFC 9420 §12.4.3.1 against the interop vectors (mls-implementations welcome.json), on both
 * backends: find our entry by KeyPackageRef, decrypt the GroupSecrets with the init key and the
 * GroupInfo with the welcome key, verify the GroupInfo signature with signer_pub and the
 * confirmation tag from a key schedule started at joiner_secret (no PSKs).
 */
import { KeyPair } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsWelcome } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { openWelcome, verifyGroupInfoSignature } from '../src/group/welcome.ts';
import { decodeMlsMessage } from '../src/index.ts';
import { keyScheduleFromJoiner, verifyConfirmationTag } from '../src/key-schedule.ts';
import { codeOf, supportedCases } from './helpers.ts';

const FAMILY = 'rfc9420/welcome';
const all = loadMlsWelcome();
const { run: cases, skipped } = supportedCases(all);

afterAll(() => flushTally());

describe.each(allProviders())(`${FAMILY} ($name backend)`, (provider) => {
  it(`runs the ${cases.length} cases of suites 1 and 3 (skips ${skipped})`, () => {
    expect([all.length, cases.length, skipped]).toEqual([7, 2, 5]);
  });

  it('decrypts each Welcome and verifies its GroupInfo signature and confirmation tag', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const suite = getCipherSuite(provider, c.cipherSuite);
      const kp = decodeMlsMessage(c.keyPackage);
      const wm = decodeMlsMessage(c.welcome);
      if (kp.wireFormat !== 'mls_key_package' || wm.wireFormat !== 'mls_welcome') {
        failures.push(`${c.name}: unexpected wire formats`);
        continue;
      }
      const init = new KeyPair(provider.x25519.publicKey(c.initPriv), c.initPriv);
      const opened = openWelcome(suite, wm.welcome, kp.keyPackage, init);
      const { groupInfo, groupSecrets } = opened;
      if (!verifyGroupInfoSignature(suite, groupInfo, c.signerPub)) {
        failures.push(`${c.name}: GroupInfo signature`);
      }
      const epoch = keyScheduleFromJoiner(
        suite,
        groupSecrets.joinerSecret,
        undefined,
        groupInfo.groupContext,
      );
      if (
        !verifyConfirmationTag(
          suite,
          epoch.confirmationKey,
          groupInfo.groupContext.confirmedTranscriptHash,
          groupInfo.confirmationTag,
        )
      ) {
        failures.push(`${c.name}: confirmation tag`);
      }
      // The same Welcome is not for another KeyPackage.
      const other = { ...kp.keyPackage, signature: new Uint8Array(64) };
      const code = codeOf(() => openWelcome(suite, wm.welcome, other, init));
      if (code !== 'MLS_WELCOME_NOT_FOR_US') failures.push(`${c.name}: foreign KeyPackage ${code}`);
      tally(FAMILY, provider.name, 'valid');
    }
    expect(failures).toEqual([]);
  });
});
