/**
 * What the relay checks of MLS traffic before it stores any (the groups contract, "Relay HTTP
 * API"), with `@sigil/mls/public` only: nothing is decrypted and no group secret exists here.
 *
 * - {@link checkKeyPackage}: a KeyPackage upload is a valid KeyPackage (RFC 9420 §10.1: version,
 *   suite 1 or 3, KeyPackage and leaf signatures, lifetime) of the uploading device: its leaf's
 *   signature_key is the device's signing key and its basic identity `${accountId}/${deviceId}`.
 * - {@link checkGroupMessage}: a commit, proposal or application message is an MLSMessage
 *   (PublicMessage or PrivateMessage) whose plaintext header names the group and the expected
 *   content type and sender type; a Welcome and a GroupInfo have their wire formats, and a
 *   GroupInfo describes the group at the expected epoch.
 *
 * Every failure is a SigilError with a relay code (`KEY_PACKAGE_INVALID`, `REQUEST_INVALID`);
 * messages name the field and the rule, never content.
 *
 * @module
 */
import type { CryptoProvider } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import {
  type ContentType,
  type MessageHeader,
  readMessageHeader,
  type SenderType,
  validateKeyPackageMessage,
} from '@sigil/mls/public';

/**
 * Clock skew allowed between a device and the relay, in seconds: a KeyPackage may become valid
 * this much in the future, and one expiring within it is refused (it would be useless).
 */
export const KEY_PACKAGE_CLOCK_SKEW_S = 300n;

/** The KeyPackageRef of a KeyPackage that passed {@link checkKeyPackage}. */
export interface CheckedKeyPackage {
  readonly ref: Uint8Array;
  readonly bytes: Uint8Array;
}

/**
 * Checks one uploaded KeyPackage (an encoded MLSMessage) of device `deviceId` of `accountId`.
 * @param nowMs The relay's clock.
 * @param field The JSON field, for the error (`keyPackages[3]`, `lastResort`).
 * @throws SigilError `KEY_PACKAGE_INVALID` (details: `field`, and `reason`: the MLS code).
 */
export function checkKeyPackage(
  crypto: CryptoProvider,
  bytes: Uint8Array,
  device: {
    readonly accountId: string;
    readonly deviceId: number;
    readonly signingKey: Uint8Array;
  },
  nowMs: number,
  field: string,
): CheckedKeyPackage {
  let checked: ReturnType<typeof validateKeyPackageMessage>;
  try {
    const now = BigInt(Math.floor(nowMs / 1000)) + KEY_PACKAGE_CLOCK_SKEW_S;
    checked = validateKeyPackageMessage(crypto, bytes, now);
  } catch (err) {
    if (!SigilError.is(err)) throw err;
    throw new SigilError('KEY_PACKAGE_INVALID', `${field} is not a valid KeyPackage`, {
      cause: err,
      details: { field, reason: err.code },
    });
  }
  const identity = `${device.accountId}/${device.deviceId}`;
  if (!Buffer.from(checked.identity).equals(Buffer.from(identity))) {
    throw new SigilError('KEY_PACKAGE_INVALID', `${field}: the identity is not this device's`, {
      details: { field, reason: 'identity' },
    });
  }
  if (!Buffer.from(checked.signatureKey).equals(Buffer.from(device.signingKey))) {
    throw new SigilError(
      'KEY_PACKAGE_INVALID',
      `${field}: the signature key is not this device's signing key`,
      { details: { field, reason: 'signatureKey' } },
    );
  }
  return { ref: checked.ref, bytes };
}

/** What a framed group message must be. */
export interface GroupMessageRule {
  readonly groupId: Uint8Array;
  readonly contentTypes: readonly ContentType[];
  /**
   * The sender type a PublicMessage must have; a PrivateMessage (sender sealed) is accepted
   * only when this is `member`.
   */
  readonly senderType: SenderType;
}

/**
 * The header of a framed group message (PublicMessage or PrivateMessage) after checking it
 * against `rule`; returns its epoch.
 * @throws SigilError `REQUEST_INVALID` naming `field` and the broken rule.
 */
export function checkGroupMessage(
  bytes: Uint8Array,
  field: string,
  rule: GroupMessageRule,
): bigint {
  const header = readHeader(bytes, field);
  if (header.wireFormat !== 'mls_public_message' && header.wireFormat !== 'mls_private_message') {
    throw invalid(`${field} is not a PublicMessage or PrivateMessage`);
  }
  if (!sameBytes(header.groupId, rule.groupId)) throw invalid(`${field} is for another group`);
  if (!rule.contentTypes.includes(header.contentType)) {
    throw invalid(`${field} must be ${rule.contentTypes.join(' or ')}`);
  }
  const senderType = header.senderType ?? 'member';
  if (header.senderType === undefined && rule.senderType !== 'member') {
    throw invalid(`${field} must be a PublicMessage`);
  }
  if (senderType !== rule.senderType)
    throw invalid(`${field} must be sent by a ${rule.senderType}`);
  return header.epoch;
}

/**
 * Checks that `bytes` is an MLSMessage Welcome.
 * @throws SigilError `REQUEST_INVALID`.
 */
export function checkWelcome(bytes: Uint8Array, field: string): void {
  if (readHeader(bytes, field).wireFormat !== 'mls_welcome')
    throw invalid(`${field} is not a Welcome`);
}

/**
 * Checks that `bytes` is an MLSMessage GroupInfo of the group at `epoch`.
 * @throws SigilError `REQUEST_INVALID`.
 */
export function checkGroupInfo(
  bytes: Uint8Array,
  field: string,
  groupId: Uint8Array,
  epoch: bigint,
): void {
  const header = readHeader(bytes, field);
  if (header.wireFormat !== 'mls_group_info') throw invalid(`${field} is not a GroupInfo`);
  if (!sameBytes(header.groupId, groupId)) throw invalid(`${field} is for another group`);
  if (header.epoch !== epoch) throw invalid(`${field} is not of the new epoch`);
}

function readHeader(bytes: Uint8Array, field: string): MessageHeader {
  try {
    return readMessageHeader(bytes);
  } catch (err) {
    if (!SigilError.is(err)) throw err;
    throw new SigilError('REQUEST_INVALID', `${field} is not an MLS 1.0 message`, {
      cause: err,
      details: { field, reason: err.code },
    });
  }
}

function invalid(message: string): SigilError {
  return new SigilError('REQUEST_INVALID', message);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
