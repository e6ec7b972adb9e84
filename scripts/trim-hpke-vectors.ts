/**
 * Writes test-vectors/data/hpke/rfc9180-x25519.json: the RFC 9180 Appendix A vector sets
 * (cfrg/draft-irtf-cfrg-hpke test-vectors.json) whose kem_id is 0x0020, DHKEM(X25519,
 * HKDF-SHA256), the only KEM Sigil implements. Every kept entry is unchanged (same keys in the
 * same order); only the formatting differs (2-space JSON). Prints the sha256 of both files and
 * the entry counts recorded in test-vectors/data/hpke/SOURCE.md.
 *
 * Usage: node scripts/trim-hpke-vectors.ts [path/to/test-vectors.json]
 * (default: ../shared/vectors/hpke/test-vectors.json beside the repository).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const KEM_ID_X25519 = 0x0020;

const root = fileURLToPath(new URL('../', import.meta.url));
const source = process.argv[2] ?? `${root}../shared/vectors/hpke/test-vectors.json`;
const target = `${root}test-vectors/data/hpke/rfc9180-x25519.json`;

const sha256 = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

const input = readFileSync(source);
const entries = JSON.parse(input.toString('utf8')) as { kem_id: number }[];
const kept = entries.filter((entry) => entry.kem_id === KEM_ID_X25519);
const output = `${JSON.stringify(kept, null, 2)}\n`;
writeFileSync(target, output);

console.log(`source   ${source}`);
console.log(`  sha256 ${sha256(input)}, ${entries.length} entries`);
console.log(`trimmed  ${target}`);
console.log(`  sha256 ${sha256(output)}, ${kept.length} entries (kem_id == ${KEM_ID_X25519})`);
