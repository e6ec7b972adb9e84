/**
 * The common shape of Wycheproof v1 files (wycheproof-meta/schemas/common.json): a header,
 * flag notes and test groups whose tests each end in `valid`, `invalid` or `acceptable`.
 * Family loaders narrow the group and test types.
 * @module
 */
import { readJson } from './paths.ts';

export type WycheproofResult = 'valid' | 'invalid' | 'acceptable';

export interface WycheproofTest {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: WycheproofResult;
}

export interface WycheproofGroup<T extends WycheproofTest> {
  readonly type: string;
  readonly tests: readonly T[];
}

export interface WycheproofFile<G> {
  readonly algorithm: string;
  readonly schema: string;
  readonly numberOfTests: number;
  readonly notes: Readonly<Record<string, { bugType?: string; description?: string }>>;
  readonly testGroups: readonly G[];
}

/** Loads a Wycheproof file and checks that its test count matches its header. */
export function loadWycheproof<G extends WycheproofGroup<WycheproofTest>>(
  relative: string,
): WycheproofFile<G> {
  const file = readJson<WycheproofFile<G>>(relative);
  const count = file.testGroups.reduce((n, group) => n + group.tests.length, 0);
  if (count !== file.numberOfTests) {
    throw new Error(`${relative}: header says ${file.numberOfTests} tests, found ${count}`);
  }
  return file;
}

/** Every test of a file with its group, in file order. */
export function* casesOf<G extends WycheproofGroup<WycheproofTest>>(
  file: WycheproofFile<G>,
): Generator<{ group: G; test: G['tests'][number] }> {
  for (const group of file.testGroups) for (const test of group.tests) yield { group, test };
}
