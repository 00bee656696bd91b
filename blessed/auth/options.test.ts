import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { CompactSign, errors } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../errors/index.js';
import { extractBearerToken } from './_bearer.js';
import { parseAuthOptions } from './_options.js';
import { createVerifier, toAuthenticationError } from './_verify.js';
import { authenticate, type AuthOptions } from './index.js';

const SECRET = new Uint8Array(randomBytes(32));
const BASE = { secret: SECRET, issuer: 'https://issuer.auth.test', audience: 'orders-api' };

describe('authenticate options are checked when the factory runs', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a 31-byte secret', { ...BASE, secret: new Uint8Array(31) }, '"secret" must be at least 32 bytes'],
    ['a short string secret', { ...BASE, secret: 'x'.repeat(31) }, '"secret" must be at least 32 bytes'],
    ['a numeric secret', { ...BASE, secret: 12 }, '"secret" must be a string or a Uint8Array'],
    ['no key source', { issuer: BASE.issuer, audience: BASE.audience }, 'one of "secret" or "jwksUrl" is required'],
    ['two key sources', { ...BASE, jwksUrl: 'https://id.test/jwks' }, '"secret" and "jwksUrl" must not both be set'],
    ['no issuer', { ...BASE, issuer: undefined }, '"issuer" must be a non-empty string'],
    ['an empty audience', { ...BASE, audience: '' }, '"audience" must be a non-empty string'],
    ['a tolerance of 61 s', { ...BASE, clockToleranceSeconds: 61 }, '"clockToleranceSeconds" must be an integer from 0 to 60'],
    ['a negative tolerance', { ...BASE, clockToleranceSeconds: -1 }, '"clockToleranceSeconds" must be an integer from 0 to 60'],
    ['a fractional tolerance', { ...BASE, clockToleranceSeconds: 1.5 }, '"clockToleranceSeconds" must be an integer from 0 to 60'],
    ['a zero token limit', { ...BASE, maxTokenBytes: 0 }, '"maxTokenBytes" must be an integer'],
    ['a zero token age', { ...BASE, maxTokenAgeSeconds: 0 }, '"maxTokenAgeSeconds" must be an integer from 1 to 2592000'],
    ['a token age over 30 days', { ...BASE, maxTokenAgeSeconds: 2_592_001 }, '"maxTokenAgeSeconds" must be an integer from 1 to 2592000'],
    ['a token age as text', { ...BASE, maxTokenAgeSeconds: '24h' }, '"maxTokenAgeSeconds" must be an integer'],
    ['an unknown option', { ...BASE, audiance: 'typo' }, 'unknown option "audiance"'],
    ['algorithms with a secret', { ...BASE, algorithms: ['RS256'] }, 'unknown option "algorithms"'],
    ['a relative JWKS URL', { ...BASE, secret: undefined, jwksUrl: '/jwks' }, '"jwksUrl" must be an absolute URL'],
    ['a plain-http remote JWKS URL', { ...BASE, secret: undefined, jwksUrl: 'http://id.test/jwks' }, '"jwksUrl" must use https'],
    ['a JWKS URL with credentials', { ...BASE, secret: undefined, jwksUrl: 'https://a:b@id.test/jwks' }, 'must not contain credentials'],
    ['HS256 for a key set', { ...BASE, secret: undefined, jwksUrl: 'https://id.test/jwks', algorithms: ['HS256'] }, '"algorithms" must be'],
    ['no algorithms', { ...BASE, secret: undefined, jwksUrl: 'https://id.test/jwks', algorithms: [] }, '"algorithms" must not be empty'],
    ['a zero JWKS timeout', { ...BASE, secret: undefined, jwksUrl: 'https://id.test/jwks', jwksTimeoutMs: 0 }, '"jwksTimeoutMs" must be an integer'],
  ])('throws a TypeError for %s', (_name, options, message) => {
    expect(() => authenticate(options as unknown as AuthOptions)).toThrow(TypeError);
    expect(() => authenticate(options as unknown as AuthOptions)).toThrow(message);
  });

  it('applies the documented defaults and leaves the options untouched', () => {
    const options = Object.freeze({ ...BASE, secret: 'a'.repeat(32) });
    const parsed = parseAuthOptions(options);
    expect(parsed).toMatchObject({ clockToleranceSeconds: 5, maxTokenBytes: 8192, maxTokenAgeSeconds: 86_400, keys: { kind: 'secret' } });
    expect(options).toEqual({ ...BASE, secret: 'a'.repeat(32) });
    const remote = parseAuthOptions({ ...BASE, secret: undefined, jwksUrl: 'http://127.0.0.1:1/jwks' });
    expect(remote.keys).toMatchObject({ kind: 'jwks', algorithms: ['RS256', 'ES256', 'EdDSA'], timeoutMs: 2000 });
  });

  it('copies the secret, so a caller reusing its buffer does not change the key', () => {
    const secret = new Uint8Array(randomBytes(32));
    const parsed = parseAuthOptions({ ...BASE, secret });
    secret.fill(0);
    expect(parsed.keys.kind === 'secret' && parsed.keys.secret.some((byte) => byte !== 0)).toBe(true);
  });
});

const errorClasses = [Error, TypeError, RangeError, SyntaxError, errors.JOSEError, errors.JWKSTimeout, errors.JWTInvalid];
const thrownErrors = fc.tuple(fc.constantFrom(...errorClasses), fc.string({ maxLength: 40 })).map(([ErrorClass, message]) => new ErrorClass(message));

describe('properties', () => {
  it('any Authorization header yields a compact JWS or an AuthenticationError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('Bearer a.b.c', 'bearer  a.b.', 'Bearer\ta.b.c')), (header) => {
        try {
          const token = extractBearerToken(header, 256);
          expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]*$/);
          expect(token.length).toBeLessThanOrEqual(256);
        } catch (err) {
          expect(err).toBeInstanceOf(AuthenticationError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('maps anything thrown to a 401 AuthenticationError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), thrownErrors), (thrown) => {
        const mapped = toAuthenticationError(thrown);
        expect(mapped).toBeInstanceOf(AuthenticationError);
        expect(mapped.status).toBe(401);
      }),
      { numRuns: 300 },
    );
  });

  it('a token with any character of its header or payload changed is refused', async () => {
    const verify = createVerifier(parseAuthOptions(BASE));
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: BASE.issuer, aud: BASE.audience, sub: 'u', tenant_id: 't', iat: now, exp: now + 600 };
    const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: 'HS256' }).sign(SECRET);
    await expect(verify(token)).resolves.toMatchObject({ tenant_id: 't' });
    const signedPart = token.lastIndexOf('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: signedPart - 1 }), fc.constantFrom(...alphabet), async (index, replacement) => {
        fc.pre(token[index] !== '.' && token[index] !== replacement);
        const forged = token.slice(0, index) + replacement + token.slice(index + 1);
        await expect(verify(forged)).rejects.toBeDefined();
      }),
      { numRuns: 200 },
    );
  });
});
