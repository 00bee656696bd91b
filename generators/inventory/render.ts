import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseSync } from 'oxc-parser';
import { REGISTRY_FILE } from './files.js';
import { lastImports, rememberImports, vendorBundle, vendorStub, type Esbuild, type PackageImports, type Vendor } from './vendor.js';

export interface RenderOptions {
  /** The folder holding this tool's `generators/` and `node_modules/`. */
  readonly toolRoot: string;
  /** The project whose registry is rendered. */
  readonly root: string;
  readonly registryFile?: string;
}

export class InventoryError extends Error {
  readonly code = 'ERR_INVENTORY';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InventoryError';
  }
}

const firstLine = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';

interface BuildMessage {
  readonly text: string;
  readonly location?: { readonly file: string; readonly line: number } | null;
}

/** esbuild's first error with its place (`src/endpoints/x.ts:3: Expected ";"`), not its "Build failed" header. */
function buildError(err: unknown): string {
  const [first] = (err as { errors?: readonly BuildMessage[] } | undefined)?.errors ?? [];
  if (first === undefined) return firstLine(err);
  return first.location == null ? first.text : `${first.location.file}:${first.location.line}: ${first.text}`;
}

/**
 * The render module's source: the renderer and the registry in one module graph, so the document
 * is rendered with the zod the endpoints' schemas were built with. The registry is imported
 * dynamically (esbuild still bundles it) so that an error thrown while its modules load rejects
 * `render()` rather than the import of the bundle.
 */
function renderEntry(options: RenderOptions, registryFile: string): string {
  const tool = (file: string) => JSON.stringify(join(options.toolRoot, 'generators', 'inventory', file));
  return [
    `import { buildOpenApi, openApiText } from ${tool('openapi.ts')};`,
    `import { projectInfo } from ${tool('info.ts')};`,
    'export async function render() {',
    `  const { endpoints } = await import(${JSON.stringify(join(options.root, registryFile))});`,
    `  return openApiText(buildOpenApi(endpoints, await projectInfo(${JSON.stringify(options.root)})));`,
    '}',
  ].join('\n');
}

/** What a bundle imports from each package it leaves external, read from its import statements. */
function packageImports(code: string, packages: ReadonlySet<string>): PackageImports {
  const imports = new Map<string, Set<string> | 'namespace'>();
  const add = (specifier: string, name: string | 'namespace') => {
    if (!packages.has(specifier)) return;
    const known = imports.get(specifier);
    if (name === 'namespace' || known === 'namespace') imports.set(specifier, 'namespace');
    else imports.set(specifier, (known ?? new Set<string>()).add(name));
  };
  const { module } = parseSync('render-inventory.mjs', code, { sourceType: 'module' });
  for (const { moduleRequest, entries } of module.staticImports) {
    for (const { importName } of entries) {
      if (importName.kind === 'Default') add(moduleRequest.value, 'default');
      else add(moduleRequest.value, importName.kind === 'Name' ? (importName.name ?? 'namespace') : 'namespace');
    }
    if (entries.length === 0) imports.set(moduleRequest.value, imports.get(moduleRequest.value) ?? new Set());
  }
  for (const { entries } of module.staticExports) for (const { moduleRequest } of entries) if (moduleRequest !== null) add(moduleRequest.value, 'namespace');
  for (const { moduleRequest } of module.dynamicImports) {
    const literal = /^(['"])(.*)\1$/.exec(code.slice(moduleRequest.start, moduleRequest.end));
    if (literal?.[2] !== undefined) add(literal[2], 'namespace');
  }
  // A package whose names esbuild dropped (only types were used) still gets its module run, as Node would.
  for (const specifier of packages) if (!imports.has(specifier)) imports.set(specifier, new Set());
  return imports;
}

/**
 * Bundles the project's own files; every package import is left to the vendor bundle. The
 * vendor bundle of the last render's imports is tried first; when the project imports a package
 * or a name it lacks, a scan pass finds the imports, and a link pass (from esbuild's cache of
 * the parsed files) links them to a vendor bundle made for them. Trying the last imports first
 * saves the scan pass: a warm `generate resource`, interleaved (7 runs), 1714 -> 1573 ms median.
 */
async function bundleProject(esbuild: Esbuild, options: RenderOptions, registryFile: string): Promise<Uint8Array> {
  const packages = new Set<string>();
  let vendor: Vendor | undefined;
  let missing = false;
  const vendorPlugin = {
    name: 'golden-path-vendor',
    setup(build: {
      onResolve(o: { filter: RegExp }, f: (args: { path: string; namespace: string }) => object | undefined): void;
      onLoad(o: { filter: RegExp; namespace: string }, f: (args: { path: string }) => object): void;
    }) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.namespace === 'vendor' || isBuiltin(args.path) || isAbsolute(args.path)) return { path: args.path, external: true };
        if (vendor === undefined) packages.add(args.path);
        else if (vendor.modules.has(args.path)) return { path: args.path, namespace: 'vendor' };
        else missing = true;
        return { path: args.path, external: true };
      });
      build.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({ contents: vendorStub(vendor as Vendor, args.path), loader: 'js' }));
    },
  };
  const context = await esbuild.context({
    stdin: { contents: renderEntry(options, registryFile), resolveDir: options.root, loader: 'ts', sourcefile: 'render-inventory.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    plugins: [vendorPlugin],
  });
  async function link(imports: PackageImports): Promise<Uint8Array | undefined> {
    vendor = await vendorBundle(esbuild, options.toolRoot, imports);
    missing = false;
    const bytes = (await context.rebuild()).outputFiles?.[0]?.contents ?? new Uint8Array();
    return missing ? undefined : bytes;
  }
  try {
    const last = await lastImports(options.toolRoot);
    // Any failure here (a name the bundle lacks, a package since removed, the user's own syntax
    // error) is met again, and reported, by the passes below.
    const linked = last === undefined ? undefined : await link(last).catch(() => undefined);
    if (linked !== undefined) return linked;
    vendor = undefined;
    const imports = packageImports((await context.rebuild()).outputFiles?.[0]?.text ?? '', packages);
    await rememberImports(options.toolRoot, imports);
    return (await link(imports)) ?? new Uint8Array();
  } finally {
    await context.dispose();
  }
}

async function loadEsbuild(toolRoot: string): Promise<Esbuild | undefined> {
  try {
    const require = createRequire(join(toolRoot, 'package.json'));
    return (await import(pathToFileURL(require.resolve('esbuild')).href)) as Esbuild;
  } catch {
    return undefined;
  }
}

/**
 * Renders `openapi.json` for a project in this process. The project's files (registry, endpoints,
 * the blessed modules, the renderer) are bundled fresh from disk with esbuild on every call, so no
 * module this process imported earlier is reused; packages come from a vendor bundle cached
 * in node_modules/.cache/golden-path (see vendor.ts). Without esbuild, tsx compiles on the fly.
 * Interleaved against the child process this replaces (5 runs each, shared 2-core machine):
 * `generate resource` with 8 fields, warm, 2459 -> 1658 ms median (plain plop: 714 ms).
 *
 * @example
 * const text = await renderInventory({ toolRoot, root: process.cwd() });
 */
export async function renderInventory(options: RenderOptions): Promise<string> {
  const registryFile = options.registryFile ?? REGISTRY_FILE;
  const esbuild = await loadEsbuild(options.toolRoot);
  if (esbuild === undefined) return renderWithTsx(options, registryFile);
  let code: Uint8Array;
  try {
    code = await bundleProject(esbuild, options, registryFile);
  } catch (err) {
    throw new InventoryError(`cannot bundle the registry ${registryFile}: ${buildError(err)}`, { cause: err });
  }
  // Beside the vendor bundle, under node_modules: test runners import it as they would a package.
  const cache = join(options.toolRoot, 'node_modules', '.cache', 'golden-path');
  const file = join(cache, `render-${process.pid}-${Math.random().toString(16).slice(2)}.mjs`);
  await mkdir(cache, { recursive: true });
  await writeFile(file, code);
  try {
    const { render } = (await import(pathToFileURL(file).href)) as { render: () => Promise<string> };
    return await render();
  } catch (err) {
    throw new InventoryError(`cannot load the registry ${registryFile}: ${firstLine(err)}`, { cause: err });
  } finally {
    await rm(file, { force: true });
  }
}

async function renderWithTsx(options: RenderOptions, registryFile: string): Promise<string> {
  const require = createRequire(join(options.toolRoot, 'package.json'));
  const { tsImport } = (await import(pathToFileURL(require.resolve('tsx/esm/api')).href)) as typeof import('tsx/esm/api');
  try {
    const load = (await tsImport(join(options.toolRoot, 'generators', 'inventory', 'load.ts'), import.meta.url)) as typeof import('./load.js');
    return await load.renderOpenApi(options.root, registryFile);
  } catch (err) {
    throw new InventoryError(`cannot load the registry ${registryFile}: ${firstLine(err)}`, { cause: err });
  }
}
