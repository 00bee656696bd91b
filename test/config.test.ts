import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_AUDIENCE, DEV_ISSUER, loadConfig, type LoadConfigOptions } from '../src/config.js';

const SECRET = 'x'.repeat(40);
const devSecret = { developmentSecret: () => 'd'.repeat(43) };

function issues(env: NodeJS.ProcessEnv, options: LoadConfigOptions = devSecret): readonly string[] {
  try {
    loadConfig(env, options);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('has development defaults: port 3000, dev issuer and audience, the development secret', () => {
    const config = loadConfig({}, devSecret);
    expect(config).toMatchObject({ mode: 'development', port: 3000, trustProxyHops: 0, corsOrigins: [], logLevel: 'info', dataDir: '.data' });
    expect(config.auth).toEqual({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, secret: 'd'.repeat(43) });
  });

  it('fails closed in production without auth settings', () => {
    const found = issues({ NODE_ENV: 'production' });
    expect(found).toContain('AUTH_JWT_SECRET or AUTH_JWKS_URL: required in production');
    expect(found).toContain('AUTH_ISSUER: required in production');
    expect(found).toContain('AUTH_AUDIENCE: required in production');
  });

  it('never falls back to the development secret in production', () => {
    const found = issues({ NODE_ENV: 'production', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' });
    expect(found).toContain('AUTH_JWT_SECRET or AUTH_JWKS_URL: required in production');
  });

  it('starts in production with complete auth settings', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      AUTH_JWT_SECRET: SECRET,
      AUTH_ISSUER: 'https://id.example',
      AUTH_AUDIENCE: 'orders-api',
      CURSOR_SECRET: 'c'.repeat(32),
    });
    expect(config.auth).toEqual({ secret: SECRET, issuer: 'https://id.example', audience: 'orders-api' });
    expect(config.cursorSecret).toBe('c'.repeat(32));
  });

  it('requires a cursor secret of at least 32 characters in production, never the development one', () => {
    const complete = { NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' };
    const developmentCursorSecret = () => 'd'.repeat(43);
    expect(issues(complete, { developmentCursorSecret })).toEqual(['CURSOR_SECRET: required in production']);
    expect(issues({ ...complete, CURSOR_SECRET: 'short' }).join()).toMatch(/CURSOR_SECRET: must be at least 32 characters/);
  });

  it('signs cursors with the stored development secret, or per process without one', () => {
    expect(loadConfig({}, { ...devSecret, developmentCursorSecret: () => 'k'.repeat(43) }).cursorSecret).toBe('k'.repeat(43));
    expect(loadConfig({}, devSecret).cursorSecret).toBeUndefined();
    expect(loadConfig({ CURSOR_SECRET: 'e'.repeat(40) }, devSecret).cursorSecret).toBe('e'.repeat(40));
  });

  it('passes a maximum token age to authentication', () => {
    expect(loadConfig({ AUTH_MAX_TOKEN_AGE_SECONDS: '3600' }, devSecret).auth).toMatchObject({ maxTokenAgeSeconds: 3600 });
    expect(loadConfig({}, devSecret).auth).not.toHaveProperty('maxTokenAgeSeconds');
    expect(issues({ AUTH_MAX_TOKEN_AGE_SECONDS: '24h' }, devSecret).join()).toMatch(/AUTH_MAX_TOKEN_AGE_SECONDS: must be a whole number/);
    expect(issues({ AUTH_MAX_TOKEN_AGE_SECONDS: '9999999' }, devSecret).join()).toMatch(/AUTH_MAX_TOKEN_AGE_SECONDS/);
  });

  it('refuses NODE_TLS_REJECT_UNAUTHORIZED=0 in every mode', () => {
    for (const NODE_ENV of ['development', 'test', 'production']) {
      const found = issues({ NODE_ENV, NODE_TLS_REJECT_UNAUTHORIZED: '0', AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' });
      expect(found.join()).toMatch(/NODE_TLS_REJECT_UNAUTHORIZED/);
    }
  });

  it('refuses short secrets, both key sources at once, and plain-http JWKS in production', () => {
    expect(issues({ AUTH_JWT_SECRET: 'short' }).join()).toMatch(/AUTH_JWT_SECRET: must be at least 32/);
    expect(issues({ AUTH_JWT_SECRET: SECRET, AUTH_JWKS_URL: 'https://id.example/jwks' }).join()).toMatch(/set one, not both/);
    expect(issues({ NODE_ENV: 'production', AUTH_JWKS_URL: 'http://id.example/jwks', AUTH_ISSUER: 'i', AUTH_AUDIENCE: 'a' }).join()).toMatch(/https/);
  });

  it('accepts only exact CORS origins', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }, devSecret).corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    for (const bad of ['*', 'https://a.example/', 'https://a.example/path', 'a.example', 'javascript:alert(1)', 'https://*.example']) {
      expect(issues({ CORS_ORIGINS: bad }).join(), bad).toMatch(/CORS_ORIGINS/);
    }
  });

  it('takes trust proxy only as a small hop count', () => {
    expect(loadConfig({ TRUST_PROXY_HOPS: '2' }, devSecret).trustProxyHops).toBe(2);
    for (const bad of ['true', '-1', '1.5', '0x1', '', '99']) {
      expect(issues({ TRUST_PROXY_HOPS: bad }).join(), bad).toMatch(/TRUST_PROXY_HOPS/);
    }
  });

  it('parses PORT strictly', () => {
    expect(loadConfig({ PORT: '8080' }, devSecret).port).toBe(8080);
    for (const bad of ['', 'abc', '0x50', '70000', '80 ']) expect(issues({ PORT: bad }).join(), bad).toMatch(/PORT/);
  });

  it('takes server timeouts in milliseconds, the request limit no shorter than the header limit', () => {
    expect(loadConfig({}, devSecret).serverTimeouts).toEqual({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 });
    expect(loadConfig({ HEADERS_TIMEOUT_MS: '2000', REQUEST_TIMEOUT_MS: '4000', KEEP_ALIVE_TIMEOUT_MS: '1000' }, devSecret).serverTimeouts).toEqual({
      headersMs: 2000,
      requestMs: 4000,
      keepAliveMs: 1000,
    });
    for (const bad of ['', '10s', '-1', '50', '9999999']) expect(issues({ HEADERS_TIMEOUT_MS: bad }).join(), bad).toMatch(/HEADERS_TIMEOUT_MS/);
    expect(issues({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '10000' }).join()).toMatch(/REQUEST_TIMEOUT_MS: must be at least HEADERS_TIMEOUT_MS/);
  });

  it('takes HOST as an address or a host name', () => {
    expect(loadConfig({}, devSecret).host).toBeUndefined();
    expect(loadConfig({ HOST: '127.0.0.1' }, devSecret).host).toBe('127.0.0.1');
    expect(issues({ HOST: 'a b' }).join()).toMatch(/HOST/);
  });

  it('takes rate limits as whole numbers, with defaults a burst from one address runs into', () => {
    expect(loadConfig({}, devSecret).rateLimits).toEqual({ windowMs: 60_000, anonymous: 1_000, authenticated: 3_000 });
    expect(loadConfig({ RATE_LIMIT_WINDOW_MS: '1000', RATE_LIMIT_ANONYMOUS: '5', RATE_LIMIT_AUTHENTICATED: '7' }, devSecret).rateLimits).toEqual({
      windowMs: 1000,
      anonymous: 5,
      authenticated: 7,
    });
    for (const bad of ['', '0', '-1', '1e3', 'many']) expect(issues({ RATE_LIMIT_ANONYMOUS: bad }).join(), bad).toMatch(/RATE_LIMIT_ANONYMOUS/);
    expect(issues({ RATE_LIMIT_WINDOW_MS: '999' }).join()).toMatch(/RATE_LIMIT_WINDOW_MS: must be at least 1000/);
  });
});
