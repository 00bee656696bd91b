import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import type { NodePlopAPI } from 'node-plop';
import { runCheck } from '../generators/check/index.js';
import { EndpointAnswers } from '../generators/endpoint/schema.js';
import { endpointView } from '../generators/endpoint/shapes.js';
import { registerHelpers } from '../generators/toolkit/helpers.js';
import { copyProject, removeProject } from '../test/support/project-copy.js';
import { fixed, interleave, ratio, spread, table, type BenchContext, type Section, type Stats } from './_runner.js';

/**
 * The `check` section of the benchmark: `golden-path check` over a tree of N generated endpoints
 * plus their security tests (rendered from the real templates), as a whole process, against
 * ESLint with eslint-plugin-security and a restricted-imports rule over the same files. The
 * secretlint share is measured apart, in-process.
 */
export interface CheckBenchOptions {
  readonly sizes?: readonly number[];
  /** Timed runs per size; the median is reported. */
  readonly runs?: number;
  /** The size ESLint is compared at. */
  readonly compareAt?: number;
}

export interface CheckBenchRow {
  readonly endpoints: number;
  readonly files: number;
  /** Nothing cached: no secretlint cache, no tsx transform cache. */
  readonly cold: Stats;
  /** Right after a cold run: the caches warm, as on every save. */
  readonly warm: Stats;
  /** secretlint's own time in a cold in-process run. */
  readonly secretlintMs: number;
  readonly eslint?: Stats;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECRETLINT_CACHE = 'node_modules/.cache/golden-path/secretlint-v1.json';

const ESLINT_CONFIG = `import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';
export default [
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  security.configs.recommended,
  {
    rules: {
      'no-console': 'error',
      'no-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-imports': ['error', { paths: ['axios', 'node-fetch', 'got', 'superagent', 'undici', 'node:http', 'node:https', 'pg', 'kysely', '@electric-sql/pglite', 'pino', 'jose', 'jsonwebtoken', 'node:child_process', 'node:vm'] }],
    },
  },
];
`;

/** A copy of the project with `count` endpoints and their security tests, as the generator writes them. */
export async function generatedTree(count: number): Promise<string> {
  const dir = await copyProject('golden-path-bench-check-');
  const handlebars = Handlebars.create();
  registerHelpers({ setHelper: (name: string, fn: Handlebars.HelperDelegate) => handlebars.registerHelper(name, fn) } as unknown as NodePlopAPI);
  const template = async (file: string) => handlebars.compile(await readFile(join(ROOT, 'templates/endpoint', file), 'utf8'), { noEscape: false });
  const [endpoint, test] = await Promise.all([template('endpoint.ts.hbs'), template('security.test.ts.hbs')]);
  await mkdir(join(dir, 'test/endpoints'), { recursive: true });
  const methods = ['GET', 'POST', 'PATCH', 'DELETE'] as const;
  for (let i = 0; i < count; i += 1) {
    const method = methods[i % methods.length] ?? 'GET';
    const answers = EndpointAnswers.parse({
      name: `thing${i}Op`,
      method,
      path: method === 'POST' ? `/things${i}` : `/things${i}/:thingId`,
      permission: `things${i}:write`,
      summary: `Operation ${i}`,
    });
    const view = endpointView(answers);
    await writeFile(join(dir, view.files.endpoint), endpoint(view));
    await writeFile(join(dir, view.files.test), test(view));
  }
  await writeFile(join(dir, 'eslint.config.mjs'), ESLINT_CONFIG);
  return dir;
}

function timed(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const elapsed = performance.now() - start;
  if (result.status === null || result.status > 1) throw new Error(`${args.join(' ')} failed: ${result.stderr.toString().slice(0, 500)}`);
  return elapsed;
}

/**
 * A cold run: no secretlint cache and an empty temp folder, so tsx's transform cache (kept in
 * the temp folder) starts empty too, as on a fresh machine.
 */
async function coldRun(bin: string, dir: string): Promise<number> {
  await rm(join(dir, SECRETLINT_CACHE), { force: true });
  const tmp = await mkdtemp(join(tmpdir(), 'golden-path-bench-tmp-'));
  try {
    return timed([bin, 'check', 'src', 'test'], dir, { ...process.env, TMPDIR: tmp });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * @example
 * const rows = await benchCheck({ sizes: [100, 1000], runs: 5 });
 */
export async function benchCheck(options: CheckBenchOptions = {}, log: (line: string) => void = () => undefined): Promise<CheckBenchRow[]> {
  const sizes = options.sizes ?? [100, 1000, 5000];
  const runs = options.runs ?? 5;
  const compareAt = options.compareAt ?? 1000;
  const rows: CheckBenchRow[] = [];
  for (const size of sizes) {
    const dir = await generatedTree(size);
    try {
      const bin = join(dir, 'generators/bin/golden-path.js');
      const eslint = join(dir, 'node_modules/eslint/bin/eslint.js');
      await rm(join(dir, SECRETLINT_CACHE), { force: true });
      const inProcess = await runCheck({ root: dir, paths: ['src', 'test'] });
      const compared = size === compareAt;
      if (compared) timed([eslint, 'src', 'test'], dir);
      // Each round: a cold run, then a warm one (the cache it left), then ESLint; rounds in a row.
      const measured = await interleave(runs, {
        cold: () => coldRun(bin, dir),
        warm: () => timed([bin, 'check', 'src', 'test'], dir),
        ...(compared ? { eslint: () => timed([eslint, 'src', 'test'], dir) } : {}),
      } as Record<'cold' | 'warm' | 'eslint', () => Promise<number> | number>);
      const row: CheckBenchRow = {
        endpoints: size,
        files: inProcess.filesChecked,
        cold: measured.cold,
        warm: measured.warm,
        secretlintMs: inProcess.timings['secret'] ?? 0,
        ...(compared ? { eslint: measured.eslint } : {}),
      };
      rows.push(row);
      log(`check: ${size} endpoints done (cold ${row.cold.median.toFixed(0)} ms, warm ${row.warm.median.toFixed(0)} ms)`);
    } finally {
      await removeProject(dir);
    }
  }
  return rows;
}

const GOAL_MS = 2000;
const GOAL_RATIO = 0.3;

/** The RESULTS.md section: the table, linearity, secretlint's share and the goals. */
export function renderCheckSection(rows: readonly CheckBenchRow[], runs: number): string {
  const perFile = (s: Stats, files: number) => fixed(s.median / files, 2);
  const lines = rows.map((row) => [
    String(row.endpoints),
    String(row.files),
    spread(row.cold),
    spread(row.warm),
    perFile(row.cold, row.files),
    perFile(row.warm, row.files),
    fixed(row.secretlintMs),
    row.eslint === undefined ? '' : spread(row.eslint),
    row.eslint === undefined ? '' : ratio(row.cold.median, row.eslint.median),
    row.eslint === undefined ? '' : ratio(row.warm.median, row.eslint.median),
  ]);
  const at = rows.find((row) => row.eslint !== undefined);
  const first = rows[0];
  const last = rows.at(-1);
  const growth =
    first !== undefined && last !== undefined && last !== first
      ? `From ${first.endpoints} to ${last.endpoints} endpoints (${first.files} -> ${last.files} files, ${fixed(last.files / first.files, 1)}×) the cold time grew ${fixed(last.cold.median / first.cold.median, 1)}× and the warm time ${fixed(last.warm.median / first.warm.median, 1)}× (a fixed start-up of a few hundred ms is in every run).`
      : '';
  const goals =
    at?.eslint === undefined
      ? ''
      : `Goals at ${at.endpoints} endpoints: under ${GOAL_MS} ms — cold ${fixed(at.cold.median)} ms **${at.cold.median < GOAL_MS ? 'met' : 'not met'}**, warm ${fixed(at.warm.median)} ms **${at.warm.median < GOAL_MS ? 'met' : 'not met'}**; ≤ ${GOAL_RATIO}× ESLint — cold ${ratio(at.cold.median, at.eslint.median)} **${at.cold.median <= GOAL_RATIO * at.eslint.median ? 'met' : 'not met'}**, warm ${ratio(at.warm.median, at.eslint.median)} **${at.warm.median <= GOAL_RATIO * at.eslint.median ? 'met' : 'not met'}**.`;
  return [
    '## Policy check',
    '',
    `\`golden-path check src test\` as a whole process over a copy of the project with N generated endpoints and their security tests (rendered from the real templates), ${runs} rounds interleaved. **Cold**: no secretlint cache and an empty temp folder (so no tsx transform cache). **Warm**: the run right after, with the caches the cold one left. ESLint 10 with eslint-plugin-security 4's recommended rules, \`no-restricted-imports\` for the same modules, \`no-console\`, \`no-eval\` and \`no-new-func\`, over the same files, in the same rounds. Milliseconds, median (min–max). secretlint's share: its own time in a cold in-process run (it runs on its own thread while the sources are parsed).`,
    '',
    table(['endpoints', 'files', 'cold', 'warm', 'cold ms/file', 'warm ms/file', 'secretlint (cold)', 'ESLint', 'cold vs ESLint', 'warm vs ESLint'], lines),
    '',
    growth,
    '',
    goals,
    '',
  ].join('\n');
}

/** `npm run bench` section (bench/check-section.ts runs it). */
export const checkSection: Section = {
  id: 'check',
  title: 'Policy check',
  estimateSeconds: 200,
  async run(context: BenchContext): Promise<string> {
    const rows = await benchCheck({ runs: context.runs }, context.log);
    return renderCheckSection(rows, context.runs);
  },
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.env['BENCH_CHECK_SIZES']?.split(',').map(Number);
  const compareAt = process.env['BENCH_CHECK_COMPARE'] === undefined ? {} : { compareAt: Number(process.env['BENCH_CHECK_COMPARE']) };
  const runs = Number(process.env['BENCH_RUNS'] ?? 5);
  const rows = await benchCheck({ ...(sizes === undefined ? {} : { sizes }), ...compareAt, runs }, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(renderCheckSection(rows, runs));
}
