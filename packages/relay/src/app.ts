/**
 * `buildApp(deps)`: the relay as a Fastify instance, without listening (server.ts listens), so
 * tests drive it in-process with `app.inject()` (STYLE.md §10).
 *
 * Edge rules (DESIGN.md, Relay): every input has a JSON schema with unknown fields rejected and
 * no type coercion; binary fields are canonical base64url; the body size is limited; every error
 * is `{ error: { code, message, details? } }` with the status of errors.ts; nothing is stored on
 * a rejected request. Request logs carry the route pattern, method, status and latency only.
 *
 * @example
 * ```ts
 * const app = await buildApp({ store, clock: systemClock, config, logger, crypto, notifier });
 * const res = await app.inject({ method: 'GET', url: '/healthz' });
 * ```
 * @module
 */
import { randomBytes } from 'node:crypto';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { CLOSE_CODES, ConnectionRegistry } from './connections.ts';
import type { RelayContext } from './context.ts';
import type { RelayDeps } from './deps.ts';
import { errorBody, httpStatus, toSigilError } from './errors.ts';
import { RelayMetrics } from './metrics.ts';
import { inProcessLimiters } from './rate-limit.ts';
import { registerAccountRoutes } from './routes/accounts/index.ts';
import { registerAuthRoutes } from './routes/auth/index.ts';
import { registerGroupRoutes } from './routes/groups/index.ts';
import { registerHealthRoutes } from './routes/health/index.ts';
import { registerKeyRoutes } from './routes/keys/index.ts';
import { registerMessageRoutes } from './routes/messages/index.ts';
import { registerMlsRoutes } from './routes/mls/index.ts';
import { registerWebRoutes } from './routes/web/index.ts';
import { registerWebSocketRoute } from './routes/ws/index.ts';

/** The relay app: a Fastify instance plus its shared state (tests read metrics from it). */
export interface RelayApp {
  readonly fastify: FastifyInstance;
  readonly context: RelayContext;
  /** Purges expired messages, challenges and tokens now (also runs on a timer). */
  purge(): Promise<void>;
  /** Stops accepting work, closes sockets, waits for in-flight requests, closes the store. */
  close(): Promise<void>;
}

/** `http://host:port` of the address the server listens on (the configured one before). */
function listeningOrigin(
  server: FastifyInstance['server'] | undefined,
  host: string,
  port: number,
): string {
  const address = server?.address();
  const actualPort = typeof address === 'object' && address !== null ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
}

/** `trustProxy` for Fastify from the configuration's text form. */
function trustProxy(value: string | undefined): boolean | string {
  if (value === undefined || value === 'false') return false;
  return value === 'true' ? true : value;
}

/** A random instance id: 8 bytes, hex. */
export function randomInstanceId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * Builds the relay app on `deps`. The store and the notifier are closed when the app closes.
 */
export async function buildApp(deps: RelayDeps): Promise<RelayApp> {
  const { config, clock } = deps;
  let server: FastifyInstance['server'] | undefined;
  const limiter = deps.limiters ?? inProcessLimiters;
  const context: RelayContext = {
    ...deps,
    instanceId: deps.instanceId ?? randomInstanceId(),
    origin: () => config.origin ?? listeningOrigin(server, config.host, config.port),
    metrics: new RelayMetrics(),
    connections: new ConnectionRegistry(deps.notifier),
    limiters: {
      prekeyFetch: limiter('prekey-fetch', 'prekey fetches', config.prekeyFetchLimit, clock),
      keyPackageClaim: limiter('kp-claim', 'KeyPackage claims', config.prekeyFetchLimit, clock),
      send: limiter('send', 'sends', config.sendLimit, clock),
      signup: limiter('signup', 'sign-ups', config.signupLimit, clock),
      challenge: limiter('challenge', 'challenges', config.challengeLimit, clock),
    },
  };

  const app: FastifyInstance = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast only bridges the two packages' typings.
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Schemas reject: never strip unknown fields or coerce a wrong type into a right one.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    trustProxy: trustProxy(config.trustProxy),
  });

  server = app.server;

  app.setErrorHandler((err, request, reply) => {
    const error = toSigilError(err);
    const status = httpStatus(error);
    context.metrics.reject(error.code);
    if (status >= 500) {
      // The cause may be a database error: logged for the operator, never sent to the client.
      request.log.error({ code: error.code, err: error.cause ?? error }, 'request failed');
    }
    if (error.code === 'RATE_LIMITED' && typeof error.details?.retryAfterMs === 'number') {
      reply.header('retry-after', Math.ceil(error.details.retryAfterMs / 1000));
    }
    // The database is unreachable (connection lost, restarting): retrying soon will work.
    if (error.code === 'UNAVAILABLE') reply.header('retry-after', 1);
    return reply.status(status).send(errorBody(error));
  });
  app.setNotFoundHandler((_request, reply) => {
    context.metrics.reject('NOT_FOUND');
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'no such route' } });
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        route: request.routeOptions.url ?? 'unknown',
        method: request.method,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request',
    );
  });

  await app.register(websocket, {
    // Clients send only small control frames (acks).
    options: { maxPayload: 64 * 1024 },
    // Shutdown: every socket is told why (1001 going away), then the socket server closes.
    preClose(done) {
      context.connections.closeAll(CLOSE_CODES.goingAway, 'relay shutting down');
      for (const client of this.websocketServer.clients) {
        client.close(CLOSE_CODES.goingAway, 'relay shutting down');
      }
      this.websocketServer.close(() => done());
    },
  });
  registerHealthRoutes(app, context);
  registerAuthRoutes(app, context);
  registerAccountRoutes(app, context);
  registerKeyRoutes(app, context);
  registerMessageRoutes(app, context);
  registerMlsRoutes(app, context);
  registerGroupRoutes(app, context);
  registerWebSocketRoute(app, context);
  registerWebRoutes(app, context);

  const purge = async (): Promise<void> => {
    const now = clock.now();
    await deps.store.purgeExpired(now, now - config.retentionMs);
    for (const limiter of Object.values(context.limiters)) limiter.sweep();
  };
  const timer = setInterval(() => {
    purge().catch((err: unknown) => deps.logger.error({ err }, 'purge failed'));
  }, config.purgeIntervalMs);
  timer.unref();

  app.addHook('onClose', async () => {
    clearInterval(timer);
    await deps.notifier.close();
    await deps.store.close();
  });

  await app.ready();
  await purge();

  return {
    fastify: app,
    context,
    purge,
    close: () => app.close(),
  };
}
