import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { goldenPath } from '../../generators/cli/golden-path.js';
import { runCommand, type Command } from '../../generators/cli/run-main.js';
import { PROJECT } from './project-copy.js';
import { baseEnv, type Finished } from './spawn.js';

/**
 * Runs a CLI command in this process through the same exit-code mapping as the bin (runCommand),
 * with stdin closed and no terminal, as CI and scripts run it. The environment is the one a
 * spawned process would get (spawn.ts's baseEnv) plus `env`; the process's own is never touched.
 */
export async function runInProcess(command: Command, argv: readonly string[], env: NodeJS.ProcessEnv = {}, cwd: string = PROJECT): Promise<Finished> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = text(stdout);
  const err = text(stderr);
  const stdin = Object.assign(Readable.from([]), { isTTY: false });
  const code = await runCommand(command, { argv, stdout, stderr, stdin, env: { ...baseEnv(), ...env }, cwd });
  stdout.end();
  stderr.end();
  return { code, stdout: await out, stderr: await err };
}

/** `golden-path <argv>` in this process. */
export function goldenPathInProcess(argv: readonly string[], env: NodeJS.ProcessEnv = {}, cwd: string = PROJECT): Promise<Finished> {
  return runInProcess(goldenPath, argv, env, cwd);
}
