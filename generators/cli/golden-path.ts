import { checkCommand } from '../commands/check.js';
import { mcpCommand } from '../commands/mcp.js';
import { migrateCommand } from '../commands/migrate.js';
import { openapiCommand, routesCommand } from '../commands/openapi.js';
import { prNoteCommand } from '../commands/pr-note.js';
import { tokenCommand } from '../commands/token.js';
import { CLIError } from './errors.js';
import type { CommandIO } from './run-main.js';

type Subcommand = (io: CommandIO, argv: readonly string[]) => Promise<number>;

const COMMANDS: Readonly<Record<string, { run: Subcommand; summary: string }>> = {
  token: { run: tokenCommand, summary: 'mint a development token (never in production)' },
  migrate: { run: migrateCommand, summary: 'apply pending migrations from src/migrations/' },
  check: { run: checkCommand, summary: 'prove nothing stepped off the golden path (exit 1 on violations)' },
  openapi: { run: openapiCommand, summary: 'write openapi.json from the registry' },
  routes: { run: routesCommand, summary: 'print the registry as a table' },
  'pr-note': { run: prNoteCommand, summary: 'draft the pull request note: generated vs hand-edited files, permissions, checks' },
  mcp: { run: mcpCommand, summary: 'serve the generators to AI assistants (Model Context Protocol, stdio)' },
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
  return command.run(io, rest);
}

