/**
 * Prekeys of this device (spec/one-to-one.md §3; DESIGN.md, One-to-one): generation, sealed
 * storage, upload and maintenance.
 *
 * - At account creation: a signed prekey, `preKeyTarget` (100) one-time X25519 prekeys, as many
 *   one-time ML-KEM-1024 prekeys, and a last-resort ML-KEM-1024 prekey.
 * - Maintenance (after every login, every `preKeyCheckIntervalMs`, and soon after a message
 *   used one-time prekeys): the relay's counts are read; a kind below `preKeyRefillThreshold`
 *   (20) is refilled to the target; the signed prekey and the last-resort KEM prekey are
 *   replaced every `signedPreKeyRotationMs` (7 days), the replaced ones kept
 *   `replacedPreKeyGraceMs` (30 days) for first messages in flight, then deleted; anything the
 *   relay lacks (its certificate, the current signed or last-resort prekey) is uploaded again.
 * - New secrets are committed to the store before they are uploaded, so the relay never hands
 *   out a key this device does not hold.
 *
 * Secrets are sealed per row (`prekey` kind, row id `<kind>/<id>`).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  type DeviceIdentity,
  generateKemPreKeys,
  generateLastResortKemPreKey,
  generateOneTimePreKeys,
  generateSignedPreKey,
  KemPreKeyPair,
  OneTimePreKeyPair,
  type PreKeySecrets,
  type PrekeyIds,
  SignedPreKeyPair,
} from '@sigil/protocol';
import { encode } from '@sigil/wire';
import { DeviceCertificate, KemPreKey, OneTimePreKey, SignedPreKey } from '@sigil/wire/formats';
import { decodeRecord, encodeRecord } from './internal/json-record.ts';
import type { KeyUpload } from './relay-api.ts';
import {
  type AccountState,
  putAccountState,
  type Runtime,
  type Services,
  updateAccountState,
} from './runtime.ts';
import type { PreKeyKind, PreKeyRow, StoreTransaction } from './store.ts';

type Pair = SignedPreKeyPair | OneTimePreKeyPair | KemPreKeyPair;

function sealRow(services: Services, kind: PreKeyKind, pair: Pair, stamp: number): PreKeyRow {
  const data = services.sealer.seal('prekey', `${kind}/${pair.id}`, encodeRecord(pair.toRecord()));
  return { id: pair.id, data, stamp };
}

function openRow<T extends PreKeyKind>(
  services: Services,
  kind: T,
  row: PreKeyRow,
): T extends 'signed'
  ? SignedPreKeyPair
  : T extends 'one-time'
    ? OneTimePreKeyPair
    : KemPreKeyPair {
  const record = decodeRecord<never>(services.sealer.open('prekey', `${kind}/${row.id}`, row.data));
  const { crypto } = services;
  const pair =
    kind === 'signed'
      ? SignedPreKeyPair.fromRecord(crypto, record)
      : kind === 'one-time'
        ? OneTimePreKeyPair.fromRecord(crypto, record)
        : KemPreKeyPair.fromRecord(crypto, record);
  return pair as never;
}

/** New prekeys to store and upload, and the account state with the counters advanced. */
export interface PreKeyBatch {
  readonly state: AccountState;
  readonly rows: readonly { kind: PreKeyKind; row: PreKeyRow }[];
  readonly upload: KeyUpload;
}

/**
 * Generates prekeys: a new signed and last-resort prekey when `rotate`, and `oneTime` / `kem`
 * one-time prekeys, with ids from the state's counters.
 */
export function generatePreKeys(
  services: Services,
  device: DeviceIdentity,
  state: AccountState,
  wanted: { rotate: boolean; oneTime: number; kem: number },
): PreKeyBatch {
  const ctx = services.protocol;
  const now = services.clock.now();
  const rows: { kind: PreKeyKind; row: PreKeyRow }[] = [];
  const upload: KeyUpload = {};
  let next = { ...state };
  if (wanted.rotate) {
    const signed = generateSignedPreKey(ctx, device, next.nextSignedPreKeyId);
    const lastResort = generateLastResortKemPreKey(ctx, device, next.nextKemPreKeyId);
    rows.push({ kind: 'signed', row: sealRow(services, 'signed', signed, now) });
    rows.push({ kind: 'last-resort', row: sealRow(services, 'last-resort', lastResort, now) });
    upload.signedPreKey = encode(SignedPreKey, signed.signedPreKey);
    upload.lastResortKemPreKey = encode(KemPreKey, lastResort.kemPreKey);
    next = {
      ...next,
      signedPreKeyId: signed.id,
      lastResortKemPreKeyId: lastResort.id,
      nextSignedPreKeyId: next.nextSignedPreKeyId + 1,
      nextKemPreKeyId: next.nextKemPreKeyId + 1,
      signedPreKeyRotatedAt: now,
    };
  }
  if (wanted.oneTime > 0) {
    const pairs = generateOneTimePreKeys(ctx, next.nextOneTimePreKeyId, wanted.oneTime);
    for (const pair of pairs)
      rows.push({ kind: 'one-time', row: sealRow(services, 'one-time', pair, now) });
    upload.oneTimePreKeys = pairs.map((pair) => encode(OneTimePreKey, pair.oneTimePreKey));
    next = { ...next, nextOneTimePreKeyId: next.nextOneTimePreKeyId + wanted.oneTime };
  }
  if (wanted.kem > 0) {
    const pairs = generateKemPreKeys(ctx, device, next.nextKemPreKeyId, wanted.kem);
    for (const pair of pairs) rows.push({ kind: 'kem', row: sealRow(services, 'kem', pair, now) });
    upload.kemPreKeys = pairs.map((pair) => encode(KemPreKey, pair.kemPreKey));
    next = { ...next, nextKemPreKeyId: next.nextKemPreKeyId + wanted.kem };
  }
  return { state: next, rows, upload };
}

/** Stores a batch's rows and `state` in `tx`. */
export async function storePreKeys(
  services: Services,
  tx: StoreTransaction,
  batch: PreKeyBatch,
  state: AccountState = batch.state,
): Promise<void> {
  for (const { kind, row } of batch.rows) await tx.putPreKey(kind, row);
  await putAccountState(tx, services.sealer, state);
}

/**
 * Checks the relay's prekeys and refills, rotates, re-uploads and prunes as the module comment
 * says. Safe to call at any time; concurrent calls are the caller's to avoid.
 * @throws SigilError `RELAY_UNREACHABLE` and other relay codes; `STORAGE_FAILURE`.
 */
export async function maintainPreKeys(rt: Runtime): Promise<void> {
  const { options } = rt;
  const counts = await rt.api.keyCounts();
  const now = rt.clock.now();
  const upload: KeyUpload = {};
  if (!counts.hasCertificate) upload.certificate = encode(DeviceCertificate, rt.device.certificate);
  const below = (count: number) =>
    count < options.preKeyRefillThreshold ? options.preKeyTarget - count : 0;
  // Ids come from the stored counters, read and advanced in the same transaction, so two
  // processes sharing the store never hand out the same id.
  await updateAccountState(rt, async (state, tx) => {
    const rotate = now - state.signedPreKeyRotatedAt >= options.signedPreKeyRotationMs;
    const batch = generatePreKeys(rt, rt.device, state, {
      rotate,
      oneTime: below(counts.oneTimePreKeys),
      kem: below(counts.kemPreKeys),
    });
    Object.assign(upload, batch.upload);
    if (!rotate && counts.signedPreKeyId !== state.signedPreKeyId) {
      const row = await tx.getPreKey('signed', state.signedPreKeyId);
      if (row === undefined) throw missing();
      upload.signedPreKey = encode(SignedPreKey, openRow(rt, 'signed', row).signedPreKey);
    }
    if (!rotate && counts.lastResortKemPreKeyId !== state.lastResortKemPreKeyId) {
      const row = await tx.getPreKey('last-resort', state.lastResortKemPreKeyId);
      if (row === undefined) throw missing();
      upload.lastResortKemPreKey = encode(KemPreKey, openRow(rt, 'last-resort', row).kemPreKey);
    }
    if (rotate) {
      // The replaced keys' grace period starts now.
      for (const [kind, id] of [
        ['signed', state.signedPreKeyId],
        ['last-resort', state.lastResortKemPreKeyId],
      ] as const) {
        const row = await tx.getPreKey(kind, id);
        if (row !== undefined) await tx.putPreKey(kind, { ...row, stamp: now });
      }
    }
    for (const { kind, row } of batch.rows) await tx.putPreKey(kind, row);
    await pruneReplaced(rt, tx, batch.state, now);
    return batch.state;
  });
  if (Object.keys(upload).length > 0) await rt.api.putKeys(upload);
}

function missing(): SigilError {
  return new SigilError('STORAGE_FAILURE', 'the current prekey is missing from the store');
}

/** Deletes replaced signed and last-resort prekeys whose grace period is over. */
async function pruneReplaced(
  rt: Runtime,
  tx: StoreTransaction,
  state: AccountState,
  now: number,
): Promise<void> {
  const cutoff = now - rt.options.replacedPreKeyGraceMs;
  for (const row of await tx.listPreKeys('signed')) {
    if (row.id !== state.signedPreKeyId && row.stamp < cutoff)
      await tx.deletePreKey('signed', row.id);
  }
  for (const row of await tx.listPreKeys('last-resort')) {
    if (row.id !== state.lastResortKemPreKeyId && row.stamp < cutoff) {
      await tx.deletePreKey('last-resort', row.id);
      await tx.deleteLastResortUses(row.id);
    }
  }
}

/** The prekey secrets a PreKeyMessage names, from the store (absent ones `undefined`). */
export async function loadPreKeySecrets(
  services: Services,
  tx: StoreTransaction,
  ids: PrekeyIds,
): Promise<PreKeySecrets & { lastResort: boolean }> {
  const signedRow = await tx.getPreKey('signed', ids.signedPreKeyId);
  const oneTimeRow =
    ids.oneTimePreKeyId === undefined
      ? undefined
      : await tx.getPreKey('one-time', ids.oneTimePreKeyId);
  const kemRow = await tx.getPreKey('kem', ids.kemPreKeyId);
  const lastResortRow =
    kemRow === undefined ? await tx.getPreKey('last-resort', ids.kemPreKeyId) : undefined;
  return {
    signedPreKey: signedRow && openRow(services, 'signed', signedRow),
    oneTimePreKey: oneTimeRow && openRow(services, 'one-time', oneTimeRow),
    kemPreKey:
      kemRow !== undefined
        ? openRow(services, 'kem', kemRow)
        : lastResortRow && openRow(services, 'last-resort', lastResortRow),
    lastResort: lastResortRow !== undefined,
  };
}
