/**
 * The labelled cryptographic building blocks of RFC 9420 §5 and §8: ExpandWithLabel,
 * DeriveSecret (§8), DeriveTreeSecret (§9), RefHash and the KeyPackage and Proposal
 * references (§5.2), SignWithLabel/VerifyWithLabel (§5.1.2) and EncryptWithLabel/
 * DecryptWithLabel (§5.1.3). Every derivation and signature in MLS goes through one of them,
 * so each is bound to the "MLS 1.0 " label prefix and its purpose.
 *
 * ```
 * struct { uint16 length; opaque label<V>; opaque context<V>; } KDFLabel;      // §8
 * struct { opaque label<V>; opaque value<V>; } RefHashInput;                   // §5.2
 * struct { opaque label<V>; opaque content<V>; } SignContent;                  // §5.1.2
 * struct { opaque label<V>; opaque context<V>; } EncryptContext;               // §5.1.3
 * ```
 *
 * Labels are strings (ASCII in every use the RFC defines); "MLS 1.0 " is prepended except in
 * RefHash, whose callers pass the full label.
 *
 * @example
 * ```ts
 * const suite = getCipherSuite(provider, 1);
 * const welcomeSecret = deriveSecret(suite, joinerPrk, 'welcome');
 * const sig = signWithLabel(suite, signatureKey, 'FramedContentTBS', tbs);
 * ```
 * @module
 */
import type { HpkeSecretKey, PreparedHpkeInfo } from '@sigil/crypto/hpke';
import { SigilError } from '@sigil/errors';
import { varintSize } from '@sigil/wire';
import type { CipherSuite } from './cipher-suite.ts';
import type { HpkeCiphertext } from './wire/common.ts';

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
const MLS_PREFIX = 'MLS 1.0 ';

/** Label bytes by label, for the fixed labels the protocol uses over and over. */
const labelCache = new Map<string, Uint8Array>();
const LABEL_CACHE_LIMIT = 256;

/** The bytes of "MLS 1.0 " + `label` (do not mutate: they may be shared). */
function mlsLabel(label: string): Uint8Array {
  let bytes = labelCache.get(label);
  if (bytes === undefined) {
    bytes = encoder.encode(MLS_PREFIX + label);
    if (labelCache.size < LABEL_CACHE_LIMIT) labelCache.set(label, bytes);
  }
  return bytes;
}

/**
 * Writes `bytes` as `opaque<V>` (RFC 9420 §2.1.2 variable-size length, then the bytes) into
 * `out` at `offset`; returns the offset after it. `out` must have room (see {@link opaqueSize}).
 */
function putOpaque(out: Uint8Array, offset: number, bytes: Uint8Array): number {
  const n = bytes.length;
  let at = offset;
  switch (varintSize(n)) {
    case 1:
      out[at++] = n;
      break;
    case 2:
      out[at++] = 0x40 | (n >>> 8);
      out[at++] = n & 0xff;
      break;
    default:
      out[at++] = 0x80 | (n >>> 24);
      out[at++] = (n >>> 16) & 0xff;
      out[at++] = (n >>> 8) & 0xff;
      out[at++] = n & 0xff;
  }
  out.set(bytes, at);
  return at + n;
}

/**
 * The encoded size of `opaque<V>` holding `bytes`.
 * @throws SigilError `INVALID_ARGUMENT` if it is longer than 2^30 - 1 bytes.
 */
function opaqueSize(bytes: Uint8Array): number {
  return varintSize(bytes.length) + bytes.length;
}

/**
 * The encoding of `struct { opaque first<V>; opaque second<V>; }`, built in one exact-size
 * array: these small structs are encoded for every derivation and signature.
 */
function twoOpaques(first: Uint8Array, second: Uint8Array): Uint8Array {
  const out = new Uint8Array(opaqueSize(first) + opaqueSize(second));
  putOpaque(out, putOpaque(out, 0, first), second);
  return out;
}

/** @throws SigilError `INVALID_ARGUMENT` unless `value` is an integer in [0, max]. */
function checkUint(value: number, max: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new SigilError('INVALID_ARGUMENT', `${name} value out of range`, { details: { max } });
  }
}

/**
 * ExpandWithLabel(Secret, Label, Context, Length) = KDF.Expand(Secret, KDFLabel, Length)
 * (§8), with KDFLabel = { Length, "MLS 1.0 " + Label, Context }.
 * @throws SigilError `INVALID_OUTPUT_LENGTH` if `length` exceeds 255 * Nh;
 *   `INVALID_ARGUMENT` if it is not a uint16.
 */
export function expandWithLabel(
  suite: CipherSuite,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  checkUint(length, 0xffff, 'uint16');
  const labelBytes = mlsLabel(label);
  const kdfLabel = new Uint8Array(2 + opaqueSize(labelBytes) + opaqueSize(context));
  kdfLabel[0] = length >>> 8;
  kdfLabel[1] = length & 0xff;
  putOpaque(kdfLabel, putOpaque(kdfLabel, 2, labelBytes), context);
  return suite.expand(secret, kdfLabel, length);
}

/** DeriveSecret(Secret, Label) = ExpandWithLabel(Secret, Label, "", KDF.Nh) (§8). */
export function deriveSecret(suite: CipherSuite, secret: Uint8Array, label: string): Uint8Array {
  return expandWithLabel(suite, secret, label, EMPTY, suite.hashLength);
}

/**
 * DeriveTreeSecret(Secret, Label, Generation, Length) =
 * ExpandWithLabel(Secret, Label, Generation, Length), Generation a big-endian uint32 (§9.1).
 * @throws SigilError `INVALID_ARGUMENT` if `generation` is not a uint32.
 */
export function deriveTreeSecret(
  suite: CipherSuite,
  secret: Uint8Array,
  label: string,
  generation: number,
  length: number,
): Uint8Array {
  checkUint(generation, 0xffff_ffff, 'uint32');
  const context = Uint8Array.of(
    generation >>> 24,
    (generation >>> 16) & 0xff,
    (generation >>> 8) & 0xff,
    generation & 0xff,
  );
  return expandWithLabel(suite, secret, label, context, length);
}

/**
 * RefHash(label, value) = Hash(RefHashInput{label, value}) (§5.2). `label` is used as given
 * (the callers below pass the full "MLS 1.0 ..." label).
 */
export function refHash(suite: CipherSuite, label: string, value: Uint8Array): Uint8Array {
  return suite.hash(twoOpaques(encoder.encode(label), value));
}

/** MakeKeyPackageRef(value) = RefHash("MLS 1.0 KeyPackage Reference", encoded KeyPackage). */
export function makeKeyPackageRef(suite: CipherSuite, encodedKeyPackage: Uint8Array): Uint8Array {
  return refHash(suite, 'MLS 1.0 KeyPackage Reference', encodedKeyPackage);
}

/**
 * MakeProposalRef(value) = RefHash("MLS 1.0 Proposal Reference", encoded AuthenticatedContent
 * that carried the proposal) (§5.2).
 */
export function makeProposalRef(
  suite: CipherSuite,
  encodedAuthenticatedContent: Uint8Array,
): Uint8Array {
  return refHash(suite, 'MLS 1.0 Proposal Reference', encodedAuthenticatedContent);
}

/**
 * SignWithLabel(SignatureKey, Label, Content) = Signature.Sign(SignatureKey, SignContent)
 * with SignContent = { "MLS 1.0 " + Label, Content } (§5.1.2).
 * @throws SigilError `INVALID_KEY_LENGTH` if `signatureKey` is not a 32-byte Ed25519 seed.
 */
export function signWithLabel(
  suite: CipherSuite,
  signatureKey: Uint8Array,
  label: string,
  content: Uint8Array,
): Uint8Array {
  return suite.signature.sign(signatureKey, twoOpaques(mlsLabel(label), content));
}

/**
 * VerifyWithLabel(VerificationKey, Label, Content, SignatureValue) (§5.1.2). Returns `false`
 * for a bad signature, and for a key or signature of the wrong length.
 */
export function verifyWithLabel(
  suite: CipherSuite,
  verificationKey: Uint8Array,
  label: string,
  content: Uint8Array,
  signature: Uint8Array,
): boolean {
  return suite.signature.verify(verificationKey, twoOpaques(mlsLabel(label), content), signature);
}

/** The encoded EncryptContext { "MLS 1.0 " + Label, Context } (§5.1.3), HPKE's `info`. */
function encryptContext(label: string, context: Uint8Array): Uint8Array {
  return twoOpaques(mlsLabel(label), context);
}

/**
 * EncryptWithLabel(PublicKey, Label, Context, Plaintext) =
 * SealBase(PublicKey, EncryptContext, "", Plaintext) (§5.1.3).
 * @throws SigilError `INVALID_KEY_LENGTH` if `publicKey` is not 32 bytes;
 *   `X25519_LOW_ORDER_POINT` if it is a low-order point.
 */
export function encryptWithLabel(
  suite: CipherSuite,
  publicKey: Uint8Array,
  label: string,
  context: Uint8Array,
  plaintext: Uint8Array,
): HpkeCiphertext {
  const { enc, ciphertext } = suite.hpke.seal(
    publicKey,
    encryptContext(label, context),
    EMPTY,
    plaintext,
  );
  return { kemOutput: enc, ciphertext };
}

/**
 * EncryptContext { Label, Context } prepared once for {@link encryptWithPreparedContext}: its
 * HPKE info_hash is computed here, so sealing to many recipients under the same context (a
 * Welcome's encrypted GroupInfo, sent to every new member) hashes the context once, not once per
 * recipient.
 */
export function prepareEncryptContext(
  suite: CipherSuite,
  label: string,
  context: Uint8Array,
): PreparedHpkeInfo {
  return suite.hpke.prepareInfo(encryptContext(label, context));
}

/**
 * EncryptWithLabel with a context prepared by {@link prepareEncryptContext} (same output as
 * {@link encryptWithLabel} with that label and context).
 * @throws SigilError as {@link encryptWithLabel}; `INVALID_ARGUMENT` for a context prepared by
 *   another suite.
 */
export function encryptWithPreparedContext(
  suite: CipherSuite,
  publicKey: Uint8Array,
  prepared: PreparedHpkeInfo,
  plaintext: Uint8Array,
): HpkeCiphertext {
  const { enc, ciphertext } = suite.hpke.seal(publicKey, prepared, EMPTY, plaintext);
  return { kemOutput: enc, ciphertext };
}

/**
 * DecryptWithLabel(PrivateKey, Label, Context, KEMOutput, Ciphertext) =
 * OpenBase(KEMOutput, PrivateKey, EncryptContext, "", Ciphertext) (§5.1.3).
 * @throws SigilError `HPKE_OPEN_FAILED` if the ciphertext does not authenticate (wrong key,
 *   label or context included).
 * @throws SigilError `INVALID_KEY_LENGTH`, `X25519_LOW_ORDER_POINT` for a malformed
 *   `kemOutput` or key.
 */
export function decryptWithLabel(
  suite: CipherSuite,
  privateKey: HpkeSecretKey,
  label: string,
  context: Uint8Array,
  ciphertext: HpkeCiphertext,
): Uint8Array {
  return suite.hpke.open(
    ciphertext.kemOutput,
    privateKey,
    encryptContext(label, context),
    EMPTY,
    ciphertext.ciphertext,
  );
}
