import { CLIError } from './errors.js';
import type { CommandIO } from './run-main.js';

type Subcommand = (io: CommandIO, argv: readonly string[]) => Promise<number>;

// Each command's module is loaded when it runs: `check` must not pay for PGlite, the MCP SDK or
// jose (importing every command cost 1.3 s under tsx; `check` alone 0.65 s).
const COMMANDS: Readonly<Record<string, { load: () => Promise<Subcommand>; summary: string }>> = {
  token: { load: async () => (await import('../commands/token.js')).tokenCommand, summary: 'mint a development token (never in production)' },
  migrate: { load: async () => (await import('../commands/migrate.js')).migrateCommand, summary: 'apply pending migrations from src/migrations/' },
  check: { load: async () => (await import('../commands/check.js')).checkCommand, summary: 'prove nothing stepped off the golden path (exit 1 on violations)' },
  openapi: { load: async () => (await import('../commands/openapi.js')).openapiCommand, summary: 'write openapi.json from the registry' },
  routes: { load: async () => (await import('../commands/openapi.js')).routesCommand, summary: 'print the registry as a table' },
  'pr-note': {
    load: async () => (await import('../commands/pr-note.js')).prNoteCommand,
    summary: 'draft the pull request note: generated vs hand-edited files, permissions, checks',
  },
  mcp: { load: async () => (await import('../commands/mcp.js')).mcpCommand, summary: 'serve the generators to AI assistants (Model Context Protocol, stdio)' },
};

export const GOLDEN_PATH_HELP = `Usage: golden-path <command> [flags]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
  .join('\n')}

Run golden-path <command> --help for its flags.
`;

/** `golden-path <command>`: the non-generating commands. */
export async function goldenPath(io: CommandIO): Promise<number> {
  const [name, ...rest] = io.argv;
  if (name === undefined) {
    // No command is bad usage: the help goes to stderr so scripts see an empty stdout.
    io.stderr.write(GOLDEN_PATH_HELP);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(GOLDEN_PATH_HELP);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    throw new CLIError(`unknown command "${name.slice(0, 40)}"; expected one of: ${Object.keys(COMMANDS).join(', ')}`);
  }
  return (await command.load())(io, rest);
}
