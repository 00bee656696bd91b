import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../blessed/logger/index.js';
import { createLogCapture } from '../blessed/testing/index.js';
import { createApp, type AppSettings } from '../src/app.js';
import { endpoints } from '../src/routes.js';

const auth = { secret: randomBytes(32), issuer: 'app-test', audience: 'app-test' };

function build(settings: Partial<AppSettings> = {}, extra = endpoints) {
  const logs = createLogCapture();
  const app = createApp({ auth, ...settings }, { logger: createLogger({ level: 'trace', destination: logs.stream }), endpoints: extra });
  return { app, logs };
}

describe('the app', () => {
  it('serves the public health endpoint without a token', async () => {
    const res = await request(build().app).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('answers unknown routes with a problem+json 404, never HTML', async () => {
    const res = await request(build().app).get('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.type).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found', code: 'ERR_NOT_FOUND' });
    expect(typeof res.body.requestId).toBe('string');
    expect(res.text).not.toContain('<');
  });

  it('sends security headers suited to a JSON API and no x-powered-by', async () => {
    const res = await request(build().app).get('/health');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('marks authenticated and error responses no-store too', async () => {
    const res = await request(build().app).get('/no/such/route');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('sends no CORS headers unless origins are configured', async () => {
    const res = await request(build().app).get('/health').set('Origin', 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await request(build().app).options('/health').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the configured origins', async () => {
    const { app } = build({ corsOrigins: ['https://app.example'] });
    const ok = await request(app).get('/health').set('Origin', 'https://app.example');
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
    const refused = await request(app).get('/health').set('Origin', 'https://app.example.evil');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('trusts no proxy hop unless a hop count is configured, and never every hop', () => {
    type TrustFn = (address: string, hop: number) => boolean;
    const plain = build().app.get('trust proxy fn') as TrustFn;
    expect(plain('10.0.0.1', 0)).toBe(false);
    const oneHop = build({ trustProxyHops: 1 }).app.get('trust proxy fn') as TrustFn;
    expect(oneHop('10.0.0.1', 0)).toBe(true);
    // A client can prepend any X-Forwarded-For entries; only the hop our proxy added counts.
    expect(oneHop('203.0.113.9', 1)).toBe(false);
  });

  it('logs one line per request with its route and no credentials', async () => {
    const { app, logs } = build();
    const res = await request(app)
      .get('/health?token=leaky-query-secret')
      .set('Authorization', 'Bearer not-a-real-token-value')
      .set('Cookie', 'session=cookie-secret-value');
    expect(res.status).toBe(400);
    const text = logs.text();
    expect(text).not.toContain('leaky-query-secret');
    expect(text).not.toContain('not-a-real-token-value');
    expect(text).not.toContain('cookie-secret-value');
    const completed = logs.lines().filter((l) => l.msg === 'request completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ method: 'GET', status: 400, requestId: res.headers['x-request-id'] });
  });
});
