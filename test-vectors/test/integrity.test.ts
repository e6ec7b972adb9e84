/**
 * Every vector file under test-vectors/data is listed in SOURCES.json with its sha256, and every
 * listed file is present: a vector cannot change, appear or disappear without its provenance
 * being updated (scripts/vectors-manifest.ts).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface ManifestEntry {
  file: string;
  sha256: string;
  size: number;
  repo: string;
  license: string;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = join(root, 'data');
const manifest = JSON.parse(readFileSync(join(root, 'SOURCES.json'), 'utf8')) as ManifestEntry[];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

describe('test-vectors integrity', () => {
  const files = walk(dataDir)
    .map((path) => relative(dataDir, path))
    .sort();

  it('lists exactly the files present', () => {
    expect(manifest.map((entry) => entry.file).sort()).toEqual(files);
  });

  it('every file matches its recorded sha256 and size', () => {
    const mismatched: string[] = [];
    for (const entry of manifest) {
      const bytes = readFileSync(join(dataDir, entry.file));
      const digest = createHash('sha256').update(bytes).digest('hex');
      if (digest !== entry.sha256 || bytes.length !== entry.size) mismatched.push(entry.file);
    }
    expect(mismatched).toEqual([]);
  });

  it('every file names its source and license', () => {
    for (const entry of manifest) {
      expect(entry.repo, entry.file).not.toBe('');
      expect(entry.license, entry.file).not.toBe('');
    }
  });
});
