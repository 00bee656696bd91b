import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemHandler } from '../errors/index.js';
import { createLogger, requestLogging } from '../logger/index.js';
import { createLogCapture } from '../testing/index.js';
import { authenticate, getAuth } from './index.js';

const ISSUER = 'https://issuer.auth.test';
const AUDIENCE = 'orders-api';

type Alg = 'RS256' | 'ES256' | 'EdDSA' | 'PS256';
const keys = new Map<Alg, { privateKey: CryptoKey; publicKey: CryptoKey; jwk: JWK }>();
let attacker: { privateKey: CryptoKey; jwk: JWK };

// Routes of the fake identity provider: good keys, broken answers, and one that never answers.
const routes: Record<string, (res: ServerResponse) => void> = {
  '/jwks': (res) => json(res, 200, JSON.stringify({ keys: [...keys.values()].map((entry) => entry.jwk) })),
  '/html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in</body></html>'),
  '/bad-json': (res) => json(res, 200, '{"keys": [ {"kty": '),
  '/no-keys': (res) => json(res, 200, '{"keys": []}'),
  '/not-a-set': (res) => json(res, 200, '{"hello": "world"}'),
  '/error': (res) => json(res, 500, '{"keys": []}'),
  '/redirect': (res) => res.writeHead(302, { location: '/jwks' }).end(),
  '/slow': () => undefined,
};
let server: Server;
let base: string;
let closedPortUrl: string;

function json(res: ServerResponse, status: number, body: string) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

async function listen(target: Server): Promise<string> {
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA', 'PS256'] as const) {
    const pair = await generateKeyPair(alg, { extractable: true });
    keys.set(alg, { ...pair, jwk: { ...(await exportJWK(pair.publicKey)), kid: `key-${alg}`, use: 'sig' } });
  }
  const evil = await generateKeyPair('RS256', { extractable: true });
  attacker = { privateKey: evil.privateKey, jwk: await exportJWK(evil.publicKey) };
  server = createServer((req, res) => (routes[req.url ?? ''] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res));
  base = await listen(server);
  const closed = createServer();
  closedPortUrl = `${await listen(closed)}/jwks`;
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function buildApp(options: { jwksUrl: string; algorithms?: readonly ('RS256' | 'ES256' | 'EdDSA' | 'PS256')[]; jwksTimeoutMs?: number }) {
  const logs = createLogCapture();
  const logger = createLogger({ level: 'trace', destination: logs.stream });
  const app = express();
  app.use(requestLogging({ logger }));
  app.get('/whoami', authenticate({ issuer: ISSUER, audience: AUDIENCE, ...options }), function whoami(req, res) {
    res.json(getAuth(req));
  });
  app.use(problemHandler({ logger }));
  return { app, logs };
}

const claims = { tenant_id: 'tenant-a', permissions: ['orders:read'] };

async function sign(alg: Alg, header: Record<string, unknown> = {}) {
  const entry = keys.get(alg);
  if (entry === undefined) throw new Error(`no ${alg} key`);
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid: `key-${alg}`, ...header })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(entry.privateKey);
}

async function expect401(path: string, token: string, code: string, reasonPart: string, extra: Omit<Parameters<typeof buildApp>[0], 'jwksUrl'> = {}) {
  const { app, logs } = buildApp({ jwksUrl: path.startsWith('http') ? path : `${base}${path}`, ...extra });
  const res = await request(app).get('/whoami').set('Authorization', `Bearer ${token}`);
  expect(res.status).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['www-authenticate']).toBe('Bearer');
  expect(res.body).toMatchObject({ status: 401, code: 'ERR_AUTH_UNAUTHENTICATED', title: 'Unauthorized' });
  const line = logs.lines().find((entry) => entry['msg'] === 'request rejected');
  expect(line?.['code']).toBe(code);
  expect(String(line?.['reason'])).toContain(reasonPart);
  expect(logs.text()).not.toContain(token.split('.')[2]);
  return res;
}

describe('authenticate with a JWKS URL', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)('accepts a %s token from the key set', async (alg) => {
    const { app } = buildApp({ jwksUrl: `${base}/jwks` });
    const res = await request(app)
      .get('/whoami')
      .set('Authorization', `Bearer ${await sign(alg)}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ subject: 'user-1', tenantId: 'tenant-a', permissions: ['orders:read'] });
  });

  it('refuses an algorithm outside the pinned list, and accepts it once listed', async () => {
    const token = await sign('PS256');
    await expect401('/jwks', token, 'ERR_AUTH_TOKEN_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED');
    const { app } = buildApp({ jwksUrl: `${base}/jwks`, algorithms: ['PS256'] });
    await request(app).get('/whoami').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('refuses HS256 signed with the public RSA key (algorithm confusion)', async () => {
    const rsa = keys.get('RS256');
    if (rsa === undefined) throw new Error('no RSA key');
    const publicPem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: 'key-RS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(publicPem);
    await expect401('/jwks', token, 'ERR_AUTH_TOKEN_INVALID', 'ERR_JOSE_ALG_NOT_ALLOWED', { algorithms: ['RS256', 'ES256', 'EdDSA'] });
  });

  it('refuses a token that embeds its own key (jwk header)', async () => {
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', jwk: attacker.jwk })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(attacker.privateKey);
    await expect401('/jwks', token, 'ERR_AUTH_TOKEN_INVALID', 'key material (jwk)');
  });

  it.each(['jku', 'x5u', 'x5c'])('refuses a token that points at keys with a %s header', async (name) => {
    const value = name === 'x5c' ? ['MIIB'] : `${base}/jwks`;
    await expect401('/jwks', await sign('RS256', { [name]: value }), 'ERR_AUTH_TOKEN_INVALID', `key material (${name})`);
  });

  it('refuses a token whose kid is not in the key set', async () => {
    await expect401('/jwks', await sign('ES256', { kid: 'unknown' }), 'ERR_AUTH_TOKEN_INVALID', 'ERR_JWKS_NO_MATCHING_KEY');
  });
});

describe('authenticate when the key server fails: still a 401, never a 500', () => {
  it('answers 401 when nothing listens on the JWKS port', async () => {
    await expect401(closedPortUrl, await sign('RS256'), 'ERR_AUTH_KEYS_UNAVAILABLE', 'ECONNREFUSED');
  });

  it('answers 401 within the deadline when the JWKS server never answers', async () => {
    const started = Date.now();
    await expect401('/slow', await sign('RS256'), 'ERR_AUTH_KEYS_UNAVAILABLE', 'ERR_JWKS_TIMEOUT', { jwksTimeoutMs: 200 });
    // Generous bound, but well below jose's own 5 s default: proves our deadline is the one that fired.
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it.each([
    ['an HTML page', '/html', 'ERR_JOSE_GENERIC'],
    ['invalid JSON', '/bad-json', 'ERR_JOSE_GENERIC'],
    ['an empty key set', '/no-keys', 'no keys'],
    ['JSON that is not a key set', '/not-a-set', 'ERR_JWKS_INVALID'],
    ['a 500', '/error', 'Expected 200 OK'],
    ['a redirect', '/redirect', 'Expected 200 OK'],
  ])('answers 401 when the JWKS endpoint returns %s', async (_name, path, reasonPart) => {
    await expect401(path, await sign('RS256'), 'ERR_AUTH_KEYS_UNAVAILABLE', reasonPart);
  });
});
