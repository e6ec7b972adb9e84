/**
 * `npm run bench:crypto`: the primitives Sigil's protocols are built from, on both backends side
 * by side in one run (node = node:crypto/OpenSSL, portable = @noble). Medians of 5 rounds; the
 * ratio column is node / portable. These figures are the ceiling the protocol benchmarks are
 * held against.
 *
 * Options: `--rounds N`, `--round-ms N`, `--json`.
 */
import type { CryptoProvider } from '@sigil/crypto';
import { allProviders } from '@sigil/crypto/testing';
import { formatRate, type Measurement, measure } from '../harness.ts';

interface Row {
  readonly name: string;
  readonly unit: 'ops/s' | 'MB/s';
  /** Bytes per operation, for MB/s rows. */
  readonly bytes?: number;
  readonly op: (provider: CryptoProvider) => () => unknown;
}

function argValue(flag: string, fallback: number): number {
  const index = process.argv.indexOf(flag);
  const value = index >= 0 ? Number(process.argv[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const rounds = argValue('--rounds', 5);
const roundMs = argValue('--round-ms', 250);
const asJson = process.argv.includes('--json');

const message = new Uint8Array(64).fill(7);

function aeadRow(size: number): Row {
  return {
    name: `AES-256-GCM seal ${size >= 1024 ? `${size / 1024} KiB` : `${size} B`}`,
    unit: 'MB/s',
    bytes: size,
    op: (p) => {
      const key = p.random.bytes(32);
      const nonce = p.random.bytes(12);
      const plaintext = p.random.bytes(size);
      const aad = new Uint8Array(16);
      return () => p.aead.seal('aes-256-gcm', key, nonce, plaintext, aad);
    },
  };
}

const rows: Row[] = [
  {
    name: 'X25519 DH',
    unit: 'ops/s',
    op: (p) => {
      const a = p.x25519.generateKeyPair();
      const b = p.x25519.generateKeyPair();
      return () => p.x25519.sharedSecret(a.secretKey, b.publicKey);
    },
  },
  {
    name: 'Ed25519 sign (64 B)',
    unit: 'ops/s',
    op: (p) => {
      const k = p.ed25519.generateKeyPair();
      return () => p.ed25519.sign(k.secretKey, message);
    },
  },
  {
    name: 'Ed25519 verify (64 B)',
    unit: 'ops/s',
    op: (p) => {
      const k = p.ed25519.generateKeyPair();
      const sig = p.ed25519.sign(k.secretKey, message);
      return () => p.ed25519.verify(k.publicKey, message, sig);
    },
  },
  {
    name: 'ML-KEM-1024 encaps',
    unit: 'ops/s',
    op: (p) => {
      const k = p.mlkem.generateKeyPair('ml-kem-1024');
      return () => p.mlkem.encapsulate('ml-kem-1024', k.publicKey);
    },
  },
  {
    name: 'ML-KEM-1024 decaps',
    unit: 'ops/s',
    op: (p) => {
      const k = p.mlkem.generateKeyPair('ml-kem-1024');
      const { ciphertext } = p.mlkem.encapsulate('ml-kem-1024', k.publicKey);
      return () => p.mlkem.decapsulate('ml-kem-1024', k.secretKey, ciphertext);
    },
  },
  {
    name: 'HKDF-SHA256 (extract + 32 B expand)',
    unit: 'ops/s',
    op: (p) => {
      const ikm = p.random.bytes(32);
      const salt = p.random.bytes(32);
      const info = new Uint8Array(16);
      return () => p.hkdf.expand('sha256', p.hkdf.extract('sha256', salt, ikm), info, 32);
    },
  },
  aeadRow(1024),
  aeadRow(64 * 1024),
];

function rate(row: Row, m: Measurement): number {
  return row.unit === 'MB/s' ? (m.opsPerSecond * (row.bytes ?? 0)) / 1e6 : m.opsPerSecond;
}

const providers = allProviders();
const results: { name: string; unit: string; byBackend: Record<string, number>; ratio: number }[] =
  [];
for (const row of rows) {
  const byBackend: Record<string, number> = {};
  for (const provider of providers) {
    byBackend[provider.name] = rate(row, measure(row.op(provider), { rounds, roundMs }));
  }
  const node = byBackend.node ?? 0;
  const portable = byBackend.portable ?? 1;
  results.push({ name: row.name, unit: row.unit, byBackend, ratio: node / portable });
}

if (asJson) {
  console.log(JSON.stringify({ node: process.version, rounds, roundMs, results }, null, 2));
} else {
  console.log(
    `Sigil crypto primitives, Node ${process.version}, median of ${rounds} rounds of ${roundMs} ms`,
  );
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(
    `${'operation'.padEnd(width)}  unit   ${'node'.padStart(12)} ${'portable'.padStart(12)}  node/portable`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(width)}  ${r.unit.padEnd(5)}  ${formatRate(r.byBackend.node ?? 0).padStart(12)} ${formatRate(r.byBackend.portable ?? 0).padStart(12)}  ${r.ratio.toFixed(2).padStart(12)}x`,
    );
  }
}
