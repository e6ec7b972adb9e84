/**
 * Loader for the RFC 9420 interop vectors "Vector Deserialization" (mlswg/mls-implementations
 * test-vectors/deserialization.json; format in test-vectors.md of that repository): each case
 * pairs a variable-length vector header (the §2.1.2 varint) with the length it encodes.
 * @module
 */
import { fromHex } from './hex.ts';
import { readJson } from './paths.ts';

/** File path under test-vectors/data. */
export const MLS_DESERIALIZATION_FILE = 'mls/deserialization.json';

interface RawCase {
  readonly vlbytes_header: string;
  readonly length: number;
}

/** One case: `header` is the minimal varint encoding of `length`. */
export interface VlbytesHeaderCase {
  /** Position in the file (the vectors carry no tcId). */
  readonly index: number;
  /** The encoded header, decoded from hex (`vlbytes_header`). */
  readonly header: Uint8Array;
  /** The hex of the header, as in the file (for failure messages). */
  readonly headerHex: string;
  /** The length the header encodes. */
  readonly length: number;
}

/** Loads every case of mls/deserialization.json, checking the shape of each. */
export function loadMlsDeserialization(): readonly VlbytesHeaderCase[] {
  const raw = readJson<readonly RawCase[]>(MLS_DESERIALIZATION_FILE);
  if (!Array.isArray(raw)) throw new Error(`${MLS_DESERIALIZATION_FILE}: expected an array`);
  return raw.map((entry, index) => {
    if (typeof entry.vlbytes_header !== 'string' || !Number.isSafeInteger(entry.length)) {
      throw new Error(`${MLS_DESERIALIZATION_FILE}: case ${index} is malformed`);
    }
    return {
      index,
      header: fromHex(entry.vlbytes_header),
      headerHex: entry.vlbytes_header,
      length: entry.length,
    };
  });
}
