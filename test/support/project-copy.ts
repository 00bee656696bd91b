import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT = fileURLToPath(new URL('../..', import.meta.url));

/** The project-owned files generator tests start from, in place of the user's own. */
export const FIXTURE = join(PROJECT, 'test', 'fixtures', 'project');

/** Top-level entries that are machine state, not the project: never copied or compared. */
export const NOT_PROJECT = new Set(['node_modules', '.git', '.data', '.golden-path', 'coverage', 'dist']);

// What generators write or edit, and what users then own: taken from the fixture, never from the
// working tree, so code a user generated cannot change what the project's own tests see.
const USER_OWNED = ['src/routes.ts', 'src/endpoints', 'src/services', 'src/clients', 'src/migrations', 'openapi.json'];
// The shared security tests of the shipped example endpoints (golden-path.config.json
// "securityTests"), so a copy passes `check` as the project does, and the inventory test
// (documented == reachable), which guards whatever the registry holds.
const KEPT_UNDER_TEST = ['test/support', 'test/notes.test.ts', 'test/app.test.ts', 'test/inventory.test.ts'];

function fromWorkingTree(source: string): boolean {
  const rel = relative(PROJECT, source).split(/[\\/]/).join('/');
  if (NOT_PROJECT.has(rel.split('/')[0] ?? '')) return false;
  if (USER_OWNED.some((owned) => rel === owned || rel.startsWith(`${owned}/`))) return false;
  if (rel === 'test' || KEPT_UNDER_TEST.some((kept) => kept.startsWith(`${rel}/`))) return true;
  if (rel.startsWith('test/')) return KEPT_UNDER_TEST.some((kept) => rel === kept || rel.startsWith(`${kept}/`));
  return true;
}

/**
 * A fixture project in a temp folder: the tool and runtime from the working tree, the
 * generator-owned files (registry, endpoints, services, migrations, openapi.json) from `test/fixtures/project`,
 * and node_modules linked rather than copied.
 */
export async function copyProject(prefix = 'golden-path-copy-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await cp(PROJECT, dir, { recursive: true, filter: fromWorkingTree });
  await cp(join(FIXTURE, 'src'), join(dir, 'src'), { recursive: true });
  await cp(join(FIXTURE, 'openapi.json'), join(dir, 'openapi.json'));
  await symlink(join(PROJECT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export async function removeProject(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}
