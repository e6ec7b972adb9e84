/**
 * Typed loaders for the ML-KEM (FIPS 203) vectors in test-vectors/data/ml-kem/ (see
 * SOURCES.md): Wycheproof (keygen from seed, encaps, decaps with a seed, decaps with an expanded
 * dk), NIST ACVP v1.1.0.40 (keyGen and encapDecap, prompt and expectedResults joined on
 * tgId/tcId) and CCTV (`name = hex` text files: strcmp, and the FIPS 203 final "unlucky
 * sample" vectors of CCTV PR #13).
 *
 * Byte strings are decoded from hex; every loader checks that the fields it promises exist.
 *
 * @example
 * ```ts
 * for (const c of wycheproofMlKemDecaps('ml-kem-768')) console.log(c.tcId, c.result);
 * ```
 * @module
 */
import { fromHex } from './hex.ts';
import { readJson, readText } from './paths.ts';
import {
  casesOf,
  loadWycheproof,
  type WycheproofGroup,
  type WycheproofResult,
  type WycheproofTest,
} from './wycheproof.ts';

/** The ML-KEM parameter sets Sigil implements, spelled as Sigil's `MlKemVariant`. */
export type MlKemVariantName = 'ml-kem-768' | 'ml-kem-1024';

/** Both parameter sets, in size order. */
export const ML_KEM_VARIANTS: readonly MlKemVariantName[] = ['ml-kem-768', 'ml-kem-1024'];

/** The parameter-set names used by Wycheproof and ACVP. */
export type MlKemParameterSet = 'ML-KEM-512' | 'ML-KEM-768' | 'ML-KEM-1024';

/** Sigil's variant for a parameter-set name; `undefined` for ML-KEM-512 (not in Sigil's API). */
export function mlKemVariant(parameterSet: MlKemParameterSet): MlKemVariantName | undefined {
  if (parameterSet === 'ML-KEM-768') return 'ml-kem-768';
  if (parameterSet === 'ML-KEM-1024') return 'ml-kem-1024';
  return undefined;
}

function bitsOf(variant: MlKemVariantName): '768' | '1024' {
  return variant === 'ml-kem-768' ? '768' : '1024';
}

function required(value: string | undefined, what: string): Uint8Array {
  if (value === undefined) throw new Error(`ML-KEM vector is missing ${what}`);
  return fromHex(value);
}

function optional(value: string | undefined): Uint8Array | undefined {
  return value === undefined ? undefined : fromHex(value);
}

// ---------------------------------------------------------------------------------------------
// Wycheproof

/** The fields every decoded Wycheproof case carries. */
export interface MlKemWycheproofCase {
  readonly tcId: number;
  readonly comment: string;
  readonly flags: readonly string[];
  readonly result: WycheproofResult;
  readonly variant: MlKemVariantName;
}

/** Wycheproof test fields as stored (some files omit `comment` and `flags`). */
type RawTest = Omit<WycheproofTest, 'comment' | 'flags'> & {
  readonly comment?: string;
  readonly flags?: readonly string[];
} & Readonly<Record<'seed' | 'ek' | 'dk' | 'c' | 'K' | 'm', string | undefined>>;

interface RawGroup extends WycheproofGroup<WycheproofTest> {
  readonly parameterSet: MlKemParameterSet;
}

function* wycheproofCases(
  file: string,
  variant: MlKemVariantName,
): Generator<{ base: MlKemWycheproofCase; test: RawTest }> {
  const parsed = loadWycheproof<RawGroup>(`ml-kem/${file}`);
  for (const { group, test } of casesOf(parsed)) {
    if (mlKemVariant(group.parameterSet) !== variant) {
      throw new Error(`${file}: group of ${group.parameterSet}, expected ${variant}`);
    }
    const raw = test as unknown as RawTest;
    const base = {
      tcId: raw.tcId,
      comment: raw.comment ?? '',
      flags: raw.flags ?? [],
      result: raw.result,
      variant,
    };
    yield { base, test: raw };
  }
}

/** mlkem_*_keygen_seed_test.json: KeyGen_internal(d, z) from the 64-byte seed d || z. */
export interface MlKemKeyGenCase extends MlKemWycheproofCase {
  readonly seed: Uint8Array;
  readonly ek: Uint8Array;
  /** The expanded decapsulation key. */
  readonly dk: Uint8Array;
}

/** Wycheproof keygen-from-seed cases of one parameter set. */
export function wycheproofMlKemKeyGen(variant: MlKemVariantName): MlKemKeyGenCase[] {
  const file = `mlkem_${bitsOf(variant)}_keygen_seed_test.json`;
  return [...wycheproofCases(file, variant)].map(({ base, test }) => ({
    ...base,
    seed: required(test.seed, 'seed'),
    ek: required(test.ek, 'ek'),
    dk: required(test.dk, 'dk'),
  }));
}

/** mlkem_*_test.json: Decaps with the key given as its seed. */
export interface MlKemDecapsCase extends MlKemWycheproofCase {
  /** The seed d || z (wrong length in the invalid "Private key too short/long" cases). */
  readonly seed: Uint8Array;
  /** The ek of the seed, where the case gives it. */
  readonly ek: Uint8Array | undefined;
  readonly c: Uint8Array;
  /** The shared secret (empty for invalid cases). */
  readonly K: Uint8Array;
}

/** Wycheproof decapsulation-with-seed cases of one parameter set. */
export function wycheproofMlKemDecaps(variant: MlKemVariantName): MlKemDecapsCase[] {
  const file = `mlkem_${bitsOf(variant)}_test.json`;
  return [...wycheproofCases(file, variant)].map(({ base, test }) => ({
    ...base,
    seed: required(test.seed, 'seed'),
    ek: optional(test.ek),
    c: required(test.c, 'c'),
    K: required(test.K, 'K'),
  }));
}

/** mlkem_*_encaps_test.json: Encaps_internal(ek, m). */
export interface MlKemEncapsCase extends MlKemWycheproofCase {
  readonly ek: Uint8Array;
  readonly m: Uint8Array;
  /** The ciphertext (empty for invalid cases). */
  readonly c: Uint8Array;
  /** The shared secret (empty for invalid cases). */
  readonly K: Uint8Array;
}

/** Wycheproof encapsulation cases of one parameter set. */
export function wycheproofMlKemEncaps(variant: MlKemVariantName): MlKemEncapsCase[] {
  const file = `mlkem_${bitsOf(variant)}_encaps_test.json`;
  return [...wycheproofCases(file, variant)].map(({ base, test }) => ({
    ...base,
    ek: required(test.ek, 'ek'),
    m: required(test.m, 'm'),
    c: required(test.c, 'c'),
    K: required(test.K, 'K'),
  }));
}

/** mlkem_*_semi_expanded_decaps_test.json: Decaps with the expanded dk. */
export interface MlKemExpandedDecapsCase extends MlKemWycheproofCase {
  readonly dk: Uint8Array;
  readonly c: Uint8Array;
  /** The ek the key was made for (not the embedded one when that was corrupted). */
  readonly ek: Uint8Array;
  /** The shared secret; absent for invalid cases. */
  readonly K: Uint8Array | undefined;
}

/** Wycheproof decapsulation-with-expanded-dk cases of one parameter set. */
export function wycheproofMlKemExpandedDecaps(
  variant: MlKemVariantName,
): MlKemExpandedDecapsCase[] {
  const file = `mlkem_${bitsOf(variant)}_semi_expanded_decaps_test.json`;
  return [...wycheproofCases(file, variant)].map(({ base, test }) => ({
    ...base,
    dk: required(test.dk, 'dk'),
    c: required(test.c, 'c'),
    ek: required(test.ek, 'ek'),
    K: optional(test.K),
  }));
}

// ---------------------------------------------------------------------------------------------
// NIST ACVP (v1.1.0.40): prompt and expectedResults joined on tgId/tcId

interface AcvpFile<G> {
  readonly testGroups: readonly G[];
}

interface AcvpPromptGroup {
  readonly tgId: number;
  readonly parameterSet: MlKemParameterSet;
  readonly function?: string;
  /** In some ACVP versions the decapsulation dk sits on the group. */
  readonly dk?: string;
  readonly tests: readonly (Readonly<Record<string, string | undefined>> & {
    readonly tcId: number;
  })[];
}

interface AcvpResultGroup {
  readonly tgId: number;
  readonly tests: readonly (Readonly<Record<string, string | boolean | undefined>> & {
    readonly tcId: number;
  })[];
}

/** One joined ACVP case: the prompt's and the expected result's fields, with the group's. */
interface AcvpJoined {
  readonly tgId: number;
  readonly tcId: number;
  readonly parameterSet: MlKemParameterSet;
  readonly fn: string | undefined;
  readonly group: AcvpPromptGroup;
  readonly prompt: Readonly<Record<string, string | undefined>>;
  readonly expected: Readonly<Record<string, string | boolean | undefined>>;
}

function joinAcvp(mode: 'keyGen' | 'encapDecap'): AcvpJoined[] {
  const prompt = readJson<AcvpFile<AcvpPromptGroup>>(`ml-kem/acvp_v1.1.0.40_${mode}_prompt.json`);
  const results = readJson<AcvpFile<AcvpResultGroup>>(
    `ml-kem/acvp_v1.1.0.40_${mode}_expectedResults.json`,
  );
  const expectedById = new Map<string, AcvpResultGroup['tests'][number]>();
  for (const group of results.testGroups) {
    for (const test of group.tests) expectedById.set(`${group.tgId}/${test.tcId}`, test);
  }
  const joined: AcvpJoined[] = [];
  for (const group of prompt.testGroups) {
    for (const test of group.tests) {
      const expected = expectedById.get(`${group.tgId}/${test.tcId}`);
      if (expected === undefined) {
        throw new Error(
          `ACVP ${mode}: no expected result for tgId ${group.tgId} tcId ${test.tcId}`,
        );
      }
      joined.push({
        tgId: group.tgId,
        tcId: test.tcId,
        parameterSet: group.parameterSet,
        fn: group.function,
        group,
        prompt: test,
        expected,
      });
    }
  }
  return joined;
}

function expectedHex(c: AcvpJoined, name: string): Uint8Array {
  const value = c.expected[name];
  if (typeof value !== 'string') throw new Error(`ACVP tcId ${c.tcId}: missing ${name}`);
  return fromHex(value);
}

/** The identifiers every joined ACVP case carries. */
export interface AcvpMlKemCase {
  readonly tgId: number;
  readonly tcId: number;
  readonly parameterSet: MlKemParameterSet;
}

/** ACVP keyGen: (d, z) -> (ek, dk). */
export interface AcvpMlKemKeyGenCase extends AcvpMlKemCase {
  readonly d: Uint8Array;
  readonly z: Uint8Array;
  readonly ek: Uint8Array;
  readonly dk: Uint8Array;
}

/** Every ACVP keyGen case, all three parameter sets. */
export function acvpMlKemKeyGen(): AcvpMlKemKeyGenCase[] {
  return joinAcvp('keyGen').map((c) => ({
    tgId: c.tgId,
    tcId: c.tcId,
    parameterSet: c.parameterSet,
    d: required(c.prompt.d, 'd'),
    z: required(c.prompt.z, 'z'),
    ek: expectedHex(c, 'ek'),
    dk: expectedHex(c, 'dk'),
  }));
}

/** ACVP encapsulation: (ek, m) -> (c, k). */
export interface AcvpMlKemEncapsCase extends AcvpMlKemCase {
  readonly ek: Uint8Array;
  readonly m: Uint8Array;
  readonly c: Uint8Array;
  readonly k: Uint8Array;
}

/** ACVP decapsulation with an expanded dk: (dk, c) -> k (valid and modified ciphertexts). */
export interface AcvpMlKemDecapsCase extends AcvpMlKemCase {
  readonly dk: Uint8Array;
  readonly c: Uint8Array;
  readonly k: Uint8Array;
}

/** ACVP encapsulationKeyCheck (§7.2) or decapsulationKeyCheck (§7.3) -> testPassed. */
export interface AcvpMlKemKeyCheckCase extends AcvpMlKemCase {
  readonly function: 'encapsulationKeyCheck' | 'decapsulationKeyCheck';
  /** ek for the encapsulation-key check, dk for the decapsulation-key check. */
  readonly key: Uint8Array;
  readonly testPassed: boolean;
}

/** The ACVP encapDecap cases, split by function, all three parameter sets. */
export interface AcvpMlKemEncapDecap {
  readonly encapsulation: readonly AcvpMlKemEncapsCase[];
  readonly decapsulation: readonly AcvpMlKemDecapsCase[];
  readonly keyCheck: readonly AcvpMlKemKeyCheckCase[];
}

/** Loads and joins the ACVP encapDecap files. */
export function acvpMlKemEncapDecap(): AcvpMlKemEncapDecap {
  const encapsulation: AcvpMlKemEncapsCase[] = [];
  const decapsulation: AcvpMlKemDecapsCase[] = [];
  const keyCheck: AcvpMlKemKeyCheckCase[] = [];
  for (const c of joinAcvp('encapDecap')) {
    const ids = { tgId: c.tgId, tcId: c.tcId, parameterSet: c.parameterSet };
    if (c.fn === 'encapsulation') {
      encapsulation.push({
        ...ids,
        ek: required(c.prompt.ek, 'ek'),
        m: required(c.prompt.m, 'm'),
        c: expectedHex(c, 'c'),
        k: expectedHex(c, 'k'),
      });
    } else if (c.fn === 'decapsulation') {
      decapsulation.push({
        ...ids,
        dk: required(c.prompt.dk ?? c.group.dk, 'dk'),
        c: required(c.prompt.c, 'c'),
        k: expectedHex(c, 'k'),
      });
    } else if (c.fn === 'encapsulationKeyCheck' || c.fn === 'decapsulationKeyCheck') {
      const testPassed = c.expected.testPassed;
      if (typeof testPassed !== 'boolean') throw new Error(`ACVP tcId ${c.tcId}: no testPassed`);
      const key = c.fn === 'encapsulationKeyCheck' ? c.prompt.ek : c.prompt.dk;
      keyCheck.push({ ...ids, function: c.fn, key: required(key, 'key'), testPassed });
    } else {
      throw new Error(`ACVP tcId ${c.tcId}: unknown function ${String(c.fn)}`);
    }
  }
  return { encapsulation, decapsulation, keyCheck };
}

// ---------------------------------------------------------------------------------------------
// CCTV

/** Parses a CCTV `name = hex` file (blank lines and `#` comments ignored). */
export function parseCctvHexLines(text: string): Map<string, Uint8Array> {
  const values = new Map<string, Uint8Array>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = /^(\S+)\s*=\s*([0-9a-fA-F]*)$/.exec(trimmed);
    if (match === null) throw new Error(`CCTV: cannot parse line "${trimmed.slice(0, 40)}"`);
    const [, name, hex] = match as unknown as [string, string, string];
    if (values.has(name)) throw new Error(`CCTV: ${name} appears twice`);
    values.set(name, fromHex(hex));
  }
  return values;
}

function cctvField(values: Map<string, Uint8Array>, name: string, file: string): Uint8Array {
  const value = values.get(name);
  if (value === undefined) throw new Error(`${file}: missing ${name}`);
  return value;
}

/** CCTV strcmp: Decaps(dk, c) must give the implicit-rejection key K. */
export interface CctvMlKemStrcmpCase {
  readonly file: string;
  readonly variant: MlKemVariantName;
  readonly dk: Uint8Array;
  readonly c: Uint8Array;
  readonly K: Uint8Array;
}

/** The CCTV strcmp vector of one parameter set. */
export function cctvMlKemStrcmp(variant: MlKemVariantName): CctvMlKemStrcmpCase {
  const file = `cctv-strcmp-ML-KEM-${bitsOf(variant)}.txt`;
  const values = parseCctvHexLines(readText(`ml-kem/${file}`));
  return {
    file,
    variant,
    dk: cctvField(values, 'dk', file),
    c: cctvField(values, 'c', file),
    K: cctvField(values, 'K', file),
  };
}

/** CCTV "unlucky" SampleNTT vector for FIPS 203 final (CCTV PR #13): full KeyGen/Encaps/Decaps. */
export interface CctvMlKemUnluckyCase {
  readonly file: string;
  readonly variant: MlKemVariantName;
  readonly d: Uint8Array;
  readonly z: Uint8Array;
  readonly ek: Uint8Array;
  readonly dk: Uint8Array;
  readonly m: Uint8Array;
  readonly K: Uint8Array;
  readonly c: Uint8Array;
}

/** The CCTV PR #13 unlucky-sample vector of one parameter set (never the ipd-DRAFT files). */
export function cctvMlKemUnlucky(variant: MlKemVariantName): CctvMlKemUnluckyCase {
  const file = `cctv-pr13-unluckysample-ML-KEM-${bitsOf(variant)}.FIPS203-final.txt`;
  const values = parseCctvHexLines(readText(`ml-kem/${file}`));
  const field = (name: string) => cctvField(values, name, file);
  return {
    file,
    variant,
    d: field('d'),
    z: field('z'),
    ek: field('ek'),
    dk: field('dk'),
    m: field('m'),
    K: field('K'),
    c: field('c'),
  };
}
