/**
 * DHKEM(X25519, HKDF-SHA256), kem_id 0x0020 (RFC 9180 §4.1): Encap/Decap, AuthEncap/AuthDecap,
 * ExtractAndExpand with suite_id "KEM" || I2OSP(kem_id, 2), and DeriveKeyPair for X25519
 * (§7.1.3). The Diffie-Hellman step is `provider.x25519.sharedSecret`, which rejects an all-zero
 * output with `X25519_LOW_ORDER_POINT`: that is the §7.1.4 validation, surfaced as is.
 *
 * Most users won't need this module: `createHpke` runs the KEM inside its setup functions.
 *
 * @example
 * ```ts
 * const kem = dhKem(provider, resolveSuite(suite).kem);
 * const recipient = kem.generateKeyPair();
 * const { sharedSecret, enc } = kem.encap(recipient.publicKey);
 * kem.decap(enc, recipient); // equals sharedSecret
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import { KeyPair } from '../key-pair.ts';
import type { CryptoProvider } from '../provider.ts';
import { wipe } from '../secret.ts';
import { concat, i2osp, type LabeledKdf, label, labeledKdf, requireBytes } from './labeled.ts';
import type { KemParams } from './suite.ts';

/** A secret key: a {@link KeyPair} (its public half is trusted) or the bare Nsk-byte key. */
export type HpkeSecretKey = KeyPair | Uint8Array;

/** The result of Encap/AuthEncap: the KEM shared secret and the encapsulated key `enc`. */
export interface Encapsulation {
  /** shared_secret (Nsecret bytes). Secret: the caller wipes it after the key schedule. */
  readonly sharedSecret: Uint8Array;
  /** enc (Nenc bytes): the serialized ephemeral public key, sent to the recipient. */
  readonly enc: Uint8Array;
}

/** A DHKEM over one provider (RFC 9180 §4.1). Most users won't need this. */
export interface DhKem {
  readonly params: KemParams;
  /**
   * DeriveKeyPair(ikm) (§7.1.3): a deterministic key pair from input keying material.
   * @throws SigilError `INVALID_KEY_LENGTH` if `ikm` is shorter than Nsk bytes.
   */
  deriveKeyPair(ikm: Uint8Array): KeyPair;
  /** GenerateKeyPair(): a fresh key pair from the provider's random source. */
  generateKeyPair(): KeyPair;
  /**
   * Encap(pkR); with `ikmE` the ephemeral key is DeriveKeyPair(ikmE) (testing only).
   * @throws SigilError `INVALID_KEY_LENGTH` if `pkR` is not Npk bytes.
   * @throws SigilError `X25519_LOW_ORDER_POINT` if `pkR` is a low-order point.
   */
  encap(pkR: Uint8Array, ikmE?: Uint8Array): Encapsulation;
  /**
   * Decap(enc, skR).
   * @throws SigilError `INVALID_KEY_LENGTH` if `enc` is not Nenc bytes or `skR` not Nsk bytes.
   * @throws SigilError `X25519_LOW_ORDER_POINT` if `enc` is a low-order point.
   */
  decap(enc: Uint8Array, skR: HpkeSecretKey): Uint8Array;
  /**
   * AuthEncap(pkR, skS); with `ikmE` the ephemeral key is DeriveKeyPair(ikmE) (testing only).
   * @throws SigilError `INVALID_KEY_LENGTH` if `pkR` or `skS` has the wrong length.
   * @throws SigilError `X25519_LOW_ORDER_POINT` if `pkR` is a low-order point.
   */
  authEncap(pkR: Uint8Array, skS: HpkeSecretKey, ikmE?: Uint8Array): Encapsulation;
  /**
   * AuthDecap(enc, skR, pkS).
   * @throws SigilError `INVALID_KEY_LENGTH` if `enc`, `skR` or `pkS` has the wrong length.
   * @throws SigilError `X25519_LOW_ORDER_POINT` if `enc` or `pkS` is a low-order point.
   */
  authDecap(enc: Uint8Array, skR: HpkeSecretKey, pkS: Uint8Array): Uint8Array;
}

/** The DHKEM of `params` over `provider`. Most users won't need this. */
export function dhKem(provider: CryptoProvider, params: KemParams): DhKem {
  // suite_id = "KEM" || I2OSP(kem_id, 2) (§4.1).
  const kdf: LabeledKdf = labeledKdf(
    provider,
    params.hash,
    concat(label('KEM'), i2osp(params.id, 2)),
  );
  const empty = new Uint8Array(0);

  /** DeserializePublicKey (§7.1.1): X25519 public keys are their 32 raw bytes. */
  const publicKeyBytes = (value: unknown, name: string): Uint8Array => {
    requireBytes(value, name);
    if (value.length !== params.publicKeyLength) {
      throw new SigilError(
        'INVALID_KEY_LENGTH',
        `${name} must be ${params.publicKeyLength} bytes, got ${value.length}`,
        { details: { expected: params.publicKeyLength, actual: value.length } },
      );
    }
    return value;
  };

  /** The secret key bytes and the serialized public key pk(sk). */
  const unpack = (key: HpkeSecretKey, name: string): { sk: Uint8Array; pkm: Uint8Array } => {
    if (key instanceof KeyPair) {
      return { sk: key.secretKey, pkm: publicKeyBytes(key.publicKey, `${name}.publicKey`) };
    }
    if (!(key instanceof Uint8Array) || key.length !== params.secretKeyLength) {
      throw new SigilError(
        'INVALID_KEY_LENGTH',
        `${name} must be a KeyPair or ${params.secretKeyLength} bytes`,
      );
    }
    return { sk: key, pkm: provider.x25519.publicKey(key) };
  };

  /** ExtractAndExpand(dh, kem_context) (§4.1); wipes `dh`. */
  const extractAndExpand = (dh: Uint8Array, kemContext: Uint8Array): Uint8Array => {
    const eaePrk = kdf.extract(empty, 'eae_prk', dh);
    try {
      return kdf.expand(eaePrk, 'shared_secret', kemContext, params.secretLength);
    } finally {
      wipe(dh, eaePrk);
    }
  };

  const deriveKeyPair = (ikm: Uint8Array): KeyPair => {
    if (!(ikm instanceof Uint8Array) || ikm.length < params.secretKeyLength) {
      // RFC 9180 §7.1.3: ikm SHOULD carry at least Nsk bytes of entropy; shorter is refused.
      throw new SigilError(
        'INVALID_KEY_LENGTH',
        `ikm must be at least ${params.secretKeyLength} bytes`,
      );
    }
    const dkpPrk = kdf.extract(empty, 'dkp_prk', ikm);
    try {
      // X25519: sk is the Nsk expanded bytes as they are; clamping happens inside X25519.
      const sk = kdf.expand(dkpPrk, 'sk', empty, params.secretKeyLength);
      return new KeyPair(provider.x25519.publicKey(sk), sk);
    } finally {
      wipe(dkpPrk);
    }
  };

  const ephemeral = (ikmE: Uint8Array | undefined): KeyPair =>
    ikmE === undefined ? provider.x25519.generateKeyPair() : deriveKeyPair(ikmE);

  const dh = (sk: Uint8Array, pk: Uint8Array): Uint8Array => provider.x25519.sharedSecret(sk, pk);

  /** concat(DH(sk1, pk1), DH(sk2, pk2)) for the Auth variants; wipes the halves. */
  const dhPair = (sk1: Uint8Array, pk1: Uint8Array, sk2: Uint8Array, pk2: Uint8Array) => {
    const first = dh(sk1, pk1);
    let second: Uint8Array | undefined;
    try {
      second = dh(sk2, pk2);
      return concat(first, second);
    } finally {
      wipe(first, second);
    }
  };

  return {
    params,
    deriveKeyPair,
    generateKeyPair: () => provider.x25519.generateKeyPair(),

    encap(pkR, ikmE) {
      const pkRm = publicKeyBytes(pkR, 'pkR');
      const skE = ephemeral(ikmE);
      try {
        const enc = skE.publicKey;
        const sharedSecret = extractAndExpand(dh(skE.secretKey, pkRm), concat(enc, pkRm));
        return { sharedSecret, enc };
      } finally {
        skE.wipe();
      }
    },

    decap(enc, skR) {
      const pkE = publicKeyBytes(enc, 'enc');
      const { sk, pkm: pkRm } = unpack(skR, 'skR');
      return extractAndExpand(dh(sk, pkE), concat(pkE, pkRm));
    },

    authEncap(pkR, skS, ikmE) {
      const pkRm = publicKeyBytes(pkR, 'pkR');
      const { sk: skSm, pkm: pkSm } = unpack(skS, 'skS');
      const skE = ephemeral(ikmE);
      try {
        const enc = skE.publicKey;
        const dhBoth = dhPair(skE.secretKey, pkRm, skSm, pkRm);
        const sharedSecret = extractAndExpand(dhBoth, concat(enc, pkRm, pkSm));
        return { sharedSecret, enc };
      } finally {
        skE.wipe();
      }
    },

    authDecap(enc, skR, pkS) {
      const pkE = publicKeyBytes(enc, 'enc');
      const pkSm = publicKeyBytes(pkS, 'pkS');
      const { sk, pkm: pkRm } = unpack(skR, 'skR');
      return extractAndExpand(dhPair(sk, pkE, sk, pkSm), concat(pkE, pkRm, pkSm));
    },
  };
}
