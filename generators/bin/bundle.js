import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * How the bins' TypeScript entries are bundled with esbuild: shared by loadTypeScript (bundles
 * built on first use into node_modules/.cache) and `npm run build:generators` (the committed
 * bundle in generators/dist/), so both come out of one recipe.
 *
 * @example
 * const result = await esbuild.build(buildOptions({ entry, root, outfile, service: false }));
 */
export function buildOptions({ entry, root, outfile, service }) {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dependencies are bundled too (one module graph to load instead of hundreds of files);
    // oxc-parser stays outside: it loads a native binding for this platform. So does inquirer,
    // loaded on first use (see lazyInquirer).
    ...(service
      ? { packages: 'external', plugins: [ownUrls] }
      : { external: ['oxc-parser', 'esbuild', 'tsx', 'inquirer'], plugins: [lazyInquirer, englishZod] }),
    banner: { js: "import { createRequire as __gpCreateRequire } from 'node:module'; const require = __gpCreateRequire(import.meta.url);" },
    write: false,
    metafile: true,
    outfile,
    logLevel: 'silent',
    // Every path esbuild writes (the metafile, the `// file` comments in the bundle) is relative
    // to this, so a bundle built in one checkout is byte for byte the one built in another.
    absWorkingDir: root,
  };
}

/** The files a build read, relative to the root with `/`: modules made up by a plugin have no file. */
export function builtInputs(metafile) {
  return Object.keys(metafile.inputs).filter((file) => !file.startsWith(`${LAZY_INQUIRER_NAMESPACE}:`));
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
const LAZY_INQUIRER_NAMESPACE = 'lazy-inquirer';

const lazyInquirer = {
  name: 'lazy-inquirer',
  setup(build) {
    build.onResolve({ filter: /^inquirer$/ }, (args) =>
      /[\\/]node-plop[\\/]/.test(args.importer) ? { path: 'inquirer', namespace: LAZY_INQUIRER_NAMESPACE } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: LAZY_INQUIRER_NAMESPACE }, () => ({ contents: LAZY_INQUIRER, loader: 'js' }));
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
