/**
 * Worker thread of the prekey concurrency test: opens its own connection to the shared SQLite
 * file and takes bundles as fast as it can, reporting the one-time key bytes it was handed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteRelayStore } from '../src/storage/sqlite/index.ts';

const { dbPath, accountId, fetches } = workerData as {
  dbPath: string;
  accountId: string;
  fetches: number;
};
const store = SqliteRelayStore.open(dbPath);
const oneTime: string[] = [];
const kem: string[] = [];
for (let i = 0; i < fetches; i++) {
  const result = await store.takeBundles(accountId, 1);
  const parts = result?.bundles[0];
  if (parts === undefined) throw new Error('no bundle');
  if (parts.oneTimePreKey !== undefined)
    oneTime.push(Buffer.from(parts.oneTimePreKey).toString('hex'));
  kem.push(Buffer.from(parts.kemPreKey).toString('hex'));
}
await store.close();
parentPort?.postMessage({ oneTime, kem });
