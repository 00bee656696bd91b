import { generate } from './generate.js';
import { runMain } from './run-main.js';

/** The `generate` bin's whole job, as one module so it loads as one bundle. */
export async function main(toolRoot: string): Promise<void> {
  await runMain((io) => generate(io, { toolRoot }));
}
