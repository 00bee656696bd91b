import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REGISTRY_FILE } from './files.js';

export interface RenderOptions {
  /** The folder holding this tool's `generators/` and `node_modules/`. */
  readonly toolRoot: string;
  /** The project whose registry is rendered. */
  readonly root: string;
  readonly registryFile?: string;
}

export class InventoryError extends Error {
  readonly code = 'ERR_INVENTORY';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InventoryError';
  }
}

function node(args: readonly string[], cwd: string, registryFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...args],
      { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '' } },
      function rendered(error, stdout, stderr) {
        if (error === null) resolve(stdout);
        else reject(new InventoryError(`cannot load the registry ${registryFile}: ${stderr.trim().split('\n').at(-1) ?? error.message}`, { cause: error }));
      },
    );
  });
}

interface Esbuild {
  build(options: object): Promise<{ outputFiles?: { text: string }[] }>;
}

/** One module holding the registry, its schemas and the renderer: esbuild bundles it in ~0.1 s. */
async function bundle(esbuild: Esbuild, options: RenderOptions, registryFile: string): Promise<string> {
  const tool = (file: string) => JSON.stringify(join(options.toolRoot, 'generators', 'inventory', file));
  // The registry is imported dynamically (esbuild still bundles it) so that an error thrown while
  // its modules load is caught here and reported as its message, not as a stack trace.
  const entry = [
    `import { buildOpenApi, openApiText } from ${tool('openapi.ts')};`,
    `import { projectInfo } from ${tool('info.ts')};`,
    'try {',
    `  const { endpoints } = await import(${JSON.stringify(join(options.root, registryFile))});`,
    `  process.stdout.write(openApiText(buildOpenApi(endpoints, await projectInfo(${JSON.stringify(options.root)}))));`,
    '} catch (err) {',
    '  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\\n`);',
    '  process.exitCode = 1;',
    '}',
  ].join('\n');
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: options.root, loader: 'ts', sourcefile: 'render-inventory.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    banner: { js: "import { createRequire as __gpRequire } from 'node:module'; const require = __gpRequire(import.meta.url);" },
  });
  return result.outputFiles?.[0]?.text ?? '';
}

/**
 * Renders `openapi.json` for a project in a child process, so the endpoints' zod schemas are
 * loaded fresh from disk, never from modules this process imported earlier. The registry is
 * bundled with esbuild first (one module to load); without esbuild, tsx compiles on the fly.
 *
 * @example
 * const text = await renderInChild({ toolRoot, root: process.cwd() });
 */
export async function renderInChild(options: RenderOptions): Promise<string> {
  const registryFile = options.registryFile ?? REGISTRY_FILE;
  const require = createRequire(join(options.toolRoot, 'package.json'));
  let esbuild: Esbuild | undefined;
  try {
    esbuild = (await import(pathToFileURL(require.resolve('esbuild')).href)) as Esbuild;
  } catch {
    esbuild = undefined;
  }
  if (esbuild === undefined) {
    const tsx = pathToFileURL(require.resolve('tsx/esm')).href;
    return node(['--import', tsx, join(options.toolRoot, 'generators', 'inventory', 'render-main.ts'), options.root, registryFile], options.root, registryFile);
  }
  let code: string;
  try {
    code = await bundle(esbuild, options, registryFile);
  } catch (err) {
    throw new InventoryError(`cannot bundle the registry ${registryFile}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, { cause: err });
  }
  const dir = await mkdtemp(join(tmpdir(), 'golden-path-inventory-'));
  try {
    await writeFile(join(dir, 'render.mjs'), code);
    return await node([join(dir, 'render.mjs')], options.root, registryFile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
