import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyProject, CREATE_ORDER, GET_ORDER, removeProject, run, snapshotTree } from './project.js';

let dir: string;

beforeEach(async () => {
  dir = await copyProject();
});

afterEach(async () => {
  await removeProject(dir);
});

function added(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((file) => !before.has(file)).sort();
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((file) => before.has(file) && before.get(file) !== after.get(file)).sort();
}

describe('generate endpoint', () => {
  it('writes exactly the endpoint, its security test and the registry entry', async () => {
    const before = await snapshotTree(dir);
    const result = await run(dir, CREATE_ORDER);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const after = await snapshotTree(dir);
    expect(added(before, after)).toEqual(['.golden-path/manifest.json', 'src/endpoints/create-order.ts', 'test/endpoints/create-order.security.test.ts']);
    // The inventory follows the registry in the same change set.
    expect(changed(before, after)).toEqual(['openapi.json', 'src/routes.ts']);
    await expect(await readFile(join(dir, 'src/endpoints/create-order.ts'), 'utf8')).toMatchFileSnapshot('__snapshots__/create-order.ts.snap');
    await expect(await readFile(join(dir, 'test/endpoints/create-order.security.test.ts'), 'utf8')).toMatchFileSnapshot(
      '__snapshots__/create-order.security.test.ts.snap',
    );
  });

  it('adds one import and one entry to routes.ts, keeping the rest of the file byte for byte', async () => {
    const original = await readFile(join(dir, 'src/routes.ts'), 'utf8');
    await run(dir, CREATE_ORDER);
    await run(dir, GET_ORDER);
    await run(dir, CREATE_ORDER);
    const routes = await readFile(join(dir, 'src/routes.ts'), 'utf8');
    expect(routes.match(/import \{ createOrder \} from '\.\/endpoints\/create-order\.js';/g)).toHaveLength(1);
    expect(routes.match(/^ {2}createOrder,$/gm)).toHaveLength(1);
    expect(routes.match(/^ {2}getOrder,$/gm)).toHaveLength(1);
    const removed = routes
      .split('\n')
      .filter((line) => !/createOrder|getOrder/.test(line))
      .join('\n');
    expect(removed).toBe(original);
  });

  it('shapes a read by id: params from the path, NotFoundError until implemented', async () => {
    await run(dir, GET_ORDER);
    await expect(await readFile(join(dir, 'src/endpoints/get-order.ts'), 'utf8')).toMatchFileSnapshot('__snapshots__/get-order.ts.snap');
    const test = await readFile(join(dir, 'test/endpoints/get-order.security.test.ts'), 'utf8');
    expect(test).toContain('answers 404 to another tenant for an id that exists for no tenant');
    expect(test).toContain('const TARGET = `/orders/${ID}`;');
  });

  it('writes a public endpoint with its reason and a reachability test', async () => {
    const result = await run(dir, [
      'endpoint',
      'status',
      '--method',
      'get',
      '--path',
      '/status',
      '--public',
      'Uptime monitors poll it.',
      '--summary',
      'Status',
    ]);
    expect(result.code).toBe(0);
    const source = await readFile(join(dir, 'src/endpoints/status.ts'), 'utf8');
    expect(source).toContain("public: 'Uptime monitors poll it.',");
    expect(source).not.toContain('permission:');
    await expect(await readFile(join(dir, 'test/endpoints/status.security.test.ts'), 'utf8')).toMatchFileSnapshot('__snapshots__/status.security.test.ts.snap');
  });

  it('changes nothing on a second run and says so', async () => {
    await run(dir, CREATE_ORDER);
    const before = await snapshotTree(dir);
    const second = await run(dir, CREATE_ORDER);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to do');
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('prints the plan with a unified diff on --dry-run and writes nothing', async () => {
    const before = await snapshotTree(dir);
    const result = await run(dir, [...CREATE_ORDER, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('would create src/endpoints/create-order.ts');
    expect(result.stdout).toContain('--- /dev/null\n+++ b/src/endpoints/create-order.ts');
    expect(result.stdout).toContain('--- a/src/routes.ts\n+++ b/src/routes.ts');
    expect(result.stdout).toMatch(/^\+ {2}createOrder,$/m);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('prints only one JSON document with --json, on success and on failure', async () => {
    const ok = await run(dir, [...CREATE_ORDER, '--json']);
    expect(JSON.parse(ok.stdout)).toEqual({
      ok: true,
      generator: 'endpoint',
      dryRun: false,
      created: ['src/endpoints/create-order.ts', 'test/endpoints/create-order.security.test.ts', '.golden-path/manifest.json'],
      modified: ['src/routes.ts', 'openapi.json'],
      unchanged: [],
    });
    const again = await run(dir, [...CREATE_ORDER, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: [], modified: [], unchanged: expect.arrayContaining(['src/routes.ts']) });
    const bad = await run(dir, ['endpoint', 'x1', '--method', 'POST', '--path', '/Orders', '--permission', 'a:b', '--summary', 's', '--json']);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toEqual({
      ok: false,
      error: { code: 'ERR_INVALID_ANSWER', message: expect.stringMatching(/^--path /), flag: 'path' },
    });
  });

  it('never overwrites an existing file without --force', async () => {
    await writeFile(join(dir, 'src/endpoints/create-order.ts'), '// written by hand\n');
    const before = await snapshotTree(dir);
    const refused = await run(dir, CREATE_ORDER);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: src\/endpoints\/create-order\.ts already exists .*--force/);
    expect(await snapshotTree(dir)).toEqual(before);
    const forced = await run(dir, [...CREATE_ORDER, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('modified     src/endpoints/create-order.ts');
    expect(await readFile(join(dir, 'src/endpoints/create-order.ts'), 'utf8')).toContain('defineEndpoint');
  });

  it('delegates to a service with --service, creating the module once and adding one function per endpoint', async () => {
    expect((await run(dir, [...CREATE_ORDER, '--service', 'orders'])).code).toBe(0);
    expect((await run(dir, [...GET_ORDER, '--service', 'orders'])).code).toBe(0);
    expect((await run(dir, [...GET_ORDER, '--service', 'orders'])).stdout).toContain('nothing to do');
    const service = await readFile(join(dir, 'src/services/orders.ts'), 'utf8');
    await expect(service).toMatchFileSnapshot('__snapshots__/orders-service.ts.snap');
    expect(service.match(/^import /gm)).toHaveLength(2);
    const endpoint = await readFile(join(dir, 'src/endpoints/get-order.ts'), 'utf8');
    expect(endpoint).toContain("import * as ordersService from '../services/orders.js';");
    expect(endpoint).toContain('return ordersService.getOrder();');
  });
});
