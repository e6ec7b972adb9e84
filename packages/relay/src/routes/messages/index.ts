/**
 * Mailboxes over HTTP:
 *
 * - `POST /v1/messages` (token) `{ recipientAccountId, messages: [{ deviceId, ciphertext }] }`
 *   -> `{ accepted, receivedAt }`. The send must carry exactly one ciphertext per device on the
 *   recipient's current list (leaving out the sender's own device on a send to its own account);
 *   otherwise 409 `DEVICE_SET_MISMATCH` with `details.missingDeviceIds` and
 *   `details.extraDeviceIds` (decimal strings), and nothing is stored. A success response means
 *   every ciphertext is durably stored.
 * - `GET /v1/messages?after=<id>&limit=<n>` (token) -> `{ messages, more }`: the device's queued
 *   messages, oldest first (for clients without a socket).
 * - `POST /v1/messages/ack` (token) `{ ids }` -> `{ acked }`: deletes acknowledged messages of
 *   the token's own mailbox (ids of other mailboxes are ignored, never deleted).
 *
 * A message is `{ id, sender: { accountId, deviceId }, ciphertext, receivedAt, groupId? }` with
 * `id` the server sequence number as a decimal string; `groupId` marks group traffic
 * (routes/groups), whose ciphertext is an MLSMessage of that group.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { FastifyInstance } from 'fastify';
import { deviceOf, requireDevice } from '../../auth/authenticate.ts';
import { base64urlDecodedLength, fromBase64url, toBase64url } from '../../base64url.ts';
import type { RelayContext } from '../../context.ts';
import type { StoredMessage } from '../../storage/relay-store.ts';
import { accountIdSchema, deviceIdSchema, messageIdSchema, objectSchema } from '../schemas.ts';

/** Most messages one poll returns. */
export const MAX_POLL = 100;
/** Most ids one ack carries. */
export const MAX_ACK = 1000;

interface SendBody {
  recipientAccountId: string;
  messages: { deviceId: number; ciphertext: string }[];
}

/**
 * The JSON form of a stored message (also pushed over the WebSocket). `groupId` (base64url) is
 * present exactly for group traffic: `ciphertext` is then an MLSMessage of that group.
 */
export function messageJson(message: StoredMessage) {
  return {
    id: message.id.toString(),
    sender: { accountId: message.senderAccountId, deviceId: message.senderDeviceId },
    ciphertext: toBase64url(message.ciphertext),
    receivedAt: message.receivedAt,
    ...(message.groupId === undefined ? {} : { groupId: toBase64url(message.groupId) }),
  };
}

/** Registers the mailbox routes. */
export function registerMessageRoutes(app: FastifyInstance, ctx: RelayContext): void {
  const authenticated = requireDevice(ctx);
  const { config } = ctx;

  const sendSchema = objectSchema({
    recipientAccountId: accountIdSchema,
    messages: {
      type: 'array',
      minItems: 1,
      maxItems: config.maxDevicesPerAccount,
      items: objectSchema({
        deviceId: deviceIdSchema,
        // The envelope limit is checked after the schema so its error is 413, not 400.
        ciphertext: { type: 'string', pattern: '^[A-Za-z0-9_-]*$', minLength: 2 },
      }),
    },
  });

  app.post<{ Body: SendBody }>(
    '/v1/messages',
    { schema: { body: sendSchema }, onRequest: authenticated },
    async (request) => {
      const sender = deviceOf(request);
      const { recipientAccountId } = request.body;
      for (const message of request.body.messages) {
        if (base64urlDecodedLength(message.ciphertext.length) > config.maxEnvelopeBytes) {
          throw new SigilError('PAYLOAD_TOO_LARGE', 'an envelope exceeds the size limit', {
            details: { maxEnvelopeBytes: config.maxEnvelopeBytes },
          });
        }
      }
      const messages = request.body.messages.map((m, i) => ({
        deviceId: m.deviceId,
        ciphertext: fromBase64url(m.ciphertext, `messages[${i}].ciphertext`),
      }));
      if (new Set(messages.map((m) => m.deviceId)).size !== messages.length) {
        throw new SigilError('REQUEST_INVALID', 'a device id appears twice');
      }
      await ctx.limiters.send.take(`${sender.accountId}/${sender.deviceId}`);
      const receivedAt = ctx.clock.now();
      const result = await ctx.store.enqueue({
        senderAccountId: sender.accountId,
        senderDeviceId: sender.deviceId,
        recipientAccountId,
        excludeDeviceId: recipientAccountId === sender.accountId ? sender.deviceId : undefined,
        messages,
        receivedAt,
      });
      if (result.status === 'not-found') throw new SigilError('NOT_FOUND', 'no such account');
      if (result.status === 'device-set-mismatch') {
        throw new SigilError('DEVICE_SET_MISMATCH', 'the send does not match the device list', {
          details: {
            missingDeviceIds: result.missingDeviceIds.map(String),
            extraDeviceIds: result.extraDeviceIds.map(String),
          },
        });
      }
      ctx.metrics.sends += messages.length;
      for (const message of messages) ctx.notifier.notify(recipientAccountId, message.deviceId);
      return { accepted: messages.length, receivedAt };
    },
  );

  app.get<{ Querystring: { after?: string; limit?: string } }>(
    '/v1/messages',
    {
      schema: {
        querystring: objectSchema(
          {
            after: { type: 'string', pattern: '^(0|[1-9][0-9]{0,17})$' },
            limit: { type: 'string', pattern: '^([1-9]|[1-9][0-9]|100)$' },
          },
          [],
        ),
      },
      onRequest: authenticated,
    },
    async (request) => {
      const { accountId, deviceId } = deviceOf(request);
      const after = BigInt(request.query.after ?? '0');
      const limit = Number(request.query.limit ?? MAX_POLL);
      const rows = await ctx.store.fetchMessages(accountId, deviceId, after, limit + 1);
      const page = rows.slice(0, limit);
      ctx.metrics.deliveries += page.length;
      return { messages: page.map(messageJson), more: rows.length > limit };
    },
  );

  app.post<{ Body: { ids: string[] } }>(
    '/v1/messages/ack',
    {
      schema: {
        body: objectSchema({
          ids: { type: 'array', minItems: 1, maxItems: MAX_ACK, items: messageIdSchema },
        }),
      },
      onRequest: authenticated,
    },
    async (request) => {
      const { accountId, deviceId } = deviceOf(request);
      const ids = request.body.ids.map((id) => BigInt(id));
      const acked = await ctx.store.ackMessages(accountId, deviceId, ids);
      ctx.metrics.acks += acked;
      return { acked };
    },
  );
}
