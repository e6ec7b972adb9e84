/**
 * Loaders for the Ed25519 verification vectors (RFC 8032 §5.1.7):
 * - Wycheproof `ed25519/ed25519_test.json` (schema eddsa_verify_schema_v1): per-group public
 *   key, per-test message and signature, result valid/invalid.
 * - C2SP CCTV `ed25519/cctv-ed25519vectors.json` (see `cctv-ed25519-README.md` next to it):
 *   edge cases of the points A and R, described by flags, with no expected result; the
 *   accept/reject decision is the verifier's policy.
 * @module
 */
import { fromHex } from './hex.ts';
import { readJson } from './paths.ts';
import {
  casesOf,
  loadWycheproof,
  type WycheproofGroup,
  type WycheproofResult,
  type WycheproofTest,
} from './wycheproof.ts';

/** One EddsaVerify test as stored (hex strings). */
export interface Ed25519WycheproofTest extends WycheproofTest {
  readonly msg: string;
  readonly sig: string;
}

/** One EddsaVerify group: the public key shared by its tests (raw, DER, PEM and JWK forms). */
export interface Ed25519WycheproofGroup extends WycheproofGroup<Ed25519WycheproofTest> {
  readonly publicKey: {
    readonly type: string;
    readonly curve: string;
    readonly keySize: number;
    /** Raw 32-byte public key A, hex. */
    readonly pk: string;
  };
  readonly publicKeyDer: string;
  readonly publicKeyPem: string;
}

/** A decoded Wycheproof Ed25519 case. Signatures may have any length (truncation tests). */
export interface Ed25519WycheproofCase {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: WycheproofResult;
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** Path of the Wycheproof file under test-vectors/data. */
export const ED25519_WYCHEPROOF_FILE = 'ed25519/ed25519_test.json';

/**
 * Every case of Wycheproof's ed25519_test.json, decoded, in file order.
 * @throws Error if the test count does not match the header or a group is not edwards25519.
 */
export function loadEd25519Wycheproof(): Ed25519WycheproofCase[] {
  const file = loadWycheproof<Ed25519WycheproofGroup>(ED25519_WYCHEPROOF_FILE);
  const cases: Ed25519WycheproofCase[] = [];
  for (const { group, test } of casesOf(file)) {
    if (group.publicKey.curve !== 'edwards25519') {
      throw new Error(`unexpected curve ${group.publicKey.curve}`);
    }
    cases.push({
      tcId: test.tcId,
      comment: test.comment,
      flags: test.flags,
      result: test.result,
      publicKey: fromHex(group.publicKey.pk),
      message: fromHex(test.msg),
      signature: fromHex(test.sig),
    });
  }
  return cases;
}

/** The flags CCTV's README defines (section "Flags descriptions"). */
export const CCTV_ED25519_FLAGS = [
  'low_order_A',
  'low_order_R',
  'non_canonical_A',
  'non_canonical_R',
  'low_order_component_A',
  'low_order_component_R',
  'low_order_residue',
  'reencoded_k',
] as const;

/** One CCTV edge-case flag. */
export type CctvEd25519Flag = (typeof CCTV_ED25519_FLAGS)[number];

/** One CCTV vector as stored: `flags` is `null` for the one plain vector. */
interface CctvEd25519Stored {
  readonly number: number;
  readonly key: string;
  readonly sig: string;
  readonly msg: string;
  readonly flags: readonly string[] | null;
}

/** A decoded CCTV Ed25519 vector. */
export interface CctvEd25519Case {
  /** The vector's `number` field (its index in the file). */
  readonly number: number;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  /** The message: the UTF-8 bytes of the stored plain-text `msg`. */
  readonly message: Uint8Array;
  readonly flags: ReadonlySet<CctvEd25519Flag>;
}

/** Path of the CCTV file under test-vectors/data. */
export const CCTV_ED25519_FILE = 'ed25519/cctv-ed25519vectors.json';

/** Number of vectors in the CCTV file (C2SP/CCTV ed25519/ed25519vectors.json). */
export const CCTV_ED25519_COUNT = 914;

/**
 * Every CCTV Ed25519 vector, decoded, in file order.
 * @throws Error on an unknown flag, a count other than {@link CCTV_ED25519_COUNT}, or a key or
 *   signature of the wrong length.
 */
export function loadCctvEd25519(): CctvEd25519Case[] {
  const stored = readJson<CctvEd25519Stored[]>(CCTV_ED25519_FILE);
  if (stored.length !== CCTV_ED25519_COUNT) {
    throw new Error(
      `${CCTV_ED25519_FILE}: expected ${CCTV_ED25519_COUNT} vectors, found ${stored.length}`,
    );
  }
  const known = new Set<string>(CCTV_ED25519_FLAGS);
  const encoder = new TextEncoder();
  return stored.map((vector) => {
    const flags = new Set<CctvEd25519Flag>();
    for (const flag of vector.flags ?? []) {
      if (!known.has(flag)) throw new Error(`CCTV vector ${vector.number}: unknown flag ${flag}`);
      flags.add(flag as CctvEd25519Flag);
    }
    const publicKey = fromHex(vector.key);
    const signature = fromHex(vector.sig);
    if (publicKey.length !== 32 || signature.length !== 64) {
      throw new Error(`CCTV vector ${vector.number}: bad key or signature length`);
    }
    return {
      number: vector.number,
      publicKey,
      signature,
      message: encoder.encode(vector.msg),
      flags,
    };
  });
}
