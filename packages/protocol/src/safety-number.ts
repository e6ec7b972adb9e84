/**
 * Safety numbers (spec/one-to-one.md §8): what two people compare, read aloud or scan as a QR
 * code, to check that they hold each other's real account keys. Derived from account keys only,
 * so one check covers every device of both accounts. The construction is Signal's numeric
 * fingerprint with Sigil's typed keys:
 *
 * ```
 * h_0     = uint16 version (0) || encode(PublicKey{ed25519, AK}) || stableId
 * h_{i+1} = SHA-512(h_i || encode(PublicKey{ed25519, AK}))        for i = 0 .. 5199
 * fp      = the first 30 bytes of h_5200
 * digits  = for each 5-byte chunk of fp: (chunk as a big-endian uint40) mod 100000, 5 digits
 * number  = the two 30-digit strings, smaller first (so both sides show the same 60 digits)
 * qr      = uint16 version (0) || fp_local || fp_remote           (62 bytes)
 * ```
 *
 * The 5,200 iterations are Signal's: they slow a brute-force search for a second key with the
 * same 30-digit half (~2^100 work without them). One safety number (two fingerprints) takes about
 * 25 ms on the `node` backend and 30 ms on `portable`, so the count stays as Signal has it.
 *
 * `stableId` is the caller's opaque, stable identifier of the account (e.g. the relay account id
 * or a username); it is bound into the fingerprint so one key cannot pass as another account's.
 *
 * @example
 * ```ts
 * const mine = computeSafetyNumber(crypto, { accountKey: myAk, stableId: myId },
 *   { accountKey: theirAk, stableId: theirId });
 * show(mine.groups.join(' '));               // 12 groups of 5 digits
 * compareQrPayload(mine.qrPayload, scanned);  // true iff their QR shows the same keys
 * ```
 * @module
 */
import { type CryptoProvider, constantTimeEqual } from '@sigil/crypto';
import { SigilError } from '@sigil/errors';
import { encode } from '@sigil/wire';
import { KeyType, PublicKey } from '@sigil/wire/formats';

/** The fingerprint format version (uint16 0, as Signal's). */
export const SAFETY_NUMBER_VERSION = 0;
/** SHA-512 iterations per fingerprint (Signal's 5,200). */
export const SAFETY_NUMBER_ITERATIONS = 5_200;
/** Bytes of each fingerprint used (30: six 5-byte chunks, 30 digits). */
export const FINGERPRINT_LENGTH = 30;
/** Digits in a safety number: 60. */
export const SAFETY_NUMBER_DIGITS = 60;
/** Length of the QR payload: 2-byte version and two 30-byte fingerprints. */
export const QR_PAYLOAD_LENGTH = 2 + 2 * FINGERPRINT_LENGTH;

/** One side of a conversation. */
export interface SafetyNumberParty {
  /** The 32-byte Ed25519 account key AK. */
  readonly accountKey: Uint8Array;
  /** The account's stable identifier, opaque bytes chosen by the application. */
  readonly stableId: Uint8Array;
}

/** A safety number, as shown and as scanned. */
export interface SafetyNumber {
  /** The 60 digits, identical on both sides. */
  readonly digits: string;
  /** The digits in 12 groups of 5, for display. */
  readonly groups: readonly string[];
  /** The QR payload of the local side: version || fp_local || fp_remote (62 bytes). */
  readonly qrPayload: Uint8Array;
}

function versionBytes(): Uint8Array {
  return new Uint8Array([SAFETY_NUMBER_VERSION >> 8, SAFETY_NUMBER_VERSION & 0xff]);
}

/**
 * The 30-byte fingerprint of one account (see the module comment). Most users won't need this.
 * @throws SigilError `INVALID_KEY_LENGTH` if `accountKey` is not 32 bytes;
 *   `INVALID_ARGUMENT` if `stableId` is not a Uint8Array.
 */
export function accountFingerprint(crypto: CryptoProvider, party: SafetyNumberParty): Uint8Array {
  const { accountKey, stableId } = party;
  if (!(accountKey instanceof Uint8Array) || accountKey.length !== 32) {
    throw new SigilError('INVALID_KEY_LENGTH', 'account key must be 32 bytes');
  }
  if (!(stableId instanceof Uint8Array)) {
    throw new SigilError('INVALID_ARGUMENT', 'stableId must be a Uint8Array');
  }
  const key = encode(PublicKey, { type: KeyType.ed25519, key: accountKey });
  const version = versionBytes();
  const first = new Uint8Array(version.length + key.length + stableId.length);
  first.set(version, 0);
  first.set(key, version.length);
  first.set(stableId, version.length + key.length);
  // One buffer reused for h_i || key: SHA-512 output is always 64 bytes.
  const buffer = new Uint8Array(64 + key.length);
  buffer.set(key, 64);
  let hash = crypto.hash.digest('sha512', concatKey(first, key));
  for (let i = 1; i < SAFETY_NUMBER_ITERATIONS; i++) {
    buffer.set(hash, 0);
    hash = crypto.hash.digest('sha512', buffer);
  }
  return hash.slice(0, FINGERPRINT_LENGTH);
}

function concatKey(head: Uint8Array, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + key.length);
  out.set(head, 0);
  out.set(key, head.length);
  return out;
}

/** 30 digits from a 30-byte fingerprint: six 5-byte big-endian chunks, each mod 100000. */
function fingerprintDigits(fp: Uint8Array): string {
  let out = '';
  for (let offset = 0; offset < FINGERPRINT_LENGTH; offset += 5) {
    // A uint40 fits exactly in a double (< 2^53).
    let chunk = 0;
    for (let j = 0; j < 5; j++) chunk = chunk * 256 + (fp[offset + j] as number);
    out += String(chunk % 100_000).padStart(5, '0');
  }
  return out;
}

/**
 * The safety number of a conversation between `local` and `remote` (spec §8). Both sides get
 * the same `digits`; each gets its own `qrPayload`.
 * @throws SigilError `INVALID_KEY_LENGTH` if an account key is not 32 bytes;
 *   `INVALID_ARGUMENT` if a stableId is not a Uint8Array.
 */
export function computeSafetyNumber(
  crypto: CryptoProvider,
  local: SafetyNumberParty,
  remote: SafetyNumberParty,
): SafetyNumber {
  const localFp = accountFingerprint(crypto, local);
  const remoteFp = accountFingerprint(crypto, remote);
  const localDigits = fingerprintDigits(localFp);
  const remoteDigits = fingerprintDigits(remoteFp);
  const digits =
    localDigits <= remoteDigits ? localDigits + remoteDigits : remoteDigits + localDigits;
  const groups: string[] = [];
  for (let i = 0; i < SAFETY_NUMBER_DIGITS; i += 5) groups.push(digits.slice(i, i + 5));
  const qrPayload = new Uint8Array(QR_PAYLOAD_LENGTH);
  qrPayload.set(versionBytes(), 0);
  qrPayload.set(localFp, 2);
  qrPayload.set(remoteFp, 2 + FINGERPRINT_LENGTH);
  return { digits, groups, qrPayload };
}

/**
 * Whether a QR payload scanned from the other device matches ours: same version, and its local
 * and remote fingerprints are our remote and local ones. Constant time in the contents; a
 * payload of the wrong length or version is simply `false`.
 */
export function compareQrPayload(local: Uint8Array, scanned: Uint8Array): boolean {
  if (local.length !== QR_PAYLOAD_LENGTH || scanned.length !== QR_PAYLOAD_LENGTH) return false;
  const expected = new Uint8Array(QR_PAYLOAD_LENGTH);
  expected.set(local.subarray(0, 2), 0);
  expected.set(local.subarray(2 + FINGERPRINT_LENGTH), 2);
  expected.set(local.subarray(2, 2 + FINGERPRINT_LENGTH), 2 + FINGERPRINT_LENGTH);
  return constantTimeEqual(expected, scanned);
}
