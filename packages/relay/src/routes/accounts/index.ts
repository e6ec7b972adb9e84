/**
 * Accounts and device lists:
 *
 * - `POST /v1/accounts` `{ accountKey, deviceList, username? }` -> 201 `{ accountId, listVersion }`
 *   registers an account: the signed device list must verify under `accountKey`, have
 *   version >= 1 and name 1..maxDevicesPerAccount devices.
 * - `GET /v1/accounts/:accountId/devices` (token) -> `{ accountId, listVersion, deviceList }`
 * - `PUT /v1/accounts/:accountId/devices` `{ deviceList }` -> `{ accountId, listVersion,
 *   removedDeviceIds }`: the authority is the account key's signature on a higher version, so no
 *   device token is needed (an account holder who lost every device can still recover). Devices
 *   that left the list lose their keys, mailbox and tokens, and are disconnected.
 * - `GET /v1/usernames/:username` (token) -> `{ accountId }`
 * - `DELETE /v1/accounts/:accountId` (token of a device of that account) -> 204: erases every
 *   row of the account and closes its sockets.
 *
 * `listVersion` is a uint64, sent as a decimal string.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { FastifyInstance } from 'fastify';
import { deviceOf, requireDevice } from '../../auth/authenticate.ts';
import { accountIdOf } from '../../auth/relay-auth.ts';
import { fromBase64url, toBase64url } from '../../base64url.ts';
import { CLOSE_CODES } from '../../connections.ts';
import type { RelayContext } from '../../context.ts';
import { checkDeviceList } from '../../verify/public-state.ts';
import {
  accountIdSchema,
  base64urlSchema,
  MAX_KEY_BYTES,
  objectSchema,
  usernameSchema,
} from '../schemas.ts';

interface RegisterBody {
  accountKey: string;
  deviceList: string;
  username?: string;
}
interface AccountParams {
  accountId: string;
}

const accountParams = objectSchema({ accountId: accountIdSchema });
const deviceListSchema = base64urlSchema(MAX_KEY_BYTES.deviceList);

/** Registers the account routes. */
export function registerAccountRoutes(app: FastifyInstance, ctx: RelayContext): void {
  const authenticated = requireDevice(ctx);

  const checkDeviceCount = (count: number): void => {
    if (count < 1 || count > ctx.config.maxDevicesPerAccount) {
      throw new SigilError('REQUEST_INVALID', 'device list size out of range', {
        details: { devices: count, max: ctx.config.maxDevicesPerAccount },
      });
    }
  };

  app.post<{ Body: RegisterBody }>(
    '/v1/accounts',
    {
      schema: {
        body: objectSchema(
          {
            accountKey: base64urlSchema(32, 32),
            deviceList: deviceListSchema,
            username: usernameSchema,
          },
          ['accountKey', 'deviceList'],
        ),
      },
    },
    async (request, reply) => {
      await ctx.limiters.signup.take(request.ip);
      const accountKey = fromBase64url(request.body.accountKey, 'accountKey');
      const deviceList = fromBase64url(request.body.deviceList, 'deviceList');
      const list = checkDeviceList(ctx.crypto, deviceList, {
        expectedAccountKey: accountKey,
        previousVersion: 0n,
      });
      checkDeviceCount(list.devices.length);
      const accountId = accountIdOf(ctx.crypto, accountKey);
      const result = await ctx.store.createAccount({
        accountId,
        accountKey,
        deviceList,
        listVersion: list.listVersion,
        username: request.body.username,
        devices: list.devices,
        createdAt: ctx.clock.now(),
      });
      if (result === 'account-exists') throw new SigilError('CONFLICT', 'account exists');
      if (result === 'username-taken') throw new SigilError('USERNAME_TAKEN', 'username taken');
      return reply.status(201).send({ accountId, listVersion: list.listVersion.toString() });
    },
  );

  app.get<{ Params: AccountParams }>(
    '/v1/accounts/:accountId/devices',
    { schema: { params: accountParams }, onRequest: authenticated },
    async (request) => {
      const account = await ctx.store.getAccount(request.params.accountId);
      if (account === undefined) throw new SigilError('NOT_FOUND', 'no such account');
      return {
        accountId: account.accountId,
        listVersion: account.listVersion.toString(),
        deviceList: toBase64url(account.deviceList),
      };
    },
  );

  app.put<{ Params: AccountParams; Body: { deviceList: string } }>(
    '/v1/accounts/:accountId/devices',
    { schema: { params: accountParams, body: objectSchema({ deviceList: deviceListSchema }) } },
    async (request) => {
      const { accountId } = request.params;
      const deviceList = fromBase64url(request.body.deviceList, 'deviceList');
      const account = await ctx.store.getAccount(accountId);
      if (account === undefined) throw new SigilError('NOT_FOUND', 'no such account');
      const list = checkDeviceList(ctx.crypto, deviceList, {
        expectedAccountKey: account.accountKey,
        previousVersion: account.listVersion,
      });
      checkDeviceCount(list.devices.length);
      const result = await ctx.store.replaceDeviceList(
        accountId,
        account.listVersion,
        deviceList,
        list.listVersion,
        list.devices,
      );
      if (result.status === 'not-found') throw new SigilError('NOT_FOUND', 'no such account');
      if (result.status === 'stale') {
        throw new SigilError('DEVICE_LIST_STALE', 'the device list changed concurrently');
      }
      for (const deviceId of result.removedDeviceIds) {
        ctx.connections.closeDevice(accountId, deviceId, CLOSE_CODES.deviceRemoved, 'removed');
      }
      return {
        accountId,
        listVersion: list.listVersion.toString(),
        removedDeviceIds: result.removedDeviceIds,
      };
    },
  );

  app.get<{ Params: { username: string } }>(
    '/v1/usernames/:username',
    { schema: { params: objectSchema({ username: usernameSchema }) }, onRequest: authenticated },
    async (request) => {
      const accountId = await ctx.store.getAccountIdByUsername(request.params.username);
      if (accountId === undefined) throw new SigilError('NOT_FOUND', 'no such username');
      return { accountId };
    },
  );

  app.delete<{ Params: AccountParams }>(
    '/v1/accounts/:accountId',
    { schema: { params: accountParams }, onRequest: authenticated },
    async (request, reply) => {
      const { accountId } = request.params;
      if (deviceOf(request).accountId !== accountId) {
        throw new SigilError('FORBIDDEN', 'only a device of the account can delete it');
      }
      await ctx.store.deleteAccount(accountId);
      ctx.connections.closeAccount(accountId, CLOSE_CODES.accountDeleted, 'account deleted');
      return reply.status(204).send();
    },
  );
}
