import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { policyCheckSection } from './check-section.js';
import { coldStartSection } from './cold-start.js';
import { generationSection } from './generation.js';
import { loggerSection } from './logger.js';
import { memorySection } from './memory.js';
import { requestSection } from './request.js';
import { ROOT, table, type Section } from './_runner.js';
import { testsSection } from './tests.js';

/**
 * `npm run bench [-- --only a,b] [--runs n]`: runs the sections and rewrites bench/RESULTS.md.
 * Memory comes after the request section because it reuses the figures sampled there.
 */
const SECTIONS: readonly Section[] = [generationSection, requestSection, memorySection, policyCheckSection, coldStartSection, loggerSection, testsSection];
const BUDGET_SECONDS = 600;
const PACKAGES = [
  'express',
  'jose',
  'zod',
  'pino',
  'helmet',
  '@electric-sql/pglite',
  'kysely',
  'node-plop',
  'plop',
  'oxc-parser',
  'autocannon',
  'typescript',
  'vitest',
  'tsx',
];

function usage(message: string): never {
  process.stderr.write(`bench: ${message} (usage: npm run bench -- [--only ${SECTIONS.map((s) => s.id).join(',')}] [--runs n>=5])\n`);
  process.exit(2);
}

function options(): { sections: Section[]; runs: number; out: string } {
  let values: { only?: string; runs?: string; out?: string };
  try {
    ({ values } = parseArgs({
      options: { only: { type: 'string' }, runs: { type: 'string' }, out: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    usage(err instanceof Error ? err.message : String(err));
  }
  const runs = values.runs === undefined ? 5 : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 5 || runs > 50) usage('--runs must be an integer from 5 to 50');
  let sections: Section[];
  if (values.only === undefined) {
    // Opt-in sections join the default run only while the whole stays within the budget.
    const base = SECTIONS.filter((s) => s.optIn !== true);
    const total = base.reduce((sum, s) => sum + s.estimateSeconds, 0);
    sections = SECTIONS.filter((s) => s.optIn !== true || total + s.estimateSeconds <= BUDGET_SECONDS);
  } else {
    const ids = values.only.split(',').map((id) => id.trim());
    const unknown = ids.find((id) => !SECTIONS.some((s) => s.id === id));
    if (unknown !== undefined) usage(`--only: unknown section "${unknown}"`);
    sections = SECTIONS.filter((s) => ids.includes(s.id));
  }
  return { sections, runs, out: values.out ?? join(ROOT, 'bench', 'RESULTS.md') };
}

function version(name: string): string {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const { sections, runs, out } = options();
const startedAt = new Date();
const loadBefore = loadavg()
  .map((l) => l.toFixed(1))
  .join(' / ');
const started = process.hrtime.bigint();
const parts: string[] = [];
for (const section of sections) {
  process.stderr.write(`bench: ${section.title}…\n`);
  const sectionStart = process.hrtime.bigint();
  try {
    parts.push(await section.run({ runs, log: (line) => process.stderr.write(`  ${line}\n`) }));
  } catch (err) {
    // One broken section must not hide the others' figures; it is reported as failed, with no figures.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`bench: ${section.title} failed: ${message}\n`);
    process.exitCode = 1;
    parts.push(`## ${section.title}\n\nFailed, no figures: ${message.replace(/\s+/g, ' ').slice(0, 300)}\n`);
  }
  process.stderr.write(`bench: ${section.title} took ${(Number(process.hrtime.bigint() - sectionStart) / 1e9).toFixed(0)} s\n`);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const skipped = SECTIONS.filter((s) => !sections.includes(s));
const cpu = cpus();
const header = [
  '# Benchmark results',
  '',
  `Written by \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` (bench/run.ts) on ${startedAt.toISOString()}, commit ${commit()}, in ${seconds.toFixed(0)} s. ` +
    'Do not edit by hand: run the command again.',
  '',
  table(
    ['machine', ''],
    [
      ['CPU', `${cpu[0]?.model ?? 'unknown'}, ${cpu.length} cores`],
      [
        'load average (1/5/15 min) at start → end',
        `${loadBefore} → ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' / ')}`,
      ],
      ['Node', process.version],
      ['packages', PACKAGES.map((name) => `${name} ${version(name)}`).join(', ')],
    ],
  ),
  '',
  `Every figure is the median and min–max of ${runs} interleaved runs unless a section says otherwise. ` +
    'A load average far above the core count means other work shared the machine: absolute figures then say little, ratios of interleaved runs still compare.',
  '',
  ...(skipped.length === 0 ? [] : [`Not run this time: ${skipped.map((s) => `${s.title} (\`npm run bench -- --only ${s.id}\`)`).join(', ')}.`, '']),
].join('\n');
writeFileSync(out, `${header}\n${parts.join('\n')}`);
process.stderr.write(`bench: wrote ${out} in ${seconds.toFixed(0)} s\n`);
