import { createTwoFilesPatch } from 'diff';
import type { PlannedChange } from './change-set.js';

/**
 * A unified diff of one planned change, `git diff` style, so a dry run can be reviewed (or
 * applied with `git apply`) before anything is written.
 *
 * @example
 * stdout.write(unifiedDiff(change));
 */
export function unifiedDiff(change: PlannedChange): string {
  if (change.kind === 'unchanged') return '';
  const from = change.before === null ? '/dev/null' : `a/${change.path}`;
  const patch = createTwoFilesPatch(from, `b/${change.path}`, change.before ?? '', change.after, undefined, undefined, { context: 3 });
  // The package starts with an `Index:`-less `===` banner; drop it to keep the standard shape.
  return patch.replace(/^=+\n/, '');
}
