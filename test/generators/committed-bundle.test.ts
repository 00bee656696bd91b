import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCommitted, COMMITTED_DIR } from '../../generators/bin/committed.js';
import { PROJECT } from './project.js';

const REBUILD = 'generators/dist is not what `npm run build:generators` writes from the current sources: run it and commit generators/dist/';

describe('the committed generators bundle', () => {
  it('is what `npm run build:generators` builds from the current sources and packages', async () => {
    const built = await buildCommitted(PROJECT);
    const committed = (await readdir(join(PROJECT, COMMITTED_DIR))).map((name) => `${COMMITTED_DIR}/${name}`).sort();
    expect(committed, REBUILD).toEqual([...built.keys()].sort());
    for (const [file, bytes] of built) {
      // Compared as digests: a 1 MB diff helps nobody; the command to run does.
      const digest = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
      expect(digest(await readFile(join(PROJECT, file))), `${file}: ${REBUILD}`).toBe(digest(bytes));
    }
    const text = new TextDecoder().decode(built.get(`${COMMITTED_DIR}/generate-main.mjs`));
    // No path of the machine that built it.
    expect(text).not.toContain(PROJECT);
    expect(text).toContain('// generators/cli/generate-main.ts');
  });
});

// A project of its own: the bins' loader, an entry whose source says 'source' and a planted
// committed bundle of it that says 'committed', so the output tells which one was loaded.
const ENTRY = 'generators/cli/entry.ts';
const BUNDLE = `${COMMITTED_DIR}/entry.mjs`;
let root: string | undefined;

afterEach(async () => {
  if (root !== undefined) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function plantedProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'golden-path-committed-'));
  await cp(join(PROJECT, 'generators/bin'), join(dir, 'generators/bin'), { recursive: true });
  await mkdir(join(dir, 'generators/cli'));
  await mkdir(join(dir, COMMITTED_DIR));
  // esbuild alone: the cache then lands in this project's own node_modules/.cache.
  await mkdir(join(dir, 'node_modules'));
  await symlink(join(PROJECT, 'node_modules/esbuild'), join(dir, 'node_modules/esbuild'), 'dir');
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(join(dir, ENTRY), "export const value: string = 'source';\n");
  await writeFile(join(dir, BUNDLE), "export const value = 'committed';\n");
  const inputs: Record<string, string> = {};
  for (const file of [ENTRY, 'generators/bin/bundle.js'])
    inputs[file] = createHash('sha256')
      .update(await readFile(join(dir, file)))
      .digest('hex');
  await writeFile(join(dir, COMMITTED_DIR, 'manifest.json'), JSON.stringify({ bundles: { [ENTRY]: { bundle: BUNDLE, inputs } } }));
  return dir;
}

/** What the loader gives a new process for the entry: 'committed' or 'source'. */
function load(dir: string): string {
  const script = `const { loadTypeScript } = await import(${JSON.stringify(pathToFileURL(join(dir, 'generators/bin/load.js')).href)});
const { value } = await loadTypeScript(new URL(${JSON.stringify(pathToFileURL(join(dir, ENTRY)).href)}));
process.stdout.write(value);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout;
}

const cached = async (dir: string) => (await readdir(join(dir, 'node_modules/.cache/golden-path'))).filter((name) => !name.startsWith('.'));

describe('loadTypeScript with a committed bundle', () => {
  it('imports it while every input has the content it was built from, then only stats', async () => {
    root = await plantedProject();
    expect(load(root)).toBe('committed');
    // A stat record only: nothing was built.
    const names = await cached(root);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[0-9a-f]{16}\.json$/);
    expect(load(root)).toBe('committed');
  });

  it('builds into the cache instead when an input changed since the bundle was built', async () => {
    root = await plantedProject();
    await writeFile(join(root, ENTRY), "export const value: string = 'source';\n// edited\n");
    expect(load(root)).toBe('source');
    expect((await cached(root)).some((name) => name.endsWith('.mjs'))).toBe(true);
  });

  it('builds into the cache when an input changes after the committed bundle was recorded', async () => {
    root = await plantedProject();
    expect(load(root)).toBe('committed');
    await writeFile(join(root, ENTRY), "export const value: string = 'source';\n// edited later\n");
    expect(load(root)).toBe('source');
  });

  it('builds into the cache when the committed bundle does not load', async () => {
    root = await plantedProject();
    await writeFile(join(root, BUNDLE), "throw new Error('damaged');\n");
    expect(load(root)).toBe('source');
  });

  it('builds into the cache when an input is gone', async () => {
    root = await plantedProject();
    const manifest = JSON.parse(await readFile(join(root, COMMITTED_DIR, 'manifest.json'), 'utf8')) as {
      bundles: Record<string, { inputs: Record<string, string> }>;
    };
    const record = manifest.bundles[ENTRY]!;
    record.inputs['generators/cli/removed.ts'] = createHash('sha256').update('').digest('hex');
    await writeFile(join(root, COMMITTED_DIR, 'manifest.json'), JSON.stringify(manifest));
    expect(load(root)).toBe('source');
  });
});
