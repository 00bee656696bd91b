import { generatePlan, withJsonErrors, type GenerateOptions } from './generate-plan.js';
import type { CommandIO } from './run-main.js';

export type { GenerateOptions } from './generate-plan.js';

// The names are TEXT_COMMANDS in generate-plan.ts: the bin (generate-main.ts) loads this module for them only.
async function textCommand(name: string | undefined): Promise<((io: CommandIO, argv: readonly string[]) => Promise<number>) | undefined> {
  if (name === 'prompt') return (await import('../ai/prompt.js')).promptCommand;
  if (name === 'ai-context') return (await import('../ai/context.js')).aiContextCommand;
  return undefined;
}

/**
 * `generate <generator> [name] [--flag value]...`: plans the generator's changes in memory, then
 * prints them (`--dry-run`) or writes them all at once; `prompt` and `ai-context` render text
 * from the project rather than planning from answers.
 *
 * @example
 * await runMain((io) => generate(io));
 */
export async function generate(io: CommandIO, options: GenerateOptions = {}): Promise<number> {
  const [name, ...rest] = io.argv;
  const command = await textCommand(name);
  if (command === undefined) return generatePlan(io, options);
  return withJsonErrors(io, rest.includes('--json'), () => command(io, rest));
}
