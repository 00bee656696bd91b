import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { NOT_PROJECT } from '../support/project-copy.js';
import { CLIError } from '../../generators/cli/errors.js';
import { generate } from '../../generators/cli/generate.js';
import type { CommandIO } from '../../generators/cli/run-main.js';
import type { CommitFs } from '../../generators/toolkit/commit.js';
import type { InventoryRenderer } from '../../generators/toolkit/inventory.js';

export { copyProject, PROJECT, removeProject } from '../support/project-copy.js';

const MANIFEST = join('.golden-path', 'manifest.json');

/** Every file under `dir` (node_modules aside) with its bytes, for "nothing changed" checks. */
export async function snapshotTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      const rel = relative(dir, path);
      // The generation manifest is project content; everything else in .golden-path/ is local state.
      if (NOT_PROJECT.has(rel.split(/[\\/]/)[0] ?? '') && rel !== '.golden-path' && rel !== MANIFEST) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isSymbolicLink()) files.set(rel, `-> link ${String((await lstat(path)).size)}`);
      else files.set(rel, (await readFile(path)).toString('base64'));
    }
  }
  await walk(dir);
  return files;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Runs `generate` in-process the way runMain would, without a terminal. */
export async function run(dir: string, argv: readonly string[], options: { fs?: CommitFs; inventory?: InventoryRenderer } = {}): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  const io: CommandIO = { argv, stdout, stderr, stdin, env: {}, cwd: dir };
  let code: number;
  try {
    code = await generate(io, {
      toolRoot: dir,
      ...(options.fs === undefined ? {} : { fs: options.fs }),
      ...(options.inventory === undefined ? {} : { inventory: options.inventory }),
    });
  } catch (error) {
    if (!(error instanceof CLIError)) throw error;
    stderr.write(`error: ${error.message}\n`);
    code = error.exitCode;
  }
  return { code, stdout: out(), stderr: err() };
}

export const CREATE_ORDER = [
  'endpoint',
  'createOrder',
  '--method',
  'POST',
  '--path',
  '/orders',
  '--permission',
  'orders:write',
  '--summary',
  'Create an order',
];
export const GET_ORDER = [
  'endpoint',
  '--name',
  'getOrder',
  '--method',
  'GET',
  '--path',
  '/orders/:orderId',
  '--permission',
  'orders:read',
  '--summary',
  'Get an order',
];
