import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, type BenchContext, type Section } from './_runner.js';

const MODULE = join(ROOT, 'bench', 'check.ts');

/**
 * The policy-check section lives in `bench/check.ts`, written with the `check` command. It is
 * used when it exports `checkSection` (a Section); until then RESULTS.md says it is not built.
 */
export const policyCheckSection: Section = {
  id: 'check',
  title: 'Policy check',
  estimateSeconds: 120,
  async run(context: BenchContext): Promise<string> {
    const present = await access(MODULE).then(
      () => true,
      () => false,
    );
    if (!present) {
      return '## Policy check\n\nNot measured: `golden-path check` does not exist on this tree yet, so there is nothing to time against ESLint. Its section will be `bench/check.ts` exporting `checkSection`.\n';
    }
    const loaded = (await import(pathToFileURL(MODULE).href)) as { checkSection?: Section };
    if (loaded.checkSection === undefined) return '## Policy check\n\nNot measured: `bench/check.ts` exports no `checkSection`.\n';
    return loaded.checkSection.run(context);
  },
};
