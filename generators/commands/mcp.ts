import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CLIError, EXIT_OK } from '../cli/errors.js';
import type { CommandIO } from '../cli/run-main.js';

export const MCP_HELP = `Usage: golden-path mcp

Serves the golden path to an AI assistant as Model Context Protocol tools over stdio:
list_generators, generate (dry run unless apply: true), check, routes, prompt. Run it from the
project root; it never writes outside the project and never prompts.
`;

/** `golden-path mcp`: runs until the client closes stdin. */
export async function mcpCommand(io: CommandIO, argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(MCP_HELP);
    return EXIT_OK;
  }
  if (argv.length > 0) throw new CLIError(`mcp: unexpected argument "${(argv[0] ?? '').slice(0, 40)}"; it takes none`);
  if (!(io.stdin instanceof Readable) || !(io.stdout instanceof Writable)) throw new CLIError('mcp: needs stdio streams');
  const { serveMcp } = await import('../mcp/server.js');
  const toolRoot = fileURLToPath(new URL('../..', import.meta.url));
  const server = await serveMcp({ root: io.cwd, toolRoot }, io.stdin, io.stdout);
  await new Promise<void>((resolve) => {
    server.onclose = resolve;
    io.stdin.once('end', resolve);
  });
  return EXIT_OK;
}
