import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../generators/project.js';
import { goldenPathInProcess } from '../support/cli.js';
import { copyProject, removeProject } from '../support/project-copy.js';

let dir: string;

function exec(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

// The generator and the first check run in this process. `check` imports the registry as a module,
// which a process does once: the check after the edit is the real bin, in a process of its own,
// and the inventory test runs in a real vitest, since that test failing is the point.
const checkInProcess = () => goldenPathInProcess(['check'], {}, dir);
const checkBin = () => exec(['generators/bin/golden-path.js', 'check']);

beforeAll(async () => {
  dir = await copyProject('golden-path-check-e2e-');
}, 120_000);
afterAll(() => removeProject(dir));

describe('check on a generated tree', () => {
  it('a freshly generated endpoint leaves the tree clean, openapi.json included', async () => {
    const generated = await run(dir, [
      'endpoint',
      'getOrder',
      '--method',
      'GET',
      '--path',
      '/orders/:orderId',
      '--permission',
      'orders:read',
      '--summary',
      'One order',
    ]);
    expect(generated.stderr).toBe('');
    expect(generated.stdout).toContain('modified     openapi.json');
    const openapi = JSON.parse(await readFile(join(dir, 'openapi.json'), 'utf8')) as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
    expect(openapi.paths['/orders/{orderId}']?.['get']?.['x-permission']).toBe('orders:read');
    const result = await checkInProcess();
    expect(result.stdout).toMatch(/golden-path check: \d+ files, no violations\n$/);
    expect(result.code).toBe(0);
  }, 240_000);

  it('turning the endpoint into a raw app.get is flagged and breaks documented == reachable', async () => {
    const routes = await readFile(join(dir, 'src/routes.ts'), 'utf8');
    await writeFile(join(dir, 'src/routes.ts'), routes.replace(/^ {2}getOrder,\n/m, ''));
    const app = await readFile(join(dir, 'src/app.ts'), 'utf8');
    const mounted = app.replace(
      /^ {2}app\.use\(\s*mountEndpoints\(/m,
      (mount) => `  app.get('/orders/:orderId', (req, res) => {\n    res.json({ id: req.params.orderId });\n  });\n${mount}`,
    );
    expect(mounted).not.toBe(app);
    await writeFile(join(dir, 'src/app.ts'), mounted);

    const result = await checkBin();
    expect(result.code).toBe(1);
    const line = mounted.split('\n').findIndex((text) => text.includes("app.get('/orders/:orderId'")) + 1;
    expect(result.stdout).toContain(`src/app.ts:${line}:3  raw-route  app.get() mounts a route outside defineEndpoint and the registry`);
    expect(result.stdout).toMatch(/^openapi\.json:\d+:1 {2}openapi-drift {2}/m);

    const inventory = await exec(['node_modules/vitest/vitest.mjs', 'run', 'test/inventory.test.ts']);
    expect(inventory.code).not.toBe(0);
    expect(inventory.stdout + inventory.stderr).toMatch(/documented == reachable/);
  }, 240_000);
});
