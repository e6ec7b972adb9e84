/**
 * The outbox: network work that receiving queued durably before acknowledging an envelope
 * (DESIGN.md, One-to-one: "a session that cannot decrypt asks the sender to resend over a fresh
 * session, so the user never sees 'unable to decrypt'").
 *
 * - `resend-request` (this device could not decrypt an envelope from device D): a `Content`
 *   `resend_request` naming the envelope's SHA-256 is sent to D's account over a FRESH session
 *   with D: started from a new bundle of D (verified under D's account key, which the account id
 *   commits to), unless the current session with D is already one this device started and D has
 *   not answered. The request is end-to-end encrypted and authenticated like any message, so
 *   the relay learns nothing new and cannot forge one; requests for several envelopes of one
 *   device go in one content.
 * - `resend` (device D asked for an envelope this device sent it): the plaintext is taken from
 *   the resend buffer and sent again to D's account. The request arrived on the session D just
 *   started, which decrypting it made current here (the old one is archived), so the resend
 *   goes out on that fresh session. Every device of the account receives it (the relay takes
 *   only complete sends); the others already have the message id and drop it. A message is
 *   resent at most MAX_RESENDS times, which ends any repair loop.
 *
 * A resend only ever goes to the account the message was first sent to, encrypted to that
 * account's verified devices, so even a forged request could not send plaintext anywhere else.
 *
 * Transient failures (relay unreachable, rate limited, storage) leave the work queued for the
 * next run (after the next login or reconnect); other failures drop it and emit
 * `delivery-failed`, as does work older than OUTBOX_MAX_AGE_MS or tried OUTBOX_MAX_ATTEMPTS
 * times.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { ContentType } from '@sigil/wire/formats';
import { toHex } from './internal/bytes.ts';
import { OUTBOX_MAX_AGE_MS, OUTBOX_MAX_ATTEMPTS } from './limits.ts';
import { controlContent, encodeContent } from './messages.ts';
import type { Runtime } from './runtime.ts';
import { deliver, targetFor } from './send.ts';
import { isOwnUnansweredSession, loadSession } from './sessions.ts';
import type { OutboxRow } from './store.ts';

const BATCH = 50;

function isTransient(err: unknown): boolean {
  return SigilError.is(err) && (err.category === 'Storage' || err.code === 'RATE_LIMITED');
}

/**
 * Runs the queued work until the outbox is empty or a transient failure stops it.
 * @throws nothing: failures are counted, reported as events, or left for the next run.
 */
export async function processOutbox(rt: Runtime): Promise<void> {
  for (;;) {
    const rows = await rt.store.transaction((tx) => tx.listOutbox(BATCH));
    if (rows.length === 0) return;
    for (const group of groupRows(rows)) {
      const first = group[0] as OutboxRow;
      const expired =
        rt.clock.now() - first.createdAt > OUTBOX_MAX_AGE_MS ||
        first.attempts >= OUTBOX_MAX_ATTEMPTS;
      try {
        if (expired) throw new SigilError('RELAY_UNREACHABLE', 'gave up on queued work');
        if (first.kind === 'resend-request') await sendResendRequest(rt, group);
        else await resend(rt, first);
      } catch (err) {
        if (isTransient(err) && !expired) {
          await rt.store.transaction(async (tx) => {
            for (const row of group) await tx.updateOutbox({ ...row, attempts: row.attempts + 1 });
          });
          return;
        }
        rt.emitter.emit('delivery-failed', {
          accountId: first.accountId,
          messageId: undefined,
          kind: first.kind,
          code: SigilError.is(err) ? err.code : 'INTERNAL',
          error: err,
        });
      }
      await rt.store.transaction(async (tx) => {
        for (const row of group) await tx.deleteOutbox(row.id);
      });
    }
  }
}

/** Resend requests to the same device go together; every other row alone. */
function groupRows(rows: readonly OutboxRow[]): OutboxRow[][] {
  const groups = new Map<string, OutboxRow[]>();
  const out: OutboxRow[][] = [];
  for (const row of rows) {
    if (row.kind !== 'resend-request') {
      out.push([row]);
      continue;
    }
    const key = `${row.accountId}/${row.deviceId}`;
    const group = groups.get(key);
    if (group !== undefined) group.push(row);
    else {
      const fresh = [row];
      groups.set(key, fresh);
      out.push(fresh);
    }
  }
  return out;
}

async function sendResendRequest(rt: Runtime, rows: readonly OutboxRow[]): Promise<void> {
  const { accountId, deviceId } = rows[0] as OutboxRow;
  const target = await targetFor(rt, accountId);
  if (!target.list.devices.some((d) => d.deviceId === deviceId)) return; // the device left
  const record = await rt.store.transaction((tx) => loadSession(rt, tx, accountId, deviceId));
  const content = controlContent(rt, {
    tag: ContentType.resendRequest,
    value: { envelopeHashes: rows.map((row) => row.hash) },
  });
  await deliver(rt, target, encodeContent(content), {
    freshSessionFor: isOwnUnansweredSession(record) ? undefined : deviceId,
  });
}

async function resend(rt: Runtime, row: OutboxRow): Promise<void> {
  const sent = await rt.store.transaction((tx) =>
    tx.getSent(row.accountId, row.deviceId, row.hash),
  );
  if (sent === undefined) return;
  const content = rt.sealer.open(
    'sent',
    `${row.accountId}/${row.deviceId}/${toHex(row.hash)}`,
    sent.content,
  );
  const target = await targetFor(rt, row.accountId);
  await deliver(rt, target, content, { resends: sent.resends + 1 });
  await rt.store.transaction((tx) => tx.putSent({ ...sent, resends: sent.resends + 1 }));
}
