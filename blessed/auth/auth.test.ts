import { randomBytes } from 'node:crypto';
import express from 'express';
import { CompactSign, SignJWT, base64url } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { problemHandler } from '../errors/index.js';
import { createLogger, requestLogging } from '../logger/index.js';
import { createLogCapture, type LogCapture } from '../testing/index.js';
import { authenticate, getAuth, hasPermission, requirePermission, signToken, type AuthContext, type AuthOptions } from './index.js';

const ISSUER = 'https://issuer.auth.test';
const AUDIENCE = 'orders-api';
const SECRET = new Uint8Array(randomBytes(32));
const OPTIONS: AuthOptions = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE };
const now = () => Math.floor(Date.now() / 1000);

function buildApp(options: AuthOptions = OPTIONS) {
  const logs = createLogCapture();
  const logger = createLogger({ level: 'trace', destination: logs.stream });
  const effects: string[] = [];
  const app = express();
  app.use(requestLogging({ logger }));
  app.use(express.json());
  const auth = authenticate(options);
  app.get('/whoami', auth, function whoami(req, res) {
    res.json(getAuth(req));
  });
  app.post('/tenants/:tenantId/echo', auth, function echo(req, res) {
    res.json(getAuth(req));
  });
  app.post('/orders', auth, requirePermission('orders:write'), function createOrder(_req, res) {
    effects.push('order created');
    res.status(201).json({ created: true });
  });
  app.post('/unauthenticated', requirePermission('orders:write'), function unguarded(_req, res) {
    effects.push('unguarded ran');
    res.json({});
  });
  app.use(problemHandler({ logger }));
  return { app, logs, effects };
}

interface Claims {
  [claim: string]: unknown;
}

function validClaims(overrides: Claims = {}): Claims {
  return { iss: ISSUER, aud: AUDIENCE, sub: 'user-1', tenant_id: 'tenant-a', permissions: ['orders:read'], iat: now(), exp: now() + 600, ...overrides };
}

/** Signs any payload, valid or not, with any header and key. */
async function craft(payload: Claims, key: Uint8Array = SECRET, header: Record<string, unknown> = {}): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header }).sign(key);
}

function without(claim: string): Claims {
  const claims = validClaims();
  delete claims[claim];
  return claims;
}

let referenceBody: Record<string, unknown> | undefined;

async function expectRejected(authorization: string | undefined, code: string, reasonPart: string, token = authorization) {
  const { app, logs, effects } = buildApp();
  let pending = request(app).post('/orders').set('X-Tenant-Id', 'tenant-b');
  if (authorization !== undefined) pending = pending.set('Authorization', authorization);
  const res = await pending;
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['www-authenticate']).toBe('Bearer');
  const { requestId, ...body } = res.body as Record<string, unknown>;
  expect(typeof requestId).toBe('string');
  referenceBody ??= body;
  expect(body).toEqual(referenceBody);
  expect(effects).toEqual([]);
  expectLogged(logs, code, reasonPart, token);
}

function expectLogged(logs: LogCapture, code: string, reasonPart: string, token: string | undefined) {
  const line = logs.lines().find((entry) => entry['msg'] === 'request rejected');
  expect(line?.['code']).toBe(code);
  expect(String(line?.['reason'])).toContain(reasonPart);
  if (token !== undefined && token.length > 10) {
    expect(logs.text()).not.toContain(token);
    const signature = token.split('.')[2];
    if (signature !== undefined && signature.length > 10) expect(logs.text()).not.toContain(signature);
  }
}

describe('authenticate (HS256): every hostile request is the same 401', () => {
  it('refuses a request without an Authorization header', () => expectRejected(undefined, 'ERR_AUTH_TOKEN_MISSING', 'no Authorization header'));
  it('refuses the Basic scheme', () => expectRejected('Basic dXNlcjpwYXNzd29yZA==', 'ERR_AUTH_TOKEN_MISSING', 'not Bearer'));
  it('refuses an empty bearer token', () => expectRejected('Bearer ', 'ERR_AUTH_TOKEN_MALFORMED', 'no token'));
  it('refuses two tokens', async () => {
    const token = await craft(validClaims());
    await expectRejected(`Bearer ${token} ${token}`, 'ERR_AUTH_TOKEN_MALFORMED', 'more than one token', token);
  });
  it('refuses a token that is not a compact JWS', () => expectRejected('Bearer not-a-jwt', 'ERR_AUTH_TOKEN_MALFORMED', 'compact JWS'));
  it('refuses alg none', async () => {
    const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode(validClaims())}.`;
    await expectRejected(`Bearer ${token}`, 'ERR_AUTH_TOKEN_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED', token);
  });
  it('refuses a payload changed after signing', async () => {
    const [header, , signature] = (await craft(validClaims())).split('.');
    const forged = `${header}.${base64url.encode(JSON.stringify(validClaims({ tenant_id: 'tenant-b' })))}.${signature}`;
    await expectRejected(`Bearer ${forged}`, 'ERR_AUTH_TOKEN_INVALID', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', forged);
  });
  it('refuses a token signed with another key', async () => {
    const token = await craft(validClaims(), new Uint8Array(randomBytes(32)));
    await expectRejected(`Bearer ${token}`, 'ERR_AUTH_TOKEN_INVALID', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', token);
  });
  it('refuses a token carrying its own key in a jwk header', async () => {
    const attackerKey = new Uint8Array(randomBytes(32));
    const jwk = { kty: 'oct', k: base64url.encode(attackerKey) };
    const token = await craft(validClaims(), attackerKey, { jwk });
    await expectRejected(`Bearer ${token}`, 'ERR_AUTH_TOKEN_INVALID', 'key material (jwk)', token);
  });
  it.each([
    ['wrong issuer', validClaims({ iss: 'https://evil.test' }), 'ERR_AUTH_CLAIMS_INVALID', '"iss" check_failed'],
    ['wrong audience', validClaims({ aud: 'another-api' }), 'ERR_AUTH_CLAIMS_INVALID', '"aud" check_failed'],
    ['missing exp', without('exp'), 'ERR_AUTH_CLAIMS_INVALID', '"exp" missing'],
    ['missing sub', without('sub'), 'ERR_AUTH_CLAIMS_INVALID', '"sub" missing'],
    ['missing iss', without('iss'), 'ERR_AUTH_CLAIMS_INVALID', '"iss" missing'],
    ['missing aud', without('aud'), 'ERR_AUTH_CLAIMS_INVALID', '"aud" missing'],
    ['missing tenant_id', without('tenant_id'), 'ERR_AUTH_CLAIMS_INVALID', 'missing "tenant_id"'],
    ['expired beyond tolerance', validClaims({ exp: now() - 30 }), 'ERR_AUTH_TOKEN_EXPIRED', '"exp" check_failed'],
    ['nbf in the future', validClaims({ nbf: now() + 120 }), 'ERR_AUTH_CLAIMS_INVALID', '"nbf" check_failed'],
    ['numeric sub', validClaims({ sub: 42 }), 'ERR_AUTH_CLAIMS_INVALID', '"sub" claim must be'],
    ['empty sub', validClaims({ sub: '' }), 'ERR_AUTH_CLAIMS_INVALID', '"sub" claim must be'],
    ['numeric tenant_id', validClaims({ tenant_id: 7 }), 'ERR_AUTH_CLAIMS_INVALID', '"tenant_id" claim must be'],
    ['empty tenant_id', validClaims({ tenant_id: '' }), 'ERR_AUTH_CLAIMS_INVALID', '"tenant_id" claim must be'],
    ['permissions as a string', validClaims({ permissions: 'orders:write' }), 'ERR_AUTH_CLAIMS_INVALID', '"permissions" claim'],
    ['permissions with a number', validClaims({ permissions: ['orders:write', 1] }), 'ERR_AUTH_CLAIMS_INVALID', '"permissions" claim'],
    ['scope as an array', validClaims({ scope: ['orders:write'] }), 'ERR_AUTH_CLAIMS_INVALID', '"scope" claim'],
    ['exp as a string', validClaims({ exp: String(now() + 600) }), 'ERR_AUTH_CLAIMS_INVALID', '"exp" invalid'],
    ['missing iat', without('iat'), 'ERR_AUTH_CLAIMS_INVALID', '"iat" missing'],
    ['iat more than 24 h ago', validClaims({ iat: now() - 86_400 - 30 }), 'ERR_AUTH_TOKEN_EXPIRED', '"iat" check_failed'],
    ['iat in the future', validClaims({ iat: now() + 60 }), 'ERR_AUTH_CLAIMS_INVALID', '"iat" check_failed'],
    ['a blank tenant_id', validClaims({ tenant_id: '  ' }), 'ERR_AUTH_CLAIMS_INVALID', '"tenant_id" claim must be 1 to 200'],
    ['a tenant_id of 201 characters', validClaims({ tenant_id: 't'.repeat(201) }), 'ERR_AUTH_CLAIMS_INVALID', '"tenant_id" claim must be 1 to 200'],
    ['a tenant_id with a control character', validClaims({ tenant_id: 'a\u001fb' }), 'ERR_AUTH_CLAIMS_INVALID', '"tenant_id" claim must be 1 to 200'],
  ])('refuses %s', async (_name, claims, code, reason) => {
    const token = await craft(claims);
    await expectRejected(`Bearer ${token}`, code, reason, token);
  });

  it.each(['secevent+jwt', 'logout+jwt', 'application/secevent+jwt', 'id_token+jwt', 'at+jwt+x', 'JWS', ''])('refuses typ %j', async (typ) => {
    const token = await craft(validClaims(), SECRET, { typ });
    await expectRejected(`Bearer ${token}`, 'ERR_AUTH_TOKEN_INVALID', '"typ" header is not JWT or at+jwt', token);
  });

  it.each(['JWT', 'at+jwt', 'AT+JWT', 'Application/At+Jwt', 'application/jwt'])('accepts typ %j, and no typ at all', async (typ) => {
    const { app } = buildApp();
    await request(app)
      .get('/whoami')
      .set('Authorization', `Bearer ${await craft(validClaims(), SECRET, { typ })}`)
      .expect(200);
    const untyped = await new CompactSign(new TextEncoder().encode(JSON.stringify(validClaims()))).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
    await request(app).get('/whoami').set('Authorization', `Bearer ${untyped}`).expect(200);
  });

  it('takes the maximum token age from its option', async () => {
    const { app } = buildApp({ ...OPTIONS, maxTokenAgeSeconds: 60 });
    await request(app)
      .get('/whoami')
      .set('Authorization', `Bearer ${await craft(validClaims({ iat: now() - 50 }))}`)
      .expect(200);
    await request(app)
      .get('/whoami')
      .set('Authorization', `Bearer ${await craft(validClaims({ iat: now() - 120 }))}`)
      .expect(401);
  });
  it('refuses an oversized token before verifying it, even when its signature is valid', async () => {
    const token = await craft(validClaims({ permissions: ['orders:write'], padding: 'x'.repeat(9000) }));
    await expectRejected(`Bearer ${token}`, 'ERR_AUTH_TOKEN_TOO_LARGE', 'larger than 8192 bytes', token);
    const roomy = buildApp({ ...OPTIONS, maxTokenBytes: 16_000 });
    const accepted = await request(roomy.app).post('/orders').set('Authorization', `Bearer ${token}`);
    expect(accepted.status).toBe(201);
  });
  it('refuses a token just over the limit, and a header padded past it', async () => {
    const justOver = `${'a'.repeat(4096)}.${'b'.repeat(4096)}.c`;
    await expectRejected(`Bearer ${justOver}`, 'ERR_AUTH_TOKEN_TOO_LARGE', 'token is larger than 8192 bytes', justOver);
    await expectRejected(`Bearer${' '.repeat(9000)}a.b.c`, 'ERR_AUTH_TOKEN_TOO_LARGE', 'Authorization header is larger');
  });
  it('accepts a token that expired within the clock tolerance', async () => {
    const { app } = buildApp();
    const token = await craft(validClaims({ exp: now() - 2 }));
    const res = await request(app).get('/whoami').set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
  });
});

describe('authenticate: identity comes only from the verified token', () => {
  it('accepts the scheme in any case and exposes a frozen AuthContext', async () => {
    const { app } = buildApp();
    const token = await signToken({
      secret: SECRET,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: 'user-1',
      tenantId: 'tenant-a',
      permissions: ['orders:read'],
    });
    const res = await request(app).get('/whoami').set('Authorization', `bEaReR ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ subject: 'user-1', tenantId: 'tenant-a', permissions: ['orders:read'] });
  });

  it('ignores a tenant named in a header, the query, the body or the path', async () => {
    const { app } = buildApp();
    const token = await craft(validClaims({ tenant_id: 'tenant-a' }));
    const res = await request(app)
      .post('/tenants/tenant-b/echo?tenant_id=tenant-b&tenantId=tenant-b')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Tenant-Id', 'tenant-b')
      .send({ tenantId: 'tenant-b', tenant_id: 'tenant-b' });
    expect(res.status).toBe(200);
    expect(res.body.tenantId).toBe('tenant-a');
  });

  it('reads permissions from scope and merges them with the permissions claim', async () => {
    const { app } = buildApp();
    const token = await craft(validClaims({ permissions: ['a'], scope: 'orders:write  b a' }));
    const res = await request(app).get('/whoami').set('Authorization', `Bearer ${token}`);
    expect(res.body.permissions).toEqual(['a', 'orders:write', 'b']);
  });

  it('keeps the context out of reach of later middleware', async () => {
    const app = express();
    let seen: AuthContext | undefined;
    const token = await craft(validClaims());
    app.get(
      '/',
      authenticate(OPTIONS),
      function tamper(req, _res, next) {
        const auth = getAuth(req);
        Object.assign(req, { auth: { tenantId: 'tenant-b' }, user: { tenantId: 'tenant-b' } });
        expect(() => (auth?.permissions as string[]).push('admin')).toThrow(TypeError);
        expect(() => Object.assign(auth ?? {}, { tenantId: 'tenant-b' })).toThrow(TypeError);
        next();
      },
      function read(req, res) {
        seen = getAuth(req);
        res.end();
      },
    );
    await request(app).get('/').set('Authorization', `Bearer ${token}`).expect(200);
    expect(seen).toEqual({ subject: 'user-1', tenantId: 'tenant-a', permissions: ['orders:read'] });
  });
});

describe('requirePermission', () => {
  async function post(permissions: unknown, scope?: string) {
    const { app, effects, logs } = buildApp();
    const token = await craft(validClaims({ permissions, ...(scope === undefined ? {} : { scope }) }));
    const res = await request(app).post('/orders').set('Authorization', `Bearer ${token}`);
    return { res, effects, logs };
  }

  it('runs the handler when the exact permission is held', async () => {
    const { res, effects } = await post(['orders:write']);
    expect(res.status).toBe(201);
    expect(effects).toEqual(['order created']);
  });

  it('answers 403 and never runs the handler without the permission', async () => {
    const { res, effects, logs } = await post(['orders:read', '*', 'orders:*', 'ORDERS:WRITE', 'orders:write:all', 'orders']);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toBe('The "orders:write" permission is required.');
    expect(effects).toEqual([]);
    expect(logs.lines().some((line) => line['code'] === 'ERR_AUTH_FORBIDDEN')).toBe(true);
  });

  it('accepts the permission from scope', async () => {
    const { res, effects } = await post([], 'orders:read orders:write');
    expect(res.status).toBe(201);
    expect(effects).toEqual(['order created']);
  });

  it('answers 401 when no authenticated caller reached it', async () => {
    const { app, effects } = buildApp();
    const res = await request(app).post('/unauthenticated');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(effects).toEqual([]);
  });

  it('matches exactly', () => {
    const auth: AuthContext = { subject: 's', tenantId: 't', permissions: ['orders:write'] };
    expect(hasPermission(auth, 'orders:write')).toBe(true);
    expect(hasPermission(auth, 'orders:writ')).toBe(false);
    expect(hasPermission(auth, 'orders:*')).toBe(false);
    expect(() => requirePermission('')).toThrow('"permission" must be a non-empty string');
  });
});

describe('signToken', () => {
  it('signs tokens authenticate() accepts, with the requested lifetime', async () => {
    const token = await signToken({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, subject: 'u', tenantId: 't', permissions: ['p'], ttl: 120 });
    const [, payload = ''] = token.split('.');
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Claims;
    expect(claims['exp']).toBe((claims['iat'] as number) + 120);
    expect(claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: 'u', tenant_id: 't', permissions: ['p'] });
    const { app } = buildApp();
    await request(app).get('/whoami').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('checks its options', async () => {
    const base = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE, subject: 'u', tenantId: 't', permissions: [] };
    await expect(signToken({ ...base, secret: 'short' })).rejects.toThrow('"secret" must be at least 32 bytes');
    await expect(signToken({ ...base, ttl: 'forever' })).rejects.toThrow(TypeError);
    await expect(signToken({ ...base, ttl: -5 })).rejects.toThrow('"ttl" must be');
    await expect(signToken({ ...base, tenantId: '' })).rejects.toThrow('"tenantId" must be 1 to 200 printable characters, not blank');
    await expect(signToken({ ...base, tenantId: 'a\u0000' })).rejects.toThrow('"tenantId" must be 1 to 200 printable characters');
    const fifteenMinutes = await signToken(base);
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(fifteenMinutes.split('.')[1] ?? ''))) as Claims;
    expect((claims['exp'] as number) - (claims['iat'] as number)).toBe(900);
  });

  it('is refused by an app with a different secret', async () => {
    const { app } = buildApp({ ...OPTIONS, secret: new Uint8Array(randomBytes(32)) });
    const token = await new SignJWT(validClaims()).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
    await request(app).get('/whoami').set('Authorization', `Bearer ${token}`).expect(401);
  });
});
