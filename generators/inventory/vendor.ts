import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** An output of esbuild's: `contents` are its bytes, `text` decodes them (on first use). */
export interface OutputFile {
  readonly contents: Uint8Array;
  readonly text: string;
}

/** The part of esbuild's API the inventory uses. */
export interface Esbuild {
  build(options: object): Promise<{ outputFiles?: OutputFile[]; metafile?: { inputs: Record<string, unknown> } }>;
  context(options: object): Promise<{ rebuild(): Promise<{ outputFiles?: OutputFile[] }>; dispose(): Promise<void> }>;
}

/** The packages a registry imports, loaded from one cached bundle. */
export interface Vendor {
  /** The bundle's `file:` URL, to import it by. */
  readonly url: string;
  /** For each package specifier: the export of the bundle holding its namespace, and that namespace's names. */
  readonly modules: ReadonlyMap<string, { readonly binding: string; readonly names: readonly string[] }>;
}

// The entry has no file of its own: `.mjs`, so a CommonJS package's namespace gets its
// `module.exports` as `default`, as Node gives it.
const VENDOR_ENTRY = 'golden-path-vendor.mjs';

type Inputs = readonly (readonly [string, number, number])[];

// Synchronous: some 600 stats, each a round trip through the thread pool when awaited.
function fresh(inputs: Inputs): boolean {
  return inputs.every(([file, size, mtime]) => {
    const now = statSync(file, { throwIfNoEntry: false });
    return now !== undefined && now.size === size && now.mtimeMs === mtime;
  });
}

async function atomicWrite(path: string, text: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.${Math.random().toString(16).slice(2)}.tmp`;
  await writeFile(temp, text);
  await rename(temp, path);
}

const cacheFolder = (toolRoot: string) => join(toolRoot, 'node_modules', '.cache', 'golden-path');
// Not `.json`: the bin's cache pruning reads those as bundle manifests.
const LAST_IMPORTS = 'vendor-last-imports';

function packagesFolder(toolRoot: string): string {
  try {
    return realpathSync(join(toolRoot, 'node_modules'));
  } catch {
    return toolRoot;
  }
}

/** What the project's files import from each package: names (`default` too) or its whole namespace. */
export type PackageImports = ReadonlyMap<string, ReadonlySet<string> | 'namespace'>;

/** One module exporting, as `v<n>`, an object of what the project imports from the n-th package. */
function vendorEntry(specifiers: readonly string[], imports: PackageImports): string {
  return specifiers
    .map((specifier, index) => {
      const wanted = imports.get(specifier) ?? 'namespace';
      const from = JSON.stringify(specifier);
      if (wanted === 'namespace') return `import * as n${index} from ${from};\nexport const v${index} = n${index};`;
      const names = [...wanted].sort().map((name, at) => [JSON.stringify(name), `i${index}_${at}`] as const);
      return [
        `import { ${names.map(([name, local]) => `${name} as ${local}`).join(', ')} } from ${from};`,
        `export const v${index} = { ${names.map(([name, local]) => `${name}: ${local}`).join(', ')} };`,
      ].join('\n');
    })
    .join('\n');
}

/**
 * One bundle of what the project's files import from packages (resolved from `toolRoot`: one copy
 * of each module, as one bundle of the whole registry would have), built once into
 * node_modules/.cache/golden-path. It is reused while the project imports the same names and
 * every file it was built from keeps its size and modification time, so a render only bundles
 * the project's own files: bundling the notes registry's packages was ~1.2 s of a ~1.5 s render.
 *
 * @example
 * const vendor = await vendorBundle(esbuild, toolRoot, new Map([['zod', new Set(['z'])]]));
 */
export async function vendorBundle(esbuild: Esbuild, toolRoot: string, imports: PackageImports): Promise<Vendor> {
  const sorted = [...imports.keys()].sort();
  const entry = vendorEntry(sorted, imports);
  // Keyed by the packages' real folder: copies of a project sharing one node_modules share the bundle.
  const key = createHash('sha256')
    .update(`${packagesFolder(toolRoot)}\0${process.version}\0${entry}`)
    .digest('hex')
    .slice(0, 16);
  const cache = cacheFolder(toolRoot);
  const bundle = join(cache, `vendor-${key}.mjs`);
  const manifest = join(cache, `vendor-${key}.json`);
  const cached = await readFile(manifest, 'utf8')
    .then((text) => JSON.parse(text) as Inputs)
    .catch(() => undefined);
  if (cached === undefined || !fresh(cached)) {
    const result = await esbuild.build({
      stdin: { contents: entry, resolveDir: toolRoot, loader: 'js', sourcefile: VENDOR_ENTRY },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      metafile: true,
      logLevel: 'silent',
      absWorkingDir: toolRoot,
      banner: { js: "import { createRequire as __gpRequire } from 'node:module'; const require = __gpRequire(import.meta.url);" },
    });
    const inputs: [string, number, number][] = [];
    for (const file of Object.keys(result.metafile?.inputs ?? {})) {
      if (file === VENDOR_ENTRY) continue;
      const absolute = join(toolRoot, file);
      const { size, mtimeMs } = await stat(absolute);
      inputs.push([absolute, size, mtimeMs]);
    }
    await mkdir(cache, { recursive: true });
    await atomicWrite(bundle, result.outputFiles?.[0]?.contents ?? new Uint8Array());
    await atomicWrite(manifest, JSON.stringify(inputs));
  }
  // The modification time in the URL: a bundle rebuilt under the same name is imported anew.
  const url = `${pathToFileURL(bundle).href}?t=${(await stat(bundle)).mtimeMs}`;
  const loaded = (await import(url)) as Record<string, Record<string, unknown>>;
  const modules = new Map(sorted.map((specifier, index) => [specifier, { binding: `v${index}`, names: Object.keys(loaded[`v${index}`] ?? {}) }]));
  return { url, modules };
}

/**
 * The module standing in for one package inside a project bundle: the package's names taken from
 * the vendor bundle's namespace (string export names, so any name a package exports can pass).
 */
export function vendorStub(vendor: Vendor, specifier: string): string {
  const module = vendor.modules.get(specifier);
  if (module === undefined) throw new Error(`${specifier} is not in the vendor bundle`);
  const locals = module.names.map((name, index) => [JSON.stringify(name), `e${index}`] as const);
  return [
    `import { ${module.binding} as ns } from ${JSON.stringify(vendor.url)};`,
    `const { ${locals.map(([name, local]) => `${name}: ${local}`).join(', ')} } = ns;`,
    `export { ${locals.map(([name, local]) => `${local} as ${name}`).join(', ')} };`,
  ].join('\n');
}

/** The imports the last render found, to try their vendor bundle before looking again; undefined if none. */
export async function lastImports(toolRoot: string): Promise<PackageImports | undefined> {
  try {
    const entries = JSON.parse(await readFile(join(cacheFolder(toolRoot), LAST_IMPORTS), 'utf8')) as [string, string[] | 'namespace'][];
    return new Map(entries.map(([specifier, names]) => [specifier, names === 'namespace' ? 'namespace' : new Set(names)]));
  } catch {
    return undefined;
  }
}

export async function rememberImports(toolRoot: string, imports: PackageImports): Promise<void> {
  const entries = [...imports].map(([specifier, names]) => [specifier, names === 'namespace' ? names : [...names]]);
  await mkdir(cacheFolder(toolRoot), { recursive: true });
  await atomicWrite(join(cacheFolder(toolRoot), LAST_IMPORTS), JSON.stringify(entries));
}
