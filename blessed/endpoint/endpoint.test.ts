import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../src/app.js';
import { signToken } from '../auth/index.js';
import { NotFoundError } from '../errors/index.js';
import { createLogCapture } from '../testing/index.js';
import { createLogger } from '../logger/index.js';
import { field } from '../validation/index.js';
import { defineEndpoint, type Endpoint } from './index.js';

const secret = randomBytes(32);
const auth = { secret, issuer: 'endpoint-test', audience: 'endpoint-test' };

function token(permissions: string[], tenantId = 'tenant-a'): Promise<string> {
  return signToken({ ...auth, subject: 'user-1', tenantId, permissions });
}

function appWith(endpoints: Endpoint[]) {
  const logs = createLogCapture();
  const app = createApp({ auth }, { logger: createLogger({ level: 'trace', destination: logs.stream }), endpoints });
  return { app, logs };
}

const calls: string[] = [];

const createThing = defineEndpoint({
  method: 'POST',
  path: '/things',
  permission: 'things:write',
  body: z.strictObject({ name: field.string({ max: 20 }) }),
  response: z.object({ id: z.string(), name: z.string() }),
  handler({ body, auth: identity }) {
    calls.push(`create:${identity.tenantId}`);
    // Extra fields returned by a handler must never reach the client.
    return { id: 't1', name: body.name, internalNote: 'do-not-leak', tenantSecret: identity.tenantId };
  },
});

const getThing = defineEndpoint({
  method: 'GET',
  path: '/things/:thingId',
  permission: 'things:read',
  params: z.strictObject({ thingId: field.id() }),
  response: z.strictObject({ id: z.string(), tenant: z.string() }),
  handler({ params, auth: identity }) {
    if (params.thingId === 'missing') throw new NotFoundError();
    return { id: params.thingId, tenant: identity.tenantId };
  },
});

const broken = defineEndpoint({
  method: 'GET',
  path: '/broken',
  public: 'exercises the 500 path in tests',
  response: z.strictObject({ ok: z.boolean() }),
  handler() {
    throw new Error('database password=hunter2 at /srv/app/secret.ts:12');
  },
});

const wrongShape = defineEndpoint({
  method: 'GET',
  path: '/wrong-shape',
  public: 'exercises the response contract in tests',
  response: z.strictObject({ ok: z.boolean() }),
  handler() {
    return { ok: 'yes' } as unknown as { ok: boolean };
  },
});

describe('defineEndpoint', () => {
  const handler = () => ({ ok: true });
  const response = z.strictObject({ ok: z.boolean() });

  it('refuses a route without a permission or a public reason', () => {
    expect(() => defineEndpoint({ method: 'GET', path: '/x', response, handler } as never)).toThrow(/exactly one of "permission" or "public"/);
    expect(() => defineEndpoint({ method: 'GET', path: '/x', response, handler, permission: 'a:b', public: 'both' } as never)).toThrow(TypeError);
    expect(() => defineEndpoint({ method: 'GET', path: '/x', response, handler, public: ' ' })).toThrow(/reason/);
  });

  it('refuses malformed permissions, paths and params', () => {
    expect(() => defineEndpoint({ method: 'GET', path: '/x', response, handler, permission: 'admin' })).toThrow(/resource:action/);
    for (const path of ['/X', '/a/*rest', '/a/{:b}', '/a/../b', '/a//b', '/a/%2f', 'a', '/a/(.*)']) {
      expect(() => defineEndpoint({ method: 'GET', path, response, handler, permission: 'a:b' }), path).toThrow(/"path"/);
    }
    expect(() => defineEndpoint({ method: 'GET', path: '/a/:id', response, handler, permission: 'a:b' })).toThrow(/path parameters \(id\)/);
    expect(() => defineEndpoint({ method: 'TRACE' as 'GET', path: '/a', response, handler, permission: 'a:b' })).toThrow(/"method"/);
  });

  it('refuses a registry entry that was not built with defineEndpoint, and duplicates', () => {
    const fake = { method: 'GET', path: '/sneaky', handler } as unknown as Endpoint;
    expect(() => appWith([fake])).toThrow(/not built with defineEndpoint/);
    const again = defineEndpoint({
      method: 'GET',
      path: '/things/:otherId',
      permission: 'things:read',
      params: z.strictObject({ otherId: field.id() }),
      response,
      handler,
    });
    expect(() => appWith([getThing, again])).toThrow(/duplicates GET \/things\/:thingId/);
  });
});

describe('the composed pipeline', () => {
  it('authenticates before it validates: a bad body without a token is a 401, not a 400', async () => {
    const { app } = appWith([createThing]);
    const res = await request(app).post('/things').send({ nope: 1 });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('authorises before the handler runs', async () => {
    const { app } = appWith([createThing]);
    calls.length = 0;
    const res = await request(app)
      .post('/things')
      .set('Authorization', `Bearer ${await token(['things:read'])}`)
      .send({ name: 'a' });
    expect(res.status).toBe(403);
    expect(res.type).toBe('application/problem+json');
    expect(calls).toEqual([]);
  });

  it('validates before the handler runs', async () => {
    const { app } = appWith([createThing]);
    calls.length = 0;
    const res = await request(app)
      .post('/things')
      .set('Authorization', `Bearer ${await token(['things:write'])}`)
      .send({ name: 'a', extra: true });
    expect(res.status).toBe(400);
    expect(calls).toEqual([]);
  });

  it('returns only what the response schema declares', async () => {
    const { app } = appWith([createThing]);
    const res = await request(app)
      .post('/things')
      .set('Authorization', `Bearer ${await token(['things:write'])}`)
      .send({ name: 'a' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 't1', name: 'a' });
    expect(res.text).not.toContain('do-not-leak');
  });

  it('takes the tenant from the token, whatever the client names', async () => {
    const { app } = appWith([getThing]);
    const res = await request(app)
      .get('/things/abc?tenant_id=tenant-b')
      .set('Authorization', `Bearer ${await token(['things:read'])}`)
      .set('X-Tenant-Id', 'tenant-b');
    // The query key is unknown to the schema, so it is refused rather than silently ignored.
    expect(res.status).toBe(400);
    const clean = await request(app)
      .get('/things/abc')
      .set('Authorization', `Bearer ${await token(['things:read'])}`)
      .set('X-Tenant-Id', 'tenant-b');
    expect(clean.body).toEqual({ id: 'abc', tenant: 'tenant-a' });
  });

  it('a handler that breaks its response contract is a 500 that says nothing', async () => {
    const { app, logs } = appWith([wrongShape]);
    const res = await request(app).get('/wrong-shape');
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('yes');
    expect(logs.text()).toContain('response does not match its schema');
  });

  it('a 500 reveals nothing, and its log is redacted', async () => {
    const { app, logs } = appWith([broken]);
    const res = await request(app).get('/broken');
    expect(res.status).toBe(500);
    expect(res.type).toBe('application/problem+json');
    expect(Object.keys(res.body).sort()).toEqual(['code', 'detail', 'requestId', 'status', 'title', 'type']);
    expect(res.text).not.toMatch(/hunter2|secret\.ts|database|stack/i);
    expect(logs.text()).toContain('request failed');
    expect(logs.text()).not.toContain('hunter2');
  });

  it('answers 405 with Allow for a known path and an unserved method', async () => {
    const { app } = appWith([getThing]);
    const res = await request(app).delete('/things/abc');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.type).toBe('application/problem+json');
  });

  it('maps a thrown NotFoundError to a 404 problem', async () => {
    const { app } = appWith([getThing]);
    const res = await request(app)
      .get('/things/missing')
      .set('Authorization', `Bearer ${await token(['things:read'])}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('ERR_NOT_FOUND');
  });
});
