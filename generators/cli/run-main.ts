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
 * Runs a command against any IO and maps the outcome to an exit code: a CLIError becomes one
 * line on stderr, anything else keeps its stack, since those are bugs in the tool rather than in
 * the user's input. Tests call it with in-memory streams; runMain calls it with the process's.
 *
 * @example
 * const code = await runCommand(goldenPath, { argv: ['token', '--help'], stdout, stderr, stdin, env: {}, cwd });
 */
export async function runCommand(command: Command, io: CommandIO): Promise<number> {
  try {
    return (await command(io)) ?? EXIT_OK;
  } catch (err) {
    if (err instanceof CLIError) {
      io.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_FAILURE;
  }
}

/** The only place that touches the process: runs a command on its streams and sets its exit code. */
export async function runMain(command: Command): Promise<void> {
  const io: CommandIO = {
    argv: process.argv.slice(2),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
  // A reader that stops early (`golden-path check | head`) is not an error of the command: stop
  // quietly instead of crashing on the next write.
  process.stdout.on('error', function stopOnClosedPipe(err: NodeJS.ErrnoException) {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? EXIT_OK);
  });
  process.exitCode = await runCommand(command, io);
}
