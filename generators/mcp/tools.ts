import { PassThrough, Readable } from 'node:stream';
import nodePlop from 'node-plop';
import { z } from 'zod';
import { buildPrompt, PROMPT_KINDS } from '../ai/prompt.js';
import { runCheck } from '../check/index.js';
import { CLIError } from '../cli/errors.js';
import { generate } from '../cli/generate.js';
import type { CommandIO } from '../cli/run-main.js';
import { routesCommand } from '../commands/openapi.js';
import { renderOpenApi } from '../inventory/load.js';
import plopfile from '../plopfile.js';
import { flagSpecs } from '../toolkit/answers.js';
import { generatorConfig, type GeneratorConfig } from '../toolkit/generator.js';

/** What a tool call answers: text for the assistant, flagged as an error when it failed. */
export interface ToolResult {
  readonly text: string;
  readonly isError: boolean;
}

export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: { readonly type: 'object'; readonly [key: string]: unknown };
}

/** Where the tools run: the project they act on and the package holding the templates. */
export interface ToolContext {
  readonly root: string;
  readonly toolRoot: string;
}

async function generators(root: string): Promise<Map<string, GeneratorConfig<unknown>>> {
  const plop = await nodePlop('', { destBasePath: root, force: false });
  plopfile(plop);
  const found = new Map<string, GeneratorConfig<unknown>>();
  for (const { name } of plop.getGeneratorList()) {
    const config = generatorConfig(plop, name);
    if (config !== undefined) found.set(name, config);
  }
  return found;
}

function answersSchema(config: GeneratorConfig<unknown>): Record<string, unknown> {
  const schema = z.toJSONSchema(config.fields, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema['$schema'];
  return schema;
}

/** The tools as MCP lists them; `generate` takes each generator's answers schema. */
export async function toolDefinitions(context: ToolContext): Promise<ToolDefinition[]> {
  const configs = await generators(context.root);
  const answerSchemas = [...configs].map(([name, config]) => ({ ...answersSchema(config), title: `${name} answers` }));
  return [
    {
      name: 'list_generators',
      description: 'List the generators with their descriptions and answers schemas.',
      inputSchema: { type: 'object', properties: {} },
    },
    {
      name: 'generate',
      description:
        'Run a generator. Dry run by default: returns the files it would create or modify and a unified diff. Pass apply: true to write them (all or nothing, never outside the project).',
      inputSchema: {
        type: 'object',
        properties: {
          generator: { type: 'string', enum: [...configs.keys()] },
          answers: { anyOf: answerSchemas },
          apply: { type: 'boolean', default: false },
          force: { type: 'boolean', default: false },
        },
        required: ['generator', 'answers'],
        additionalProperties: false,
      },
    },
    {
      name: 'check',
      description: 'Run golden-path check over the project; returns every violation with its rule, file, line and fix.',
      inputSchema: { type: 'object', properties: {} },
    },
    {
      name: 'routes',
      description: 'List the registered endpoints: method, path, permission or public reason, summary.',
      inputSchema: { type: 'object', properties: {} },
    },
    {
      name: 'prompt',
      description: 'The prompt for implementing a generated artifact: its file and marked zone, permission, security tests, allowed APIs and rules.',
      inputSchema: {
        type: 'object',
        properties: { kind: { type: 'string', enum: [...PROMPT_KINDS] }, name: { type: 'string' } },
        required: ['kind', 'name'],
        additionalProperties: false,
      },
    },
  ];
}

/** Runs a CLI command in-process with captured output and no terminal: it can never prompt. */
async function captured(root: string, argv: readonly string[], command: (io: CommandIO) => Promise<number>): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const io: CommandIO = { argv, stdout, stderr: new PassThrough(), stdin: Object.assign(Readable.from([]), { isTTY: false }), env: {}, cwd: root };
  const code = await command(io);
  return { code, stdout: Buffer.concat(chunks).toString('utf8') };
}

const GenerateInput = z.strictObject({
  generator: z.string().max(40),
  answers: z.record(z.string().max(40), z.union([z.string().max(2000), z.number(), z.boolean()])),
  apply: z.boolean().default(false),
  force: z.boolean().default(false),
});
const PromptInput = z.strictObject({ kind: z.string().max(40), name: z.string().max(200) });

function invalid(tool: string, error: z.ZodError): ToolResult {
  const issue = error.issues[0];
  return { isError: true, text: `${tool}: "${issue?.path.join('.') || 'arguments'}" ${issue?.message ?? 'is invalid'}` };
}

async function runGenerate(context: ToolContext, args: unknown): Promise<ToolResult> {
  const input = GenerateInput.safeParse(args ?? {});
  if (!input.success) return invalid('generate', input.error);
  const { generator, answers, apply, force } = input.data;
  const config = (await generators(context.root)).get(generator);
  if (config === undefined) return { isError: true, text: `generate: unknown generator "${generator.slice(0, 40)}"` };
  const specs = flagSpecs(config.fields);
  const argv: string[] = [generator];
  for (const [key, value] of Object.entries(answers)) {
    const spec = specs.find((s) => s.key === key);
    if (spec === undefined)
      return { isError: true, text: `generate: ${generator} has no answer "${key.slice(0, 40)}"; expected: ${specs.map((s) => s.key).join(', ')}` };
    argv.push(`--${spec.flag}`, String(value));
  }
  argv.push('--json', ...(apply ? [] : ['--dry-run']), ...(force ? ['--force'] : []));
  const { stdout } = await captured(context.root, argv, (io) => generate(io, { toolRoot: context.toolRoot }));
  const result = JSON.parse(stdout) as { ok: boolean; error?: { message: string } };
  if (!result.ok) return { isError: true, text: `generate: ${result.error?.message ?? 'failed'}` };
  return { isError: false, text: JSON.stringify(result, null, 2) };
}

/**
 * Calls one tool. Bad input and refused work are `isError` results naming the problem; only a
 * bug in the tool itself throws.
 *
 * @example
 * const { text } = await callTool({ root, toolRoot }, 'routes', {});
 */
export async function callTool(context: ToolContext, name: string, args: unknown): Promise<ToolResult> {
  try {
    switch (name) {
      case 'list_generators': {
        const configs = await generators(context.root);
        const list = [...configs].map(([generator, config]) => ({ name: generator, description: config.description, answers: answersSchema(config) }));
        return { isError: false, text: JSON.stringify(list, null, 2) };
      }
      case 'generate':
        return await runGenerate(context, args);
      case 'check': {
        const { violations, filesChecked } = await runCheck({ root: context.root, renderInventory: () => renderOpenApi(context.root) });
        return { isError: false, text: JSON.stringify({ ok: violations.length === 0, filesChecked, violations }, null, 2) };
      }
      case 'routes':
        return { isError: false, text: (await captured(context.root, [], (io) => routesCommand(io, ['--json']))).stdout };
      case 'prompt': {
        const input = PromptInput.safeParse(args ?? {});
        if (!input.success) return invalid('prompt', input.error);
        return { isError: false, text: await buildPrompt({ root: context.root, kind: input.data.kind, name: input.data.name }) };
      }
      default:
        return { isError: true, text: `unknown tool "${name.slice(0, 40)}"` };
    }
  } catch (err) {
    if (err instanceof CLIError) return { isError: true, text: err.message };
    throw err;
  }
}
