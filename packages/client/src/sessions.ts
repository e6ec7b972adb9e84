/**
 * Session records in the store (spec/one-to-one.md §7), sealed per peer device (`session`
 * kind, row id `<accountId>/<deviceId>`). A record that does not open or decode (corrupted, or
 * written under another key) counts as lost: the next message from that device is repaired by
 * a resend request, and the next message to it starts a fresh session.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import {
  decodeSessionRecord,
  encodeSessionRecord,
  MAX_UNACKNOWLEDGED_SESSION_AGE_MS,
  type SessionRecord,
} from '@sigil/protocol';
import type { DeviceCertificateTBS } from '@sigil/wire/formats';
import { bytesEqual } from './internal/bytes.ts';
import type { Services } from './runtime.ts';
import type { StoreTransaction } from './store.ts';

const rowId = (accountId: string, deviceId: number): string => `${accountId}/${deviceId}`;

/** The record with a peer device, or `undefined` if there is none or it is unreadable. */
export async function loadSession(
  services: Services,
  tx: StoreTransaction,
  accountId: string,
  deviceId: number,
): Promise<SessionRecord | undefined> {
  const sealed = await tx.getSession(accountId, deviceId);
  if (sealed === undefined) return undefined;
  try {
    return decodeSessionRecord(services.sealer.open('session', rowId(accountId, deviceId), sealed));
  } catch (err) {
    if (SigilError.is(err) && err.category !== 'Storage' && err.category !== 'Internal') {
      return undefined;
    }
    throw err;
  }
}

/** Seals and writes the record with a peer device. */
export async function saveSession(
  services: Services,
  tx: StoreTransaction,
  accountId: string,
  deviceId: number,
  record: SessionRecord,
): Promise<void> {
  const sealed = services.sealer.seal(
    'session',
    rowId(accountId, deviceId),
    encodeSessionRecord(record),
  );
  await tx.putSession(accountId, deviceId, sealed);
}

/**
 * Whether `record`'s current session can encrypt to `device` now: it exists, it is with the
 * identity key the verified list names, and it is not an unanswered one past its age limit.
 */
export function sessionUsable(
  record: SessionRecord | undefined,
  device: DeviceCertificateTBS,
  now: number,
): boolean {
  const current = record?.current;
  if (current === undefined) return false;
  if (!bytesEqual(current.peer.identityKey.key, device.identityKey.key)) return false;
  const pending = current.pendingPreKey;
  return (
    pending === undefined || now - Number(pending.createdAt) <= MAX_UNACKNOWLEDGED_SESSION_AGE_MS
  );
}

/** Whether the current session is one this device started and the peer has not answered. */
export function isOwnUnansweredSession(record: SessionRecord | undefined): boolean {
  return record?.current?.pendingPreKey !== undefined;
}
