/**
 * Assembling a `PreKeyBundle` (spec/one-to-one.md §3) from its public parts: what a relay serves
 * for one device, and what tests feed to PQXDH. The initiator must still verify it
 * (`verifyPreKeyBundle`).
 *
 * @example
 * ```ts
 * const bundle = buildPreKeyBundle({
 *   device: device.certificate,
 *   signedPreKey: spk.signedPreKey,
 *   oneTimePreKey: opks[0]?.oneTimePreKey,
 *   kemPreKey: kems[0]?.kemPreKey ?? lastResort.kemPreKey,
 * });
 * ```
 * @module
 */
import type {
  DeviceCertificate,
  KemPreKey,
  OneTimePreKey,
  PreKeyBundle,
  SignedPreKey,
} from '@sigil/wire/formats';

/** The parts of a bundle. */
export interface PreKeyBundleParts {
  /** The device certificate (signed by the account key). */
  readonly device: DeviceCertificate;
  /** The current signed prekey. */
  readonly signedPreKey: SignedPreKey;
  /** A one-time prekey, if one is left. */
  readonly oneTimePreKey?: OneTimePreKey | undefined;
  /** A one-time KEM prekey if one is left, else the last-resort KEM prekey. */
  readonly kemPreKey: KemPreKey;
}

/** A `PreKeyBundle` value from its parts (no checks; encode it with `@sigil/wire`). */
export function buildPreKeyBundle(parts: PreKeyBundleParts): PreKeyBundle {
  return {
    device: parts.device,
    signedPreKey: parts.signedPreKey,
    oneTimePreKey: parts.oneTimePreKey,
    kemPreKey: parts.kemPreKey,
  };
}
