import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { RULE_METAS, runCheck, type Violation } from '../check/index.js';
import { listFiles } from '../check/files.js';
import { FORMATS, formatJson, formatSarif, formatText, type Format } from '../check/format.js';
import { blessedChecksums, CHECKSUM_FILE } from '../check/rules/blessed.js';
import { loadConfig } from '../check/config.js';
import { CLIError, EXIT_FAILURE, EXIT_OK } from '../cli/errors.js';
import type { CommandIO } from '../cli/run-main.js';

export const CHECK_HELP = `Usage: golden-path check [paths...] [--format text|json|sarif] [--output file]
       golden-path check --list
       golden-path check --accept-blessed

Reads the sources as syntax trees and reports every step off the golden path: rule id, file,
line, column, message and how to fix it. Without paths the whole project is checked, including
the lockfile, the blessed checksums and openapi.json.

  --format          text (default), json, or sarif (SARIF 2.1.0 for code scanning)
  --output          write the report to this file instead of stdout
  --list            print every rule with its id and one-line doc
  --accept-blessed  record the current blessed/ files as reviewed (${CHECKSUM_FILE})

Suppress one finding with a comment on the line before it:
  // golden-path-ignore <rule-id> -- <reason>
Exit codes: 0 clean, 1 violations, 2 bad usage.
`;

function flags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        format: { type: 'string' },
        output: { type: 'string' },
        list: { type: 'boolean' },
        'accept-blessed': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new CLIError(`check: ${(err as Error).message}`);
  }
}

/** A path argument, made project-relative; one outside the project is bad usage. */
function projectPath(cwd: string, path: string): string {
  const rel = relative(cwd, isAbsolute(path) ? path : join(cwd, path))
    .split(sep)
    .join('/');
  if (rel.startsWith('..') || isAbsolute(rel)) throw new CLIError(`check: path "${path.slice(0, 80)}" is outside the project`, { flag: 'paths' });
  return rel === '' ? '.' : rel.replace(/\/+$/, '');
}

async function sarifLines(root: string, violations: readonly Violation[]): Promise<(v: Violation) => string> {
  const texts = new Map<string, string[]>();
  for (const file of new Set(violations.map((v) => v.file))) {
    texts.set(file, (await readFile(join(root, file), 'utf8').catch(() => '')).split('\n'));
  }
  return (v) => texts.get(v.file)?.[v.line - 1] ?? '';
}

async function toolVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}

/** `golden-path check`: the policy gate. */
export async function checkCommand(io: CommandIO, argv: readonly string[]): Promise<number> {
  const { values, positionals } = flags(argv);
  if (values.help === true) {
    io.stdout.write(CHECK_HELP);
    return EXIT_OK;
  }
  if (values.list === true) {
    const width = Math.max(...RULE_METAS.map((r) => r.id.length)) + 2;
    io.stdout.write(`${RULE_METAS.map((r) => `${r.id.padEnd(width)}${r.doc}`).join('\n')}\n`);
    return EXIT_OK;
  }
  if (values['accept-blessed'] === true) {
    if (positionals.length > 0 || values.format !== undefined || values.output !== undefined)
      throw new CLIError('check: --accept-blessed takes no paths, --format or --output');
    const config = await loadConfig(io.cwd);
    const text = await blessedChecksums(io.cwd, await listFiles(io.cwd, config.ignore));
    await writeFile(join(io.cwd, CHECKSUM_FILE), text);
    io.stdout.write(`recorded ${text.split('\n').filter(Boolean).length} blessed files in ${CHECKSUM_FILE}\n`);
    return EXIT_OK;
  }
  const format = (values.format ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new CLIError(`check: --format must be one of ${FORMATS.join(', ')}`, { flag: 'format' });
  if (values.output === '') throw new CLIError('check: --output needs a file name', { flag: 'output' });
  const paths = positionals.map((path) => projectPath(io.cwd, path));
  for (const path of paths) {
    if ((await stat(join(io.cwd, path)).catch(() => null)) === null) throw new CLIError(`check: path "${path.slice(0, 80)}" does not exist`, { flag: 'paths' });
  }
  const result = await runCheck({
    root: io.cwd,
    paths,
    env: io.env,
    renderInventory: async () => (await import('../inventory/load.js')).renderOpenApi(io.cwd),
  });
  const { violations, filesChecked } = result;
  const text =
    format === 'json'
      ? formatJson(violations, RULE_METAS, filesChecked)
      : format === 'sarif'
        ? formatSarif(violations, RULE_METAS, await sarifLines(io.cwd, violations), await toolVersion())
        : formatText(violations, RULE_METAS, filesChecked);
  if (values.output === undefined) io.stdout.write(text);
  else {
    try {
      const target = isAbsolute(values.output) ? values.output : join(io.cwd, values.output);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
    } catch (err) {
      throw new CLIError(`check: cannot write --output ${values.output}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
        flag: 'output',
        exitCode: EXIT_FAILURE,
      });
    }
  }
  return violations.length === 0 ? EXIT_OK : EXIT_FAILURE;
}
