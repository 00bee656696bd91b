import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Loads a TypeScript entry fast: its sources and dependencies are bundled once with esbuild
 * into node_modules/.cache, and reused while every source file keeps its size and
 * modification time. Without esbuild, or if the cache cannot be written, tsx compiles on the fly.
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
  const key = createHash('sha256').update(`${entry}\0${process.version}`).digest('hex').slice(0, 16);
  const cache = join(root, 'node_modules', '.cache', 'golden-path');
  const bundle = join(cache, `${key}.mjs`);
  const manifest = join(cache, `${key}.json`);
  try {
    const inputs = JSON.parse(readFileSync(manifest, 'utf8'));
    if (inputs.every(([file, size, mtime]) => fresh(file, size, mtime))) return await import(pathToFileURL(bundle).href);
  } catch {
    // No usable cache yet: build it below.
  }
  try {
    // esbuild builds in its own process while this thread waits: load the native parser the
    // generators' bundle imports first meanwhile. Interleaved, 6 first runs: importing the new
    // bundle took 147 -> 128 ms (median).
    const preloading = options.service ? undefined : import('oxc-parser').catch(() => undefined);
    const esbuild = await import('esbuild');
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Dependencies are bundled too (one module graph to load instead of hundreds of files);
      // oxc-parser stays outside: it loads a native binding for this platform. So does inquirer,
      // loaded on first use (see lazyInquirer).
      ...(options.service
        ? { packages: 'external', plugins: [ownUrls] }
        : { external: ['oxc-parser', 'esbuild', 'tsx', 'inquirer'], plugins: [lazyInquirer, englishZod] }),
      banner: { js: "import { createRequire as __gpCreateRequire } from 'node:module'; const require = __gpCreateRequire(import.meta.url);" },
      write: false,
      metafile: true,
      outfile: bundle,
      logLevel: 'silent',
      absWorkingDir: root,
    });
    // The bytes as esbuild sent them: `.text` would decode them only for the write to encode them
    // again (timed alone: 40-84 ms -> 5-14 ms for the generators' bundle, off every first run).
    const bytes = result.outputFiles[0]?.contents ?? new Uint8Array();
    // Modules made up by a plugin (`lazy-inquirer:inquirer`) have no file to watch.
    const inputs = Object.keys(result.metafile.inputs)
      .filter((file) => !file.startsWith('lazy-inquirer:'))
      .map((file) => {
        const absolute = join(root, file);
        const stat = statSync(absolute);
        return [absolute, stat.size, stat.mtimeMs];
      });
    mkdirSync(cache, { recursive: true });
    pruneCache(cache);
    atomicWrite(bundle, bytes);
    atomicWrite(manifest, JSON.stringify(inputs));
    await preloading;
    return await import(pathToFileURL(bundle).href);
  } catch {
    const { register } = await import('tsx/esm/api');
    register();
    return import(entryUrl.href);
  }
}

// node-plop imports inquirer only to hand it out, and prompts are asked on a terminal only;
// with rxjs and the rest inquirer is a third of the bundle: ~0.6 s of a first run's build and
// ~0.1 s of every run's load. node-plop gets this stand-in, which loads it on the first call.
// With the prompt/ai-context entry split (generate-main.ts), interleaved against a plain plop
// generator: `generate endpoint` 1.05x -> 0.61x warm, 2.83x -> 2.15x cold.
const LAZY_INQUIRER = `let inquirer;
const load = () => (inquirer ??= require('inquirer').default);
export default new Proxy({}, { get: (_, key) => (...args) => load()[key](...args) });
`;

const lazyInquirer = {
  name: 'lazy-inquirer',
  setup(build) {
    build.onResolve({ filter: /^inquirer$/ }, (args) =>
      /[\\/]node-plop[\\/]/.test(args.importer) ? { path: 'inquirer', namespace: 'lazy-inquirer' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-inquirer' }, () => ({ contents: LAZY_INQUIRER, loader: 'js' }));
  },
};

// zod's namespace export keeps every locale in the bundle (`z.locales.*`, 360 kB, a quarter of
// it); the tool only ever speaks English, the locale zod configures by default. Only English is
// kept: 1.3 MB -> 0.94 MB, `generate endpoint` cold 2.15x -> 1.53x a plain plop generator.
const englishZod = {
  name: 'english-zod',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({ contents: "export { default as en } from './en.js';", loader: 'js' }));
  },
};

// A bundled module would see the bundle's URL as its own; each keeps the URL of its source file:
// `import.meta.url` is defined as an identifier (an expression, never text inside a string) that
// each project module declares for itself, on its first line so line numbers stay.
const OWN_URL = '__gpOwnUrl';
const ownUrls = {
  name: 'own-urls',
  setup(build) {
    build.initialOptions.define = { ...build.initialOptions.define, 'import.meta.url': OWN_URL };
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (/[\\/]node_modules[\\/]/.test(args.path)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return { contents: `const ${OWN_URL} = ${JSON.stringify(pathToFileURL(args.path).href)}; ${source}`, loader: 'ts' };
    });
  },
};

/** Drops bundles whose project is gone (temporary copies made by tests and benchmarks). */
function pruneCache(cache) {
  for (const name of readdirSync(cache)) {
    if (!name.endsWith('.json')) continue;
    try {
      const [[entry] = []] = JSON.parse(readFileSync(join(cache, name), 'utf8'));
      if (typeof entry === 'string' && statSync(entry, { throwIfNoEntry: false }) !== undefined) continue;
    } catch {
      // Unreadable manifest: prune it as well.
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
