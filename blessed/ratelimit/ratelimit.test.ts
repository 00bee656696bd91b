import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../src/app.js';
import type { RateLimitSettings } from '../../src/config.js';
import { signToken } from '../auth/index.js';
import { defineEndpoint } from '../endpoint/index.js';
import { createLogger } from '../logger/index.js';
import { createLogCapture } from '../testing/index.js';
import { rateLimit, type RateLimitOptions } from './index.js';

const auth = { secret: randomBytes(32), issuer: 'rate-limit-test', audience: 'rate-limit-test' };

const ping = defineEndpoint({
  method: 'GET',
  path: '/ping',
  public: 'liveness probe for the rate-limit tests',
  response: z.strictObject({ ok: z.boolean() }),
  handler: () => ({ ok: true }),
});
const things = defineEndpoint({
  method: 'GET',
  path: '/things',
  permission: 'things:read',
  response: z.strictObject({ tenant: z.string() }),
  handler: ({ auth: identity }) => ({ tenant: identity.tenantId }),
});

function build(rateLimits: RateLimitSettings, trustProxyHops = 0) {
  const logs = createLogCapture();
  const app = createApp(
    { auth, rateLimits, trustProxyHops },
    { logger: createLogger({ level: 'trace', destination: logs.stream }), endpoints: [ping, things] },
  );
  return { app, logs };
}

function bearer(subject: string, tenantId: string): Promise<string> {
  return signToken({ ...auth, subject, tenantId, permissions: ['things:read'] }).then((t) => `Bearer ${t}`);
}

async function statuses(count: number, send: () => Promise<{ status: number }>): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await send()).status);
  return seen;
}

describe('rate limits', () => {
  it('answers anonymous requests past the limit with a 429 problem, Retry-After and the standard headers', async () => {
    const { app, logs } = build({ windowMs: 60_000, anonymous: 3, authenticated: 100 });
    const ok = await request(app).get('/ping');
    expect(ok.status).toBe(200);
    expect(ok.headers['ratelimit']).toMatch(/^"anonymous"; r=2; t=\d+$/);
    expect(ok.headers['ratelimit-policy']).toMatch(/^"anonymous"; q=3; w=60; pk=:[A-Za-z0-9+/=]+:$/);
    expect(await statuses(2, () => request(app).get('/ping'))).toEqual([200, 200]);

    const limited = await request(app).get('/ping');
    expect(limited.status).toBe(429);
    expect(limited.type).toBe('application/problem+json');
    expect(limited.body).toMatchObject({ status: 429, title: 'Too Many Requests', code: 'ERR_TOO_MANY_REQUESTS' });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers['ratelimit']).toMatch(/^"anonymous"; r=0; t=\d+$/);
    // Refused, not failed: logged below error level.
    const rejected = logs.lines().filter((line) => line.code === 'ERR_TOO_MANY_REQUESTS');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((line) => Number(line.level) < 50)).toBe(true);
  });

  it('counts unknown routes and failed authentications against the address, whatever token they carry', async () => {
    const { app } = build({ windowMs: 60_000, anonymous: 4, authenticated: 100 });
    const seen = [
      (await request(app).get('/nope')).status,
      (await request(app).get('/nope').set('Authorization', 'Bearer forged')).status,
      (await request(app).get('/things').set('Authorization', 'Bearer forged')).status,
      (await request(app).post('/ping').set('Authorization', 'Bearer forged')).status,
      (await request(app).get('/things').set('Authorization', 'Bearer forged')).status,
      (await request(app).get('/nope').set('Authorization', 'Bearer forged')).status,
    ];
    expect(seen).toEqual([404, 404, 401, 405, 429, 429]);
  });

  it('does not let a rotating X-Forwarded-For walk past the address limit', async () => {
    const { app } = build({ windowMs: 60_000, anonymous: 2, authenticated: 100 });
    const seen = await statuses(4, () =>
      request(app)
        .get('/ping')
        .set('X-Forwarded-For', `203.0.113.${Math.floor(Math.random() * 250)}`),
    );
    expect(seen).toEqual([200, 200, 429, 429]);
  });

  it('limits authenticated requests per subject and tenant, apart from the anonymous budget', async () => {
    const { app } = build({ windowMs: 60_000, anonymous: 1, authenticated: 2 });
    const aliceAcme = await bearer('alice', 'acme');
    const aliceGlobex = await bearer('alice', 'globex');
    const bobAcme = await bearer('bob', 'acme');
    expect(await statuses(3, () => request(app).get('/things').set('Authorization', aliceAcme))).toEqual([200, 200, 429]);
    const limited = await request(app).get('/things').set('Authorization', aliceAcme);
    expect(limited.headers['ratelimit']).toMatch(/^"authenticated"; r=0; t=\d+$/);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    // The same subject in another tenant, and another subject in the same tenant, have their own counts.
    expect((await request(app).get('/things').set('Authorization', aliceGlobex)).status).toBe(200);
    expect((await request(app).get('/things').set('Authorization', bobAcme)).status).toBe(200);
    // Four authenticated requests from this address left its single anonymous request untouched.
    expect(await statuses(2, () => request(app).get('/ping'))).toEqual([200, 429]);
  });

  it('starts counting again in the next window', async () => {
    const { app } = build({ windowMs: 1_000, anonymous: 1, authenticated: 100 });
    expect(await statuses(2, () => request(app).get('/ping'))).toEqual([200, 429]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await request(app).get('/ping')).status).toBe(200);
  });

  it('checks its options when built', () => {
    const logger = createLogger({ level: 'silent' });
    expect(() => rateLimit({ by: 'address', limit: 0, logger })).toThrow(new TypeError('"limit" must be a positive integer'));
    expect(() => rateLimit({ by: 'ip', limit: 1, logger } as unknown as RateLimitOptions)).toThrow('"by" must be "address" or "identity"');
    expect(() => rateLimit({ by: 'address', limit: 1, windowMs: 10, logger })).toThrow('"windowMs" must be an integer from 1000');
    expect(() => rateLimit({ by: 'address', limit: 1, logger, skip: true } as unknown as RateLimitOptions)).toThrow('"skip" is not a known option');
    expect(() => rateLimit({ by: 'address', limit: 1, logger, store: {} } as unknown as RateLimitOptions)).toThrow(
      '"store" must be an express-rate-limit Store',
    );
  });
});
