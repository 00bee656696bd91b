import { inProcessEdits, type AstEdits, type RegistryEntry } from '../toolkit/ast.js';
import { CLIError, EXIT_FAILURE, EXIT_USAGE } from './errors.js';
import { generate } from './generate.js';
import { runMain } from './run-main.js';

/** What the worker answers: the edited text, or the error it threw, as plain data. */
export type WorkerAnswer =
  | { readonly text: string }
  | { readonly error: { readonly message: string; readonly code?: string; readonly exitCode?: number; readonly flag?: string } };

export interface AstWorker {
  addRegistryEntry(text: string, file: string, entry: RegistryEntry): Promise<WorkerAnswer>;
}

function viaWorker(worker: AstWorker): AstEdits {
  return {
    async addRegistryEntry(text, file, entry) {
      const answer = await worker.addRegistryEntry(text, file, entry);
      if ('text' in answer) return answer.text;
      const { message, code, exitCode, flag } = answer.error;
      // A worker that could not start is no reason to fail: do the edit here instead.
      if (code === undefined) return inProcessEdits.addRegistryEntry(text, file, entry);
      throw new CLIError(message, { code, exitCode: exitCode === EXIT_USAGE ? EXIT_USAGE : EXIT_FAILURE, ...(flag === undefined ? {} : { flag }) });
    },
  };
}

/** The `generate` bin's whole job, as one module so it loads as one bundle. */
export async function main(toolRoot: string, worker?: AstWorker): Promise<void> {
  await runMain((io) => generate(io, { toolRoot, ...(worker === undefined ? {} : { edits: viaWorker(worker) }) }));
}
