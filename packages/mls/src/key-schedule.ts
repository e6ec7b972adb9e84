/**
 * The MLS key schedule (RFC 9420 §8): from the previous epoch's init_secret, the commit_secret,
 * the psk_secret and the new GroupContext to the joiner_secret, welcome_secret, epoch_secret and
 * every secret derived from it; the external key pair (§8), the exporter (§8.5), the welcome
 * key and nonce (§12.4.3.1) and the confirmation tag (§6.1, §8.2).
 *
 * ```
 *                     init_secret_[n-1]
 *                           |
 *     commit_secret --> KDF.Extract
 *                           |
 *                 ExpandWithLabel(., "joiner", GroupContext_[n], KDF.Nh) = joiner_secret
 *                           |
 * psk_secret (or 0) --> KDF.Extract --> DeriveSecret(., "welcome") = welcome_secret
 *                           |
 *                 ExpandWithLabel(., "epoch", GroupContext_[n], KDF.Nh) = epoch_secret
 *                           |
 *                           +--> DeriveSecret(., <label>) = <secret>   (table below)
 *                           |
 *                     DeriveSecret(., "init") = init_secret_[n]
 * ```
 *
 * KDF.Extract takes its salt from the top and its IKM from the left; `0` is KDF.Nh zero bytes.
 *
 * @example
 * ```ts
 * const epoch = advanceKeySchedule(suite, { initSecret, commitSecret, pskSecret, groupContext });
 * const tag = confirmationTag(suite, epoch.confirmationKey, groupContext.confirmedTranscriptHash);
 * ```
 * @module
 */
import type { KeyPair } from '@sigil/crypto';
import { constantTimeEqual } from '@sigil/crypto';
import type { CipherSuite } from './cipher-suite.ts';
import { deriveSecret, expandWithLabel } from './crypto-basics.ts';
import { encodeGroupContext, type GroupContext } from './wire/group-context.ts';

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');
const REDACTED = '[redacted]';

/** The secrets derived from one epoch_secret (§8, "Epoch-derived secrets"). */
export interface DerivedSecrets {
  /** "sender data": keys that encrypt PrivateMessage sender data (§6.3.2). */
  readonly senderDataSecret: Uint8Array;
  /** "encryption": the root of the secret tree (§9). */
  readonly encryptionSecret: Uint8Array;
  /** "exporter": the MLS-Exporter secret (§8.5). */
  readonly exporterSecret: Uint8Array;
  /** "external": seeds the external key pair (§8). */
  readonly externalSecret: Uint8Array;
  /** "confirm": the confirmation_key of the confirmation tag (§6.1). */
  readonly confirmationKey: Uint8Array;
  /** "membership": the membership_key of PublicMessage tags (§6.2). */
  readonly membershipKey: Uint8Array;
  /** "resumption": the resumption_psk of this epoch (§8.6). */
  readonly resumptionPsk: Uint8Array;
  /** "authentication": the epoch_authenticator (§8.7). */
  readonly epochAuthenticator: Uint8Array;
  /** "init": init_secret_[n], the next epoch's init secret. */
  readonly initSecret: Uint8Array;
}

/**
 * One epoch's key-schedule output. Prints as `[redacted]`; `wipe()` zeroes every secret
 * (best effort: JavaScript cannot guarantee erasure).
 */
export class EpochSecrets implements DerivedSecrets {
  /** joiner_secret (undefined for an epoch whose epoch_secret was chosen at group creation). */
  readonly joinerSecret: Uint8Array | undefined;
  /** welcome_secret (undefined, as joinerSecret, at group creation). */
  readonly welcomeSecret: Uint8Array | undefined;
  /** epoch_secret. */
  readonly epochSecret: Uint8Array;
  readonly senderDataSecret: Uint8Array;
  readonly encryptionSecret: Uint8Array;
  readonly exporterSecret: Uint8Array;
  readonly externalSecret: Uint8Array;
  readonly confirmationKey: Uint8Array;
  readonly membershipKey: Uint8Array;
  readonly resumptionPsk: Uint8Array;
  readonly epochAuthenticator: Uint8Array;
  readonly initSecret: Uint8Array;

  /** Not for direct use: see {@link advanceKeySchedule} and its siblings. */
  constructor(
    epochSecret: Uint8Array,
    derived: DerivedSecrets,
    joiner?: { readonly joinerSecret: Uint8Array; readonly welcomeSecret: Uint8Array },
  ) {
    this.joinerSecret = joiner?.joinerSecret;
    this.welcomeSecret = joiner?.welcomeSecret;
    this.epochSecret = epochSecret;
    this.senderDataSecret = derived.senderDataSecret;
    this.encryptionSecret = derived.encryptionSecret;
    this.exporterSecret = derived.exporterSecret;
    this.externalSecret = derived.externalSecret;
    this.confirmationKey = derived.confirmationKey;
    this.membershipKey = derived.membershipKey;
    this.resumptionPsk = derived.resumptionPsk;
    this.epochAuthenticator = derived.epochAuthenticator;
    this.initSecret = derived.initSecret;
  }

  /** Zeroes every secret (best effort). */
  wipe(): void {
    for (const value of Object.values(this)) if (value instanceof Uint8Array) value.fill(0);
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return `EpochSecrets(${REDACTED})`;
  }

  [inspectSymbol](): string {
    return this.toString();
  }
}

/** The inputs of one key-schedule step (§8). */
export interface KeyScheduleInput {
  /** init_secret_[n-1]: the previous epoch's, or the external init secret (§8.3). */
  readonly initSecret: Uint8Array;
  /** commit_secret; KDF.Nh zero bytes (the default) for a Commit without a path. */
  readonly commitSecret?: Uint8Array;
  /** psk_secret (psk.ts); KDF.Nh zero bytes (the default) without PSKs. */
  readonly pskSecret?: Uint8Array;
  /** GroupContext_[n]: the new epoch's group context. */
  readonly groupContext: GroupContext;
}

/**
 * DeriveSecret(epoch_secret, <label>) for every label of §8's table, and init_secret_[n].
 * Does not keep or wipe `epochSecret`.
 */
export function deriveEpochSecrets(suite: CipherSuite, epochSecret: Uint8Array): DerivedSecrets {
  const d = (label: string) => deriveSecret(suite, epochSecret, label);
  return {
    senderDataSecret: d('sender data'),
    encryptionSecret: d('encryption'),
    exporterSecret: d('exporter'),
    externalSecret: d('external'),
    confirmationKey: d('confirm'),
    membershipKey: d('membership'),
    resumptionPsk: d('resumption'),
    epochAuthenticator: d('authentication'),
    initSecret: d('init'),
  };
}

/**
 * joiner_secret = ExpandWithLabel(KDF.Extract(init_secret, commit_secret), "joiner",
 * GroupContext_[n], KDF.Nh) (§8).
 */
export function computeJoinerSecret(
  suite: CipherSuite,
  initSecret: Uint8Array,
  commitSecret: Uint8Array | undefined,
  groupContext: GroupContext,
): Uint8Array {
  const prk = suite.extract(initSecret, commitSecret ?? new Uint8Array(suite.hashLength));
  try {
    return expandWithLabel(
      suite,
      prk,
      'joiner',
      encodeGroupContext(groupContext),
      suite.hashLength,
    );
  } finally {
    prk.fill(0);
  }
}

/**
 * The rest of the schedule from a joiner_secret: what a new member computes from a Welcome's
 * GroupSecrets, and the second half of {@link advanceKeySchedule}. Does not wipe the inputs.
 */
export function keyScheduleFromJoiner(
  suite: CipherSuite,
  joinerSecret: Uint8Array,
  pskSecret: Uint8Array | undefined,
  groupContext: GroupContext,
): EpochSecrets {
  const prk = suite.extract(joinerSecret, pskSecret ?? new Uint8Array(suite.hashLength));
  try {
    const welcomeSecret = deriveSecret(suite, prk, 'welcome');
    const epochSecret = expandWithLabel(
      suite,
      prk,
      'epoch',
      encodeGroupContext(groupContext),
      suite.hashLength,
    );
    return new EpochSecrets(epochSecret, deriveEpochSecrets(suite, epochSecret), {
      joinerSecret: Uint8Array.from(joinerSecret),
      welcomeSecret,
    });
  } finally {
    prk.fill(0);
  }
}

/**
 * One full key-schedule step (§8): the new epoch's secrets from the previous init_secret, the
 * commit_secret, the psk_secret and the new GroupContext. Does not wipe the inputs; the caller
 * deletes the previous init_secret and the commit_secret once the new state is stored (§9.2).
 */
export function advanceKeySchedule(suite: CipherSuite, input: KeyScheduleInput): EpochSecrets {
  const joinerSecret = computeJoinerSecret(
    suite,
    input.initSecret,
    input.commitSecret,
    input.groupContext,
  );
  try {
    return keyScheduleFromJoiner(suite, joinerSecret, input.pskSecret, input.groupContext);
  } finally {
    joinerSecret.fill(0);
  }
}

/**
 * The secrets of an epoch whose epoch_secret is given directly: epoch 0, where the creator
 * picks a fresh random epoch_secret of KDF.Nh bytes (§11). Keeps `epochSecret`.
 */
export function epochSecretsFromEpochSecret(
  suite: CipherSuite,
  epochSecret: Uint8Array,
): EpochSecrets {
  return new EpochSecrets(epochSecret, deriveEpochSecrets(suite, epochSecret));
}

/** external_priv, external_pub = KEM.DeriveKeyPair(external_secret) (§8). */
export function externalKeyPair(suite: CipherSuite, externalSecret: Uint8Array): KeyPair {
  return suite.hpke.deriveKeyPair(externalSecret);
}

/**
 * MLS-Exporter(Label, Context, Length) = ExpandWithLabel(DeriveSecret(exporter_secret, Label),
 * "exported", Hash(Context), Length) (§8.5).
 * @throws SigilError `INVALID_OUTPUT_LENGTH` if `length` exceeds 255 * Nh.
 */
export function mlsExporter(
  suite: CipherSuite,
  exporterSecret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const secret = deriveSecret(suite, exporterSecret, label);
  try {
    return expandWithLabel(suite, secret, 'exported', suite.hash(context), length);
  } finally {
    secret.fill(0);
  }
}

/**
 * welcome_key and welcome_nonce (§12.4.3.1): ExpandWithLabel(welcome_secret, "key" / "nonce",
 * "", AEAD.Nk / AEAD.Nn), which encrypt a Welcome's GroupInfo.
 */
export function welcomeKeyAndNonce(
  suite: CipherSuite,
  welcomeSecret: Uint8Array,
): { key: Uint8Array; nonce: Uint8Array } {
  const empty = new Uint8Array(0);
  return {
    key: expandWithLabel(suite, welcomeSecret, 'key', empty, suite.keyLength),
    nonce: expandWithLabel(suite, welcomeSecret, 'nonce', empty, suite.nonceLength),
  };
}

/** confirmation_tag = MAC(confirmation_key, GroupContext.confirmed_transcript_hash) (§6.1). */
export function confirmationTag(
  suite: CipherSuite,
  confirmationKey: Uint8Array,
  confirmedTranscriptHash: Uint8Array,
): Uint8Array {
  return suite.mac(confirmationKey, confirmedTranscriptHash);
}

/** Whether `tag` is the confirmation tag of `confirmedTranscriptHash`, in constant time. */
export function verifyConfirmationTag(
  suite: CipherSuite,
  confirmationKey: Uint8Array,
  confirmedTranscriptHash: Uint8Array,
  tag: Uint8Array,
): boolean {
  return constantTimeEqual(confirmationTag(suite, confirmationKey, confirmedTranscriptHash), tag);
}
