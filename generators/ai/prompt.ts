import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pluralize from 'pluralize';
import { scanText } from '../check/rules/secretlint-scan.js';
import { CLIError, EXIT_USAGE } from '../cli/errors.js';
import { MANIFEST_PATH, parseManifest, type ManifestEntry } from '../toolkit/manifest.js';
import { resolveTarget } from '../toolkit/paths.js';
import { apiMarkdown, bullets, DATA_RULES, rulesMarkdown, VERIFY_COMMAND, WORKING_RULES } from './guidance.js';

export const PROMPT_KINDS = ['endpoint', 'service', 'resource', 'client'] as const;
export type PromptKind = (typeof PROMPT_KINDS)[number];

export interface PromptOptions {
  readonly root: string;
  readonly kind: string;
  readonly name: string;
  /** Text the user adds as context (`--context <file>`), already read; secretlint screens it. */
  readonly context?: { readonly file: string; readonly text: string };
}

const NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;
const ZONE_START = '// ---- Business logic';
const ZONE_END = '// ---- End of business logic.';
const MAX_CONTEXT_BYTES = 64 * 1024;
const PERMISSION = /\bpermission:\s*'([^'\n]{1,100})'/g;

/** A context file secretlint flags is refused whole: a prompt leaves the machine. */
async function screenContext(file: string, text: string): Promise<void> {
  if (Buffer.byteLength(text) > MAX_CONTEXT_BYTES)
    throw new CLIError(`prompt: --context ${file} is over ${MAX_CONTEXT_BYTES} bytes`, { flag: 'context', code: 'ERR_CONTEXT_TOO_LARGE' });
  const [first] = await scanText(file, text);
  if (first !== undefined) {
    throw new CLIError(
      `prompt: --context ${file} line ${first.line} looks like a secret (secretlint ${first.ruleId}); remove it, prompts never carry secrets`,
      {
        flag: 'context',
        code: 'ERR_CONTEXT_SECRET',
      },
    );
  }
}

function findEntry(entries: readonly ManifestEntry[], kind: PromptKind, name: string): ManifestEntry {
  // A resource is recorded under its plural, whichever form it was generated with.
  const wanted = kind === 'resource' ? [name, pluralize.plural(name)] : [name];
  const entry = entries.find((e) => e.generator === kind && wanted.includes(e.name));
  if (entry !== undefined) return entry;
  const known = entries.filter((e) => e.generator === kind).map((e) => e.name);
  throw new CLIError(
    `prompt: no ${kind} named "${name}" in ${MANIFEST_PATH}; generate it first (npx generate ${kind} --help)${known.length === 0 ? '' : `; known: ${known.join(', ')}`}`,
    { flag: 'name', code: 'ERR_PROMPT_UNKNOWN' },
  );
}

interface Zone {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/** The generated files of the entry, read through the toolkit's containment check. */
async function readGenerated(root: string, entry: ManifestEntry): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const path of Object.keys(entry.files)) {
    const absolute = await resolveTarget(root, path);
    const text = await readFile(absolute, 'utf8').catch(() => null);
    if (text !== null) texts.set(path, text);
  }
  return texts;
}

function zonesOf(texts: ReadonlyMap<string, string>): Zone[] {
  const zones: Zone[] = [];
  for (const [file, text] of texts) {
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      if (!line.trim().startsWith(ZONE_START)) return;
      const end = lines.findIndex((l, i) => i > index && l.trim().startsWith(ZONE_END));
      if (end !== -1) zones.push({ file, start: index + 1, end: end + 1 });
    });
  }
  return zones;
}

function permissionsOf(texts: ReadonlyMap<string, string>): string[] {
  const found = new Set<string>();
  for (const [file, text] of texts)
    if (!file.endsWith('.test.ts')) for (const match of text.matchAll(PERMISSION)) if (match[1] !== undefined) found.add(match[1]);
  return [...found].sort();
}

/**
 * Renders the prompt for an assistant to implement one generated artifact's logic. It reads the
 * generation manifest and the generated files only: no environment, no .env, no data.
 *
 * @example
 * const text = await buildPrompt({ root: process.cwd(), kind: 'endpoint', name: 'createOrder' });
 */
export async function buildPrompt(options: PromptOptions): Promise<string> {
  const kind = PROMPT_KINDS.find((k) => k === options.kind);
  if (kind === undefined) throw new CLIError(`prompt: the kind must be one of ${PROMPT_KINDS.join(', ')}`, { flag: 'kind', code: 'ERR_PROMPT_KIND' });
  if (!NAME.test(options.name))
    throw new CLIError('prompt: the name must be letters, digits and dashes, starting with a letter (at most 64)', { flag: 'name', code: 'ERR_INVALID_NAME' });
  if (options.context !== undefined) await screenContext(options.context.file, options.context.text);
  const manifest = parseManifest(await readFile(join(options.root, MANIFEST_PATH), 'utf8').catch(() => null));
  const entry = findEntry(manifest.entries, kind, options.name);
  const texts = await readGenerated(options.root, entry);
  const zones = zonesOf(texts);
  const sources = [...texts.keys()].filter((f) => !f.endsWith('.test.ts') && f.endsWith('.ts'));
  const tests = Object.keys(entry.files).filter((f) => f.endsWith('.test.ts'));
  const permissions = permissionsOf(texts);
  const where =
    zones.length > 0
      ? zones.map((z) => `- \`${z.file}\`, lines ${z.start}–${z.end}: between \`${ZONE_START} …\` and \`${ZONE_END}\``).join('\n')
      : sources.map((f) => `- \`${f}\`: the bodies of its exported functions; keep their names and signatures`).join('\n');
  const sections = [
    `# Implement the ${kind} "${options.name}"`,
    `It was scaffolded by \`npx generate ${kind}\`; the wiring (auth, validation, logging, registry, tests) is done. Your job is its business logic, nothing else.`,
    `## Where to write\nEdit only here:\n${where}\n\nFiles it consists of: ${sources.map((f) => `\`${f}\``).join(', ') || '(none)'}. Do not create other files; if you need another endpoint, service, resource or client, run its generator with flags.`,
    `## Permission\n${permissions.length === 0 ? 'None declared in these files; do not add authorisation code of your own.' : `${permissions.map((p) => `\`${p}\``).join(', ')}: already enforced by \`defineEndpoint\` before the handler runs; do not re-check or change it.`}`,
    `## Security tests that must keep passing\n${tests.map((t) => `- \`${t}\``).join('\n') || '- (none generated)'}\nAdd cases for new behaviour; never delete or weaken one.`,
    `## Rules\n${bullets(WORKING_RULES)}`,
    `## Data handling\n${bullets(DATA_RULES)}`,
    `## Must not (enforced by \`npx golden-path check\`)\n${rulesMarkdown()}`,
    `## Blessed APIs you may use\n${apiMarkdown()}`,
    ...(options.context === undefined ? [] : [`## Context from the requester\n${options.context.text.trim()}`]),
    `## Verify\nRun \`${VERIFY_COMMAND}\`; both must pass before you are done.`,
  ];
  return `${sections.join('\n\n')}\n`;
}

/** `generate prompt <kind> <name> [--context file]`: prints the prompt. */
export async function promptCommand(io: { readonly cwd: string; readonly stdout: NodeJS.WritableStream }, argv: readonly string[]): Promise<number> {
  const { parseArgs } = await import('node:util');
  let parsed: ReturnType<typeof parseArgs<{ options: { context: { type: 'string' }; help: { type: 'boolean'; short: 'h' } }; allowPositionals: true }>>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { context: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new CLIError(`prompt: ${(err as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(PROMPT_HELP);
    return 0;
  }
  const [kind, name, ...extra] = positionals;
  if (kind === undefined || name === undefined || extra.length > 0)
    throw new CLIError('prompt: usage: generate prompt <endpoint|service|resource|client> <name> [--context file]', { exitCode: EXIT_USAGE });
  let context: PromptOptions['context'];
  if (values.context !== undefined) {
    const file = values.context;
    const text = await readFile(join(io.cwd, file), 'utf8').catch(() => {
      throw new CLIError(`prompt: --context ${file.slice(0, 80)} cannot be read`, { flag: 'context' });
    });
    context = { file: file.slice(0, 80), text };
  }
  io.stdout.write(await buildPrompt({ root: io.cwd, kind, name, ...(context === undefined ? {} : { context }) }));
  return 0;
}

export const PROMPT_HELP = `Usage: generate prompt <endpoint|service|resource|client> <name> [--context file]

Prints a prompt for an assistant to implement a generated artifact's logic: its file and marked
zone, its permission, its security tests, the blessed APIs, the check rules and the verify command.
It reads the generation manifest and the generated files only, never the environment or data.

  --context  a file of extra notes to include; refused (exit 2) if secretlint flags it
`;
