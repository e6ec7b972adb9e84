/**
 * Writes spec/vectors/one-to-one-v1.json, the published vectors of the one-to-one protocol
 * (spec/one-to-one.md §9): Bob's identity and bundle, Alice's PQXDH first message with SK and
 * AD, and a Double Ratchet transcript both ways, from fixed seeds and a fixed clock.
 *
 * Run from the repository root: `node scripts/generate-protocol-vectors.ts`. The portable
 * backend makes the file (it has derandomized ML-KEM encapsulation, so every byte follows from
 * the seeds); `packages/protocol/test/published-vectors.test.ts` checks that the current code
 * still reproduces it. A change of the protocol that changes these bytes is a new protocol
 * version: add a new file, keep this one.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { portableProvider } from '@sigil/crypto/portable';
import {
  buildOneToOneVectors,
  vectorFileText,
} from '../packages/protocol/test/fixtures/one-to-one-vectors.ts';

const path = new URL('../spec/vectors/one-to-one-v1.json', import.meta.url);
writeFileSync(path, vectorFileText(buildOneToOneVectors(portableProvider)));
console.log(`wrote ${path.pathname}`);
