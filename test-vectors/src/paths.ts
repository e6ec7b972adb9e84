/**
 * Where the vector files live: `test-vectors/data/<family>/`, copied byte for byte from
 * upstream (or trimmed where SOURCES.md says so).
 * @module
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

/** Absolute path of a file under test-vectors/data. */
export function dataPath(relative: string): string {
  return DATA_DIR + relative;
}

/** Reads and parses a JSON vector file under test-vectors/data. */
export function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(dataPath(relative), 'utf8')) as T;
}

/** Reads a text vector file under test-vectors/data. */
export function readText(relative: string): string {
  return readFileSync(dataPath(relative), 'utf8');
}
