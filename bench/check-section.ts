import { spawnSync } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, type BenchContext, type Section } from './_runner.js';

const MODULE = join(ROOT, 'bench', 'check.ts');

/**
 * The policy-check section lives in `bench/check.ts`, written with the `check` command. When it
 * exports `checkSection` (a Section) that is run here; otherwise it is run alone as a process
 * (`tsx bench/check.ts`) and what it prints becomes the section. Until it exists RESULTS.md
 * says so.
 */
export const policyCheckSection: Section = {
  id: 'check',
  title: 'Policy check',
  estimateSeconds: 200,
  async run(context: BenchContext): Promise<string> {
    const present = await access(MODULE).then(
      () => true,
      () => false,
    );
    if (!present) {
      return '## Policy check\n\nNot measured: `golden-path check` does not exist on this tree yet, so there is nothing to time against ESLint. Its section will be `bench/check.ts` exporting `checkSection`.\n';
    }
    const source = await readFile(MODULE, 'utf8');
    if (/export const checkSection\b/.test(source)) {
      const loaded = (await import(pathToFileURL(MODULE).href)) as { checkSection?: Section };
      if (loaded.checkSection !== undefined) return loaded.checkSection.run(context);
    }
    const result = spawnSync(process.execPath, ['--import', 'tsx', MODULE], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BENCH_RUNS: String(context.runs) },
    });
    if (result.status !== 0) throw new Error(`bench/check.ts exited ${String(result.status)}: ${result.stderr.slice(0, 300)}`);
    const body = result.stdout.trim();
    return body.startsWith('## ') ? `${body}\n` : `## Policy check\n\nOutput of \`tsx bench/check.ts\`:\n\n\`\`\`\n${body}\n\`\`\`\n`;
  },
};
