import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, removeProject, snapshotTree } from './project.js';

let dir: string;

beforeAll(async () => {
  dir = await copyProject();
});

afterAll(async () => {
  await removeProject(dir);
});

/** Runs the real bin as a child process; stdin stays an open pipe that never sends anything. */
function bin(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'generators/bin/generate.js'), ...args], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the generate bin', () => {
  it('lists the generators when run alone', async () => {
    const result = await bin([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: generate <generator>/);
    expect(result.stdout).toMatch(/^ {2}endpoint {4}/m);
  });

  it('prints the flags of a generator from its answers schema', async () => {
    const result = await bin(['endpoint', '--help']);
    expect(result.code).toBe(0);
    for (const flag of ['--name', '--method', '--path', '--permission', '--public', '--summary', '--service', '--dry-run', '--force', '--json']) {
      expect(result.stdout).toContain(`  ${flag} `);
    }
    expect(result.stdout).toContain('(GET|POST|PUT|PATCH|DELETE)');
  });

  it('fails fast with exit 2 instead of waiting for input without a terminal', async () => {
    const before = await snapshotTree(dir);
    const result = await bin(['endpoint', 'createOrder', '--method', 'POST', '--path', '/orders', '--summary', 'Create']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: --permission is required (or --public "<reason>" for an endpoint without a token)\n');
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('runs prompt and ai-context from their own entry, with CLI errors still one line and exit 2', async () => {
    const result = await bin(['prompt', 'endpoint']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: prompt: usage: generate prompt <endpoint\|service\|resource\|client> <name>.*\n$/);
    const context = await bin(['ai-context', '--dry-run']);
    expect(context.code).toBe(0);
    expect(context.stdout).toMatch(/AGENTS\.md$/m);
  });

  it('refuses an unknown generator with exit 2', async () => {
    const result = await bin(['component', '--name', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: unknown generator "component"; expected one of: endpoint, service, resource, client\n$/);
  });

  it('generates through the bin, with only JSON on stdout under --json', async () => {
    const result = await bin([
      'endpoint',
      'listWidgets',
      '--method',
      'GET',
      '--path',
      '/widgets',
      '--permission',
      'widgets:read',
      '--summary',
      'List widgets',
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      created: ['src/endpoints/list-widgets.ts', 'test/endpoints/list-widgets.security.test.ts', '.golden-path/manifest.json'],
      modified: ['src/routes.ts', 'openapi.json'],
    });
  });
});
