import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryError, renderInventory } from '../../generators/inventory/render.js';
import { copyProject, removeProject, run, snapshotTree } from './project.js';

let dir: string;

beforeAll(async () => {
  dir = await copyProject();
});

afterAll(async () => {
  await removeProject(dir);
});

const render = () => renderInventory({ toolRoot: dir, root: dir });

async function edit(file: string, from: string | RegExp, to: string): Promise<() => Promise<void>> {
  const path = join(dir, file);
  const before = await readFile(path, 'utf8');
  const after = before.replace(from, to);
  expect(after, `${file} holds ${String(from)}`).not.toBe(before);
  await writeFile(path, after);
  return () => writeFile(path, before);
}

describe('openapi.json rendered in this process', () => {
  it('renders what the committed document holds, and leaves no render module behind', async () => {
    expect(await render()).toBe(await readFile(join(dir, 'openapi.json'), 'utf8'));
    const cache = await readdir(join(dir, 'node_modules', '.cache', 'golden-path'));
    expect(cache.filter((name) => name.startsWith(`render-${process.pid}-`))).toEqual([]);
  });

  it('reads the files anew on every render: a schema edited after an earlier render in this process is documented', async () => {
    await render();
    const restore = await edit('src/endpoints/health.ts', /response: z\.strictObject\(\{/, 'response: z.strictObject({ build: z.string().max(12),');
    try {
      const document = JSON.parse(await render()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
      expect(JSON.stringify(document.paths['/health']?.['get']?.responses)).toContain('"build":{"type":"string","maxLength":12}');
    } finally {
      await restore();
    }
  });

  it('a package, or a name of one, that the last render did not import is bundled too', async () => {
    await render();
    const restore = await edit(
      'src/endpoints/health.ts',
      "response: z.strictObject({ status: z.literal('ok') }),",
      "response: z.strictObject({ status: z.literal('ok'), kind: z.literal(pluralize('probe')), json: z.literal(typeof toJSONSchema) }),",
    );
    const path = join(dir, 'src/endpoints/health.ts');
    await writeFile(path, `import pluralize from 'pluralize';\nimport { toJSONSchema } from 'zod';\n${await readFile(path, 'utf8')}`);
    try {
      const document = JSON.parse(await render()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
      const responses = JSON.stringify(document.paths['/health']?.['get']?.responses);
      expect(responses).toContain('"kind":{"type":"string","const":"probes"}');
      expect(responses).toContain('"json":{"type":"string","const":"function"}');
    } finally {
      await restore();
    }
  });

  it('a file that does not parse is an InventoryError naming the registry, with the parser message', async () => {
    const restore = await edit('src/endpoints/health.ts', 'export const health', 'export const health = ;\nexport const unused');
    try {
      const error = await render().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(InventoryError);
      expect((error as InventoryError).message).toMatch(/^cannot bundle the registry src\/routes\.ts: .*src\/endpoints\/health\.ts:\d+: Unexpected ";"$/);
    } finally {
      await restore();
    }
  });

  it('a package that is not installed is an InventoryError naming it', async () => {
    const restore = await edit('src/endpoints/health.ts', /^/, "import 'golden-path-no-such-package';\n");
    try {
      await expect(render()).rejects.toThrow(/^cannot bundle the registry src\/routes\.ts: .*golden-path-no-such-package/);
    } finally {
      await restore();
    }
  });

  it('a registry module that throws while it loads: exit 1, one line, tree untouched', async () => {
    const restore = await edit('src/endpoints/health.ts', /^/, "throw new Error('health is not ready');\n");
    try {
      const before = await snapshotTree(dir);
      // A resource's endpoints are documented by loading the planned tree's code.
      const result = await run(dir, ['resource', 'widget', '--fields', 'title:string']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('error: openapi.json: cannot load the registry src/routes.ts: health is not ready; nothing was written\n');
      expect(await snapshotTree(dir)).toEqual(before);
    } finally {
      await restore();
    }
  });
});
