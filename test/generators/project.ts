import { cp, lstat, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CLIError } from '../../generators/cli/errors.js';
import { generate } from '../../generators/cli/generate.js';
import type { CommandIO } from '../../generators/cli/run-main.js';
import type { CommitFs } from '../../generators/toolkit/commit.js';

export const PROJECT = fileURLToPath(new URL('../..', import.meta.url));
const SKIPPED = new Set(['node_modules', '.git', '.data', '.golden-path', 'coverage', 'dist']);

/** A copy of the working tree in a temp folder, with node_modules linked rather than copied. */
export async function copyProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'golden-path-gen-'));
  await cp(PROJECT, dir, {
    recursive: true,
    filter: (source) => !SKIPPED.has(relative(PROJECT, source).split(/[\\/]/)[0] ?? ''),
  });
  await symlink(join(PROJECT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export async function removeProject(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Every file under `dir` (node_modules aside) with its bytes, for "nothing changed" checks. */
export async function snapshotTree(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  async function walk(current: string): Promise<void> {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      const rel = relative(dir, path);
      if (SKIPPED.has(rel.split(/[\\/]/)[0] ?? '')) continue;
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
export async function run(dir: string, argv: readonly string[], options: { fs?: CommitFs } = {}): Promise<RunResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  const io: CommandIO = { argv, stdout, stderr, stdin, env: {}, cwd: dir };
  let code: number;
  try {
    code = await generate(io, { toolRoot: dir, ...(options.fs === undefined ? {} : { fs: options.fs }) });
  } catch (error) {
    if (!(error instanceof CLIError)) throw error;
    stderr.write(`error: ${error.message}\n`);
    code = error.exitCode;
  }
  return { code, stdout: out(), stderr: err() };
}

export const CREATE_ORDER = ['endpoint', 'createOrder', '--method', 'POST', '--path', '/orders', '--permission', 'orders:write', '--summary', 'Create an order'];
export const GET_ORDER = ['endpoint', '--name', 'getOrder', '--method', 'GET', '--path', '/orders/:orderId', '--permission', 'orders:read', '--summary', 'Get an order'];
