import { generate } from './generate.js';
import { runMain } from './run-main.js';

/** `generate` with every command, `prompt` and `ai-context` included (see generate-main.ts). */
export async function main(toolRoot: string): Promise<void> {
  await runMain((io) => generate(io, { toolRoot }));
}
