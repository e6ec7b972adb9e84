/**
 * The usage example of packages/wire/README.md, verbatim between the anchors, so that the
 * README's code compiles (tsc) and runs (vitest); the README imports from '@sigil/wire'
 * instead of ../src/index.ts. Keep the two in sync.
 */
import { SigilError } from '@sigil/errors';
import { expect, it } from 'vitest';
import {
  decode,
  encode,
  enumOf,
  type Infer,
  opaque,
  opaqueVar,
  optional,
  struct,
  uint16,
  uint64,
  variant,
  vector,
} from '../src/index.ts';

it('README example', () => {
  // ANCHOR: readme-example
  // Part of an MLS KeyPackage-style structure (RFC 9420 §7.2, §10.1).
  const Extension = struct({ extensionType: uint16, extensionData: opaqueVar });
  const Credential = variant(uint16, {
    1: struct({ identity: opaqueVar }), // basic
    2: struct({ certificates: vector(opaqueVar) }), // x509
  });
  const Leaf = struct({
    version: enumOf(uint16, [1] as const),
    epoch: uint64,
    signatureKey: opaque(32),
    credential: Credential,
    parentHash: optional(opaqueVar),
    extensions: vector(Extension),
  });
  type Leaf = Infer<typeof Leaf>;

  const leaf: Leaf = {
    version: 1,
    epoch: 7n,
    signatureKey: new Uint8Array(32),
    credential: { tag: 1, value: { identity: new TextEncoder().encode('alice') } },
    parentHash: undefined,
    extensions: [{ extensionType: 0xff00, extensionData: new Uint8Array([1, 2]) }],
  };
  const bytes = encode(Leaf, leaf);
  const back = decode(Leaf, bytes); // rejects truncated, trailing or non-canonical input

  try {
    decode(Leaf, bytes.subarray(0, 10));
  } catch (err) {
    if (SigilError.is(err, 'CODEC_TRUNCATED')) {
      // bytes that do not parse: category 'Codec'
    } else throw err;
  }
  // ANCHOR_END: readme-example
  expect(back).toEqual(leaf);
  expect(bytes.length).toBe(2 + 8 + 32 + (2 + 1 + 5) + 1 + (1 + 2 + 1 + 2));
});
