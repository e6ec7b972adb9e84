/**
 * Loader for Wycheproof's X25519 vectors (`x25519/x25519_test.json`, schema
 * xdh_comp_schema_v1): RFC 7748 §5 X25519(private, public) -> shared, raw 32-byte keys.
 * @module
 */
import { fromHex } from './hex.ts';
import {
  casesOf,
  loadWycheproof,
  type WycheproofGroup,
  type WycheproofResult,
  type WycheproofTest,
} from './wycheproof.ts';

/** One XdhComp test as stored (hex strings). */
export interface X25519WycheproofTest extends WycheproofTest {
  /** The peer's raw public key (u-coordinate), 32 bytes. */
  readonly public: string;
  /** Our raw secret key (scalar, unclamped), 32 bytes. */
  readonly private: string;
  /** The expected shared secret, 32 bytes. */
  readonly shared: string;
}

/** One XdhComp test group. */
export interface X25519WycheproofGroup extends WycheproofGroup<X25519WycheproofTest> {
  readonly curve: string;
}

/** A decoded X25519 case. */
export interface X25519Case {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: WycheproofResult;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly shared: Uint8Array;
}

/** Path of the file under test-vectors/data. */
export const X25519_WYCHEPROOF_FILE = 'x25519/x25519_test.json';

/**
 * Every case of Wycheproof's x25519_test.json, decoded, in file order.
 * @throws Error if the file's test count does not match its header or a group is not curve25519.
 */
export function loadX25519(): X25519Case[] {
  const file = loadWycheproof<X25519WycheproofGroup>(X25519_WYCHEPROOF_FILE);
  const cases: X25519Case[] = [];
  for (const { group, test } of casesOf(file)) {
    if (group.curve !== 'curve25519') throw new Error(`unexpected curve ${group.curve}`);
    cases.push({
      tcId: test.tcId,
      comment: test.comment,
      flags: test.flags,
      result: test.result,
      secretKey: fromHex(test.private),
      publicKey: fromHex(test.public),
      shared: fromHex(test.shared),
    });
  }
  return cases;
}
