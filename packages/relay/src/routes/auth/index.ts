/**
 * Device authentication routes (auth/relay-auth.ts describes the signed content):
 *
 * - `POST /v1/auth/challenge` `{ accountId, deviceId }` -> `{ challengeId, nonce, expiresAt }`
 * - `POST /v1/auth/token` `{ challengeId, signature }` -> `{ token, expiresAt }`
 *
 * A challenge is taken (deleted) before its signature is checked, so it is single use whether
 * the answer succeeds or not; a replay is `UNAUTHENTICATED`.
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import { verifyWithLabel } from '@sigil/protocol/public';
import type { FastifyInstance } from 'fastify';
import { hashToken, RELAY_AUTH_LABEL, relayAuthContent } from '../../auth/relay-auth.ts';
import { fromBase64url, toBase64url } from '../../base64url.ts';
import type { RelayContext } from '../../context.ts';
import { accountIdSchema, base64urlSchema, deviceIdSchema, objectSchema } from '../schemas.ts';

interface ChallengeBody {
  accountId: string;
  deviceId: number;
}
interface TokenBody {
  challengeId: string;
  signature: string;
}

const CHALLENGE_ID = { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' } as const;

/** Registers the authentication routes. */
export function registerAuthRoutes(app: FastifyInstance, ctx: RelayContext): void {
  app.post<{ Body: ChallengeBody }>(
    '/v1/auth/challenge',
    { schema: { body: objectSchema({ accountId: accountIdSchema, deviceId: deviceIdSchema }) } },
    async (request) => {
      const { accountId, deviceId } = request.body;
      await ctx.limiters.challenge.take(`${accountId}/${deviceId}`);
      if ((await ctx.store.getDevice(accountId, deviceId)) === undefined) {
        throw new SigilError('NOT_FOUND', 'no such device');
      }
      const challengeId = toBase64url(ctx.crypto.random.bytes(16));
      const nonce = ctx.crypto.random.bytes(32);
      const expiresAt = ctx.clock.now() + ctx.config.challengeTtlMs;
      await ctx.store.createChallenge({ challengeId, accountId, deviceId, nonce, expiresAt });
      return { challengeId, nonce: toBase64url(nonce), expiresAt };
    },
  );

  app.post<{ Body: TokenBody }>(
    '/v1/auth/token',
    {
      schema: {
        body: objectSchema({ challengeId: CHALLENGE_ID, signature: base64urlSchema(64, 64) }),
      },
    },
    async (request) => {
      const signature = fromBase64url(request.body.signature, 'signature');
      const challenge = await ctx.store.takeChallenge(request.body.challengeId);
      const now = ctx.clock.now();
      if (challenge === undefined || challenge.expiresAt <= now) {
        throw new SigilError('UNAUTHENTICATED', 'unknown, used or expired challenge');
      }
      const device = await ctx.store.getDevice(challenge.accountId, challenge.deviceId);
      if (device === undefined) throw new SigilError('UNAUTHENTICATED', 'no such device');
      const content = relayAuthContent({
        origin: ctx.origin(),
        challengeId: challenge.challengeId,
        nonce: challenge.nonce,
        accountId: challenge.accountId,
        deviceId: challenge.deviceId,
      });
      if (!verifyWithLabel(ctx.crypto, device.signingKey, RELAY_AUTH_LABEL, content, signature)) {
        throw new SigilError('UNAUTHENTICATED', 'the challenge signature does not verify');
      }
      const token = ctx.crypto.random.bytes(32);
      const expiresAt = now + ctx.config.tokenTtlMs;
      await ctx.store.createToken({
        tokenHash: hashToken(ctx.crypto, token),
        accountId: challenge.accountId,
        deviceId: challenge.deviceId,
        expiresAt,
      });
      return { token: toBase64url(token), expiresAt };
    },
  );
}
