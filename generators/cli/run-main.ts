import { CLIError, EXIT_FAILURE, EXIT_OK } from './errors.js';

export interface CommandIO {
  readonly argv: readonly string[];
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export type Command = (io: CommandIO) => Promise<number | void>;

/**
 * The only place that touches the process: runs a command, prints a CLIError as one line on
 * stderr, and maps everything to an exit code. Unexpected errors keep their stack, since those
 * are bugs in the tool rather than in the user's input.
 */
export async function runMain(command: Command): Promise<void> {
  const io: CommandIO = {
    argv: process.argv.slice(2),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
  let code: number;
  try {
    code = (await command(io)) ?? EXIT_OK;
  } catch (err) {
    if (err instanceof CLIError) {
      process.stderr.write(`error: ${err.message}\n`);
      code = err.exitCode;
    } else {
      process.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      code = EXIT_FAILURE;
    }
  }
  process.exitCode = code;
}
