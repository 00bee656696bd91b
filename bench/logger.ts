import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fixed, interleave, ROOT, spread, table, type BenchContext, type Section } from './_runner.js';

const LINES = 100_000;

function measure(kind: 'redacting' | 'plain'): number {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'workloads', 'logger.ts'), kind, String(LINES)], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`logger workload (${kind}) failed: ${result.stderr.slice(0, 500)}`);
  return Number(result.stdout.trim());
}

/** The redacting logger against plain pino, the same lines with nested secrets, to /dev/null. */
export const loggerSection: Section = {
  id: 'logger',
  title: 'Logger',
  estimateSeconds: 60,
  async run(context: BenchContext): Promise<string> {
    const s = await interleave(context.runs, { redacting: () => measure('redacting'), plain: () => measure('plain') });
    context.log('logger: done');
    const throughput = (ms: number) => (LINES / ms) * 1000;
    const relative = s.plain.median / s.redacting.median;
    return [
      '## Logger',
      '',
      `${LINES.toLocaleString('en')} \`info\` lines, each with secrets nested two and three levels deep (an \`Authorization\` header, a password and an API key under \`credentials\`, a token inside an array), ` +
        `written synchronously to /dev/null; one process per run, ${context.runs} runs each interleaved. Workload: \`bench/workloads/logger.ts\`.`,
      '',
      table(
        ['logger', 'ms for 100k lines, median (min–max)', 'lines/s (median)'],
        [
          ['blessed/logger (redacting)', spread(s.redacting), fixed(throughput(s.redacting.median))],
          ['pino 10, no redaction', spread(s.plain), fixed(throughput(s.plain.median))],
        ],
      ),
      '',
      `Redacting logger throughput relative to plain pino: **${relative.toFixed(2)}×** (goal ≥ 0.5×: ${relative >= 0.5 ? '**met**' : '**not met**'}).`,
      '',
    ].join('\n');
  },
};
