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
    const config = loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'https://id.example', AUTH_AUDIENCE: 'orders-api', CURSOR_SECRET: 'c'.repeat(32) });
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
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, http://localhost:5173' }, devSecret).corsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
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
});
