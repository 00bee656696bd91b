import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT = fileURLToPath(new URL('../..', import.meta.url));

/** Top-level entries that are machine state, not the project: never copied or compared. */
export const NOT_PROJECT = new Set(['node_modules', '.git', '.data', '.golden-path', 'coverage', 'dist']);

/** A copy of the working tree in a temp folder, with node_modules linked rather than copied. */
export async function copyProject(prefix = 'golden-path-copy-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(PROJECT, dir, {
    recursive: true,
    filter: (source) => !NOT_PROJECT.has(relative(PROJECT, source).split(/[\\/]/)[0] ?? ''),
  });
  await symlink(join(PROJECT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export async function removeProject(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
