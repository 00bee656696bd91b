import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REGISTRY_FILE } from './load.js';

export interface RenderOptions {
  /** The folder holding this tool's `generators/` (where render-main.ts lives). */
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

/**
 * Renders `openapi.json` for a project in a child process: the endpoints' zod schemas are
 * loaded fresh from disk, never from modules this process imported earlier.
 *
 * @example
 * const text = await renderInChild({ toolRoot, root: process.cwd() });
 */
export async function renderInChild(options: RenderOptions): Promise<string> {
  const tsx = createRequire(join(options.toolRoot, 'package.json')).resolve('tsx/esm');
  const script = join(options.toolRoot, 'generators', 'inventory', 'render-main.ts');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', pathToFileURL(tsx).href, script, options.root, options.registryFile ?? REGISTRY_FILE],
      { cwd: options.root, maxBuffer: 64 * 1024 * 1024, timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '' } },
      function rendered(error, stdout, stderr) {
        if (error === null) resolve(stdout);
        else reject(new InventoryError(`cannot load the registry ${options.registryFile ?? REGISTRY_FILE}: ${stderr.trim().split('\n').at(-1) ?? error.message}`, { cause: error }));
      },
    );
  });
}
