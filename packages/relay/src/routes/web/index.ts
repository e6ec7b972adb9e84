/**
 * The web client (packages/web, DESIGN.md "Client, CLI, web"): the relay serves the built app
 * (packages/web/dist) at its root with @fastify/static, so `npm start` gives a newcomer one
 * address for the API and the app.
 *
 * - Files of the build are served as they are; the app's client routes (`/`, `/chat/<id>`,
 *   `/verify/<id>`, `/groups`, `/groups/<id>`, `/settings`: packages/web/src/router.ts) get
 *   index.html. Anything else, API paths included, is the relay's JSON 404.
 * - Cache: hashed files under `assets/` are immutable for a year; everything else, index.html
 *   first, is `no-cache` (revalidated by ETag), so a new build is picked up at once.
 * - Every response of the app carries a Content-Security-Policy that allows only the app's own
 *   scripts, styles and images and connections to this origin (HTTP and its WebSocket): no
 *   inline script, no eval, no framing; plus `X-Content-Type-Options: nosniff` and
 *   `Referrer-Policy: no-referrer`.
 *
 * `GET /web-config.json` tells the app the relay's origin (`{ relayOrigin }`): device
 * signatures bind it, so the app warns when it was opened under another name (localhost for
 * 127.0.0.1), where signing in cannot work.
 *
 * Configured by `webDir` (config.ts): unset serves packages/web/dist when it exists; `off`
 * serves nothing; a path serves that directory.
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RelayContext } from '../../context.ts';

/** packages/web/dist, the default when it exists. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../../web/dist', import.meta.url));

/** The web client's routes (packages/web/src/router.ts), answered with index.html. */
const APP_ROUTE = /^\/(?:(?:chat|verify|groups)\/[A-Za-z0-9_-]{1,128}|groups|settings)?$/;

/** A host header as browsers send it: name or [IPv6], optional port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** The directory to serve for a `webDir` setting, or undefined for none. */
export function resolveWebDir(setting: string | undefined): string | undefined {
  if (setting === 'off') return undefined;
  const dir = resolve(setting ?? DEFAULT_WEB_DIR);
  if (!existsSync(resolve(dir, 'index.html'))) return undefined;
  return dir;
}

/** The Content-Security-Policy of the app for a request to `host`. */
export function contentSecurityPolicy(host: string | undefined): string {
  const sockets = host !== undefined && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function appHeaders(request: FastifyRequest, reply: FastifyReply, cache: string): void {
  reply.header('content-security-policy', contentSecurityPolicy(request.headers.host));
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('x-frame-options', 'DENY');
  reply.header('cache-control', cache);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Registers the app routes when a web directory is configured and built (does nothing
 * otherwise). Call before the app is ready.
 */
export function registerWebRoutes(app: FastifyInstance, ctx: RelayContext): void {
  const dir = resolveWebDir(ctx.config.webDir);
  if (dir === undefined) return;
  void app.register(fastifyStatic, {
    root: dir,
    serve: false,
    cacheControl: false,
    index: false,
    dotfiles: 'deny',
  });
  app.get('/web-config.json', async (request, reply) => {
    appHeaders(request, reply, 'no-cache');
    return { relayOrigin: ctx.origin() };
  });
  app.get('/*', async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    if (APP_ROUTE.test(path)) {
      appHeaders(request, reply, 'no-cache');
      return reply.type('text/html; charset=utf-8').sendFile('index.html');
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return reply.callNotFound();
    }
    if (decoded.includes('\0')) return reply.callNotFound();
    const relative = normalize(decoded).replace(/^[/\\]+/, '');
    const file = resolve(dir, relative);
    // Inside the build only, a regular file, no dotfile (a hidden segment anywhere).
    const hidden = relative.split(/[/\\]/).some((segment) => segment.startsWith('.'));
    if (hidden || !file.startsWith(dir + sep) || !isFile(file)) return reply.callNotFound();
    const hashed = relative.startsWith(`assets${sep}`);
    appHeaders(request, reply, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.sendFile(relative);
  });
}
