import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { buildOptions, builtInputs } from './bundle.js';

// A published tool ships compiled code: the generators' bundle is committed, as a JavaScript
// GitHub Action keeps its dist/, so a fresh clone's first `generate` imports it instead of
// building it (295-550 ms). test/generators/committed-bundle.test.ts proves it up to date.

/** Where the committed bundles live: two levels below the root, as the sources in generators/cli/ are. */
export const COMMITTED_DIR = 'generators/dist';
const MANIFEST = `${COMMITTED_DIR}/manifest.json`;
/**
 * The entries shipped prebuilt. Only `generate`'s: its bundle is ~0.95 MB; `prompt`/`ai-context`
 * (generate-text-main.ts) would add ~1.8 MB to every rebuild's commit for commands run far less.
 */
export const COMMITTED_ENTRIES = ['generators/cli/generate-main.ts'];
// The recipe is an input too: a bundle built with other options is not the committed one.
const RECIPE = 'generators/bin/bundle.js';

/**
 * The committed bundle of `entry` (project-relative, `/`) if every input it was built from has
 * the content it had then, with the size and modification time of each file just verified (for
 * loadTypeScript's cache, so later runs only stat). Undefined when there is none or it is stale.
 *
 * @example
 * const committed = committedBundle(root, 'generators/cli/generate-main.ts');
 * if (committed !== undefined) await import(pathToFileURL(committed.bundle).href);
 */
export function committedBundle(root, entry) {
  let record;
  try {
    record = JSON.parse(readFileSync(join(root, MANIFEST), 'utf8')).bundles?.[entry];
  } catch {
    return undefined;
  }
  if (typeof record?.bundle !== 'string' || typeof record.inputs !== 'object' || record.inputs === null) return undefined;
  const bundle = join(root, record.bundle);
  const verified = [];
  for (const [file, digest] of Object.entries(record.inputs)) {
    const absolute = join(root, file);
    // Stat before reading: a file changed in between fails the stat comparison of the next run.
    const stat = statSync(absolute, { throwIfNoEntry: false });
    if (stat === undefined || sha256(readFileSync(absolute)) !== digest) return undefined;
    verified.push([absolute, stat.size, stat.mtimeMs]);
  }
  // Their content is not hashed (git checked it out with the manifest); a replaced bundle or
  // manifest still sends the next run back here.
  for (const absolute of [join(root, MANIFEST), bundle]) {
    const stat = statSync(absolute, { throwIfNoEntry: false });
    if (stat === undefined) return undefined;
    verified.push([absolute, stat.size, stat.mtimeMs]);
  }
  return { bundle, inputs: verified };
}

/**
 * What `npm run build:generators` writes: each committed entry's bundle and the manifest of the
 * inputs (project-relative paths, sha256 of the content), as project-relative path -> bytes.
 * Deterministic: the same sources and packages give the same bytes on any machine.
 *
 * @example
 * for (const [file, bytes] of await buildCommitted(root)) writeFileSync(join(root, file), bytes);
 */
export async function buildCommitted(root) {
  const esbuild = await import('esbuild');
  const files = new Map();
  const bundles = {};
  for (const entry of COMMITTED_ENTRIES) {
    const bundle = `${COMMITTED_DIR}/${basename(entry).replace(/\.ts$/, '.mjs')}`;
    const result = await esbuild.build(buildOptions({ entry: join(root, entry), root, outfile: join(root, bundle), service: false }));
    const inputs = [...builtInputs(result.metafile), RECIPE].sort();
    const outside = inputs.find((file) => file.startsWith('../') || file.startsWith('/'));
    // A linked node_modules (a project copy) resolves to files outside the root: the manifest
    // would name paths of this machine.
    if (outside !== undefined) throw new Error(`${entry} bundles ${outside}, outside the project: build in a checkout with its own node_modules`);
    files.set(bundle, result.outputFiles[0]?.contents ?? new Uint8Array());
    bundles[entry] = { bundle, inputs: Object.fromEntries(inputs.map((file) => [file, sha256(readFileSync(join(root, file)))])) };
  }
  const manifest = { about: 'Written by `npm run build:generators`; do not edit. See generators/README.md.', bundles };
  files.set(MANIFEST, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  return files;
}

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}
