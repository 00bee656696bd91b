import { OPENAPI_FILE, REGISTRY_FILE } from '../inventory/files.js';
import { projectInfo } from '../inventory/info.js';
import { addOperations, readOperations } from '../inventory/merge.js';
import type { DocumentedEndpoint } from '../inventory/openapi.js';
import type { ChangeSet, PlannedChange } from './change-set.js';
import { contentHash, MANIFEST_PATH, parseManifest } from './manifest.js';
import { knownRoutes } from './routes.js';

/** Source changes that can change the API: the registry, an endpoint, a schema it imports. */
export function touchesApi(change: PlannedChange): boolean {
  return change.kind !== 'unchanged' && change.path.startsWith('src/') && /\.[cm]?ts$/.test(change.path);
}

const IMPORT_LINE = /^import \{ (\w+) \} from '\.\/(endpoints\/[\w-]+)\.js';$/;
const ENTRY_LINE = /^\s+(\w+),$/;

/**
 * True when the registry edit only adds one import and one array entry per documented file, in
 * the generator's one-per-line shape, and keeps every other line as it was.
 */
function onlyRegisters(change: PlannedChange, documented: ReadonlyMap<string, unknown>): boolean {
  const before = (change.before ?? '').split('\n');
  const after = change.after.split('\n');
  const imported = new Set<string>();
  const added: string[] = [];
  let next = 0;
  for (const line of after) {
    if (next < before.length && line === before[next]) next += 1;
    else added.push(line);
  }
  if (next !== before.length) return false;
  for (const line of added) {
    const match = IMPORT_LINE.exec(line);
    if (match === null || !documented.has(`src/${match[2] ?? ''}.ts`)) continue;
    imported.add(match[1] ?? '');
  }
  const entries = added.filter((line) => !IMPORT_LINE.test(line)).map((line) => ENTRY_LINE.exec(line)?.[1]);
  return imported.size === documented.size && added.length === 2 * imported.size && entries.every((id) => id !== undefined && imported.has(id));
}

/** Every file an earlier run generated and recorded in the manifest is still as it was written. */
async function generatedFilesIntact(plan: ChangeSet): Promise<boolean> {
  const manifest = parseManifest(await plan.read(MANIFEST_PATH));
  for (const entry of manifest.entries) {
    for (const [path, hash] of Object.entries(entry.files)) {
      if (!path.startsWith('src/')) continue;
      const text = await plan.read(path);
      if (text !== null && contentHash(text) !== hash) return false;
    }
  }
  return true;
}

/** The operations the document lists are exactly the routes the endpoint files define (method and path). */
async function documentsEveryRoute(plan: ChangeSet, text: string): Promise<boolean> {
  const operations = readOperations(text);
  if (operations === undefined) return false;
  const documented = operations.map((entry) => `${entry.method} ${entry.path}`).sort();
  const defined = (await knownRoutes(plan.root)).map((route) => `${route.method} ${route.path}`).sort();
  return documented.join('\n') === defined.join('\n');
}

/**
 * `openapi.json` for a plan that only adds freshly rendered endpoints, without loading any code:
 * their operations come from the schemas their generator declared (`plan.document`, proven equal
 * to loading the rendered file by a test per template variant), the other operations are kept.
 * Undefined, so the caller loads the planned tree for real, unless all of this holds:
 * - every source change is a documented new file, or the registry edit that registers them;
 * - the current openapi.json is exactly what this renderer writes, and documents exactly the
 *   routes of src/endpoints/ (an endpoint added, moved or removed by hand is caught here);
 * - no file an earlier generator run wrote has been edited since (its manifest hash matches).
 * An operation written by hand and edited without refreshing the document stays as it was;
 * `golden-path check` reports that drift (openapi-drift), as it did before this run.
 *
 * @example
 * const text = (await inventoryFromTemplates(plan)) ?? (await renderPlannedTree(plan));
 */
export async function inventoryFromTemplates(plan: ChangeSet): Promise<string | undefined> {
  const documented = plan.documented();
  if (documented.size === 0) return undefined;
  const endpoints: DocumentedEndpoint[] = [];
  let registered = false;
  for (const change of plan.list().filter(touchesApi)) {
    const declared = documented.get(change.path);
    if (declared !== undefined && change.kind === 'create') endpoints.push(...declared);
    else if (change.path === REGISTRY_FILE && onlyRegisters(change, documented)) registered = true;
    else return undefined;
  }
  if (!registered) return undefined;
  const current = await plan.read(OPENAPI_FILE);
  if (current === null || !(await documentsEveryRoute(plan, current)) || !(await generatedFilesIntact(plan))) return undefined;
  return addOperations(current, endpoints, await projectInfo(plan.root));
}
