import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST_PATH, type Manifest } from '../../generators/toolkit/manifest.js';
import { copyProject, CREATE_ORDER, GET_ORDER, removeProject, run, snapshotTree } from './project.js';

let dir: string;

beforeEach(async () => {
  dir = await copyProject();
});

afterEach(async () => {
  await removeProject(dir);
});

async function manifest(): Promise<Manifest> {
  return JSON.parse(await readFile(join(dir, MANIFEST_PATH), 'utf8')) as Manifest;
}

const sha = (text: string) => `sha256-${createHash('sha256').update(text).digest('hex')}`;

describe('the generation manifest', () => {
  it('records generator, answers, owned files with their hashes, and edited files', async () => {
    expect((await run(dir, [...CREATE_ORDER, '--service', 'orders'])).code).toBe(0);
    const { version, entries } = await manifest();
    expect(version).toBe(1);
    expect(entries).toEqual([
      {
        generator: 'endpoint',
        name: 'createOrder',
        answers: { method: 'POST', name: 'createOrder', path: '/orders', permission: 'orders:write', service: 'orders', summary: 'Create an order' },
        files: {
          'src/endpoints/create-order.ts': sha(await readFile(join(dir, 'src/endpoints/create-order.ts'), 'utf8')),
          'test/endpoints/create-order.security.test.ts': sha(await readFile(join(dir, 'test/endpoints/create-order.security.test.ts'), 'utf8')),
        },
        edits: ['src/routes.ts', 'src/services/orders.ts'],
      },
    ]);
  });

  it('keeps one entry per generator and name, sorted, and a re-run changes no byte', async () => {
    await run(dir, GET_ORDER);
    await run(dir, CREATE_ORDER);
    const before = await snapshotTree(dir);
    const again = await run(dir, [...GET_ORDER, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: [], modified: [] });
    expect(await snapshotTree(dir)).toEqual(before);
    expect((await manifest()).entries.map((e) => e.name)).toEqual(['createOrder', 'getOrder']);
  });

  it('lets a later tool tell an untouched generated file from a hand-edited one', async () => {
    await run(dir, CREATE_ORDER);
    const [entry] = (await manifest()).entries;
    const file = 'src/endpoints/create-order.ts';
    expect(sha(await readFile(join(dir, file), 'utf8'))).toBe(entry?.files[file]);
    await writeFile(join(dir, file), `${await readFile(join(dir, file), 'utf8')}// edited by hand\n`);
    expect(sha(await readFile(join(dir, file), 'utf8'))).not.toBe(entry?.files[file]);
    // --force regenerates the file and records the hash of what it wrote.
    expect((await run(dir, [...CREATE_ORDER, '--force'])).code).toBe(0);
    expect((await manifest()).entries[0]?.files[file]).toBe(sha(await readFile(join(dir, file), 'utf8')));
  });

  it('refuses to replace a file that is not a manifest, writing nothing', async () => {
    await mkdir(join(dir, '.golden-path'), { recursive: true });
    await writeFile(join(dir, MANIFEST_PATH), '{"hand": "written"}\n');
    const before = await snapshotTree(dir);
    const result = await run(dir, CREATE_ORDER);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: .golden-path/manifest.json is not a generation manifest (version 1); fix or remove it\n');
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('is written in the same change set: a dry run shows it and writes nothing', async () => {
    const before = await snapshotTree(dir);
    const result = await run(dir, [...CREATE_ORDER, '--dry-run']);
    expect(result.stdout).toContain('would create .golden-path/manifest.json');
    expect(await snapshotTree(dir)).toEqual(before);
  });
});
