/** Health, readiness, metrics and the error shape of unknown routes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectError, registeredAccount, startTestRelay, type TestRelay } from '../harness.ts';

describe('operability routes', () => {
  let relay: TestRelay;
  beforeEach(async () => {
    relay = await startTestRelay();
  });
  afterEach(() => relay.close());

  it('GET /healthz answers ok', async () => {
    const res = await relay.request({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers ready while the database answers', async () => {
    const res = await relay.request({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
  });

  it('GET /readyz is 503 UNAVAILABLE when the database is gone', async () => {
    await relay.app.context.store.close();
    const res = await relay.request({ method: 'GET', url: '/readyz' });
    expectError(res, 503, 'UNAVAILABLE');
  });

  it('GET /metrics is Prometheus text with sends, deliveries, queue and rejections', async () => {
    await registeredAccount(relay);
    await relay.request({ method: 'GET', url: '/v1/keys/count' });
    const res = await relay.request({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    for (const name of [
      'sigil_relay_connections 0',
      'sigil_relay_queued_messages 0',
      'sigil_relay_sends_total 0',
      'sigil_relay_deliveries_total 0',
      'sigil_relay_rejections_total{code="UNAUTHENTICATED"} 1',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toContain('# TYPE sigil_relay_sends_total counter');
  });

  it('an unknown route is a JSON 404 NOT_FOUND', async () => {
    expectError(await relay.request({ method: 'GET', url: '/nope' }), 404, 'NOT_FOUND');
  });
});
