/**
 * Account identity (spec/one-to-one.md §2): the Ed25519 account key AK, root of trust of an
 * account. It signs device certificates and device lists; safety numbers derive from its public
 * half (§8). Secret side: never give this object to the relay.
 *
 * Randomness: {@link createAccount} draws one 32-byte Ed25519 seed from `ctx.random`.
 *
 * @example
 * ```ts
 * const account = createAccount({ crypto });
 * const device = createDevice({ crypto }, account, 1);
 * console.log(account); // AccountIdentity { accountKey: <hex>, secretKey: [redacted] }
 * ```
 * @module
 */

import { type CryptoProvider, constantTimeEqual, KeyPair } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { type ProtocolContext, resolveContext } from '../context.ts';
import { signWithLabel } from '../public/sign-with-label.ts';
import { describe, inspectSymbol, publicHex, REDACTED } from './redact.ts';

/** The plain-bytes form of an {@link AccountIdentity} (for the caller's own storage). */
export interface AccountIdentityRecord {
  /** The 32-byte Ed25519 seed of AK. Secret. */
  readonly secretKey: Uint8Array;
  /** The 32-byte Ed25519 public key AK. */
  readonly publicKey: Uint8Array;
}

/** An account's Ed25519 key pair AK. Prints redacted. */
export class AccountIdentity {
  /** The Ed25519 key pair; `keyPair.secretKey` is the 32-byte seed. */
  readonly keyPair: KeyPair;

  /** Wraps a key pair; most callers use {@link createAccount} or {@link AccountIdentity.fromRecord}. */
  constructor(keyPair: KeyPair) {
    this.keyPair = keyPair;
  }

  /** The 32-byte Ed25519 account public key AK. */
  get accountKey(): Uint8Array {
    return this.keyPair.publicKey;
  }

  /**
   * `SignWithLabel(AK, label, content)` (§1.2).
   * @throws SigilError `INVALID_ARGUMENT` for a label outside `Sigil/v1/`.
   */
  sign(crypto: CryptoProvider, label: string, content: Uint8Array): Uint8Array {
    return signWithLabel(crypto, this.keyPair.secretKey, label, content);
  }

  /** Copies of the key bytes. The result holds the secret key: store it sealed. */
  toRecord(): AccountIdentityRecord {
    return { secretKey: this.keyPair.secretKey.slice(), publicKey: this.keyPair.publicKey.slice() };
  }

  /**
   * Rebuilds an account from {@link AccountIdentity.toRecord}, checking that the public key
   * belongs to the secret key.
   * @throws SigilError `INVALID_KEY_LENGTH` for a seed that is not 32 bytes;
   *   `INVALID_ARGUMENT` if the public key does not match.
   */
  static fromRecord(crypto: CryptoProvider, record: AccountIdentityRecord): AccountIdentity {
    const publicKey = crypto.ed25519.publicKey(record.secretKey);
    if (!constantTimeEqual(publicKey, record.publicKey)) {
      throw new SigilError('INVALID_ARGUMENT', 'account record keys do not match');
    }
    return new AccountIdentity(new KeyPair(publicKey, record.secretKey.slice()));
  }

  /** Zeroes the secret key (best effort). */
  wipe(): void {
    this.keyPair.wipe();
  }

  toJSON(): { accountKey: string; secretKey: string } {
    return { accountKey: publicHex(this.accountKey), secretKey: REDACTED };
  }

  toString(): string {
    return describe('AccountIdentity', {
      accountKey: publicHex(this.accountKey),
      secretKey: REDACTED,
    });
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/**
 * Creates a new account: a fresh Ed25519 account key AK from one 32-byte `ctx.random` draw.
 */
export function createAccount(ctx: ProtocolContext): AccountIdentity {
  const { crypto, random } = resolveContext(ctx);
  const seed = random(32);
  return new AccountIdentity(new KeyPair(crypto.ed25519.publicKey(seed), seed));
}
