import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLIError, EXIT_FAILURE } from '../cli/errors.js';
import { renderInChild } from '../inventory/child.js';
import { OPENAPI_FILE, REGISTRY_FILE } from '../inventory/load.js';
import type { ChangeSet, PlannedChange } from './change-set.js';

/** Source changes that can change the API: the registry, an endpoint, a schema it imports. */
function touchesApi(change: PlannedChange): boolean {
  return change.kind !== 'unchanged' && change.path.startsWith('src/') && /\.[cm]?ts$/.test(change.path);
}

/**
 * The project as the plan will leave it, without touching it: a temp folder whose unchanged
 * entries are symlinks into the project (so modules resolve to the same real files) and whose
 * planned files are written out.
 */
async function overlay(root: string, changes: readonly PlannedChange[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'golden-path-plan-'));
  const planned = new Set(changes.map((c) => c.path));
  async function mirror(rel: string): Promise<void> {
    for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (planned.has(path)) continue;
      const holdsPlanned = entry.isDirectory() && [...planned].some((p) => p.startsWith(`${path}/`));
      if (holdsPlanned) {
        await mkdir(join(dir, path));
        await mirror(path);
      } else {
        await symlink(join(root, path), join(dir, path));
      }
    }
  }
  await mirror('');
  for (const change of changes) {
    await mkdir(dirname(join(dir, change.path)), { recursive: true });
    await writeFile(join(dir, change.path), change.after);
  }
  return dir;
}

/**
 * Plans `openapi.json` as the registry will produce it after this change set, so the code and
 * its inventory land in one commit. The planned endpoints' zod schemas are loaded for real, from
 * an overlay of the planned tree, in a child process.
 *
 * @example
 * await refreshInventory(plan, toolRoot);
 */
export async function refreshInventory(plan: ChangeSet, toolRoot: string): Promise<void> {
  const changes = plan.list();
  if (!changes.some(touchesApi) || (await plan.read(REGISTRY_FILE)) === null) return;
  const dir = await overlay(plan.root, changes);
  let text: string;
  try {
    text = await renderInChild({ toolRoot, root: dir });
  } catch (err) {
    throw new CLIError(`${OPENAPI_FILE}: ${err instanceof Error ? err.message : String(err)}; nothing was written`, {
      exitCode: EXIT_FAILURE,
      code: 'ERR_INVENTORY',
      cause: err,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if ((await plan.read(OPENAPI_FILE)) === null) await plan.create(OPENAPI_FILE, text);
  else await plan.edit(OPENAPI_FILE, () => text);
}
