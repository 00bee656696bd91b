import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { CLIError } from '../cli/errors.js';

/** What a field of an answers schema says about itself, via zod's `.meta()`. */
// A type alias, not an interface: zod's `.meta()` wants an indexable object.
export type FieldMeta = {
  readonly description: string;
  /** Shown in help after the flag, e.g. `<name>`. */
  readonly placeholder?: string;
  readonly choices?: readonly string[];
  /** The field may also be given as the first positional argument. */
  readonly positional?: boolean;
  /** Prompt text on a terminal. */
  readonly message?: string;
  /** Asked on a terminal only when this returns true for the answers so far. */
  readonly askWhen?: (answers: Readonly<Record<string, unknown>>) => boolean;
  /** A missing optional answer is still worth asking for on a terminal. */
  readonly ask?: boolean;
};

export interface FlagSpec {
  readonly key: string;
  readonly flag: string;
  readonly meta: FieldMeta;
  readonly required: boolean;
  readonly field: z.ZodType;
}

export interface CommonFlags {
  readonly dryRun: boolean;
  readonly force: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

const COMMON_FLAGS: readonly (readonly [string, string])[] = [
  ['--dry-run', 'print the plan and a unified diff of every file; write nothing'],
  ['--force', 'overwrite existing files whose content differs'],
  ['--json', 'print one JSON result on stdout and nothing else'],
  ['--help', 'show this help'],
];

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Flags derived from an answers schema: one string flag per field, named after its key. */
export function flagSpecs(fields: z.ZodObject): FlagSpec[] {
  return Object.entries(fields.shape as Record<string, z.ZodType>).map(([key, field]) => {
    const meta = (field.meta() ?? { description: key }) as unknown as FieldMeta;
    return { key, flag: kebab(key), meta, required: !field.safeParse(undefined).success, field };
  });
}

/** `--help` text for a generator, from the same schema that validates its answers. */
export function helpText(generator: string, description: string, specs: readonly FlagSpec[], notes = ''): string {
  const positional = specs.find((s) => s.meta.positional === true);
  const pairs = [
    ...specs.map((s): readonly [string, string] => {
      const choices = s.meta.choices === undefined ? '' : ` (${s.meta.choices.join('|')})`;
      return [`--${s.flag} ${s.meta.placeholder ?? `<${s.flag}>`}`, `${s.meta.description}${choices}${s.required ? '' : ' [optional]'}`];
    }),
    ...COMMON_FLAGS,
  ];
  const width = Math.max(...pairs.map(([left]) => left.length)) + 2;
  const rows = pairs.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
  return `Usage: generate ${generator} ${positional === undefined ? '' : `[${positional.flag}] `}[flags]

${description}

Flags:
${rows.join('\n')}
${notes === '' ? '' : `\n${notes}`}`;
}

/** Shown instead of user input in messages: printable ASCII only, and short. */
export function sanitize(value: string, max = 40): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/**
 * Reads `[positional] --flag value ...`: unknown, repeated or value-less flags are usage errors,
 * and nothing is echoed beyond a sanitized flag name.
 */
export function readFlags(argv: readonly string[], specs: readonly FlagSpec[]): { answers: Record<string, string>; common: CommonFlags } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple: true }> = {};
  for (const spec of specs) options[spec.flag] = { type: 'string', multiple: true };
  for (const flag of ['dry-run', 'force', 'json', 'help']) options[flag] = { type: 'boolean', multiple: true };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const flag = /'(-{1,2}[A-Za-z0-9-]{1,40})/.exec((err as Error).message)?.[1];
    const named = flag === undefined ? 'a flag' : sanitize(flag);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new CLIError(`unknown flag ${named}; see --help`, { code: 'ERR_UNKNOWN_FLAG' });
    throw new CLIError(`${named} needs a value (a value that starts with - must be written --flag=value)`, { code: 'ERR_FLAG_VALUE' });
  }
  const answers: Record<string, string> = {};
  const values = parsed.values as Record<string, (string | boolean)[] | undefined>;
  for (const [flag, list] of Object.entries(values)) {
    if (list !== undefined && list.length > 1) throw new CLIError(`--${flag} is given more than once`, { flag, code: 'ERR_FLAG_REPEATED' });
  }
  for (const spec of specs) {
    const value = values[spec.flag]?.[0];
    if (typeof value === 'string') answers[spec.key] = value;
  }
  const positional = specs.find((s) => s.meta.positional === true);
  if (parsed.positionals.length > (positional === undefined ? 0 : 1)) {
    throw new CLIError('too many positional arguments; pass answers as --flag value', { code: 'ERR_USAGE' });
  }
  const first = parsed.positionals[0];
  if (first !== undefined && positional !== undefined) {
    if (answers[positional.key] !== undefined && answers[positional.key] !== first) {
      throw new CLIError(`--${positional.flag} is given twice with different values`, { flag: positional.flag });
    }
    answers[positional.key] = first;
  }
  const on = (flag: string): boolean => values[flag]?.[0] === true;
  return { answers, common: { dryRun: on('dry-run'), force: on('force'), json: on('json'), help: on('help') } };
}

/** The first issue of a failed parse, as a one-line CLIError naming the flag and the rule. */
export function answersError(error: z.ZodError, specs: readonly FlagSpec[]): CLIError {
  const issue = error.issues[0];
  const key = String(issue?.path[0] ?? '');
  const spec = specs.find((s) => s.key === key);
  const flag = spec?.flag ?? (key || 'input');
  return new CLIError(`--${flag} ${issue?.message ?? 'is invalid'}`, { flag, code: 'ERR_INVALID_ANSWER' });
}
