import { decodeJwt, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { goldenPathInProcess } from './support/cli.js';
import { run } from './support/spawn.js';

const BIN = 'generators/bin/golden-path.js';
const SECRET = 's'.repeat(48);
const env = { AUTH_JWT_SECRET: SECRET, AUTH_ISSUER: 'cli-test-issuer', AUTH_AUDIENCE: 'cli-test-audience' };

// The command runs in this process, through the same exit-code mapping as the bin; the bin itself
// (process exit codes and streams) is proved by the spawned tests at the end.
const token = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) => goldenPathInProcess(['token', ...args], { ...env, ...extra });

describe('golden-path token', () => {
  it('prints only a token the service would accept', async () => {
    const result = await token(['--tenant', 'acme', '--permissions', 'notes:read,notes:write', '--sub', 'alice-1']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { payload, protectedHeader } = await jwtVerify(result.stdout.trim(), new TextEncoder().encode(SECRET), {
      issuer: 'cli-test-issuer',
      audience: 'cli-test-audience',
      algorithms: ['HS256'],
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: 'alice-1', tenant_id: 'acme', permissions: ['notes:read', 'notes:write'] });
    expect(payload.exp! - payload.iat!).toBe(15 * 60);
  });

  it('honours --ttl', async () => {
    const result = await token(['--tenant', 'acme', '--permissions', '', '--ttl', '2h']);
    expect(result.code).toBe(0);
    const payload = decodeJwt(result.stdout.trim());
    expect(payload.exp! - payload.iat!).toBe(7200);
  });

  it('refuses to run in production', async () => {
    const result = await token(['--tenant', 'acme', '--permissions', 'a:b'], { NODE_ENV: 'production' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: token: refuses to run with NODE_ENV=production/);
  });

  it.each([
    [['--permissions', 'a:b'], /--tenant is required/],
    [['--tenant', 'acme'], /--permissions is required/],
    [['--tenant', 'a b', '--permissions', 'a:b'], /--tenant must be/],
    [['--tenant', 'acme', '--permissions', 'admin'], /--permissions must be comma-separated resource:action/],
    [['--tenant', 'acme', '--permissions', 'a:b', '--ttl', '30d'], /--ttl must be a number followed by s, m or h/],
    [['--tenant', 'acme', '--permissions', 'a:b', '--ttl', '25h'], /--ttl must be at most 24h/],
    [['--tenant', 'acme', '--permissions', 'a:b', '--bogus'], /Unknown option '--bogus'/],
  ])('rejects bad usage %j with exit 2 and one line', async (args, message) => {
    const result = await token(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('the bin exits 2 with the one line on stderr on bad usage', async () => {
    const result = await run([BIN, 'token', '--tenant', 'acme', '--permissions', 'admin'], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: token: --permissions must be comma-separated resource:action/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('treats a missing command as bad usage: help on stderr, nothing on stdout, exit 2', async () => {
    const result = await run([BIN], env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: golden-path <command>/);
  });

  it('rejects an unknown command with exit 2', async () => {
    const result = await goldenPathInProcess(['frobnicate'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
