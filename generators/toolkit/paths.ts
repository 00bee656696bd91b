import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { CLIError, EXIT_FAILURE } from '../cli/errors.js';

/** Top-level folders no generator writes into: the runtime modules and tooling state. */
const PROTECTED = new Set(['blessed', 'node_modules', '.git']);

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function refuse(target: string, why: string): never {
  throw new CLIError(`refusing to write ${target}: ${why}`, { exitCode: EXIT_FAILURE, code: 'ERR_UNSAFE_PATH' });
}

/**
 * The absolute path a generator may write `target` (project-relative, `/`-separated) to. Every
 * existing part of the path is resolved with realpath first, because a plain write follows a
 * symlinked folder or a dangling link out of the project.
 *
 * @example
 * const file = await resolveTarget('/srv/app', 'src/endpoints/create-order.ts');
 */
export async function resolveTarget(root: string, target: string): Promise<string> {
  const parts = target.split('/');
  if (isAbsolute(target) || target.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    refuse(target, 'not a plain project-relative path');
  }
  if (PROTECTED.has(parts[0] ?? '')) refuse(target, `${parts[0] ?? ''}/ is never written by a generator`);
  const realRoot = await realpath(root);
  let existing = join(realRoot, ...parts);
  const missing: string[] = [];
  while (!(await exists(existing))) {
    missing.unshift(basename(existing));
    existing = dirname(existing);
  }
  let resolved: string;
  try {
    resolved = await realpath(existing);
  } catch {
    // lstat found it but realpath cannot follow it: a dangling symlink.
    refuse(target, 'a symbolic link on the way points nowhere');
  }
  const final = join(resolved, ...missing);
  if (!inside(realRoot, final)) refuse(target, 'it resolves outside the project');
  const top = relative(realRoot, final).split(sep)[0] ?? '';
  if (PROTECTED.has(top)) refuse(target, `it resolves into ${top}/`);
  return final;
}
