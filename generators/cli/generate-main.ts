import { TEXT_COMMANDS, generatePlan } from './generate-plan.js';
import { runMain } from './run-main.js';

/** An entry module of the bin: generate-text-main.ts. */
export interface GenerateEntry {
  main(toolRoot: string): Promise<void>;
}

/**
 * The `generate` bin's whole job for the generators proper, as one module so it loads as one
 * bundle. `prompt` and `ai-context` read the policy rules and the whole project: their entry
 * (`loadText`) is bundled apart, so a first `generate endpoint` builds a bundle half the size.
 */
export async function main(toolRoot: string, loadText: () => Promise<GenerateEntry>): Promise<void> {
  const name = process.argv[2];
  if (name !== undefined && TEXT_COMMANDS.includes(name)) return (await loadText()).main(toolRoot);
  await runMain((io) => generatePlan(io, { toolRoot }));
}
