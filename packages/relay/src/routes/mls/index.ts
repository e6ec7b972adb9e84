/**
 * The MLS KeyPackage directory (groups contract, "Relay HTTP API" 1-3):
 *
 * - `PUT /v1/mls/key-packages` (token) `{ keyPackages: string[], lastResort?: string }` ->
 *   `{ count, hasLastResort }`: each an encoded MLSMessage KeyPackage of the calling device,
 *   checked with `@sigil/mls/public` (verify/mls-messages.ts): version, suite 1 or 3, both
 *   signatures, lifetime, signature_key = the device's signing key, basic identity
 *   `${accountId}/${deviceId}`; else 400 `KEY_PACKAGE_INVALID` and nothing is stored. At most
 *   {@link MAX_STORED_KEY_PACKAGES} one-time KeyPackages per device (409 `KEY_PACKAGE_LIMIT`).
 *   A new last-resort KeyPackage replaces the old.
 * - `GET /v1/mls/key-packages/count` (token) -> `{ count, hasLastResort }`.
 * - `POST /v1/mls/key-packages/claim` (token) `{ accountId }` -> `{ keyPackages: [{ deviceId,
 *   keyPackage }], missingDeviceIds }`: one KeyPackage for every current device of the account,
 *   each one-time KeyPackage handed out once (atomically), else the last-resort one. Rate limited
 *   per (requesting device, target account) like prekey fetches; 404 `NOT_FOUND` for an unknown
 *   account (the code the key directory uses).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { FastifyInstance } from 'fastify';
import { deviceOf, requireDevice } from '../../auth/authenticate.ts';
import { fromBase64url, toBase64url } from '../../base64url.ts';
import type { RelayContext } from '../../context.ts';
import type { StoredKeyPackage } from '../../storage/relay-store.ts';
import { checkKeyPackage } from '../../verify/mls-messages.ts';
import { accountIdSchema, base64urlSchema, MAX_KEY_BYTES, objectSchema } from '../schemas.ts';

/** Most one-time KeyPackages a device keeps on the relay (the contract's limit). */
export const MAX_STORED_KEY_PACKAGES = 100;

interface UploadBody {
  keyPackages: string[];
  lastResort?: string;
}

const keyPackageSchema = base64urlSchema(MAX_KEY_BYTES.keyPackage);

/** Registers the KeyPackage routes. */
export function registerMlsRoutes(app: FastifyInstance, ctx: RelayContext): void {
  const authenticated = requireDevice(ctx);

  app.put<{ Body: UploadBody }>(
    '/v1/mls/key-packages',
    {
      schema: {
        body: objectSchema(
          {
            keyPackages: {
              type: 'array',
              maxItems: MAX_STORED_KEY_PACKAGES,
              items: keyPackageSchema,
            },
            lastResort: keyPackageSchema,
          },
          ['keyPackages'],
        ),
      },
      onRequest: authenticated,
    },
    async (request) => {
      const { accountId, deviceId } = deviceOf(request);
      const device = await ctx.store.getDevice(accountId, deviceId);
      if (device === undefined) {
        throw new SigilError('UNAUTHENTICATED', 'the device is no longer on its account');
      }
      const now = ctx.clock.now();
      const owner = { accountId, deviceId, signingKey: device.signingKey };
      const check = (text: string, field: string): StoredKeyPackage =>
        checkKeyPackage(ctx.crypto, fromBase64url(text, field), owner, now, field);
      const keyPackages = request.body.keyPackages.map((text, i) =>
        check(text, `keyPackages[${i}]`),
      );
      const { lastResort } = request.body;
      const result = await ctx.store.putKeyPackages(
        accountId,
        deviceId,
        {
          keyPackages,
          lastResort: lastResort === undefined ? undefined : check(lastResort, 'lastResort'),
        },
        MAX_STORED_KEY_PACKAGES,
      );
      if (result.status === 'not-found') {
        throw new SigilError('UNAUTHENTICATED', 'the device is no longer on its account');
      }
      if (result.status === 'too-many') {
        throw new SigilError('KEY_PACKAGE_LIMIT', 'too many one-time KeyPackages stored', {
          details: { max: MAX_STORED_KEY_PACKAGES },
        });
      }
      return { count: result.count, hasLastResort: result.hasLastResort };
    },
  );

  app.get('/v1/mls/key-packages/count', { onRequest: authenticated }, async (request) => {
    const { accountId, deviceId } = deviceOf(request);
    const counts = await ctx.store.countKeyPackages(accountId, deviceId);
    if (counts === undefined) throw new SigilError('UNAUTHENTICATED', 'device removed');
    return { count: counts.count, hasLastResort: counts.hasLastResort };
  });

  app.post<{ Body: { accountId: string } }>(
    '/v1/mls/key-packages/claim',
    {
      schema: { body: objectSchema({ accountId: accountIdSchema }) },
      onRequest: authenticated,
    },
    async (request) => {
      const requester = deviceOf(request);
      const { accountId } = request.body;
      await ctx.limiters.keyPackageClaim.take(
        `${requester.accountId}/${requester.deviceId}>${accountId}`,
      );
      const result = await ctx.store.claimKeyPackages(accountId);
      if (result === undefined) throw new SigilError('NOT_FOUND', 'no such account');
      return {
        keyPackages: result.keyPackages.map((kp) => ({
          deviceId: kp.deviceId,
          keyPackage: toBase64url(kp.bytes),
        })),
        missingDeviceIds: result.missingDeviceIds,
      };
    },
  );
}
