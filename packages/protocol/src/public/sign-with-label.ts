/**
 * Labelled Ed25519 signatures (spec/one-to-one.md §1.2, after RFC 9420 §5.1.2):
 *
 * ```
 * struct { opaque label<V> = "Sigil/v1/" + Label; opaque content<V>; } SignContent;
 * SignWithLabel(sk, Label, content) = Ed25519.Sign(sk, SignContent)
 * ```
 *
 * Callers pass the full label, one of the constants of `labels.ts` (e.g.
 * `LABEL_DEVICE_LIST` = `"Sigil/v1/DeviceList"`); a label without the `Sigil/v1/` prefix or with
 * a non-ASCII character is refused, so no signature can be made outside Sigil's label space.
 *
 * @example
 * ```ts
 * const signature = signWithLabel(crypto, dsk, LABEL_SIGNED_PRE_KEY, encode(SignedPreKeyTBS, tbs));
 * verifyWithLabel(crypto, dskPublic, LABEL_SIGNED_PRE_KEY, tbsBytes, signature); // true
 * ```
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import { SignContent } from '@sigil/wire/formats';
import { LABEL_PREFIX } from '../labels.ts';

const labelCache = new Map<string, Uint8Array>();
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/** The bytes of a label, checked once and cached (labels are a handful of constants). */
function labelBytes(label: string): Uint8Array {
  let bytes = labelCache.get(label);
  if (bytes === undefined) {
    if (
      typeof label !== 'string' ||
      !label.startsWith(LABEL_PREFIX) ||
      label.length === LABEL_PREFIX.length ||
      !PRINTABLE_ASCII.test(label)
    ) {
      throw new SigilError('INVALID_ARGUMENT', 'label must be printable ASCII beginning Sigil/v1/');
    }
    bytes = new TextEncoder().encode(label);
    if (labelCache.size < 256) labelCache.set(label, bytes);
  }
  return bytes;
}

/**
 * The bytes an Ed25519 signature with `label` covers: `encode(SignContent, { label, content })`.
 * Most users won't need this.
 *
 * @throws SigilError `INVALID_ARGUMENT` for a label outside `Sigil/v1/`.
 */
export function signContentBytes(label: string, content: Uint8Array): Uint8Array {
  return encode(SignContent, { label: labelBytes(label), content });
}

/**
 * `SignWithLabel(sk, label, content)`: a 64-byte Ed25519 signature over `SignContent`.
 *
 * @param secretKey the 32-byte Ed25519 seed (account key or device signing key).
 * @param label a full label from `labels.ts`, e.g. `LABEL_DEVICE_CERTIFICATE`.
 * @param content the encoded structure to sign (usually a `...TBS`).
 * @throws SigilError `INVALID_ARGUMENT` for a label outside `Sigil/v1/`;
 *   `INVALID_KEY_LENGTH` if `secretKey` is not 32 bytes.
 */
export function signWithLabel(
  crypto: CryptoProvider,
  secretKey: Uint8Array,
  label: string,
  content: Uint8Array,
): Uint8Array {
  return crypto.ed25519.sign(secretKey, signContentBytes(label, content));
}

/**
 * `VerifyWithLabel(pk, label, content, signature)`: strict Ed25519 verification over
 * `SignContent`. Returns `false` for any signature that does not verify (including one of the
 * wrong length); never throws for a bad signature.
 *
 * @param publicKey the 32-byte Ed25519 public key.
 * @throws SigilError `INVALID_ARGUMENT` for a label outside `Sigil/v1/`;
 *   `INVALID_KEY_LENGTH` if `publicKey` is not 32 bytes.
 */
export function verifyWithLabel(
  crypto: CryptoProvider,
  publicKey: Uint8Array,
  label: string,
  content: Uint8Array,
  signature: Uint8Array,
): boolean {
  return crypto.ed25519.verify(publicKey, signContentBytes(label, content), signature);
}
