import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLIError, EXIT_FAILURE } from '../cli/errors.js';
import { renderInventory } from '../inventory/render.js';
import { OPENAPI_FILE, REGISTRY_FILE } from '../inventory/files.js';
import type { ChangeSet, PlannedChange } from './change-set.js';
import { inventoryFromTemplates, touchesApi } from './planned-inventory.js';

/** Renders the `openapi.json` text of the project at `root` by loading its registry for real. */
export type InventoryRenderer = (root: string) => Promise<string>;

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

/** The slow, general path: every endpoint of the planned tree loaded from an overlay. */
async function renderPlannedTree(plan: ChangeSet, render: InventoryRenderer): Promise<string> {
  const dir = await overlay(plan.root, plan.list());
  try {
    return await render(dir);
  } catch (err) {
    throw new CLIError(`${OPENAPI_FILE}: ${err instanceof Error ? err.message : String(err)}; nothing was written`, {
      exitCode: EXIT_FAILURE,
      code: 'ERR_INVENTORY',
      cause: err,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Plans `openapi.json` as the registry will produce it after this change set, so the code and
 * its inventory land in one commit. A plan that only adds freshly rendered endpoints takes their
 * operations from the schemas the generator declared (see planned-inventory.ts: ~1.5 s of a
 * 2.1 s `generate endpoint` was this render; interleaved against a plain plop generator it took
 * `generate endpoint` from 2.85x to 1.05x warm and 7.95x to 2.83x cold, 5 runs each on a shared
 * 2-core machine); anything else loads the planned tree's endpoints
 * for real, from an overlay, with `render` (by default in this process, see inventory/render.ts).
 *
 * @example
 * await refreshInventory(plan, (root) => renderInventory({ toolRoot, root }));
 */
export async function refreshInventory(plan: ChangeSet, render: InventoryRenderer): Promise<void> {
  if (!plan.list().some(touchesApi) || (await plan.read(REGISTRY_FILE)) === null) return;
  const text = (await inventoryFromTemplates(plan)) ?? (await renderPlannedTree(plan, render));
  if ((await plan.read(OPENAPI_FILE)) === null) await plan.create(OPENAPI_FILE, text);
  else await plan.edit(OPENAPI_FILE, () => text);
}

/** The default renderer: the registry bundled and rendered in this process (see inventory/render.ts). */
export function inProcessRenderer(toolRoot: string): InventoryRenderer {
  return (root) => renderInventory({ toolRoot, root });
}
