import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildOptions, builtInputs } from './bundle.js';

/**
 * Loads a TypeScript entry fast: its sources and dependencies are bundled once with esbuild
 * into node_modules/.cache, and reused while every source file keeps its size and
 * modification time. Without esbuild, or if the cache cannot be written, tsx compiles on the fly.
 * A fresh checkout has no cache: entries shipped prebuilt in generators/dist/ are imported from
 * there while their inputs are unchanged (see committed.js), instead of being built.
 *
 * With `{ service: true }` (the service's own code, for `npm start`) only the project's files are
 * bundled: packages stay in node_modules, loaded as they would be by the compiled service, and
 * every bundled module keeps its own `import.meta.url` (the service finds its root and its
 * migrations from it).
 *
 * @example
 * const { generate } = await loadTypeScript(new URL('../cli/generate.ts', import.meta.url));
 */
export async function loadTypeScript(entryUrl, options = {}) {
  const entry = fileURLToPath(entryUrl);
  const root = fileURLToPath(new URL('../..', import.meta.url));
  // The running Node is in the key of what this machine builds (the cache outlives an upgrade of
  // Node). The committed bundle needs no such key: esbuild's target node20 only lowers syntax
  // that every Node from 20 on runs, and what depends on the running Node (oxc-parser's native
  // binding, esbuild, tsx) stays outside the bundle, resolved when it runs.
  const key = createHash('sha256').update(`${entry}\0${process.version}`).digest('hex').slice(0, 16);
  const cache = join(root, 'node_modules', '.cache', 'golden-path');
  const bundle = join(cache, `${key}.mjs`);
  const manifest = join(cache, `${key}.json`);
  try {
    const record = JSON.parse(readFileSync(manifest, 'utf8'));
    if (record.inputs.every(([file, size, mtime]) => fresh(file, size, mtime))) return await import(pathToFileURL(record.bundle).href);
  } catch {
    // No usable cache yet: the committed bundle, or a build below.
  }
  if (!options.service) {
    const loaded = await loadCommitted(root, relative(root, entry).split(sep).join('/'), cache, manifest);
    if (loaded !== undefined) return loaded;
  }
  try {
    // esbuild builds in its own process while this thread waits: load the native parser the
    // generators' bundle imports first meanwhile. Interleaved, 6 first runs: importing the new
    // bundle took 147 -> 128 ms (median).
    const preloading = options.service ? undefined : import('oxc-parser').catch(() => undefined);
    const esbuild = await import('esbuild');
    const result = await esbuild.build(buildOptions({ entry, root, outfile: bundle, service: options.service === true }));
    // The bytes as esbuild sent them: `.text` would decode them only for the write to encode them
    // again (timed alone: 40-84 ms -> 5-14 ms for the generators' bundle, off every first run).
    const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
    const inputs = builtInputs(result.metafile).map((file) => {
      const absolute = join(root, file);
      const stat = statSync(absolute);
      return [absolute, stat.size, stat.mtimeMs];
    });
    mkdirSync(cache, { recursive: true });
    pruneCache(cache);
    atomicWrite(bundle, bytes);
    atomicWrite(manifest, JSON.stringify({ project: root, bundle, inputs }));
    await preloading;
    return await import(pathToFileURL(bundle).href);
  } catch {
    const { register } = await import('tsx/esm/api');
    register();
    return import(entryUrl.href);
  }
}

/**
 * The committed bundle, when every input still has the content it was built from: reading and
 * hashing them is a few ms of a first run, where building is 295-550 ms. Its stat record then goes
 * into the cache, so later runs only stat, as for a bundle built here. Stale or missing (an
 * edited generator, other package versions): undefined, and the caller builds as before.
 */
async function loadCommitted(root, entry, cache, manifest) {
  let committed;
  try {
    const { committedBundle } = await import('./committed.js');
    committed = committedBundle(root, entry);
  } catch {
    return undefined;
  }
  if (committed === undefined) return undefined;
  let loaded;
  try {
    loaded = await import(pathToFileURL(committed.bundle).href);
  } catch {
    // Its inputs match but it does not load (damaged in the checkout): build as if it were absent.
    return undefined;
  }
  try {
    mkdirSync(cache, { recursive: true });
    pruneCache(cache);
    atomicWrite(manifest, JSON.stringify({ project: root, ...committed }));
  } catch {
    // A read-only node_modules: the next run verifies the committed bundle again.
  }
  return loaded;
}

// This file's cache records: `<key>.json` (vendor-*.json belongs to inventory/vendor.ts).
const RECORD = /^[0-9a-f]{16}\.json$/;

/** Drops bundles whose project is gone (temporary copies made by tests and benchmarks). */
function pruneCache(cache) {
  for (const name of readdirSync(cache)) {
    if (!RECORD.test(name)) continue;
    try {
      const { project } = JSON.parse(readFileSync(join(cache, name), 'utf8'));
      if (typeof project === 'string' && statSync(project, { throwIfNoEntry: false }) !== undefined) continue;
    } catch {
      // Unreadable record: prune it as well.
    }
    rmSync(join(cache, name), { force: true });
    rmSync(join(cache, name.replace(/\.json$/, '.mjs')), { force: true });
  }
}

function fresh(file, size, mtime) {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat !== undefined && stat.size === size && stat.mtimeMs === mtime;
}

function atomicWrite(path, text) {
  const temp = join(dirname(path), `.${process.pid}.${Math.random().toString(16).slice(2)}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, path);
}
