/**
 * Operability routes: `GET /healthz` (the process answers), `GET /readyz` (the database
 * answers) and `GET /metrics` (Prometheus text format, metrics.ts).
 *
 * @module
 */
import { SigilError } from '@sigil/errors';
import type { FastifyInstance } from 'fastify';
import type { RelayContext } from '../../context.ts';

/** Registers the health, readiness and metrics routes. */
export function registerHealthRoutes(app: FastifyInstance, ctx: RelayContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async () => {
    try {
      await ctx.store.ping();
    } catch (err) {
      throw new SigilError('UNAVAILABLE', 'the database does not answer', { cause: err });
    }
    return { status: 'ready' };
  });

  app.get('/metrics', async (_request, reply) => {
    ctx.metrics.connections = ctx.connections.size;
    const queued = await ctx.store.countQueued();
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(ctx.metrics.render(queued));
  });
}
