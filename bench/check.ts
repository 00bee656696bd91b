import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import type { NodePlopAPI } from 'node-plop';
import { runCheck } from '../generators/check/index.js';
import { EndpointAnswers } from '../generators/endpoint/schema.js';
import { endpointView } from '../generators/endpoint/shapes.js';
import { registerHelpers } from '../generators/toolkit/helpers.js';
import { copyProject, removeProject } from '../test/support/project-copy.js';

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
  /** A first run: nothing cached. */
  readonly coldMs: number;
  /** Median of the runs after it: secretlint's per-file cache warm, as on every save. */
  readonly checkMs: number;
  /** secretlint's share of a cold run (in-process). */
  readonly secretlintMs: number;
  readonly eslintMs?: number;
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

function timed(args: readonly string[], cwd: string): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  const elapsed = performance.now() - start;
  if (result.status === null || result.status > 1) throw new Error(`${args.join(' ')} failed: ${result.stderr.toString().slice(0, 500)}`);
  return elapsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * @example
 * const rows = await benchCheck({ sizes: [100, 1000], runs: 3 });
 */
export async function benchCheck(options: CheckBenchOptions = {}): Promise<CheckBenchRow[]> {
  const sizes = options.sizes ?? [100, 1000, 5000];
  const runs = options.runs ?? 3;
  const compareAt = options.compareAt ?? 1000;
  const rows: CheckBenchRow[] = [];
  for (const size of sizes) {
    const dir = await generatedTree(size);
    try {
      const bin = join(dir, 'generators/bin/golden-path.js');
      await rm(join(dir, SECRETLINT_CACHE), { force: true });
      const inProcess = await runCheck({ root: dir, paths: ['src', 'test'] });
      await rm(join(dir, SECRETLINT_CACHE), { force: true });
      const coldMs = timed([bin, 'check', 'src', 'test'], dir);
      const checkMs = median(Array.from({ length: runs }, () => timed([bin, 'check', 'src', 'test'], dir)));
      const row: CheckBenchRow = { endpoints: size, files: inProcess.filesChecked, coldMs, checkMs, secretlintMs: inProcess.timings['secret'] ?? 0 };
      if (size === compareAt) {
        const eslint = join(dir, 'node_modules/eslint/bin/eslint.js');
        timed([eslint, 'src', 'test'], dir);
        rows.push({ ...row, eslintMs: median(Array.from({ length: runs }, () => timed([eslint, 'src', 'test'], dir))) });
      } else {
        rows.push(row);
      }
    } finally {
      await removeProject(dir);
    }
  }
  return rows;
}

/** The table `tsx bench/check.ts` prints. */
export function formatCheckBench(rows: readonly CheckBenchRow[]): string {
  const lines = ['endpoints  files  cold ms  warm ms  warm ms/file  cold secretlint ms  eslint ms  cold/eslint  warm/eslint'];
  for (const row of rows) {
    const ratio = (ms: number) => (row.eslintMs === undefined ? '' : (ms / row.eslintMs).toFixed(2));
    const cells = [
      String(row.endpoints).padStart(9),
      String(row.files).padStart(5),
      row.coldMs.toFixed(0).padStart(7),
      row.checkMs.toFixed(0).padStart(7),
      (row.checkMs / row.files).toFixed(2).padStart(12),
      row.secretlintMs.toFixed(0).padStart(18),
      (row.eslintMs?.toFixed(0) ?? '').padStart(9),
      ratio(row.coldMs).padStart(11),
      ratio(row.checkMs).padStart(11),
    ];
    lines.push(cells.join('  '));
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.env['BENCH_CHECK_SIZES']?.split(',').map(Number);
  const compareAt = process.env['BENCH_CHECK_COMPARE'] === undefined ? {} : { compareAt: Number(process.env['BENCH_CHECK_COMPARE']) };
  const rows = await benchCheck({ ...(sizes === undefined ? {} : { sizes }), ...compareAt, runs: Number(process.env['BENCH_RUNS'] ?? 3) });
  process.stdout.write(formatCheckBench(rows));
}
