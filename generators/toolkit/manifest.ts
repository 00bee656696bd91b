import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CLIError, EXIT_FAILURE } from '../cli/errors.js';
import { OPENAPI_FILE } from '../inventory/files.js';
import type { ChangeSet } from './change-set.js';

/** Committed with the project; `.golden-path/` otherwise holds only git-ignored local secrets. */
export const MANIFEST_PATH = '.golden-path/manifest.json';
export const MANIFEST_VERSION = 1;

const Entry = z.strictObject({
  generator: z.string(),
  name: z.string(),
  answers: z.record(z.string(), z.unknown()),
  /** Files the generator wrote whole, with the SHA-256 of what it wrote. */
  files: z.record(z.string(), z.string().regex(/^sha256-[0-9a-f]{64}$/)),
  /** Shared files it changed in place (the registry, a service module): no hash, others edit them too. */
  edits: z.array(z.string()),
});
const Manifest = z.strictObject({ version: z.literal(MANIFEST_VERSION), entries: z.array(Entry) });

export type ManifestEntry = z.infer<typeof Entry>;
export type Manifest = z.infer<typeof Manifest>;

/** The hash a manifest records for a file's content; a later tool compares it to tell hand edits apart. */
export function contentHash(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

function sortedObject<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Reads a manifest's text; a file that is not one is an error naming it, never silently replaced. */
export function parseManifest(text: string | null): Manifest {
  if (text === null) return { version: MANIFEST_VERSION, entries: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) {
    throw new CLIError(`${MANIFEST_PATH} is not a generation manifest (version ${MANIFEST_VERSION}); fix or remove it`, {
      exitCode: EXIT_FAILURE,
      code: 'ERR_MANIFEST_INVALID',
    });
  }
  return parsed.data;
}

/**
 * Plans the manifest update for one generator run, in the same change set as the code: one entry
 * per generator and name, replaced on a re-run. No timestamps and sorted keys, so the same answers
 * give the same bytes and a re-run changes nothing.
 *
 * @example
 * await planManifest(plan, 'endpoint', answers);
 */
export async function planManifest(plan: ChangeSet, generator: string, answers: Readonly<Record<string, unknown>>): Promise<void> {
  const manifest = parseManifest(await plan.read(MANIFEST_PATH));
  const name = String(answers['name'] ?? '');
  const files: Record<string, string> = {};
  for (const path of plan.generated()) {
    const text = await plan.read(path);
    if (text !== null) files[path] = contentHash(text);
  }
  const owned = new Set(Object.keys(files));
  // openapi.json is derived from the whole registry and rewritten by whichever run changes the
  // API, so it belongs to no single entry; listing it would make a re-run rewrite the manifest.
  const edits = plan
    .list()
    .map((change) => change.path)
    .filter((path) => !owned.has(path) && path !== MANIFEST_PATH && path !== OPENAPI_FILE)
    .sort();
  const entry: ManifestEntry = { generator, name, answers: sortedObject(answers), files: sortedObject(files), edits };
  const others = manifest.entries.filter((e) => !(e.generator === generator && e.name === name));
  const entries = [...others, entry].sort((a, b) => `${a.generator}\u0000${a.name}`.localeCompare(`${b.generator}\u0000${b.name}`, 'en'));
  await plan.ensure(MANIFEST_PATH, '');
  await plan.edit(MANIFEST_PATH, () => `${JSON.stringify({ version: MANIFEST_VERSION, entries }, null, 2)}\n`);
}
