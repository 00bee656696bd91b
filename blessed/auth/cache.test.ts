import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { CompactSign, errors, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError } from '../errors/index.js';
import { JWKS_ENTRY_LIFETIME_MS } from './_cache.js';
import { createIdentifier, type Identifier } from './_identify.js';
import { parseAuthOptions } from './_options.js';
import { createVerifier, toAuthenticationError, type TokenVerifier } from './_verify.js';
import { authenticate, getAuth, type AuthOptions } from './index.js';

const ISSUER = 'https://issuer.auth.test';
const AUDIENCE = 'orders-api';
const SECRET = new Uint8Array(randomBytes(32));
const OPTIONS: AuthOptions = { secret: SECRET, issuer: ISSUER, audience: AUDIENCE };
// A fixed instant well away from zero (the cache treats a start time of 0 as "no expiry").
const T0 = Date.UTC(2030, 0, 1);
const T0_SECONDS = T0 / 1000;

interface Claims {
  [claim: string]: unknown;
}

function claims(overrides: Claims = {}): Claims {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    tenant_id: 'tenant-a',
    permissions: ['orders:read'],
    iat: T0_SECONDS,
    exp: T0_SECONDS + 60,
    ...overrides,
  };
}

function sign(payload: Claims): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(SECRET);
}

/** A clock the test moves by hand, read by both the verification and the cache. */
function manualClock(start = T0) {
  let now = start;
  return {
    now: () => now,
    set(ms: number) {
      now = ms;
    },
  };
}

/** The real verifier, counted: a cache hit is a request that did not reach it. */
function counted(verify: TokenVerifier): { verify: TokenVerifier; calls: () => number } {
  let calls = 0;
  return {
    verify(token) {
      calls += 1;
      return verify(token);
    },
    calls: () => calls,
  };
}

function setup(options: AuthOptions = OPTIONS, start = T0) {
  const parsed = parseAuthOptions(options);
  const clock = manualClock(start);
  const verifier = counted(createVerifier(parsed, clock.now));
  const identifier = createIdentifier(parsed, { clock: clock.now, verify: verifier.verify });
  return { clock, identifier, calls: verifier.calls };
}

/** The outcome as the client's log would see it: the identity's subject or the failure code. */
async function outcome(identifier: Identifier, token: string): Promise<string> {
  try {
    return `ok ${(await identifier.identify(token)).subject}`;
  } catch (err) {
    return toAuthenticationError(err).code;
  }
}

/** Changes one character in the middle of the signature (the last one may carry padding bits only). */
function tamper(token: string): string {
  const at = token.lastIndexOf('.') + 10;
  const swapped = token[at] === 'A' ? 'B' : 'A';
  return token.slice(0, at) + swapped + token.slice(at + 1);
}

describe('the verified-token cache', () => {
  it('answers a repeated token without verifying it again', async () => {
    const { identifier, calls } = setup();
    const token = await sign(claims());
    expect(await outcome(identifier, token)).toBe('ok user-1');
    expect(await outcome(identifier, token)).toBe('ok user-1');
    expect(await outcome(identifier, token)).toBe('ok user-1');
    expect(calls()).toBe(1);
    expect(identifier.cachedTokens).toBe(1);
  });

  it('refuses a cached token once it expires, at the same instant an uncached verification does', async () => {
    const tolerance = 5;
    const token = await sign(claims({ exp: T0_SECONDS + 60, nbf: T0_SECONDS - 10 }));
    const cached = setup();
    const uncached = setup({ ...OPTIONS, tokenCacheSize: 0 });
    expect(await outcome(cached.identifier, token)).toBe('ok user-1');
    // Last millisecond still accepted, first one refused: exp plus the tolerance, in whole seconds.
    const boundary = (T0_SECONDS + 60 + tolerance) * 1000;
    for (const at of [boundary - 1000, boundary - 1, boundary, boundary + 1, boundary + 3_600_000]) {
      cached.clock.set(at);
      uncached.clock.set(at);
      const expected = await outcome(uncached.identifier, token);
      expect({ at, result: await outcome(cached.identifier, token) }).toEqual({ at, result: expected });
    }
    expect(await outcome(uncached.identifier, token)).toBe('ERR_AUTH_TOKEN_EXPIRED');
    // The synchronous path authenticate takes for a token seen before refuses it at the same instant.
    const again = setup();
    expect(await outcome(again.identifier, token)).toBe('ok user-1');
    again.clock.set(boundary - 1);
    expect(again.identifier.remembered(token)?.subject).toBe('user-1');
    again.clock.set(boundary);
    expect(() => again.identifier.remembered(token)).toThrow(errors.JWTExpired);
    // The refusals above came from the cache's own check (one full verification, at T0) or a re-verification; never an acceptance.
    expect(cached.identifier.cachedTokens).toBe(0);
  });

  it('re-runs every time-based check on a hit: nbf, exp, maximum age and a future iat, against the clock', async () => {
    const maxAge = 120;
    const options: AuthOptions = { ...OPTIONS, maxTokenAgeSeconds: maxAge, clockToleranceSeconds: 3 };
    // With nbf (checked first, so it speaks for a clock gone back) and without (then a future iat does).
    const tokens = [
      await sign(claims({ iat: T0_SECONDS - 2, nbf: T0_SECONDS - 1, exp: T0_SECONDS + 3600 })),
      await sign(claims({ iat: T0_SECONDS - 2, exp: T0_SECONDS + 3600 })),
    ];
    // The entry itself is dropped at T0 + 122 s (iat + maxAge + tolerance + 1 s, the first refused second).
    const entryEnd = 122_000;
    // Offsets in ms from T0 around each boundary, including the clock going backwards.
    const offsets = [-6001, -5001, -5000, -4001, -4000, -3999, -1, 0, 1, 60_000, 121_999, 122_000, 122_001, 3_600_000];
    const uncached = setup({ ...options, tokenCacheSize: 0 });
    const seen = new Set<string>();
    for (const [which, token] of tokens.entries()) {
      for (const offset of offsets) {
        const cached = setup(options);
        expect(await outcome(cached.identifier, token)).toBe('ok user-1');
        cached.clock.set(T0 + offset);
        uncached.clock.set(T0 + offset);
        const expected = await outcome(uncached.identifier, token);
        seen.add(`${which} ${expected}`);
        expect({ which, offset, result: await outcome(cached.identifier, token) }).toEqual({ which, offset, result: expected });
        // Up to the entry's end, a hit or a refusal by the cache's own check: verified in full only at T0.
        if (offset <= entryEnd) expect(cached.calls()).toBe(1);
      }
    }
    // The offsets reach every outcome: accepted, nbf/iat in the future, too old.
    expect([...seen].sort()).toEqual([0, 1].flatMap((which) => [`${which} ERR_AUTH_CLAIMS_INVALID`, `${which} ERR_AUTH_TOKEN_EXPIRED`, `${which} ok user-1`]));
  });

  it('refuses a token with one signature byte changed, right after the genuine one was cached', async () => {
    const { identifier, calls } = setup();
    const token = await sign(claims());
    expect(await outcome(identifier, token)).toBe('ok user-1');
    const forged = tamper(token);
    expect(forged).not.toBe(token);
    expect(await outcome(identifier, forged)).toBe('ERR_AUTH_TOKEN_INVALID');
    expect(calls()).toBe(2);
    expect(await outcome(identifier, token)).toBe('ok user-1');
  });

  it('never caches a failure: each attempt is verified again', async () => {
    const { identifier, calls } = setup();
    const badSignature = tamper(await sign(claims()));
    // Signature and claims verify; the identity does not (tenant_id breaks the tenant rule).
    const badIdentity = await sign(claims({ tenant_id: ' ' }));
    const expired = await sign(claims({ exp: T0_SECONDS - 60 }));
    for (let round = 1; round <= 3; round += 1) {
      expect(await outcome(identifier, badSignature)).toBe('ERR_AUTH_TOKEN_INVALID');
      expect(await outcome(identifier, badIdentity)).toBe('ERR_AUTH_CLAIMS_INVALID');
      expect(await outcome(identifier, expired)).toBe('ERR_AUTH_TOKEN_EXPIRED');
      expect(calls()).toBe(3 * round);
    }
    expect(identifier.cachedTokens).toBe(0);
  });

  it('never grows past its bound; the least recently used token goes first', async () => {
    const { identifier, calls } = setup({ ...OPTIONS, tokenCacheSize: 3 });
    const tokens = await Promise.all(Array.from({ length: 10 }, (_, i) => sign(claims({ sub: `user-${i}` }))));
    for (const [i, token] of tokens.entries()) {
      expect(await outcome(identifier, token)).toBe(`ok user-${i}`);
      expect(identifier.cachedTokens).toBeLessThanOrEqual(3);
    }
    expect(identifier.cachedTokens).toBe(3);
    expect(calls()).toBe(10);
    await outcome(identifier, tokens[9] ?? '');
    expect(calls()).toBe(10);
    await outcome(identifier, tokens[0] ?? '');
    expect(calls()).toBe(11);
  });

  it('is off with tokenCacheSize 0', async () => {
    const { identifier, calls } = setup({ ...OPTIONS, tokenCacheSize: 0 });
    const token = await sign(claims());
    await outcome(identifier, token);
    await outcome(identifier, token);
    expect(calls()).toBe(2);
    expect(identifier.cachedTokens).toBe(0);
  });

  it('refuses a bad tokenCacheSize when the factory runs', () => {
    for (const size of [-1, 1.5, 100_001, Number.NaN]) {
      expect(() => authenticate({ ...OPTIONS, tokenCacheSize: size })).toThrow(new TypeError('"tokenCacheSize" must be an integer from 0 to 100000'));
    }
  });

  it('keeps the cached identity per request behind authenticate, and a tampered token is a 401', async () => {
    const app = express();
    app.get('/whoami', authenticate(OPTIONS), (req, res) => void res.json(getAuth(req)));
    app.use(
      ((err, _req, res, _next) =>
        void res.status(err instanceof AuthenticationError ? 401 : 500).json({ code: (err as AuthenticationError).code })) as express.ErrorRequestHandler,
    );
    const now = Math.floor(Date.now() / 1000);
    const token = await sign(claims({ iat: now, exp: now + 600 }));
    for (let i = 0; i < 3; i += 1) {
      const res = await request(app).get('/whoami').set('authorization', `Bearer ${token}`).expect(200);
      expect(res.body).toEqual({ subject: 'user-1', tenantId: 'tenant-a', permissions: ['orders:read'] });
    }
    await request(app)
      .get('/whoami')
      .set('authorization', `Bearer ${tamper(token)}`)
      .expect(401, { code: 'ERR_AUTH_TOKEN_INVALID' });
  });

  it('hands every request the same identity read-only: a handler cannot grant the next request a permission', async () => {
    const app = express();
    app.get('/escalate', authenticate(OPTIONS), (req, res) => {
      const auth = getAuth(req) as unknown as { permissions: string[]; tenantId: string };
      const attempts = [() => auth.permissions.push('orders:delete'), () => (auth.tenantId = 'tenant-b')];
      res.json(
        attempts.map((attempt) => {
          try {
            attempt();
            return 'changed';
          } catch {
            return 'refused';
          }
        }),
      );
    });
    app.get('/whoami', authenticate(OPTIONS), (req, res) => void res.json(getAuth(req)));
    const now = Math.floor(Date.now() / 1000);
    const token = await sign(claims({ iat: now, exp: now + 600 }));
    await request(app).get('/escalate').set('authorization', `Bearer ${token}`).expect(200, ['refused', 'refused']);
    const res = await request(app).get('/whoami').set('authorization', `Bearer ${token}`).expect(200);
    expect(res.body).toEqual({ subject: 'user-1', tenantId: 'tenant-a', permissions: ['orders:read'] });
  });
});

describe('the verified-token cache with a JWKS', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let jwk: JWK;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', use: 'sig' };
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it(`verifies a key-set token again after ${JWKS_ENTRY_LIFETIME_MS} ms, however long the token lives`, async () => {
    const { clock, identifier, calls } = setup({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    const token = await new SignJWT(claims({ exp: T0_SECONDS + 3600 })).setProtectedHeader({ alg: 'ES256', kid: 'key-1', typ: 'JWT' }).sign(privateKey);
    expect(await outcome(identifier, token)).toBe('ok user-1');
    clock.set(T0 + JWKS_ENTRY_LIFETIME_MS);
    expect(await outcome(identifier, token)).toBe('ok user-1');
    expect(calls()).toBe(1);
    clock.set(T0 + JWKS_ENTRY_LIFETIME_MS + 1);
    expect(await outcome(identifier, token)).toBe('ok user-1');
    expect(calls()).toBe(2);
  });
});
