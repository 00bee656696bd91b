import { createHash } from 'node:crypto';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { RuleMeta, Violation } from './types.js';

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

function fixOf(rules: readonly RuleMeta[]): Map<string, RuleMeta> {
  return new Map(rules.map((rule) => [rule.id, rule]));
}

/** One line per violation (`file:line:col  rule  message`), the fix indented below it, and a total. */
export function formatText(violations: readonly Violation[], rules: readonly RuleMeta[], filesChecked: number): string {
  const byId = fixOf(rules);
  const lines = violations.map((v) => `${v.file}:${v.line}:${v.column}  ${v.ruleId}  ${v.message}\n    fix: ${byId.get(v.ruleId)?.fix ?? ''}`);
  const total =
    violations.length === 0
      ? `golden-path check: ${filesChecked} files, no violations`
      : `golden-path check: ${violations.length} violation${violations.length === 1 ? '' : 's'} in ${filesChecked} files`;
  return `${[...lines, total].join('\n')}\n`;
}

export function formatJson(violations: readonly Violation[], rules: readonly RuleMeta[], filesChecked: number): string {
  const byId = fixOf(rules);
  const result = { ok: violations.length === 0, filesChecked, violations: violations.map((v) => ({ ...v, fix: byId.get(v.ruleId)?.fix ?? '' })) };
  return `${JSON.stringify(result, null, 2)}\n`;
}

/**
 * SARIF 2.1.0 for code scanning: the rules with their help, one result per violation with a
 * `partialFingerprints` hash that survives the finding moving to another line.
 */
export function formatSarif(violations: readonly Violation[], rules: readonly RuleMeta[], lineText: (v: Violation) => string, version: string): string {
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const descriptors: ReportingDescriptor[] = rules.map((rule) => ({
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.doc },
    fullDescription: { text: rule.doc },
    help: { text: rule.fix, markdown: `**How to fix:** ${rule.fix}` },
    defaultConfiguration: { level: 'error' },
  }));
  const seen = new Map<string, number>();
  const results: Result[] = violations.map((v) => {
    const basis = `${v.ruleId}\0${v.file}\0${lineText(v).trim()}`;
    const occurrence = (seen.get(basis) ?? 0) + 1;
    seen.set(basis, occurrence);
    return {
      ruleId: v.ruleId,
      ruleIndex: index.get(v.ruleId) ?? 0,
      level: 'error',
      message: { text: v.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: v.file, uriBaseId: '%SRCROOT%' }, region: { startLine: v.line, startColumn: v.column } } }],
      partialFingerprints: { 'goldenPathLineHash/v1': `${createHash('sha256').update(basis).digest('hex').slice(0, 32)}:${occurrence}` },
    };
  });
  const log: Log = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'golden-path', semanticVersion: version, rules: descriptors } }, results, columnKind: 'utf16CodeUnits' }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
