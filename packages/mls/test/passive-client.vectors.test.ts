/**
 * RFC 9420 §12.4.2-§12.4.3 against the passive-client scenarios of mls-implementations
 * (passive-client-welcome.json, passive-client-handling-commit.json,
 * passive-client-random.json), on both backends: join from the Welcome (tree in the Welcome or
 * out of band, external PSKs), then follow the group epoch by epoch, caching each epoch's
 * proposals and processing its Commit, comparing every epoch_authenticator.
 */

import type { CryptoProvider } from '@sigil/crypto';
import { KeyPair } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsPassiveClient, type MlsPassiveClientCase } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import { decodeGroupState, encodeGroupState } from '../src/group/group-state-codec.ts';
import { KeyPackagePrivateKeys } from '../src/group/key-package.ts';
import { processProposal } from '../src/group/messages.ts';
import { processCommit } from '../src/group/process-commit.ts';
import { joinFromWelcome } from '../src/group/welcome.ts';
import { decodeMlsMessage } from '../src/index.ts';
import { RatchetTree } from '../src/tree/ratchet-tree.ts';
import { hex, supportedCases } from './helpers.ts';

afterAll(() => flushTally());

/** Runs one scenario; returns what failed, or undefined. */
function runCase(provider: CryptoProvider, c: MlsPassiveClientCase): string | undefined {
  const suite = getCipherSuite(provider, c.cipherSuite);
  const kp = decodeMlsMessage(c.keyPackage);
  const wm = decodeMlsMessage(c.welcome);
  if (kp.wireFormat !== 'mls_key_package' || wm.wireFormat !== 'mls_welcome') {
    return 'unexpected wire formats';
  }
  const pair = (priv: Uint8Array) => new KeyPair(provider.x25519.publicKey(priv), priv);
  const privateKeys = new KeyPackagePrivateKeys(
    pair(c.initPriv),
    pair(c.encryptionPriv),
    new KeyPair(provider.ed25519.publicKey(c.signaturePriv), c.signaturePriv),
  );
  const externalPsks = (id: Uint8Array) =>
    c.externalPsks.find((p) => hex(p.pskId) === hex(id))?.psk;
  let state = joinFromWelcome({
    suite,
    welcome: wm.welcome,
    keyPackage: kp.keyPackage,
    privateKeys,
    externalPsks,
    ...(c.ratchetTree !== undefined ? { ratchetTree: RatchetTree.decode(c.ratchetTree) } : {}),
  });
  if (hex(state.epochSecrets.epochAuthenticator) !== hex(c.initialEpochAuthenticator)) {
    return 'initial epoch_authenticator';
  }
  for (const [i, epoch] of c.epochs.entries()) {
    for (const proposal of epoch.proposals) {
      state = processProposal(state, decodeMlsMessage(proposal));
    }
    state = processCommit(state, decodeMlsMessage(epoch.commit), { externalPsks }).state;
    if (hex(state.epochSecrets.epochAuthenticator) !== hex(epoch.epochAuthenticator)) {
      return `epoch ${i}: epoch_authenticator`;
    }
    // Persist between epochs (every 4th, to bound the time of the 200-epoch scenario): the
    // decoded state must continue identically.
    if (i % 4 === 0) state = decodeGroupState(provider, encodeGroupState(state));
  }
  return undefined;
}

describe.each([
  ['welcome', 'rfc9420/passive-client-welcome'],
  ['handling-commit', 'rfc9420/passive-client-handling-commit'],
  ['random', 'rfc9420/passive-client-random'],
] as const)('%s', (which, family) => {
  const all = loadMlsPassiveClient(which);
  const { run: cases, skipped } = supportedCases(all);
  describe.each(allProviders())(`${family} ($name backend)`, (provider) => {
    it(`follows the ${cases.length} scenarios of suites 1 and 3 (skips ${skipped})`, () => {
      const failures: string[] = [];
      for (const c of cases) {
        let failure: string | undefined;
        try {
          failure = runCase(provider, c);
        } catch (err) {
          failure = `threw ${String(err)}`;
        }
        if (failure !== undefined) failures.push(`${c.name}: ${failure}`);
        tally(family, provider.name, 'valid');
      }
      expect(failures).toEqual([]);
    });
  });
});
