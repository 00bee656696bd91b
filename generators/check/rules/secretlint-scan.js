// @ts-check
// secretlint with its recommended preset, shared by the `secret` rule's worker thread and
// `generate prompt`. Plain JavaScript so the worker can load it without a TypeScript loader.
import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';

// secretlint 11 profiles every run: a performance mark per rule per file, and an observer that
// scans all earlier marks on each one, so a scan's cost grows with the number of files scanned
// before it (1000 endpoints: 22 s cold, 80% of it in the profiler). Upstream made profiling
// opt-in in 13.x, which needs Node 22; until then the profiler is switched off here. The
// dependency is pinned to core's version so this is the instance core marks through.
secretLintProfiler.mark = function profilingOff() {};

const CONFIG = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }] };

/**
 * The secrets secretlint finds in one text, masked in the messages.
 *
 * @example
 * const findings = await scanText('docs/setup.md', text); // [{ line: 3, column: 7, ruleId, message }]
 * @param {string} file project-relative path (some rules look at the name: .npmrc, .env)
 * @param {string} content
 * @returns {Promise<import('./secretlint-scan.d.ts').SecretFinding[]>}
 */
export async function scanText(file, content) {
  const result = await lintSource({ source: { content, filePath: file, contentType: 'text' }, options: { config: CONFIG, maskSecrets: true } });
  return result.messages.map((m) => ({ line: m.loc.start.line, column: m.loc.start.column + 1, ruleId: m.ruleId, message: m.message }));
}
