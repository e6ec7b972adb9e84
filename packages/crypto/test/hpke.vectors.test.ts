/**
 * HPKE (RFC 9180) against the RFC's Appendix A vectors for DHKEM(X25519, HKDF-SHA256), on both
 * backends: key derivation (§7.1.3), the sender's enc and key schedule, every encryption in
 * order (sealed by the sender, opened by the recipient), every export on both sides, and the
 * single-shot APIs (§6) on the first message and export.
 */

import { createHpke, type HpkeMode, type HpkePsk, hpkeSuiteFromIds } from '@sigil/crypto/hpke';
import { allProviders } from '@sigil/crypto/testing';
import { SigilError } from '@sigil/errors';
import { toHex } from '@sigil/test-vectors/hex';
import { type HpkeVector, loadHpkeVectors } from '@sigil/test-vectors/hpke';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { dhKem, resolveSuite, unsafeContextSecrets } from '../src/hpke/internal.ts';

const FAMILY = 'rfc9180/hpke';
const MODES: readonly HpkeMode[] = ['base', 'psk', 'auth', 'auth_psk'];
const vectors = loadHpkeVectors();

afterAll(() => flushTally());

function modeOf(vector: HpkeVector): HpkeMode {
  const mode = MODES[vector.mode];
  if (mode === undefined) throw new Error(`${vector.id}: unknown mode ${vector.mode}`);
  return mode;
}

function must<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`vector lacks ${what}`);
  return value;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe.each(allProviders())('HPKE RFC 9180 vectors ($name)', (provider) => {
  const counts = { sets: 0, encryptions: 0, exports: 0 };

  afterAll(() => {
    console.log(
      `[hpke] ${provider.name}: ${counts.sets} vector sets, ${counts.encryptions} encryptions ` +
        `sealed and opened, ${counts.exports} exports matched on both sides`,
    );
  });

  it('has the 32 X25519 sets with 6168 encryptions and 96 exports', () => {
    expect(vectors).toHaveLength(32);
    expect(vectors.reduce((n, v) => n + v.encryptions.length, 0)).toBe(6168);
    expect(vectors.reduce((n, v) => n + v.exports.length, 0)).toBe(96);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const failures: string[] = [];
    const same = (what: string, actual: Uint8Array | undefined, expected: Uint8Array) => {
      if (actual === undefined || toHex(actual) !== toHex(expected)) failures.push(what);
    };

    const suite = hpkeSuiteFromIds(v.kemId, v.kdfId, v.aeadId);
    const hpke = createHpke(provider, suite);
    const mode = modeOf(v);
    const psk: HpkePsk | undefined =
      v.psk === undefined || v.pskId === undefined ? undefined : { psk: v.psk, pskId: v.pskId };

    // DeriveKeyPair (§7.1.3).
    const kpE = hpke.deriveKeyPair(v.ikmE);
    const kpR = hpke.deriveKeyPair(v.ikmR);
    same('skEm', kpE.secretKey, v.skEm);
    same('pkEm', kpE.publicKey, v.pkEm);
    same('skRm', kpR.secretKey, v.skRm);
    same('pkRm', kpR.publicKey, v.pkRm);
    const kpS = v.ikmS === undefined ? undefined : hpke.deriveKeyPair(v.ikmS);
    if (v.skSm !== undefined && v.pkSm !== undefined) {
      same('skSm', kpS?.secretKey, v.skSm);
      same('pkSm', kpS?.publicKey, v.pkSm);
    }
    const auth = mode === 'auth' || mode === 'auth_psk';

    // The KEM shared secret (§4.1), through the internal KEM.
    const kem = dhKem(provider, resolveSuite(suite).kem);
    const encapsulation =
      kpS === undefined ? kem.encap(v.pkRm, v.ikmE) : kem.authEncap(v.pkRm, kpS, v.ikmE);
    same('shared_secret', encapsulation.sharedSecret, v.sharedSecret);

    // Sender and recipient setup (§5.1).
    const senderOptions = { ikmE: v.ikmE };
    const sender =
      mode === 'base'
        ? hpke.setupBaseS(v.pkRm, v.info, senderOptions)
        : mode === 'psk'
          ? hpke.setupPSKS(v.pkRm, v.info, must(psk, 'psk'), senderOptions)
          : mode === 'auth'
            ? hpke.setupAuthS(v.pkRm, v.info, must(kpS, 'ikmS'), senderOptions)
            : hpke.setupAuthPSKS(
                v.pkRm,
                v.info,
                must(psk, 'psk'),
                must(kpS, 'ikmS'),
                senderOptions,
              );
    same('enc', sender.enc, v.enc);
    const recipient =
      mode === 'base'
        ? hpke.setupBaseR(v.enc, kpR, v.info)
        : mode === 'psk'
          ? hpke.setupPSKR(v.enc, kpR, v.info, must(psk, 'psk'))
          : mode === 'auth'
            ? hpke.setupAuthR(v.enc, kpR, v.info, must(v.pkSm, 'pkSm'))
            : hpke.setupAuthPSKR(v.enc, kpR, v.info, must(psk, 'psk'), must(v.pkSm, 'pkSm'));
    for (const [side, context] of [
      ['sender', sender],
      ['recipient', recipient],
    ] as const) {
      const secrets = unsafeContextSecrets(context);
      same(`${side} key`, secrets.key, v.key);
      same(`${side} base_nonce`, secrets.baseNonce, v.baseNonce);
      same(`${side} exporter_secret`, secrets.exporterSecret, v.exporterSecret);
    }

    // Every encryption, in sequence order (§5.2).
    v.encryptions.forEach((e, seq) => {
      same(`seal seq ${seq}`, sender.seal(e.aad, e.pt), e.ct);
      let opened: Uint8Array | undefined;
      try {
        opened = recipient.open(e.aad, e.ct);
      } catch (err) {
        failures.push(`open seq ${seq} threw ${SigilError.is(err) ? err.code : String(err)}`);
      }
      if (opened !== undefined) same(`open seq ${seq}`, opened, e.pt);
    });
    if (sender.sequenceNumber !== BigInt(v.encryptions.length)) failures.push('sender seq');
    if (recipient.sequenceNumber !== BigInt(v.encryptions.length)) failures.push('recipient seq');

    // Every export, on both sides (§5.3).
    v.exports.forEach((x, i) => {
      same(`sender export ${i}`, sender.export(x.exporterContext, x.length), x.exportedValue);
      same(`recipient export ${i}`, recipient.export(x.exporterContext, x.length), x.exportedValue);
    });

    // Single-shot APIs (§6) on the first message and the first export.
    const shotS = { ikmE: v.ikmE, psk, senderKey: auth ? kpS : undefined };
    const shotR = { psk, senderPublicKey: auth ? v.pkSm : undefined };
    const first = v.encryptions[0];
    if (first === undefined) {
      const err = caught(() => hpke.seal(v.pkRm, v.info, new Uint8Array(0), v.info, shotS));
      if (!SigilError.is(err, 'HPKE_EXPORT_ONLY')) failures.push('single-shot seal export-only');
    } else {
      const shot = hpke.seal(v.pkRm, v.info, first.aad, first.pt, shotS);
      same('single-shot enc', shot.enc, v.enc);
      same('single-shot ct', shot.ciphertext, first.ct);
      same('single-shot open', hpke.open(v.enc, kpR, v.info, first.aad, first.ct, shotR), first.pt);
    }
    const firstExport = v.exports[0];
    if (firstExport !== undefined) {
      const { exporterContext: ctx, length, exportedValue } = firstExport;
      same(
        'sendExport',
        hpke.sendExport(v.pkRm, v.info, ctx, length, shotS).exported,
        exportedValue,
      );
      same(
        'receiveExport',
        hpke.receiveExport(v.enc, kpR, v.info, ctx, length, shotR),
        exportedValue,
      );
    }

    tally(FAMILY, provider.name, 'valid');
    expect(failures, `${v.id}: mismatches`).toEqual([]);
    counts.sets += 1;
    counts.encryptions += v.encryptions.length;
    counts.exports += v.exports.length;
  });
});
