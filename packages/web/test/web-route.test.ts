/**
 * The relay's web-client route (packages/relay/src/routes/web), in process on a stand-in build
 * (no browser needed): app routes get index.html, files are served with their cache headers,
 * every app response carries the Content-Security-Policy and the other security headers, and
 * nothing else falls back (API paths, missing files, path tricks, dotfiles are JSON 404s).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, resolveWebDir } from '../../relay/src/routes/web/index.ts';
import { startTestRelay, type TestRelay } from '../../relay/test/harness.ts';

const INDEX =
  '<!doctype html><title>stand-in</title><script type="module" src="/assets/app-1a2b3c.js"></script>';
let dir: string;
let relay: TestRelay;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sigil-web-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-1a2b3c.js'), 'console.log(1)');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, '.secret'), 'dotfile');
  relay = await startTestRelay({ webDir: dir });
});
afterAll(async () => {
  await relay?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) =>
  relay.request({ method: 'GET', url, headers });

describe('relay web route', () => {
  it('answers every app route with index.html and the security headers', async () => {
    for (const path of [
      '/',
      '/chat/abc_DEF-1',
      '/verify/x',
      '/groups',
      '/groups/g1',
      '/settings',
    ]) {
      const res = await get(path, { host: '127.0.0.1:8787' });
      expect(res.statusCode, path).toBe(200);
      expect(res.body).toBe(INDEX);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
          "connect-src 'self' ws://127.0.0.1:8787 wss://127.0.0.1:8787; object-src 'none'; " +
          "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('serves hashed assets as immutable and other files as no-cache', async () => {
    const asset = await get('/assets/app-1a2b3c.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log(1)');
    expect(asset.headers['content-type']).toContain('javascript');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toContain("script-src 'self'");
    const icon = await get('/favicon.svg');
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
    expect((await get('/index.html')).body).toBe(INDEX);
  });

  it('never falls back for API paths, missing files or path tricks', async () => {
    for (const path of [
      '/nope',
      '/chat/a/b',
      '/assets/missing.js',
      '/v1/nothing',
      '/.secret',
      '/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/assets/..%2f..%2f.secret',
      '/%00',
    ]) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.json(), path).toEqual({ error: { code: 'NOT_FOUND', message: 'no such route' } });
      expect(res.body).not.toContain('dotfile');
    }
    // Malformed percent-encoding: Fastify rejects it before any route.
    const malformed = await get('/%E0%A4%A');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).not.toContain('stand-in');
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
  });

  it('tells the app the relay origin', async () => {
    const res = await get('/web-config.json');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ relayOrigin: relay.app.context.origin() });
  });

  it('is off with webDir off or without a build', async () => {
    expect(resolveWebDir('off')).toBeUndefined();
    expect(resolveWebDir(join(dir, 'assets'))).toBeUndefined();
    expect(resolveWebDir(dir)).toBe(dir);
    const off = await startTestRelay({ webDir: 'off' });
    try {
      expect((await off.request({ method: 'GET', url: '/' })).statusCode).toBe(404);
      expect((await off.request({ method: 'GET', url: '/web-config.json' })).statusCode).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('puts only a well-formed host into connect-src', () => {
    expect(contentSecurityPolicy('[::1]:8787')).toContain(
      "connect-src 'self' ws://[::1]:8787 wss://[::1]:8787;",
    );
    for (const host of [undefined, 'evil.example; script-src *', 'a b', '']) {
      expect(contentSecurityPolicy(host)).toContain("connect-src 'self'; object-src");
    }
  });
});
