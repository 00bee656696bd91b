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

/** `npm test` wall time once (it takes minutes) and the five slowest files, from vitest's JSON report. */
export const testsSection: Section = {
  id: 'tests',
  title: 'Test time',
  estimateSeconds: 400,
  optIn: true,
  async run(context: BenchContext): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'golden-path-bench-tests-'));
    try {
      const report = join(dir, 'report.json');
      const started = process.hrtime.bigint();
      const result = spawnSync('npm', ['test', '--', '--reporter=json', `--outputFile=${report}`], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      context.log('tests: done');
      const parsed = JSON.parse(await readFile(report, 'utf8')) as VitestReport;
      const slowest = [...parsed.testResults]
        .map((file) => ({ name: file.name.replace(ROOT, ''), seconds: (file.endTime - file.startTime) / 1000 }))
        .sort((a, b) => b.seconds - a.seconds)
        .slice(0, 5);
      return [
        '## Test time',
        '',
        `\`npm test\` once (the suite takes minutes; one run, not a median), in this working tree with its caches: **${fixed(seconds, 1)} s** wall, ` +
          `${parsed.numTotalTests} tests, ${parsed.numFailedTests} failed (exit ${String(result.status)}). Goal < 60 s on a fresh clone: ${seconds < 60 ? 'met here' : 'not met'}.`,
        '',
        'Five slowest files (vitest file duration, s):',
        '',
        table(['file', 's'], slowest.map((file) => [file.name, fixed(file.seconds, 1)])),
        '',
      ].join('\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
