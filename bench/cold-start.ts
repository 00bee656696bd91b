import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyProject } from '../test/support/project-copy.js';
import { dropBundle, interleave, ROOT, spread, table, type BenchContext, type Section, type Stats } from './_runner.js';

const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  // golden-path-ignore hardcoded-credential -- a benchmark-only key for a server bound to loopback; it protects nothing
  AUTH_JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  AUTH_ISSUER: 'golden-path-bench',
  AUTH_AUDIENCE: 'golden-path-bench',
  // golden-path-ignore hardcoded-credential -- a benchmark-only key for a server bound to loopback; it protects nothing
  CURSOR_SECRET: 'bench-cursor-secret-bench-cursor-secret-01',
  LOG_LEVEL: 'warn',
};

/** True when a network namespace of our own can be made: the server then binds only inside it. */
function canIsolate(): boolean {
  return spawnSync('unshare', ['--net', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status === 0;
}

/**
 * One start, measured by bench/workloads/start.ts inside a fresh network namespace: the service
 * listens on every interface of that namespace, and loopback is the only one there.
 */
function startOnce(project: string, command: readonly string[], env: Record<string, string>): number {
  const inner = [
    'ip link set lo up && exec "$@"',
    'sh',
    process.execPath,
    '--import',
    'tsx',
    join(ROOT, 'bench', 'workloads', 'start.ts'),
    project,
    ...command,
  ];
  const result = spawnSync('unshare', ['--net', 'sh', '-c', ...inner], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(result.stderr.trim().slice(0, 400) || `exit ${String(result.status)}`);
  return Number(result.stdout.trim());
}

type Variant = 'npmNew' | 'npmExisting' | 'compiledNew' | 'compiledExisting';
const LABELS: Record<Variant, string> = {
  npmNew: '`npm start` as after a fresh clone: new data directory, no bundle of the sources yet',
  npmExisting: "`npm start` again: existing data directory, the sources' bundle cached",
  compiledNew: '`npm run build`, then `node dist/src/server.js` (production), new data directory',
  compiledExisting: 'the same compiled start, existing data directory',
};

export const coldStartSection: Section = {
  id: 'start',
  title: 'Cold start',
  estimateSeconds: 150,
  async run(context: BenchContext): Promise<string> {
    if (!canIsolate()) {
      return '## Cold start\n\nNot measured: no network namespace could be made here (`unshare --net`), and the service binds every interface, so it is not started outside one.\n';
    }
    const project = await copyProject('golden-path-bench-start-');
    const scratch = await mkdtemp(join(tmpdir(), 'golden-path-bench-data-'));
    try {
      const build = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
        cwd: project,
        encoding: 'utf8',
      });
      const failures = new Map<Variant, string>();
      if (build.status !== 0) failures.set('compiledNew', `\`npm run build\` failed: ${build.stdout.slice(0, 200)}`);
      let fresh = 0;
      const newDir = () => {
        fresh += 1;
        return join(scratch, `new-${fresh}`);
      };
      const existing = { npm: join(scratch, 'existing-npm'), compiled: join(scratch, 'existing-compiled') };
      const npmStart = ['npm', 'start'];
      const compiled = [process.execPath, 'dist/src/server.js'];
      const variants: Record<Variant, () => number> = {
        npmNew: () => {
          dropBundle(project, 'src/server.ts');
          return startOnce(project, npmStart, { DATA_DIR: newDir() });
        },
        npmExisting: () => startOnce(project, npmStart, { DATA_DIR: existing.npm }),
        compiledNew: () => startOnce(project, compiled, { ...PRODUCTION_ENV, DATA_DIR: newDir() }),
        compiledExisting: () => startOnce(project, compiled, { ...PRODUCTION_ENV, DATA_DIR: existing.compiled }),
      };
      // First starts create the "existing" directories; a variant that cannot start is reported, not timed.
      for (const [name, prepare] of [
        ['npmExisting', variants.npmExisting],
        ['compiledExisting', variants.compiledExisting],
        ['compiledNew', variants.compiledNew],
      ] as const) {
        if (failures.has(name) || (name === 'compiledNew' && failures.has('compiledExisting'))) continue;
        try {
          prepare();
        } catch (err) {
          failures.set(name, err instanceof Error ? err.message : String(err));
          if (name === 'compiledExisting') failures.set('compiledNew', failures.get(name) ?? '');
        }
      }
      if (failures.has('compiledNew')) failures.set('compiledExisting', failures.get('compiledExisting') ?? failures.get('compiledNew') ?? '');
      const measured = (Object.keys(variants) as Variant[]).filter((v) => !failures.has(v));
      const results = await interleave(context.runs, Object.fromEntries(measured.map((v) => [v, variants[v]])) as Record<Variant, () => number>);
      context.log('start: done');
      return render(results, failures, context.runs);
    } finally {
      await rm(project, { recursive: true, force: true });
      await rm(scratch, { recursive: true, force: true });
    }
  },
};

function render(results: Partial<Record<Variant, Stats>>, failures: ReadonlyMap<Variant, string>, runs: number): string {
  const rows = (Object.keys(LABELS) as Variant[]).map((v) => {
    const s = results[v];
    return [
      LABELS[v],
      s === undefined ? `not measured: ${(failures.get(v) ?? 'no figure').replace(/\|/g, '/').replace(/\n/g, ' ')}` : spread(s),
      s === undefined ? '—' : s.median < 1500 ? 'met' : 'not met',
    ];
  });
  return [
    '## Cold start',
    '',
    `From spawning the documented command to the first 200 from \`/health\`, ${runs} runs per variant interleaved, in a fresh copy of the project. ` +
      'Each start runs in a network namespace of its own where loopback is the only interface (the service binds every interface), measured by `bench/workloads/start.ts`. Milliseconds, median (min–max).',
    '',
    table(['start', 'ms to first 200', 'goal < 1.5 s'], rows),
    '',
  ].join('\n');
}
