/**
 * `GET /v1/ws` (token in `Authorization: Bearer` or `?token=`): the WebSocket over which a device
 * receives its mailbox (mailbox-socket.ts describes the frames). Authentication happens before
 * the upgrade: a request without a valid token gets an HTTP 401 and no socket.
 *
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { deviceOf, requireDevice } from '../../auth/authenticate.ts';
import type { RelayContext } from '../../context.ts';
import { objectSchema } from '../schemas.ts';
import { MailboxSocket } from './mailbox-socket.ts';

/** Registers the WebSocket delivery route. */
export function registerWebSocketRoute(app: FastifyInstance, ctx: RelayContext): void {
  app.get(
    '/v1/ws',
    {
      websocket: true,
      schema: {
        querystring: objectSchema({ token: { type: 'string', maxLength: 64 } }, []),
      },
      onRequest: requireDevice(ctx, { allowQueryToken: true }),
    },
    (socket, request) => {
      const { accountId, deviceId } = deviceOf(request);
      new MailboxSocket(ctx, socket, accountId, deviceId).start();
    },
  );
}
