/**
 * Bearer-token authentication of devices: `Authorization: Bearer <token>` (or, for WebSocket
 * upgrades where browsers cannot set headers, `?token=<token>`). A token is valid while its
 * SHA-256 is stored and it has not expired; it names exactly one device.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { FastifyRequest } from 'fastify';
import { fromBase64url } from '../base64url.ts';
import type { RelayContext } from '../context.ts';
import { hashToken } from './relay-auth.ts';

/** An authenticated device. */
export interface AuthenticatedDevice {
  readonly accountId: string;
  readonly deviceId: number;
}

const devices = new WeakMap<FastifyRequest, AuthenticatedDevice>();
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * An onRequest hook that authenticates the request's device.
 * @throws SigilError `UNAUTHENTICATED` without a token, or with an unknown or expired one.
 */
export function requireDevice(ctx: RelayContext, options: { allowQueryToken?: boolean } = {}) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    let token: string | undefined;
    if (typeof header === 'string') {
      const match = /^Bearer ([^\s]+)$/.exec(header);
      if (match === null) throw new SigilError('UNAUTHENTICATED', 'malformed authorization header');
      token = match[1];
    } else if (options.allowQueryToken === true) {
      const query = request.query as { token?: unknown } | undefined;
      if (typeof query?.token === 'string') token = query.token;
    }
    if (token === undefined) throw new SigilError('UNAUTHENTICATED', 'a bearer token is required');
    let tokenBytes: Uint8Array;
    try {
      if (!TOKEN.test(token)) throw new Error('not a token');
      tokenBytes = fromBase64url(token, 'token');
    } catch {
      throw new SigilError('UNAUTHENTICATED', 'unknown or expired token');
    }
    const stored = await ctx.store.getToken(hashToken(ctx.crypto, tokenBytes));
    if (stored === undefined || stored.expiresAt <= ctx.clock.now()) {
      throw new SigilError('UNAUTHENTICATED', 'unknown or expired token');
    }
    devices.set(request, { accountId: stored.accountId, deviceId: stored.deviceId });
  };
}

/**
 * The device a {@link requireDevice} hook authenticated.
 * @throws SigilError `INTERNAL` if the route has no such hook (a relay bug).
 */
export function deviceOf(request: FastifyRequest): AuthenticatedDevice {
  const device = devices.get(request);
  if (device === undefined) throw new SigilError('INTERNAL', 'route is missing authentication');
  return device;
}
