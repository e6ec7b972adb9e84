/**
 * @sigil/test-vectors: typed loaders for the official vectors under test-vectors/data.
 * One module per family; see SOURCES.md for what each file is and where it came from.
 * @module
 */
export { fromBase64, fromHex, toHex } from './hex.ts';
export { dataPath, readJson, readText } from './paths.ts';
export { flushTally, type Outcome, tally } from './tally.ts';
export {
  casesOf,
  loadWycheproof,
  type WycheproofFile,
  type WycheproofGroup,
  type WycheproofResult,
  type WycheproofTest,
} from './wycheproof.ts';
