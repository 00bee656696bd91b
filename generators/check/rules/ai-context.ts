import type { ProjectRule, Violation } from '../types.js';

/**
 * The assistant rule files are rendered from the rule registry and the blessed API list; once a
 * project has any of them, each must equal what `generate ai-context` renders now.
 */
export const aiContextStale: ProjectRule = {
  kind: 'project',
  scope: 'project',
  id: 'ai-context-stale',
  doc: 'An assistant rule file (AGENTS.md, Copilot or Cursor rules) differs from what the current rules and blessed APIs render',
  fix: 'Run `npx generate ai-context` and commit the refreshed files; edit the source (generators/ai/), not the copies.',
  async check(context) {
    // Loaded on use: the renderer reads this registry, so a static import would be circular.
    const { renderAiContext } = await import('../../ai/context.js');
    const expected = renderAiContext();
    const present = await Promise.all([...expected.keys()].map((path) => context.read(path)));
    if (present.every((text) => text === null)) return [];
    const found: Violation[] = [];
    [...expected].forEach(([path, want], index) => {
      const have = present[index] ?? null;
      if (have === want) return;
      if (have === null) {
        found.push({ ruleId: 'ai-context-stale', file: path, line: 1, column: 1, message: `${path} is missing while other rule files exist` });
        return;
      }
      const a = have.split('\n');
      const b = want.split('\n');
      const at = a.findIndex((line, i) => line !== b[i]);
      const line = at === -1 ? a.length : at + 1;
      found.push({
        ruleId: 'ai-context-stale',
        file: path,
        line,
        column: 1,
        message: `stale from line ${line} on: the rules or blessed APIs changed since it was generated`,
      });
    });
    return found;
  },
};
