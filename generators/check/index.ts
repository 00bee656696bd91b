import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, parseConfig, type CheckConfig } from './config.js';
import { listFiles, selected } from './files.js';
import { RULES, RULE_METAS } from './rules/index.js';
import { checkOneSource, checkSources } from './run-source.js';
import { SOURCE_EXTENSIONS } from './source.js';
import { applySuppressions, type Suppression } from './suppress.js';
import type { ProjectContext, ProjectRule, Rule, SourceRule, Violation } from './types.js';

export type { Violation, RuleMeta, Rule } from './types.js';
export { RULE_METAS } from './rules/index.js';

export interface CheckOptions {
  readonly root: string;
  /** Project-relative paths to check; empty checks the whole project, project-wide rules included. */
  readonly paths?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** What openapi.json should contain (the registry rendered); without it the inventory is not compared. */
  readonly renderInventory?: () => Promise<string>;
  /** Rules to run; every rule by default. */
  readonly rules?: readonly Rule[];
}

export interface CheckResult {
  readonly violations: readonly Violation[];
  readonly filesChecked: number;
  /** Milliseconds per phase, for the benchmark. */
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * The source rules over one file's text, suppressions applied: what `check` reports for it.
 *
 * @example
 * checkSource('src/app.ts', "app.get('/x', handler);"); // [{ ruleId: 'raw-route', line: 1, … }]
 */
export function checkSource(path: string, text: string, config: CheckConfig = parseConfig({})): Violation[] {
  const known = new Set(RULE_METAS.map((rule) => rule.id));
  const rules = RULES.filter((rule): rule is SourceRule => rule.kind === 'source');
  const { violations, suppressions } = checkOneSource(path, text, rules, config, known);
  return (suppressions.length === 0 ? violations : applySuppressions(path, violations, suppressions)).sort(byPosition);
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function byPosition(a: Violation, b: Violation): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}

/**
 * Runs every rule over a project: source rules on each file's syntax tree (oxc, no type-check),
 * project rules on the lockfile, blessed checksums and the inventory; then applies suppressions.
 *
 * @example
 * const { violations } = await runCheck({ root: process.cwd() });
 */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = (timings[name] ?? 0) + now - mark;
    mark = now;
  };
  const config = await loadConfig(options.root);
  const rules = options.rules ?? RULES;
  const paths = options.paths ?? [];
  const allFiles = await listFiles(options.root, config.ignore);
  const files = paths.length === 0 ? allFiles : allFiles.filter((file) => selected(file, paths));
  lap('walk');

  // Synchronous reads: a batch of small files reads in a sixth of the time fs/promises takes
  // (2023 files: 68 ms vs 392 ms).
  // Each file is read once, for the source rules and the project rules alike.
  const texts = new Map<string, string | null>();
  const readNow = (path: string): string | null => {
    let text = texts.get(path);
    if (text === undefined) {
      text = readText(join(options.root, path));
      texts.set(path, text);
    }
    return text;
  };
  const read = (path: string) => Promise.resolve(readNow(path));
  const context: ProjectContext = {
    root: options.root,
    config,
    files,
    allFiles,
    env: options.env ?? {},
    read,
    ...(options.renderInventory === undefined ? {} : { renderInventory: options.renderInventory }),
  };
  const known = new Set(RULE_METAS.map((rule) => rule.id));
  const sourceRules = rules.filter((rule): rule is SourceRule => rule.kind === 'source');
  const ran = new Set(sourceRules.map((rule) => rule.id));
  // Project rules start first and run while the sources are parsed: secretlint works on its own
  // thread, and the inventory's module loading gets its turns whenever the parser yields.
  const projectRuns = rules
    .filter((rule): rule is ProjectRule => rule.kind === 'project' && !(rule.scope === 'project' && paths.length > 0))
    .map((rule) => {
      ran.add(rule.id);
      const start = performance.now();
      return rule.check(context).then((found) => {
        timings[rule.id] = performance.now() - start;
        return found;
      });
    });
  projectRuns.forEach((run) => run.catch(() => undefined));

  const violations: Violation[] = [];
  const suppressionsByFile = new Map<string, Suppression[]>();
  const sources = files.filter((file) => SOURCE_EXTENSIONS.test(file));
  const checked = await checkSources(sources, sourceRules, config, known, readNow);
  checked.forEach((result, index) => {
    const path = sources[index];
    if (result === null || path === undefined) return;
    violations.push(...result.violations);
    if (result.suppressions.length > 0) suppressionsByFile.set(path, result.suppressions);
  });
  lap('source rules');
  for (const found of await Promise.all(projectRuns)) violations.push(...found);
  lap('project rules');

  const result: Violation[] = [];
  const byFile = new Map<string, Violation[]>();
  for (const violation of violations) byFile.set(violation.file, [...(byFile.get(violation.file) ?? []), violation]);
  for (const path of new Set([...byFile.keys(), ...suppressionsByFile.keys()])) {
    const own = byFile.get(path) ?? [];
    const suppressions = (suppressionsByFile.get(path) ?? []).filter((s) => ran.has(s.ruleId));
    result.push(...(suppressions.length === 0 ? own : applySuppressions(path, own, suppressions)));
  }
  lap('suppressions');
  return { violations: result.sort(byPosition), filesChecked: files.length, timings };
}
