/**
 * The key directory (spec/one-to-one.md §3):
 *
 * - `PUT /v1/keys` (token) `{ certificate?, signedPreKey?, oneTimePreKeys?, kemPreKeys?,
 *   lastResortKemPreKey? }` -> the device's key counts. Every field is the base64url of its wire
 *   format; the certificate must be the device's entry on the current list signed by the account
 *   key, and every signature is checked against that entry's signing key. Batches hold at most
 *   100 keys of each kind. Keys always belong to the token's device: there is no way to name
 *   another.
 * - `GET /v1/keys/count` (token) -> how many one-time keys the device has left.
 * - `GET /v1/keys/:accountId` (token) -> `{ accountId, bundles: [{ deviceId, bundle }],
 *   missingDeviceIds }`: a PreKeyBundle for every device of the account that has uploaded keys.
 * - `GET /v1/keys/:accountId/:deviceId` (token) -> `{ accountId, deviceId, bundle }`.
 *
 * A fetch hands each one-time key out at most once, atomically (the store deletes it in the
 * transaction that returns it), and falls back to the last-resort KEM prekey. Fetches are rate
 * limited per (requesting device, target account) so nobody drains an account's one-time keys.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { FastifyInstance } from 'fastify';
import { deviceOf, requireDevice } from '../../auth/authenticate.ts';
import { fromBase64url, toBase64url } from '../../base64url.ts';
import type { RelayContext } from '../../context.ts';
import type { KeyCounts, KeyUpload, StoredKey } from '../../storage/relay-store.ts';
import {
  checkCertificate,
  checkKemPreKey,
  checkOneTimePreKey,
  checkSignedPreKey,
  encodeBundle,
} from '../../verify/public-state.ts';
import {
  accountIdSchema,
  base64urlSchema,
  deviceIdParamSchema,
  MAX_KEY_BYTES,
  objectSchema,
  parseDeviceIdParam,
} from '../schemas.ts';

/** Most keys of one kind in one upload. */
export const MAX_KEYS_PER_UPLOAD = 100;

interface KeysBody {
  certificate?: string;
  signedPreKey?: string;
  oneTimePreKeys?: string[];
  kemPreKeys?: string[];
  lastResortKemPreKey?: string;
}

const keysBodySchema = objectSchema(
  {
    certificate: base64urlSchema(MAX_KEY_BYTES.certificate),
    signedPreKey: base64urlSchema(MAX_KEY_BYTES.signedPreKey),
    oneTimePreKeys: {
      type: 'array',
      maxItems: MAX_KEYS_PER_UPLOAD,
      items: base64urlSchema(MAX_KEY_BYTES.oneTimePreKey),
    },
    kemPreKeys: {
      type: 'array',
      maxItems: MAX_KEYS_PER_UPLOAD,
      items: base64urlSchema(MAX_KEY_BYTES.kemPreKey),
    },
    lastResortKemPreKey: base64urlSchema(MAX_KEY_BYTES.kemPreKey),
  },
  [],
  { minProperties: 1 },
);

function countsBody(counts: KeyCounts) {
  return {
    oneTimePreKeys: counts.oneTimePreKeys,
    kemPreKeys: counts.kemPreKeys,
    signedPreKeyId: counts.signedPreKeyId ?? null,
    lastResortKemPreKeyId: counts.lastResortKemPreKeyId ?? null,
    hasCertificate: counts.hasCertificate,
  };
}

function requireUniqueIds(keys: readonly StoredKey[], field: string): void {
  if (new Set(keys.map((k) => k.keyId)).size !== keys.length) {
    throw new SigilError('REQUEST_INVALID', `${field} repeats a key id`);
  }
}

/** Registers the key directory routes. */
export function registerKeyRoutes(app: FastifyInstance, ctx: RelayContext): void {
  const authenticated = requireDevice(ctx);

  app.put<{ Body: KeysBody }>(
    '/v1/keys',
    { schema: { body: keysBodySchema }, onRequest: authenticated },
    async (request) => {
      const { accountId, deviceId } = deviceOf(request);
      const [account, device] = await Promise.all([
        ctx.store.getAccount(accountId),
        ctx.store.getDevice(accountId, deviceId),
      ]);
      if (account === undefined || device === undefined) {
        throw new SigilError('UNAUTHENTICATED', 'the device is no longer on its account');
      }
      const body = request.body;
      const { crypto } = ctx;
      const { signingKey } = device;
      const upload: KeyUpload = {
        oneTimePreKeys: (body.oneTimePreKeys ?? []).map((text, i) =>
          checkOneTimePreKey(fromBase64url(text, `oneTimePreKeys[${i}]`)),
        ),
        kemPreKeys: (body.kemPreKeys ?? []).map((text, i) =>
          checkKemPreKey(crypto, signingKey, fromBase64url(text, `kemPreKeys[${i}]`), 'one-time'),
        ),
      };
      requireUniqueIds(upload.oneTimePreKeys, 'oneTimePreKeys');
      requireUniqueIds(upload.kemPreKeys, 'kemPreKeys');
      if (body.certificate !== undefined) {
        const certificate = fromBase64url(body.certificate, 'certificate');
        checkCertificate(crypto, certificate, account.accountKey, device);
        upload.certificate = certificate;
      }
      if (body.signedPreKey !== undefined) {
        const bytes = fromBase64url(body.signedPreKey, 'signedPreKey');
        upload.signedPreKey = checkSignedPreKey(crypto, signingKey, bytes);
      }
      if (body.lastResortKemPreKey !== undefined) {
        const bytes = fromBase64url(body.lastResortKemPreKey, 'lastResortKemPreKey');
        upload.lastResortKemPreKey = checkKemPreKey(crypto, signingKey, bytes, 'last-resort');
      }
      const max = ctx.config.maxStoredOneTimePreKeys;
      const result = await ctx.store.putKeys(accountId, deviceId, upload, max);
      if (result.status === 'not-found') {
        throw new SigilError('UNAUTHENTICATED', 'the device is no longer on its account');
      }
      if (result.status === 'too-many') {
        throw new SigilError('CONFLICT', 'too many one-time prekeys stored', {
          details: { kind: result.kind, max },
        });
      }
      const counts = await ctx.store.countKeys(accountId, deviceId);
      if (counts === undefined) throw new SigilError('UNAUTHENTICATED', 'device removed');
      return countsBody(counts);
    },
  );

  app.get('/v1/keys/count', { onRequest: authenticated }, async (request) => {
    const { accountId, deviceId } = deviceOf(request);
    const counts = await ctx.store.countKeys(accountId, deviceId);
    if (counts === undefined) throw new SigilError('UNAUTHENTICATED', 'device removed');
    return countsBody(counts);
  });

  app.get<{ Params: { accountId: string } }>(
    '/v1/keys/:accountId',
    {
      schema: { params: objectSchema({ accountId: accountIdSchema }) },
      onRequest: authenticated,
    },
    async (request) => {
      const requester = deviceOf(request);
      const { accountId } = request.params;
      await ctx.limiters.prekeyFetch.take(
        `${requester.accountId}/${requester.deviceId}>${accountId}`,
      );
      const result = await ctx.store.takeBundles(accountId);
      if (result === undefined) throw new SigilError('NOT_FOUND', 'no such account');
      return {
        accountId,
        bundles: result.bundles.map((parts) => ({
          deviceId: parts.deviceId,
          bundle: toBase64url(encodeBundle(parts)),
        })),
        missingDeviceIds: result.missingDeviceIds,
      };
    },
  );

  app.get<{ Params: { accountId: string; deviceId: string } }>(
    '/v1/keys/:accountId/:deviceId',
    {
      schema: {
        params: objectSchema({ accountId: accountIdSchema, deviceId: deviceIdParamSchema }),
      },
      onRequest: authenticated,
    },
    async (request) => {
      const requester = deviceOf(request);
      const { accountId } = request.params;
      const deviceId = parseDeviceIdParam(request.params.deviceId);
      await ctx.limiters.prekeyFetch.take(
        `${requester.accountId}/${requester.deviceId}>${accountId}`,
      );
      const result = await ctx.store.takeBundles(accountId, deviceId);
      if (result === undefined) throw new SigilError('NOT_FOUND', 'no such account or device');
      const parts = result.bundles[0];
      if (parts === undefined) {
        throw new SigilError('PREKEY_NOT_FOUND', 'the device has not uploaded its prekeys');
      }
      return { accountId, deviceId, bundle: toBase64url(encodeBundle(parts)) };
    },
  );
}
