/**
 * Writes test-vectors/SOURCES.json and test-vectors/SOURCES.md: for every file under
 * test-vectors/data, where it came from, its license, what it tests and its sha256. Provenance is
 * read from the shared vector collection's SOURCES.json (`../shared/vectors`, present on
 * developer machines and in CI, not in a user's clone); the integrity test
 * (test-vectors/test/integrity.test.ts) then needs only the files in the repo.
 *
 * Usage: node scripts/vectors-manifest.ts [path/to/shared/vectors]
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface SharedEntry {
  dest: string;
  repo: string;
  path: string;
  snapshot: string;
  license: string;
  what: string;
  tests: string;
  sha256: string;
}

export interface ManifestEntry {
  file: string;
  sha256: string;
  size: number;
  repo: string;
  path: string;
  snapshot: string;
  license: string;
  what: string;
  tests: string;
  /** Set when the file is a trimmed derivative of the upstream file, not a byte-identical copy. */
  trimmed?: string;
}

const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = join(root, 'test-vectors', 'data');
const sharedDir = process.argv[2] ?? join(root, '..', 'shared', 'vectors');

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const shared = JSON.parse(readFileSync(join(sharedDir, 'SOURCES.json'), 'utf8')) as SharedEntry[];
const byDest = new Map(shared.map((entry) => [entry.dest, entry]));

/** Files not listed in the shared SOURCES.json: the doc files beside their vectors. */
const extra: Record<string, Omit<ManifestEntry, 'file' | 'sha256' | 'size'>> = {
  'hpke/SOURCE.md': {
    repo: 'cfrg/draft-irtf-cfrg-hpke',
    path: 'SOURCE.md of the shared collection, plus a Trimmed section',
    snapshot: '-',
    license: 'IETF Trust / BCP 78',
    what: 'Provenance of the RFC 9180 vectors and how rfc9180-x25519.json was trimmed',
    tests: '-',
  },
  'hpke/rfc9180-x25519.json': {
    repo: 'cfrg/draft-irtf-cfrg-hpke',
    path: 'test-vectors.json (blob 514dd8bb, RFC 9180 Appendix A)',
    snapshot: '5f503c5',
    license: 'IETF Trust / BCP 78 (code components Simplified BSD)',
    what: 'RFC 9180 HPKE: the 32 sets with DHKEM(X25519, HKDF-SHA256), modes 0-3, KDF 1 and 3, AEAD 1, 2, 3, 0xFFFF',
    tests: '32 sets, 6,168 encryptions, 96 exports',
    trimmed: 'entries with kem_id == 32 only, by scripts/trim-hpke-vectors.ts (see hpke/SOURCE.md)',
  },
  'mls/deserialization.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/deserialization.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 §2.1.2 variable-length vector headers: vlbytes_header -> length',
    tests: '14 cases',
  },
  'mls/tree-math.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/tree-math.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 Appendix C tree math: n_nodes, root, left/right/parent/sibling of every node',
    tests: '10 trees (1 to 512 leaves)',
  },
  'mls/crypto-basics.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/crypto-basics.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s5/s8/s9: RefHash, ExpandWithLabel, DeriveSecret, DeriveTreeSecret, SignWithLabel, EncryptWithLabel',
    tests: '7 cases (one per cipher suite 1-7)',
  },
  'mls/key-schedule.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/key-schedule.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s8: GroupContext encoding and every epoch secret, external_pub, MLS-Exporter over chained epochs',
    tests: '7 cases (one per suite), 5 epochs each',
  },
  'mls/psk_secret.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/psk_secret.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s8.4: psk_secret from 0 to 10 external PSKs',
    tests: '77 cases (11 per suite)',
  },
  'mls/transcript-hashes.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/transcript-hashes.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s8.2: confirmation tag, confirmed and interim transcript hashes of a Commit AuthenticatedContent',
    tests: '7 cases (one per suite)',
  },
  'mls/secret-tree.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/secret-tree.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s9, s6.3.2: sender data key/nonce; handshake and application keys/nonces per leaf and generation',
    tests: '21 cases (1, 8 and 32 leaves per suite)',
  },
  'mls/message-protection.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/message-protection.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s6: PublicMessage and PrivateMessage protect/unprotect of a proposal, a commit and application data',
    tests: '7 cases (one per suite)',
  },
  'mls/tree-validation.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/tree-validation.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s4.1.2, s7.8, s7.9.2, s7.3: ratchet trees with the resolution and tree hash of every node; parent-hash valid, leaves signed for group_id',
    tests: '98 cases (14 trees per suite)',
  },
  'mls/tree-operations.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/tree-operations.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s7.7, s12.1.1-s12.1.3: an Add, Update or Remove proposal applied to a ratchet tree -> tree and tree hash after',
    tests: '5 cases (suite 1)',
  },
  'mls/treekem.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/treekem.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: "RFC 9420 s7.4-s7.6: members' private path secrets, UpdatePaths with the path secret each receiver decrypts, commit_secret and tree hash after",
    tests: '77 cases (11 per suite)',
  },
  'mls/messages.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/messages.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 message syntax: serialized MLSMessages, ratchet trees, GroupSecrets, proposal bodies and Commits to decode and re-encode',
    tests: '300 cases',
  },
  'mls/welcome.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/welcome.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s12.4.3.1: a Welcome for a KeyPackage: GroupSecrets and GroupInfo decryption, GroupInfo signature, confirmation tag',
    tests: '7 cases (1 per suite)',
  },
  'mls/passive-client-welcome.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/passive-client-welcome.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s12.4.3: join from a Welcome (tree in the Welcome or out of band, external PSKs) -> epoch_authenticator',
    tests: '56 cases (8 per suite)',
  },
  'mls/passive-client-handling-commit.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/passive-client-handling-commit.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s12.1-s12.4.2: join, then process proposals and Commits of every kind epoch by epoch -> epoch_authenticator',
    tests: '91 cases (13 per suite)',
  },
  'mls/passive-client-random.json': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors/passive-client-random.json',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'RFC 9420 s12.4.2: join, then follow 200 epochs of random Adds, Removes, Updates and Commits -> epoch_authenticator',
    tests: '1 case (suite 1)',
  },
  'mls/test-vectors.md': {
    repo: 'mlswg/mls-implementations',
    path: 'test-vectors.md (repository root)',
    snapshot: 'cfd450286d1bfd9cd2519b95c80f9771f94a5b1a',
    license:
      'IETF MLS WG working material (BCP 78/79); no explicit license, kept as a test fixture',
    what: 'Format and verification rules of the RFC 9420 interop vectors',
    tests: '-',
  },
  'mls/SOURCE.md': {
    repo: 'mlswg/mls-implementations',
    path: 'SOURCE.md of the shared collection',
    snapshot: '-',
    license: 'see the file',
    what: 'Provenance of the RFC 9420 interop vectors',
    tests: '-',
  },
  'sframe/test-vectors.json': {
    repo: 'sframe-wg/sframe',
    path: 'test-vectors/test-vectors.json (RFC 9605 Appendix C set, plus post-RFC aes_256_ctr_hmac cases)',
    snapshot: '3d07d8ffb23795cd7acc188bd8910dce0c5aa253',
    license: 'IETF Contributions under BCP 78/79 and the IETF Trust Legal Provisions',
    what: 'RFC 9605 s4.3 header encoding (64-bit KID/CTR), s4.5.1 AES-CTR + HMAC AEAD, s4.4 key/salt derivation, nonce, AAD and frame encryption for suites 1-5',
    tests:
      '289 header, 3 aes_ctr_hmac, 5 sframe cases (3 aes_256_ctr_hmac for non-RFC suites 6-8, not run)',
  },
  'sframe/SOURCE.md': {
    repo: 'sframe-wg/sframe',
    path: 'SOURCE.md of the shared collection',
    snapshot: '-',
    license: 'see the file',
    what: 'Provenance of the RFC 9605 SFrame vectors, and the caution on 64-bit JSON numbers',
    tests: '-',
  },
};

const entries: ManifestEntry[] = [];
for (const path of walk(dataDir).sort()) {
  const file = relative(dataDir, path);
  const hash = sha256(path);
  const size = statSync(path).size;
  const upstream = byDest.get(file);
  if (upstream !== undefined) {
    if (upstream.sha256 !== hash) throw new Error(`${file}: differs from the shared copy`);
    const { repo, path: upstreamPath, snapshot, license, what } = upstream;
    const tests = upstream.tests ?? '-';
    entries.push({
      file,
      sha256: hash,
      size,
      repo,
      path: upstreamPath,
      snapshot,
      license,
      what,
      tests,
    });
    continue;
  }
  const known = extra[file];
  if (known === undefined) throw new Error(`${file}: no provenance known; add it to this script`);
  entries.push({ file, sha256: hash, size, ...known });
}

writeFileSync(join(root, 'test-vectors', 'SOURCES.json'), `${JSON.stringify(entries, null, 2)}\n`);

const cell = (text: string | null) => (text ?? '-').replaceAll('|', '\\|').replaceAll('\n', ' ');
const lines = [
  '# Test vector sources',
  '',
  'Every file under `data/`, where it comes from and under which license. Files are byte-identical',
  'to upstream unless the "trimmed" column says otherwise. `SOURCES.json` holds the same list with',
  'sha256 digests; `test/integrity.test.ts` checks every file against it, so a vector cannot change',
  'silently. License texts are in `data/LICENSES/` (Wycheproof: Apache-2.0; CCTV ed25519:',
  'BSD-3-Clause; CCTV ML-KEM: CC0-1.0 as its README states; NIST ACVP data: a work of the US',
  'Government; RFC 9180 and RFC 9420 vectors: IETF Trust legal provisions).',
  '',
  'Regenerate with `node scripts/vectors-manifest.ts` after copying a file from the shared',
  'collection.',
  '',
  '| file | source | snapshot | license | tests | what it tests | trimmed |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...entries.map(
    (e) =>
      `| \`${e.file}\` | ${cell(`${e.repo}: ${e.path}`)} | ${e.snapshot.slice(0, 12)} | ${cell(e.license)} | ${cell(e.tests)} | ${cell(e.what)} | ${cell(e.trimmed ?? 'no')} |`,
  ),
  '',
];
writeFileSync(join(root, 'test-vectors', 'SOURCES.md'), lines.join('\n'));
console.log(`wrote ${entries.length} entries`);
