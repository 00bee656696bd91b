import { spawnSync } from 'node:child_process';
import { access, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyProject } from '../test/support/project-copy.js';
import { interleave, ratio, ROOT, spread, table, timedProcess, type BenchContext, type Section, type Stats } from './_runner.js';

// The baseline: a plain plop generator adding two files from two templates.
const PLOPFILE = `export default function (plop) {
  plop.setGenerator('pair', {
    description: 'two files from two templates',
    prompts: [{ type: 'input', name: 'name', message: 'name' }],
    actions: [
      { type: 'add', path: 'src/{{kebabCase name}}.ts', templateFile: 'templates/module.hbs' },
      { type: 'add', path: 'test/{{kebabCase name}}.test.ts', templateFile: 'templates/test.hbs' },
    ],
  });
}
`;
const PLOP_BIN = join(ROOT, 'node_modules', 'plop', 'bin', 'plop.js');
const CACHE = join(ROOT, 'node_modules', '.cache', 'golden-path');
// The field grammar of `generate resource --fields`: eight fields of mixed types.
const RESOURCE_FIELDS = 'title:string,quantity:int,price:number,active:boolean,sku:string,notes:text?,due:date,contact:email';

async function plopProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'golden-path-bench-plop-'));
  await mkdir(join(dir, 'templates'));
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(join(dir, 'plopfile.js'), PLOPFILE);
  await writeFile(join(dir, 'templates/module.hbs'), 'export const {{camelCase name}} = {};\n');
  await writeFile(join(dir, 'templates/test.hbs'), "import { {{camelCase name}} } from '../src/{{kebabCase name}}.js';\n");
  return dir;
}

/**
 * Drops every bundle cached in node_modules/.cache/golden-path (the generators' bundles and the
 * openapi renderer's vendor bundles alike): what a fresh clone after `npm ci` has.
 */
async function dropCaches(): Promise<void> {
  const names = await readdir(CACHE).catch(() => [] as string[]);
  await Promise.all(names.map((name) => rm(join(CACHE, name), { recursive: true, force: true })));
  const left = await readdir(CACHE).catch(() => [] as string[]);
  if (left.length > 0) throw new Error(`a cold run would still find ${left.join(', ')} in ${CACHE}`);
}

/** A clone has the committed generators' bundle (generators/dist/): the cold copy must too. */
async function assertCommittedBundle(project: string): Promise<void> {
  const manifest = join('generators', 'dist', 'manifest.json');
  const inTree = await access(join(ROOT, manifest)).then(
    () => true,
    () => false,
  );
  if (
    inTree &&
    !(await access(join(project, manifest)).then(
      () => true,
      () => false,
    ))
  )
    throw new Error(`the cold copy ${project} lacks ${manifest}`);
}

function hasGenerator(project: string, name: string): boolean {
  const listing = spawnSync(process.execPath, ['generators/bin/generate.js'], { cwd: project, encoding: 'utf8' });
  return new RegExp(`^\\s+${name}\\s`, 'm').test(`${listing.stdout}\n${listing.stderr}`);
}

let counter = 0;
const endpointArgs = (dryRun: boolean) => {
  counter += 1;
  return [
    'generators/bin/generate.js',
    'endpoint',
    `benchItem${counter}`,
    '--method',
    'POST',
    '--path',
    `/bench-items-${counter}`,
    '--permission',
    'bench:write',
    '--summary',
    'Bench',
    ...(dryRun ? ['--dry-run'] : []),
  ];
};
const resourceArgs = () => {
  counter += 1;
  return ['generators/bin/generate.js', 'resource', `benchThing${counter}`, '--fields', RESOURCE_FIELDS];
};

type Case = 'endpoint' | 'dryRun' | 'resource' | 'plop';
const LABELS: Record<Case, string> = {
  endpoint: '`generate endpoint` (2 files + registry edit)',
  dryRun: '`generate endpoint --dry-run` (plan and diff, nothing written)',
  resource: '`generate resource` with 8 fields',
  plop: 'plain plop, two files from two templates',
};

export const generationSection: Section = {
  id: 'generation',
  title: 'Generation',
  estimateSeconds: 120,
  async run(context: BenchContext): Promise<string> {
    const warm = await copyProject('golden-path-bench-');
    const plopWarm = await plopProject();
    const temporary: string[] = [warm, plopWarm];
    try {
      const withResource = hasGenerator(warm, 'resource');
      const cases: Case[] = withResource ? ['endpoint', 'dryRun', 'resource', 'plop'] : ['endpoint', 'dryRun', 'plop'];
      const runIn = (kind: Case, project: string, plop: string, env?: NodeJS.ProcessEnv): number => {
        const options = env === undefined ? {} : { env };
        if (kind === 'plop')
          return timedProcess([PLOP_BIN, '--plopfile', join(plop, 'plopfile.js'), '--cwd', plop, 'pair', `benchItem${++counter}`], { cwd: plop, ...options });
        return timedProcess(kind === 'resource' ? resourceArgs() : endpointArgs(kind === 'dryRun'), { cwd: project, ...options });
      };
      const cold = async (kind: Case): Promise<number> => {
        // A new copy of the project and no cache: the first command after a fresh clone.
        const project = await copyProject('golden-path-bench-cold-');
        const plop = await plopProject();
        await assertCommittedBundle(project);
        await dropCaches();
        // An empty temp folder too: tsx keeps its compile cache there, shared by every project.
        const tmp = await mkdtemp(join(tmpdir(), 'golden-path-bench-tmp-'));
        try {
          return runIn(kind, project, plop, { ...process.env, TMPDIR: tmp });
        } finally {
          await rm(project, { recursive: true, force: true });
          await rm(plop, { recursive: true, force: true });
          await rm(tmp, { recursive: true, force: true });
        }
      };
      // Warm: the caches one earlier run leaves behind.
      for (const kind of cases) runIn(kind, warm, plopWarm);
      const coldStats = await interleave(
        context.runs,
        Object.fromEntries(cases.map((kind) => [kind, () => cold(kind)])) as Record<Case, () => Promise<number>>,
      );
      context.log('generation: cold done');
      for (const kind of cases) runIn(kind, warm, plopWarm);
      const warmStats = await interleave(
        context.runs,
        Object.fromEntries(cases.map((kind) => [kind, () => runIn(kind, warm, plopWarm)])) as Record<Case, () => number>,
      );
      context.log('generation: warm done');
      return render(cases, coldStats, warmStats, withResource, context.runs);
    } finally {
      await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
    }
  },
};

function render(cases: readonly Case[], cold: Record<string, Stats>, warm: Record<string, Stats>, withResource: boolean, runs: number): string {
  const plopCold = cold['plop'];
  const plopWarm = warm['plop'];
  if (plopCold === undefined || plopWarm === undefined) throw new Error('plop baseline missing');
  const rows = cases.map((kind) => {
    const c = cold[kind];
    const w = warm[kind];
    if (c === undefined || w === undefined) throw new Error(`no figures for ${kind}`);
    return [LABELS[kind], spread(c), ratio(c.median, plopCold.median), spread(w), ratio(w.median, plopWarm.median)];
  });
  const endpointCold = (cold['endpoint']?.median ?? NaN) / plopCold.median;
  const endpointWarm = (warm['endpoint']?.median ?? NaN) / plopWarm.median;
  const met = endpointCold <= 1 && endpointWarm <= 1;
  return [
    '## Generation',
    '',
    `Whole processes, start to exit, ${runs} runs per case interleaved, a new name every run. ` +
      '**Cold**: a fresh copy of the project (with the committed generators bundle, `generators/dist/`) and `node_modules/.cache/golden-path` emptied, and an empty temp folder (`TMPDIR`, where tsx keeps its compile cache) (what the first command after `npm ci` meets; the OS file cache is not dropped). ' +
      '**Warm**: the same project after one earlier run. Milliseconds, median (min–max).',
    '',
    table(['command', 'cold', 'cold vs plop', 'warm', 'warm vs plop'], rows),
    '',
    ...(withResource ? [] : ['`generate resource` is not registered on this tree yet: that row is skipped, not measured.', '']),
    `Goal (\`generate endpoint\` ≤ 1.0× plain plop, cold and warm): **${met ? 'met' : 'not met'}** (cold ${endpointCold.toFixed(2)}×, warm ${endpointWarm.toFixed(2)}×).`,
    '',
  ].join('\n');
}
