/**
 * RFC 9420 §5 and §8 building blocks against the interop vectors (mls-implementations
 * crypto-basics.json), on both backends, for cipher suites 1 and 3: RefHash, ExpandWithLabel,
 * DeriveSecret, DeriveTreeSecret, SignWithLabel/VerifyWithLabel (the given signature verifies,
 * and ours, Ed25519 being deterministic, equals it) and EncryptWithLabel/DecryptWithLabel (the
 * given ciphertext opens, and a fresh one round-trips). Wrong labels and contexts fail.
 */
import { allProviders } from '@sigil/crypto/testing';
import { loadMlsCryptoBasics } from '@sigil/test-vectors/mls';
import { flushTally, tally } from '@sigil/test-vectors/tally';
import { afterAll, describe, expect, it } from 'vitest';
import { getCipherSuite } from '../src/cipher-suite.ts';
import {
  decryptWithLabel,
  deriveSecret,
  deriveTreeSecret,
  encryptWithLabel,
  expandWithLabel,
  refHash,
  signWithLabel,
  verifyWithLabel,
} from '../src/crypto-basics.ts';
import { codeOf, expectBytes, supportedCases } from './helpers.ts';

const FAMILY = 'rfc9420/crypto-basics';
const all = loadMlsCryptoBasics();
const { run: cases, skipped } = supportedCases(all);

afterAll(() => flushTally());

describe.each(allProviders())(`${FAMILY} ($name backend)`, (provider) => {
  it(`runs the ${cases.length} cases of suites 1 and 3 (skips ${skipped} of suites 2, 4-7)`, () => {
    expect(all.length).toBe(7);
    expect(cases.length).toBe(2);
    expect(skipped).toBe(5);
  });

  it('every derivation, signature and encryption matches', () => {
    const failures: string[] = [];
    for (const c of cases) {
      const suite = getCipherSuite(provider, c.cipherSuite);
      const f = (what: string) => `${c.name} ${what}`;

      const r = c.refHash;
      expectBytes(failures, f('ref_hash'), refHash(suite, r.label, r.value), r.out);

      const e = c.expandWithLabel;
      expectBytes(
        failures,
        f('expand_with_label'),
        expandWithLabel(suite, e.secret, e.label, e.context, e.length),
        e.out,
      );

      const d = c.deriveSecret;
      expectBytes(failures, f('derive_secret'), deriveSecret(suite, d.secret, d.label), d.out);

      const t = c.deriveTreeSecret;
      expectBytes(
        failures,
        f('derive_tree_secret'),
        deriveTreeSecret(suite, t.secret, t.label, t.generation, t.length),
        t.out,
      );

      const s = c.signWithLabel;
      expectBytes(failures, f('sign_with_label pub'), suite.signature.publicKey(s.priv), s.pub);
      if (!verifyWithLabel(suite, s.pub, s.label, s.content, s.signature)) {
        failures.push(f('sign_with_label: the given signature does not verify'));
      }
      const ours = signWithLabel(suite, s.priv, s.label, s.content);
      expectBytes(failures, f('sign_with_label (deterministic)'), ours, s.signature);
      if (!verifyWithLabel(suite, s.pub, s.label, s.content, ours)) {
        failures.push(f('sign_with_label: our signature does not verify'));
      }
      if (verifyWithLabel(suite, s.pub, `${s.label}x`, s.content, s.signature)) {
        failures.push(f('sign_with_label: verifies under another label'));
      }

      const x = c.encryptWithLabel;
      const given = { kemOutput: x.kemOutput, ciphertext: x.ciphertext };
      expectBytes(
        failures,
        f('decrypt_with_label'),
        decryptWithLabel(suite, x.priv, x.label, x.context, given),
        x.plaintext,
      );
      const fresh = encryptWithLabel(suite, x.pub, x.label, x.context, x.plaintext);
      expectBytes(
        failures,
        f('encrypt_with_label round trip'),
        decryptWithLabel(suite, x.priv, x.label, x.context, fresh),
        x.plaintext,
      );
      const wrongLabel = codeOf(() => decryptWithLabel(suite, x.priv, 'other', x.context, given));
      if (wrongLabel !== 'HPKE_OPEN_FAILED') failures.push(f(`wrong label: ${wrongLabel}`));
      const wrongContext = codeOf(() =>
        decryptWithLabel(suite, x.priv, x.label, new Uint8Array(1), given),
      );
      if (wrongContext !== 'HPKE_OPEN_FAILED') failures.push(f(`wrong context: ${wrongContext}`));

      tally(FAMILY, provider.name, 'valid');
    }
    expect(failures).toEqual([]);
  });
});

describe('cipher suites', () => {
  it.each(allProviders())(
    'suites 1 and 3 on $name, everything else UNSUPPORTED_ALGORITHM',
    (provider) => {
      const one = getCipherSuite(provider, 1);
      const three = getCipherSuite(provider, 3);
      expect([one.name, one.hashLength, one.keyLength, one.nonceLength]).toEqual([
        'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
        32,
        16,
        12,
      ]);
      expect([three.name, three.keyLength, three.hpke.suite.aead]).toEqual([
        'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519',
        32,
        'ChaCha20Poly1305',
      ]);
      expect(getCipherSuite(provider, 1)).toBe(one);
      for (const id of [0, 2, 4, 5, 6, 7, 0xffff]) {
        expect(
          codeOf(() => getCipherSuite(provider, id)),
          `suite ${id}`,
        ).toBe('UNSUPPORTED_ALGORITHM');
      }
    },
  );

  it.each(allProviders())('MACs verify only at full length on $name', (provider) => {
    const suite = getCipherSuite(provider, 1);
    const key = new Uint8Array(32).fill(7);
    const tag = suite.mac(key, new Uint8Array([1, 2, 3]));
    expect(suite.verifyMac(key, new Uint8Array([1, 2, 3]), tag)).toBe(true);
    expect(suite.verifyMac(key, new Uint8Array([1, 2, 3]), tag.subarray(0, 16))).toBe(false);
    expect(suite.verifyMac(key, new Uint8Array([1, 2, 4]), tag)).toBe(false);
  });
});
