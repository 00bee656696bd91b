import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixed, ROOT, table, type BenchContext, type Section } from './_runner.js';

interface VitestReport {
  readonly numTotalTests: number;
  readonly numFailedTests: number;
  readonly testResults: readonly { readonly name: string; readonly startTime: number; readonly endTime: number }[];
}

/** Runs a command to completion in `cwd`; a failure is the benchmark's failure, with the command's stderr. */
function must(command: string, args: readonly string[], cwd: string): void {
  const result = spawnSync(command, [...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${String(result.status)}): ${result.stderr.toString().trim().split('\n').at(-1) ?? ''}`);
}

/**
 * `npm test` wall time once (it takes a while) on a fresh clone of the committed tree after
 * `npm ci`, so no cache an earlier run left behind (bundles, the prepared database) counts; and
 * the ten slowest files from vitest's JSON report.
 */
export const testsSection: Section = {
  id: 'tests',
  title: 'Test time',
  estimateSeconds: 240,
  optIn: true,
  async run(context: BenchContext): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'golden-path-bench-tests-'));
    try {
      const clone = join(dir, 'clone');
      must('git', ['clone', '--quiet', ROOT, clone], dir);
      must('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], clone);
      context.log('tests: fresh clone installed');
      const report = join(dir, 'report.json');
      const started = process.hrtime.bigint();
      const result = spawnSync('npm', ['test', '--', '--reporter=json', `--outputFile=${report}`], { cwd: clone, stdio: ['ignore', 'ignore', 'pipe'] });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      context.log('tests: done');
      const parsed = JSON.parse(await readFile(report, 'utf8')) as VitestReport;
      const slowest = [...parsed.testResults]
        .map((file) => ({ name: file.name.slice(clone.length + 1), seconds: (file.endTime - file.startTime) / 1000 }))
        .sort((a, b) => b.seconds - a.seconds)
        .slice(0, 10);
      return [
        '## Test time',
        '',
        `\`npm test\` once (one run, not a median) on a fresh clone of the committed tree after \`npm ci\`: **${fixed(seconds, 1)} s** wall, ` +
          `${parsed.numTotalTests} tests, ${parsed.numFailedTests} failed (exit ${String(result.status)}). Goal < 60 s: ${seconds < 60 ? 'met here' : 'not met'}.`,
        '',
        'Ten slowest files (vitest file duration, s; files run side by side, so these overlap):',
        '',
        table(
          ['file', 's'],
          slowest.map((file) => [file.name, fixed(file.seconds, 1)]),
        ),
        '',
      ].join('\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
