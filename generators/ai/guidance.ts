import { RULE_METAS } from '../check/rules/index.js';
import blessedApi from './blessed-api.json' with { type: 'json' };
import type { BlessedModule } from './extract.js';

/**
 * The one source every assistant-facing text is rendered from: the prompts of `generate prompt`,
 * AGENTS.md, the Copilot and Cursor rule files. The rules come from check's registry and the API
 * list from blessed-api.json (kept equal to the real exports by a test), so neither can drift.
 */
export const VERIFY_COMMAND = 'npm test && npx golden-path check';

export const BLESSED_API: readonly BlessedModule[] = blessedApi as BlessedModule[];

/** What an assistant does on this project, in the order it matters. */
export const WORKING_RULES: readonly string[] = [
  'Scaffold with the generators, never by hand: `npx generate <endpoint|service|resource|client> --help` lists the flags; always pass every answer as a flag (no prompts), try `--dry-run` first.',
  'Write logic only inside the marked zone (`// ---- Business logic` … `// ---- End of business logic.`) of a generated file, or in the functions of a generated service; leave the `defineEndpoint` wiring, permission, schemas and registry entry as generated.',
  'Never hand-roll auth, logging, outbound HTTP or SQL: use blessed/auth, blessed/logger, blessed/http and blessed/db (the list below). Never edit blessed/.',
  'Keep every generated security test passing; add cases, never delete or weaken one.',
  `Before you say you are done, run \`${VERIFY_COMMAND}\` and fix what it reports.`,
];

/** What never goes into a prompt, a rule file, a log or a test fixture. */
export const DATA_RULES: readonly string[] = [
  'No secrets, tokens, keys or passwords: not in code, prompts, tests or commit messages. Configuration comes from the environment at run time.',
  'No environment values, .env contents, customer data or database rows in a prompt or a context file; describe their shape instead.',
  'Tests mint their own tokens and tenants with blessed/testing; never paste a real token.',
];

/** check's rules in plain words: what must not be done, and the way instead. */
export function checkRules(): readonly { id: string; doc: string; fix: string }[] {
  return RULE_METAS;
}

/** The blessed API as Markdown: value exports with signatures, type exports by name. */
export function apiMarkdown(modules: readonly BlessedModule[] = BLESSED_API): string {
  return modules
    .map(function moduleSection(m) {
      const values = m.exports.filter((e) => e.kind === 'value').map((e) => `- \`${e.name}\`: \`${e.signature.replace(/\s+/g, ' ')}\``);
      const types = m.exports.filter((e) => e.kind === 'type').map((e) => `\`${e.name}\``);
      return [`### ${m.module}`, ...values, ...(types.length === 0 ? [] : [`- types: ${types.join(', ')}`])].join('\n');
    })
    .join('\n\n');
}

export function rulesMarkdown(): string {
  return checkRules()
    .map((r) => `- \`${r.id}\`: do not: ${r.doc.replace(/\.$/, '')}. Instead: ${r.fix}`)
    .join('\n');
}

export function bullets(lines: readonly string[]): string {
  return lines.map((line) => `- ${line}`).join('\n');
}
