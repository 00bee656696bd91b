import type { SourceFile, Violation } from './types.js';

const MARKER = /^\s*golden-path-ignore\b(.*)$/;
const SHAPE = /^\s+([a-z][a-z0-9-]*)(?:\s+--\s*(.*))?\s*$/;

export interface Suppression {
  readonly ruleId: string;
  /** The line the suppression covers: the one after the comment. */
  readonly target: number;
  readonly line: number;
  readonly column: number;
  used: boolean;
}

/**
 * Reads `// golden-path-ignore <rule-id> -- <reason>` comments. Malformed ones come back as
 * violations of `suppression` and suppress nothing.
 */
export function readSuppressions(file: SourceFile, knownRules: ReadonlySet<string>): { suppressions: Suppression[]; problems: Violation[] } {
  const suppressions: Suppression[] = [];
  const problems: Violation[] = [];
  for (const comment of file.comments) {
    const marker = MARKER.exec(comment.value);
    if (marker === null) continue;
    const { line, column } = file.position(comment.start);
    const problem = (message: string) => problems.push({ ruleId: 'suppression', file: file.path, line, column, message });
    const shape = SHAPE.exec(marker[1] ?? '');
    if (shape === null || shape[1] === undefined) {
      problem('golden-path-ignore needs a rule id: // golden-path-ignore <rule-id> -- <reason>');
      continue;
    }
    const ruleId = shape[1];
    const reason = (shape[2] ?? '').trim();
    if (!knownRules.has(ruleId)) problem(`golden-path-ignore names an unknown rule "${ruleId}"; see golden-path check --list`);
    else if (ruleId === 'suppression') problem('golden-path-ignore cannot suppress suppression mistakes');
    else if (reason.length < 3) problem(`golden-path-ignore ${ruleId} needs a reason after " -- "`);
    else suppressions.push({ ruleId, target: file.position(comment.end).line + 1, line, column, used: false });
  }
  return { suppressions, problems };
}

/** Drops what the suppressions cover; each suppression that covered nothing becomes a violation. */
export function applySuppressions(path: string, violations: readonly Violation[], suppressions: readonly Suppression[]): Violation[] {
  const kept = violations.filter((violation) => {
    const match = suppressions.find((s) => s.ruleId === violation.ruleId && s.target === violation.line);
    if (match === undefined) return true;
    match.used = true;
    return false;
  });
  for (const s of suppressions) {
    if (!s.used)
      kept.push({
        ruleId: 'suppression',
        file: path,
        line: s.line,
        column: s.column,
        message: `golden-path-ignore ${s.ruleId} suppresses nothing on line ${s.target}; delete it`,
      });
  }
  return kept;
}
