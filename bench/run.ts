import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyProject } from '../test/support/project-copy.js';

/**
 * `npm run bench`: the whole `generate endpoint` process (start to exit, AST edit included)
 * against a plain plop generator that adds two files from two templates, run interleaved in
 * the same session. Each run does real work (a new name every time).
 */
const RUNS = Number(process.env['BENCH_RUNS'] ?? 9);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

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

async function plopProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'golden-path-bench-plop-'));
  await mkdir(join(dir, 'templates'));
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  await writeFile(join(dir, 'plopfile.js'), PLOPFILE);
  await writeFile(join(dir, 'templates/module.hbs'), 'export const {{camelCase name}} = {};\n');
  await writeFile(join(dir, 'templates/test.hbs'), "import { {{camelCase name}} } from '../src/{{kebabCase name}}.js';\n");
  return dir;
}

function timed(command: string, args: readonly string[], cwd: string): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [command, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} exited ${String(result.status)}: ${result.stderr.toString()}`);
  return ms;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const project = await copyProject('golden-path-bench-');
const plop = await plopProject();
const plopBin = join(ROOT, 'node_modules/plop/bin/plop.js');
const generate = (i: number) =>
  timed('generators/bin/generate.js', ['endpoint', `benchItem${i}`, '--method', 'POST', '--path', `/bench-items-${i}`, '--permission', 'bench:write', '--summary', 'Bench'], project);
const plain = (i: number) => timed(plopBin, ['--plopfile', join(plop, 'plopfile.js'), '--cwd', plop, 'pair', `benchItem${i}`], plop);

try {
  // The first run of each fills the caches (bundle, V8 code cache, disk); it is reported, not counted.
  const cold = { generate: generate(0), plop: plain(0) };
  const times = { generate: [] as number[], plop: [] as number[] };
  for (let i = 1; i <= RUNS; i += 1) {
    times.generate.push(generate(i));
    times.plop.push(plain(i));
  }
  const g = median(times.generate);
  const p = median(times.plop);
  process.stdout.write(
    [
      `runs: ${RUNS} each, interleaved (first run of each excluded: generate ${cold.generate.toFixed(0)} ms, plop ${cold.plop.toFixed(0)} ms)`,
      `generate endpoint (2 files + routes.ts AST edit): median ${g.toFixed(0)} ms  [${times.generate.map((t) => t.toFixed(0)).join(', ')}]`,
      `plop, two files from templates:                  median ${p.toFixed(0)} ms  [${times.plop.map((t) => t.toFixed(0)).join(', ')}]`,
      `ratio generate/plop: ${(g / p).toFixed(2)} ${g <= p ? '(generate is not slower)' : '(generate is slower)'}`,
      '',
    ].join('\n'),
  );
} finally {
  await rm(project, { recursive: true, force: true });
  await rm(plop, { recursive: true, force: true });
}
