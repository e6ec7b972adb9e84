/**
 * `createHpke`: HPKE (RFC 9180) for one cipher suite over a `CryptoProvider`. It offers the
 * setup functions of the four modes (§5.1.1–§5.1.4), the single-shot APIs (§6) and key
 * generation (§7.1.3).
 *
 * @example
 * ```ts
 * const hpke = createHpke(getCryptoProvider(), {
 *   kem: 'DHKEM(X25519, HKDF-SHA256)',
 *   kdf: 'HKDF-SHA256',
 *   aead: 'ChaCha20Poly1305',
 * });
 * const recipient = hpke.generateKeyPair();
 * const { enc, ciphertext } = hpke.seal(recipient.publicKey, info, aad, plaintext);
 * const opened = hpke.open(enc, recipient, info, aad, ciphertext);
 * ```
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { KeyPair } from '../key-pair.ts';
import type { CryptoProvider } from '../provider.ts';
import { wipe } from '../secret.ts';
import { type ContextInit, HpkeRecipientContext, HpkeSenderContext } from './context.ts';
import { dhKem, type HpkeSecretKey } from './dhkem.ts';
import { type HpkeMode, type HpkePsk, keySchedule, verifyPskInputs } from './key-schedule.ts';
import { labeledKdf, requireBytes } from './labeled.ts';
import { type HpkeInfo, PreparedHpkeInfo } from './prepared-info.ts';
import { type HpkeSuite, type HpkeSuiteIds, resolveSuite } from './suite.ts';

const EMPTY_BYTES = new Uint8Array(0);

/** `info` must be bytes or a PreparedHpkeInfo. */
function requireInfo(info: HpkeInfo): void {
  if (!(info instanceof PreparedHpkeInfo)) requireBytes(info, 'info');
}

/** Options of the sender setup functions. */
export interface HpkeSenderOptions {
  /**
   * Testing only: derive the ephemeral key pair with DeriveKeyPair(ikmE) instead of drawing it
   * at random, to reproduce known-answer vectors. Reusing `ikmE` reuses the ephemeral key and
   * breaks HPKE's security. Never set it outside tests.
   */
  readonly ikmE?: Uint8Array;
}

/** Options of the single-shot sender APIs; the mode follows from which keys are given. */
export interface HpkeSingleShotSenderOptions extends HpkeSenderOptions {
  /** The PSK: selects the psk mode (or auth_psk with `senderKey`). */
  readonly psk?: HpkePsk;
  /** skS, the sender's own key: selects the auth mode (or auth_psk with `psk`). */
  readonly senderKey?: HpkeSecretKey;
}

/** Options of the single-shot recipient APIs; they must match the sender's mode. */
export interface HpkeSingleShotRecipientOptions {
  /** The PSK the sender used (psk and auth_psk modes). */
  readonly psk?: HpkePsk;
  /** pkS, the sender's public key (auth and auth_psk modes). */
  readonly senderPublicKey?: Uint8Array;
}

/** Byte sizes of a suite (RFC 9180 §7), for wire codecs. */
export interface HpkeSizes {
  /** Nenc: the encapsulated key `enc`. */
  readonly enc: number;
  /** Npk: a serialized public key. */
  readonly publicKey: number;
  /** Nsk: a serialized secret key. */
  readonly secretKey: number;
  /** Nk: the AEAD key (0 for Export-only). */
  readonly key: number;
  /** Nn: the AEAD nonce (0 for Export-only). */
  readonly nonce: number;
  /** Nt: the AEAD tag, i.e. ciphertext expansion (0 for Export-only). */
  readonly tag: number;
  /** Nh: the KDF's hash output. */
  readonly hash: number;
}

/** HPKE for one suite. Create it with {@link createHpke}. */
export interface Hpke {
  /** The suite by name. */
  readonly suite: HpkeSuite;
  /** The suite's wire identifiers (kem_id, kdf_id, aead_id). */
  readonly ids: HpkeSuiteIds;
  /** The suite's sizes. */
  readonly sizes: HpkeSizes;

  /**
   * `info` reduced once to its info_hash (prepared-info.ts), for sealing many messages under the
   * same large `info`; accepted wherever `info` is, with the same result as the bytes.
   * @throws SigilError `INVALID_ARGUMENT` if `info` is not a Uint8Array.
   */
  prepareInfo(info: Uint8Array): PreparedHpkeInfo;

  /**
   * DeriveKeyPair(ikm) (§7.1.3): a deterministic key pair.
   * @throws SigilError `INVALID_KEY_LENGTH` if `ikm` is shorter than Nsk bytes.
   */
  deriveKeyPair(ikm: Uint8Array): KeyPair;
  /** GenerateKeyPair() (§4): a fresh random key pair. */
  generateKeyPair(): KeyPair;

  /**
   * SetupBaseS(pkR, info) (§5.1.1): a context that seals to `pkR`; its `enc` goes to the
   * recipient.
   * @throws SigilError `INVALID_KEY_LENGTH` if `pkR` is not Npk bytes.
   * @throws SigilError `X25519_LOW_ORDER_POINT` if `pkR` is a low-order point.
   */
  setupBaseS(pkR: Uint8Array, info: HpkeInfo, options?: HpkeSenderOptions): HpkeSenderContext;
  /**
   * SetupBaseR(enc, skR, info) (§5.1.1).
   * @throws SigilError `INVALID_KEY_LENGTH` if `enc` is not Nenc bytes or `skR` not Nsk bytes.
   * @throws SigilError `X25519_LOW_ORDER_POINT` if `enc` is a low-order point.
   */
  setupBaseR(enc: Uint8Array, skR: HpkeSecretKey, info: HpkeInfo): HpkeRecipientContext;
  /**
   * SetupPSKS(pkR, info, psk, psk_id) (§5.1.2).
   * @throws SigilError `HPKE_INVALID_PSK` if psk or pskId is empty, or psk is under 32 bytes.
   * @throws SigilError `INVALID_KEY_LENGTH`, `X25519_LOW_ORDER_POINT` as {@link Hpke.setupBaseS}.
   */
  setupPSKS(
    pkR: Uint8Array,
    info: HpkeInfo,
    psk: HpkePsk,
    options?: HpkeSenderOptions,
  ): HpkeSenderContext;
  /**
   * SetupPSKR(enc, skR, info, psk, psk_id) (§5.1.2).
   * @throws SigilError `HPKE_INVALID_PSK` if psk or pskId is empty, or psk is under 32 bytes.
   * @throws SigilError `INVALID_KEY_LENGTH`, `X25519_LOW_ORDER_POINT` as {@link Hpke.setupBaseR}.
   */
  setupPSKR(
    enc: Uint8Array,
    skR: HpkeSecretKey,
    info: HpkeInfo,
    psk: HpkePsk,
  ): HpkeRecipientContext;
  /**
   * SetupAuthS(pkR, info, skS) (§5.1.3): the recipient learns the context came from skS.
   * @throws SigilError `INVALID_KEY_LENGTH` if `pkR` or `skS` has the wrong length.
   * @throws SigilError `X25519_LOW_ORDER_POINT` if `pkR` is a low-order point.
   */
  setupAuthS(
    pkR: Uint8Array,
    info: HpkeInfo,
    skS: HpkeSecretKey,
    options?: HpkeSenderOptions,
  ): HpkeSenderContext;
  /**
   * SetupAuthR(enc, skR, info, pkS) (§5.1.3).
   * @throws SigilError `INVALID_KEY_LENGTH` if `enc`, `skR` or `pkS` has the wrong length.
   * @throws SigilError `X25519_LOW_ORDER_POINT` if `enc` or `pkS` is a low-order point.
   */
  setupAuthR(
    enc: Uint8Array,
    skR: HpkeSecretKey,
    info: HpkeInfo,
    pkS: Uint8Array,
  ): HpkeRecipientContext;
  /**
   * SetupAuthPSKS(pkR, info, psk, psk_id, skS) (§5.1.4).
   * @throws SigilError `HPKE_INVALID_PSK` if psk or pskId is empty, or psk is under 32 bytes.
   * @throws SigilError `INVALID_KEY_LENGTH`, `X25519_LOW_ORDER_POINT` as {@link Hpke.setupAuthS}.
   */
  setupAuthPSKS(
    pkR: Uint8Array,
    info: HpkeInfo,
    psk: HpkePsk,
    skS: HpkeSecretKey,
    options?: HpkeSenderOptions,
  ): HpkeSenderContext;
  /**
   * SetupAuthPSKR(enc, skR, info, psk, psk_id, pkS) (§5.1.4).
   * @throws SigilError `HPKE_INVALID_PSK` if psk or pskId is empty, or psk is under 32 bytes.
   * @throws SigilError `INVALID_KEY_LENGTH`, `X25519_LOW_ORDER_POINT` as {@link Hpke.setupAuthR}.
   */
  setupAuthPSKR(
    enc: Uint8Array,
    skR: HpkeSecretKey,
    info: HpkeInfo,
    psk: HpkePsk,
    pkS: Uint8Array,
  ): HpkeRecipientContext;

  /**
   * Single-shot Seal<MODE>(pkR, info, aad, pt, ...) (§6.1): one message to `pkR`. The mode is
   * base, psk, auth or auth_psk according to `options.psk` and `options.senderKey`.
   * @throws SigilError `HPKE_EXPORT_ONLY` for an export-only suite.
   * @throws SigilError `HPKE_INVALID_PSK`, `INVALID_KEY_LENGTH`, `X25519_LOW_ORDER_POINT` as
   *   the setup functions.
   */
  seal(
    pkR: Uint8Array,
    info: HpkeInfo,
    aad: Uint8Array,
    plaintext: Uint8Array,
    options?: HpkeSingleShotSenderOptions,
  ): { enc: Uint8Array; ciphertext: Uint8Array };
  /**
   * Single-shot Open<MODE>(enc, skR, info, aad, ct, ...) (§6.1).
   * @throws SigilError `HPKE_OPEN_FAILED` if the ciphertext does not authenticate (including a
   *   wrong key, PSK, mode or sender).
   * @throws SigilError `HPKE_EXPORT_ONLY` for an export-only suite.
   * @throws SigilError `HPKE_INVALID_PSK`, `INVALID_KEY_LENGTH`, `X25519_LOW_ORDER_POINT` as
   *   the setup functions.
   */
  open(
    enc: Uint8Array,
    skR: HpkeSecretKey,
    info: HpkeInfo,
    aad: Uint8Array,
    ciphertext: Uint8Array,
    options?: HpkeSingleShotRecipientOptions,
  ): Uint8Array;
  /**
   * Single-shot SendExport<MODE>(pkR, info, exporter_context, L, ...) (§6.2): a secret shared
   * with the holder of skR, who derives it from `enc`.
   * @throws SigilError `INVALID_OUTPUT_LENGTH` if `length` is not an integer in [0, 255*Nh].
   * @throws SigilError `HPKE_INVALID_PSK`, `INVALID_KEY_LENGTH`, `X25519_LOW_ORDER_POINT` as
   *   the setup functions.
   */
  sendExport(
    pkR: Uint8Array,
    info: HpkeInfo,
    exporterContext: Uint8Array,
    length: number,
    options?: HpkeSingleShotSenderOptions,
  ): { enc: Uint8Array; exported: Uint8Array };
  /**
   * Single-shot ReceiveExport<MODE>(enc, skR, info, exporter_context, L, ...) (§6.2).
   * @throws SigilError `INVALID_OUTPUT_LENGTH` if `length` is not an integer in [0, 255*Nh].
   * @throws SigilError `HPKE_INVALID_PSK`, `INVALID_KEY_LENGTH`, `X25519_LOW_ORDER_POINT` as
   *   the setup functions.
   */
  receiveExport(
    enc: Uint8Array,
    skR: HpkeSecretKey,
    info: HpkeInfo,
    exporterContext: Uint8Array,
    length: number,
    options?: HpkeSingleShotRecipientOptions,
  ): Uint8Array;
}

function modeOf(psk: unknown, auth: unknown): HpkeMode {
  if (psk === undefined) return auth === undefined ? 'base' : 'auth';
  return auth === undefined ? 'psk' : 'auth_psk';
}

/**
 * HPKE for `suite` over `provider`.
 * @throws SigilError `UNSUPPORTED_ALGORITHM` if the suite is unknown or the provider lacks a
 *   primitive it needs.
 */
export function createHpke(provider: CryptoProvider, suite: HpkeSuite): Hpke {
  const resolved = resolveSuite(suite, provider);
  const kem = dhKem(provider, resolved.kem);
  const kdf = labeledKdf(provider, resolved.kdf.hash, resolved.suiteId);

  const context = (
    mode: HpkeMode,
    sharedSecret: Uint8Array,
    info: HpkeInfo,
    psk: HpkePsk | undefined,
    exporterSecret: boolean,
  ): ContextInit => {
    try {
      const secrets = keySchedule(kdf, resolved.aead, mode, sharedSecret, info, psk, {
        exporterSecret,
      });
      return { provider, suite: resolved, kdf, secrets };
    } finally {
      wipe(sharedSecret);
    }
  };

  const setupS = (
    mode: HpkeMode,
    pkR: Uint8Array,
    info: HpkeInfo,
    psk: HpkePsk | undefined,
    skS: HpkeSecretKey | undefined,
    options: HpkeSenderOptions | undefined,
    exporterSecret = true,
  ): HpkeSenderContext => {
    // Checked before the KEM so that bad inputs cost no key agreement.
    verifyPskInputs(mode, psk);
    requireInfo(info);
    const ikmE = options?.ikmE;
    const { sharedSecret, enc } =
      skS === undefined ? kem.encap(pkR, ikmE) : kem.authEncap(pkR, skS, ikmE);
    return new HpkeSenderContext(context(mode, sharedSecret, info, psk, exporterSecret), enc);
  };

  const setupR = (
    mode: HpkeMode,
    enc: Uint8Array,
    skR: HpkeSecretKey,
    info: HpkeInfo,
    psk: HpkePsk | undefined,
    pkS: Uint8Array | undefined,
    exporterSecret = true,
  ): HpkeRecipientContext => {
    verifyPskInputs(mode, psk);
    requireInfo(info);
    const sharedSecret = pkS === undefined ? kem.decap(enc, skR) : kem.authDecap(enc, skR, pkS);
    return new HpkeRecipientContext(context(mode, sharedSecret, info, psk, exporterSecret));
  };

  // The single-shot APIs (§6): `exporting` is false for Seal and Open, whose context is used
  // once and dropped, so its exporter_secret is never derived.
  const singleShotS = (
    pkR: Uint8Array,
    info: HpkeInfo,
    options: HpkeSingleShotSenderOptions | undefined,
    exporting: boolean,
  ) =>
    setupS(
      modeOf(options?.psk, options?.senderKey),
      pkR,
      info,
      options?.psk,
      options?.senderKey,
      options,
      exporting,
    );

  const singleShotR = (
    enc: Uint8Array,
    skR: HpkeSecretKey,
    info: HpkeInfo,
    options: HpkeSingleShotRecipientOptions | undefined,
    exporting: boolean,
  ) =>
    setupR(
      modeOf(options?.psk, options?.senderPublicKey),
      enc,
      skR,
      info,
      options?.psk,
      options?.senderPublicKey,
      exporting,
    );

  const requireAead = (): void => {
    if (resolved.aead.algorithm === undefined) {
      throw new SigilError('HPKE_EXPORT_ONLY', 'this HPKE suite is export-only');
    }
  };

  return Object.freeze({
    prepareInfo(info: Uint8Array): PreparedHpkeInfo {
      requireBytes(info, 'info');
      return new PreparedHpkeInfo(kdf, kdf.extract(EMPTY_BYTES, 'info_hash', info));
    },
    suite: Object.freeze({
      kem: resolved.kem.name,
      kdf: resolved.kdf.name,
      aead: resolved.aead.name,
    }),
    ids: Object.freeze({ kem: resolved.kem.id, kdf: resolved.kdf.id, aead: resolved.aead.id }),
    sizes: Object.freeze({
      enc: resolved.kem.encLength,
      publicKey: resolved.kem.publicKeyLength,
      secretKey: resolved.kem.secretKeyLength,
      key: resolved.aead.keyLength,
      nonce: resolved.aead.nonceLength,
      tag: resolved.aead.tagLength,
      hash: resolved.kdf.hashLength,
    }),

    deriveKeyPair: (ikm) => kem.deriveKeyPair(ikm),
    generateKeyPair: () => kem.generateKeyPair(),

    setupBaseS: (pkR, info, options) => setupS('base', pkR, info, undefined, undefined, options),
    setupBaseR: (enc, skR, info) => setupR('base', enc, skR, info, undefined, undefined),
    setupPSKS: (pkR, info, psk, options) => setupS('psk', pkR, info, psk, undefined, options),
    setupPSKR: (enc, skR, info, psk) => setupR('psk', enc, skR, info, psk, undefined),
    setupAuthS: (pkR, info, skS, options) => setupS('auth', pkR, info, undefined, skS, options),
    setupAuthR: (enc, skR, info, pkS) => setupR('auth', enc, skR, info, undefined, pkS),
    setupAuthPSKS: (pkR, info, psk, skS, options) =>
      setupS('auth_psk', pkR, info, psk, skS, options),
    setupAuthPSKR: (enc, skR, info, psk, pkS) => setupR('auth_psk', enc, skR, info, psk, pkS),

    seal(pkR, info, aad, plaintext, options) {
      requireAead();
      const sender = singleShotS(pkR, info, options, false);
      return { enc: sender.enc, ciphertext: sender.seal(aad, plaintext) };
    },
    open(enc, skR, info, aad, ciphertext, options) {
      requireAead();
      return singleShotR(enc, skR, info, options, false).open(aad, ciphertext);
    },
    sendExport(pkR, info, exporterContext, length, options) {
      const sender = singleShotS(pkR, info, options, true);
      return { enc: sender.enc, exported: sender.export(exporterContext, length) };
    },
    receiveExport(enc, skR, info, exporterContext, length, options) {
      return singleShotR(enc, skR, info, options, true).export(exporterContext, length);
    },
  } satisfies Hpke);
}
