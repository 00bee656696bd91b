import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest files, slowest first (file durations from `npx vitest run --reporter=json` on a
 * two-core machine). A fresh clone has no duration cache, so vitest would start files in the
 * order it found them, and a slow one found last keeps one worker busy while the other has
 * nothing left: started first, they overlap with the many short files instead. Static, so a
 * fresh clone starts them first too. Other files follow in vitest's own order.
 */
export const SLOWEST_FIRST: readonly string[] = [
  'test/e2e/generate-endpoint.test.ts',
  'test/e2e/check-generated.test.ts',
  'test/generators/inventory-fast.test.ts',
  'test/generators/endpoint.test.ts',
  'test/generators/bindings.test.ts',
  'blessed/db/migrations.test.ts',
  'test/dev-start.test.ts',
  'test/production-start.test.ts',
  'test/migrate-refusal.test.ts',
  'blessed/db/crash.test.ts',
  'test/generators/cli.test.ts',
  'test/generators/manifest.test.ts',
  'test/generators/resource.test.ts',
  'blessed/http/deadline.test.ts',
];

/** Lists the known-slow files first, in SLOWEST_FIRST's order, then the rest as vitest would. */
export default class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const index = SLOWEST_FIRST.indexOf(relative(spec.project.config.root, spec.moduleId).split('\\').join('/'));
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    // Array sort is stable: files of equal rank keep the order vitest gave them.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
