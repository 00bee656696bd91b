import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderInventory } from '../../generators/inventory/render.js';
import type { InventoryRenderer } from '../../generators/toolkit/inventory.js';
import { copyProject, CREATE_ORDER, GET_ORDER, removeProject, run, snapshotTree } from './project.js';

let dir: string;

beforeEach(async () => {
  dir = await copyProject();
});

afterEach(async () => {
  await removeProject(dir);
});

/** The real renderer (loads the planned tree in this process), counting how often it is asked. */
function countingRenderer(): { render: InventoryRenderer; calls: () => number } {
  let calls = 0;
  return {
    render: async (root) => {
      calls += 1;
      return renderInventory({ toolRoot: dir, root });
    },
    calls: () => calls,
  };
}

async function openapi(): Promise<string> {
  return readFile(join(dir, 'openapi.json'), 'utf8');
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const PARAMS = ['', '/:itemId', '/:itemId/parts/:partId'] as const;
// Free text goes through the template's string helper: quotes, a backslash, non-ASCII.
const SUMMARIES = [[], ['--summary', 'Fetch the "thing"'], ['--summary', "It's a \\ naïve résumé ✓"]] as const;

/** Every shape endpoint.ts.hbs can take: each method, with 0, 1 and 2 path params, protected and public. */
function variants(): string[][] {
  const all: string[][] = [];
  for (const method of METHODS) {
    for (const [p, params] of PARAMS.entries()) {
      for (const access of ['permission', 'public'] as const) {
        const n = all.length;
        const accessFlags = access === 'permission' ? ['--permission', `v${n}:act`] : ['--public', 'Polled by a "monitor" without credentials.'];
        all.push(['endpoint', `variant${n}Op`, '--method', method, '--path', `/v${n}-items${params}`, ...accessFlags, ...(SUMMARIES[(n + p) % 3] ?? [])]);
      }
    }
  }
  return all;
}

describe('openapi.json planned from the templates (no code loaded)', () => {
  it('equals the document rendered by loading the written files, byte for byte, for every template variant', async () => {
    const renderer = countingRenderer();
    for (const argv of variants()) {
      const result = await run(dir, argv, { inventory: renderer.render });
      expect(result, argv.join(' ')).toMatchObject({ code: 0, stderr: '' });
      expect(result.stdout).toContain('modified     openapi.json');
    }
    // Thirty endpoints added and not one loaded: the fast path planned every document.
    expect(renderer.calls()).toBe(0);
    const planned = await openapi();
    expect(JSON.parse(planned).paths['/v29-items/{itemId}/parts/{partId}']).toHaveProperty('delete');
    expect(planned).toBe(await renderInventory({ toolRoot: dir, root: dir }));
  }, 120_000);

  it('shows the planned document in --dry-run and writes nothing', async () => {
    const renderer = countingRenderer();
    const before = await snapshotTree(dir);
    const result = await run(dir, [...GET_ORDER, '--dry-run'], { inventory: renderer.render });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--- a/openapi.json\n+++ b/openapi.json');
    expect(result.stdout).toContain('+    "/orders/{orderId}": {');
    expect(renderer.calls()).toBe(0);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('loads the code when a generated endpoint was edited by hand since: the edited schema is documented', async () => {
    const renderer = countingRenderer();
    expect((await run(dir, CREATE_ORDER, { inventory: renderer.render })).code).toBe(0);
    const file = join(dir, 'src/endpoints/create-order.ts');
    await writeFile(file, (await readFile(file, 'utf8')).replace('body: z.strictObject({}),', 'body: z.strictObject({ reference: z.string().max(40) }),'));
    expect((await run(dir, GET_ORDER, { inventory: renderer.render })).code).toBe(0);
    expect(renderer.calls()).toBe(1);
    const document = JSON.parse(await openapi()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    };
    expect(document.paths['/orders']?.['post']?.requestBody?.content['application/json']?.schema).toMatchObject({
      properties: { reference: { type: 'string', maxLength: 40 } },
    });
    expect(await openapi()).toBe(await renderInventory({ toolRoot: dir, root: dir }));
  }, 60_000);

  it('loads the code when the document misses a route the endpoint files define (added by hand)', async () => {
    const renderer = countingRenderer();
    const routes = join(dir, 'src/routes.ts');
    await writeFile(
      join(dir, 'src/endpoints/ping.ts'),
      "import { z } from 'zod';\nimport { defineEndpoint } from '../../blessed/endpoint/index.js';\n\n" +
        "export const ping = defineEndpoint({\n  method: 'GET',\n  path: '/ping',\n  public: 'Liveness probe.',\n  response: z.strictObject({ ok: z.boolean() }),\n  async handler() {\n    return { ok: true };\n  },\n});\n",
    );
    await writeFile(
      routes,
      (await readFile(routes, 'utf8'))
        .replace('import { health }', "import { ping } from './endpoints/ping.js';\nimport { health }")
        .replace('  health,', '  health,\n  ping,'),
    );
    expect((await run(dir, CREATE_ORDER, { inventory: renderer.render })).code).toBe(0);
    expect(renderer.calls()).toBe(1);
    expect(JSON.parse(await openapi()).paths).toHaveProperty(['/ping', 'get', 'x-public-reason'], 'Liveness probe.');
  }, 60_000);

  it('a registry that fails to load leaves the tree untouched, exit 1 and one clear line', async () => {
    const broken = join(dir, 'src/endpoints/health.ts');
    await writeFile(broken, (await readFile(broken, 'utf8')).replace(/path: '[^']*'/, "path: '/Not Valid'"));
    const before = await snapshotTree(dir);
    const result = await run(dir, CREATE_ORDER);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: openapi\.json: cannot load the registry src\/routes\.ts: .*"path" must be lowercase.*; nothing was written\n$/);
    expect(await snapshotTree(dir)).toEqual(before);
  }, 60_000);
});
