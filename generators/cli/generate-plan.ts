import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodePlop, { type NodePlopAPI } from 'node-plop';
import plopfile from '../plopfile.js';
import { answersError, flagSpecs, readFlags, sanitize, type FlagSpec } from '../toolkit/answers.js';
import { runData, runFailure } from '../toolkit/actions.js';
import { inProcessEdits, type AstEdits } from '../toolkit/ast.js';
import { ChangeSet, type PlannedChange } from '../toolkit/change-set.js';
import { commit, nodeFs, type CommitFs } from '../toolkit/commit.js';
import { generatorConfig, type GeneratorConfig } from '../toolkit/generator.js';
import { inProcessRenderer, refreshInventory, type InventoryRenderer } from '../toolkit/inventory.js';
import { projectFormatter } from '../toolkit/format.js';
import { planManifest } from '../toolkit/manifest.js';
import { CLIError, EXIT_FAILURE, EXIT_OK } from './errors.js';
import type { CommandIO } from './run-main.js';

export interface GenerateOptions {
  /** The folder holding `templates/`; defaults to this package. */
  readonly toolRoot?: string;
  /** File operations for the commit; a test injects a failing one. */
  readonly fs?: CommitFs;
  /** Where registry edits run; defaults to this thread. */
  readonly edits?: AstEdits;
  /** Renders openapi.json by loading a planned tree's registry; defaults to this process. */
  readonly inventory?: InventoryRenderer;
}

async function loadPlop(cwd: string): Promise<NodePlopAPI> {
  const plop = await nodePlop('', { destBasePath: cwd, force: false });
  plopfile(plop);
  return plop;
}

function listing(plop: NodePlopAPI): string {
  const rows = plop.getGeneratorList().map((g) => `  ${g.name.padEnd(12)}${g.description}`);
  return `Usage: generate <generator> [name] [--flag value]... [--dry-run] [--force] [--json]

Generators:
${rows.join('\n')}

  prompt      print a prompt for an assistant to implement a generated artifact's logic
  ai-context  write AGENTS.md and the Copilot and Cursor rule files from the golden-path rules

Run generate <generator> --help for its flags.
`;
}

type Prompted = Record<string, unknown>;

/** The part of node-plop's inquirer this command uses. */
interface Inquirer {
  createPromptModule(streams: {
    input: NodeJS.ReadableStream;
    output: NodeJS.WritableStream;
  }): (questions: readonly object[], answers: Prompted) => Promise<Prompted>;
}

/** Asks for what the flags left out, on a terminal only; the same schema validates each answer. */
async function askMissing(plop: NodePlopAPI, io: CommandIO, specs: readonly FlagSpec[], given: Prompted): Promise<Prompted> {
  const questions = specs
    .filter((s) => given[s.key] === undefined && (s.required || s.meta.ask === true || s.meta.askWhen !== undefined))
    .map((s) => ({
      type: s.meta.choices === undefined ? 'input' : 'list',
      name: s.key,
      message: s.meta.message ?? s.meta.description,
      ...(s.meta.choices === undefined ? {} : { choices: [...s.meta.choices] }),
      ...(s.meta.askWhen === undefined ? {} : { when: s.meta.askWhen }),
      validate(value: unknown) {
        if (!s.required && value === '') return true;
        const result = s.field.safeParse(value);
        return result.success || `--${s.flag} ${result.error.issues[0]?.message ?? 'is invalid'}`;
      },
      filter: (value: unknown) => (value === '' && !s.required ? undefined : value),
    }));
  if (questions.length === 0) return given;
  const prompt = (plop as NodePlopAPI & { inquirer: Inquirer }).inquirer.createPromptModule({ input: io.stdin, output: io.stdout });
  const answered = await prompt(questions, { ...given });
  return Object.fromEntries(Object.entries(answered).filter(([, value]) => value !== undefined && value !== ''));
}

interface Outcome {
  readonly changes: readonly PlannedChange[];
  readonly dryRun: boolean;
}

async function runGenerator(
  plop: NodePlopAPI,
  name: string,
  config: GeneratorConfig<unknown>,
  io: CommandIO,
  argv: readonly string[],
  options: GenerateOptions,
  json: boolean,
): Promise<Outcome | 'help'> {
  const specs = flagSpecs(config.fields);
  const { answers: flags, common } = readFlags(argv, specs);
  if (common.help) return 'help';
  const interactive = !json && io.stdin.isTTY === true;
  const collected = interactive ? await askMissing(plop, io, specs, flags) : flags;
  const parsed = config.answers.safeParse(collected);
  if (!parsed.success) throw answersError(parsed.error, specs);

  const plan = new ChangeSet(io.cwd, { force: common.force });
  const toolRoot = options.toolRoot ?? fileURLToPath(new URL('../..', import.meta.url));
  const data = runData(parsed.data as object, plan, join(toolRoot, 'templates'), options.edits ?? inProcessEdits);
  const result = await plop.getGenerator(name).runActions(data as unknown as Record<string, unknown>);
  if (result.failures.length > 0) {
    const failure = runFailure(data);
    if (failure instanceof CLIError) throw failure;
    throw new CLIError(`${name}: ${failure instanceof Error ? failure.message : (result.failures[0]?.error ?? 'an action failed')}; nothing was written`, {
      exitCode: EXIT_FAILURE,
      code: 'ERR_GENERATOR_FAILED',
      cause: failure,
    });
  }
  await plan.finish(await projectFormatter(io.cwd));
  // openapi.json follows the registry in the same change set: a generated tree is already clean.
  await refreshInventory(plan, options.inventory ?? inProcessRenderer(toolRoot));
  await planManifest(plan, name, parsed.data as Record<string, unknown>);
  const changes = plan.list();
  if (!common.dryRun) await commit(changes, options.fs ?? nodeFs);
  return { changes, dryRun: common.dryRun };
}

function paths(changes: readonly PlannedChange[], kind: PlannedChange['kind']): string[] {
  return changes.filter((c) => c.kind === kind).map((c) => c.path);
}

async function report(io: CommandIO, generator: string, outcome: Outcome, json: boolean): Promise<void> {
  const { changes, dryRun } = outcome;
  const { unifiedDiff } = dryRun ? await import('../toolkit/diff.js') : { unifiedDiff: () => '' };
  const diff = changes.map((c) => unifiedDiff(c)).join('');
  if (json) {
    const result = {
      ok: true,
      generator,
      dryRun,
      created: paths(changes, 'create'),
      modified: paths(changes, 'modify'),
      unchanged: paths(changes, 'unchanged'),
      ...(dryRun ? { diff } : {}),
    };
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const verbs = dryRun
    ? { create: 'would create', modify: 'would modify', unchanged: 'unchanged' }
    : { create: 'created', modify: 'modified', unchanged: 'unchanged' };
  const lines = changes.map((c) => `${verbs[c.kind].padEnd(13)}${c.path}`);
  const idle = changes.every((c) => c.kind === 'unchanged');
  if (dryRun) io.stdout.write(`dry run: nothing was written\n${lines.join('\n')}\n${diff === '' ? '' : `\n${diff}`}`);
  else io.stdout.write(`${lines.join('\n')}\n${idle ? 'nothing to do: every file is already up to date\n' : ''}`);
}

/** The commands `generate` runs besides the generators: they render text from the project instead of planning. */
export const TEXT_COMMANDS: readonly string[] = ['prompt', 'ai-context'];

/**
 * `generate <generator> [name] [--flag value]...` for the generators proper: plans the changes in
 * memory, then prints them (`--dry-run`) or writes them all at once. `generate` adds the commands
 * that plan nothing; the bin loads this alone for everything else, a smaller bundle to build.
 *
 * @example
 * await runMain((io) => generatePlan(io));
 */
export async function generatePlan(io: CommandIO, options: GenerateOptions = {}): Promise<number> {
  const [name, ...rest] = io.argv;
  const json = rest.includes('--json');
  return withJsonErrors(io, json, async () => {
    const plop = await loadPlop(io.cwd);
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      io.stdout.write(listing(plop));
      return EXIT_OK;
    }
    const config = generatorConfig(plop, name);
    if (config === undefined) {
      const known = plop
        .getGeneratorList()
        .map((g) => g.name)
        .join(', ');
      throw new CLIError(`unknown generator "${sanitize(name)}"; expected one of: ${known}`, { code: 'ERR_UNKNOWN_GENERATOR' });
    }
    const outcome = await runGenerator(plop, name, config, io, rest, options, json);
    if (outcome === 'help') {
      const { helpText } = await import('../toolkit/answers.js');
      io.stdout.write(helpText(name, config.description, flagSpecs(config.fields), config.notes));
      return EXIT_OK;
    }
    await report(io, name, outcome, json);
    return EXIT_OK;
  });
}

/** With `--json`, a user error is one JSON document on stdout (and its line on stderr) instead of a throw. */
export async function withJsonErrors(io: CommandIO, json: boolean, command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (err) {
    if (!json || !(err instanceof CLIError)) throw err;
    const error = { code: err.code, message: err.message, ...(err.flag === undefined ? {} : { flag: err.flag }) };
    io.stdout.write(`${JSON.stringify({ ok: false, error }, null, 2)}\n`);
    io.stderr.write(`error: ${err.message}\n`);
    return err.exitCode;
  }
}
