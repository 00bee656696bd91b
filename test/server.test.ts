import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, startService } from './support/spawn.js';

const dataDir = mkdtempSync(join(tmpdir(), 'golden-path-server-'));
const env = { AUTH_JWT_SECRET: 'server-test-secret-'.padEnd(48, 'x'), DATA_DIR: dataDir, LOG_LEVEL: 'info' };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function token(): Promise<string> {
  const minted = await run(['generators/bin/golden-path.js', 'token', '--tenant', 'acme', '--permissions', 'notes:read,notes:write'], env);
  expect(minted.code).toBe(0);
  return minted.stdout.trim();
}

describe('the service as a process', () => {
  it('serves, keeps committed data across a graceful restart, and stops on SIGTERM', async () => {
    const bearer = `Bearer ${await token()}`;
    const first = await startService(env);
    const base = `http://127.0.0.1:${first.port}`;
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);

    const anonymous = await fetch(`${base}/notes`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const unknown = await fetch(`${base}/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const created = await fetch(`${base}/notes`, {
      method: 'POST',
      headers: { Authorization: bearer, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: 'survives restarts' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    first.child.kill('SIGTERM');
    const [code] = (await once(first.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');
    expect(first.output()).not.toContain(bearer.slice(7));

    const second = await startService(env);
    try {
      const res = await fetch(`http://127.0.0.1:${second.port}/notes/${id}`, { headers: { Authorization: bearer } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { title: string }).title).toBe('survives restarts');
    } finally {
      second.child.kill('SIGTERM');
      await once(second.child, 'exit');
    }
  }, 60_000);

  it('refuses to start in production without auth settings', async () => {
    const result = await run(['--import', 'tsx', 'src/server.ts'], { NODE_ENV: 'production', PORT: '0', DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/AUTH_JWT_SECRET or AUTH_JWKS_URL: required in production/);
    expect(result.stdout).not.toContain('service listening');
  });
});
