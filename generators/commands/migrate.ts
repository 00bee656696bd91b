import { parseArgs } from 'node:util';
import { runMigrations } from '../../blessed/db/index.js';
import { createLogger } from '../../blessed/logger/index.js';
import { MIGRATIONS_DIR } from '../../src/database.js';
import { CLIError, EXIT_FAILURE } from '../cli/errors.js';
import type { CommandIO } from '../cli/run-main.js';

export const MIGRATE_HELP = `Usage: golden-path migrate

Applies pending migrations from src/migrations/ (each once, in its own transaction) to the
database the service uses: DATABASE_URL when set, otherwise the embedded database in DATA_DIR
(default .data). Prints the names applied.
`;

/** `golden-path migrate`: the same migrations the service applies at start-up, on demand. */
export async function migrateCommand(io: CommandIO, argv: readonly string[]): Promise<number> {
  let help = false;
  try {
    help = parseArgs({ args: [...argv], options: { help: { type: 'boolean', short: 'h' } }, strict: true }).values.help === true;
  } catch (err) {
    throw new CLIError(`migrate: ${(err as Error).message}`);
  }
  if (help) {
    io.stdout.write(MIGRATE_HELP);
    return 0;
  }
  const url = io.env.DATABASE_URL === '' ? undefined : io.env.DATABASE_URL;
  const logger = createLogger({ level: 'warn', destination: io.stderr, name: 'migrate' });
  let applied: string[];
  try {
    applied = await runMigrations({ url, dataDir: url === undefined ? (io.env.DATA_DIR ?? '.data') : undefined, logger, migrationsDir: MIGRATIONS_DIR });
  } catch (err) {
    if (err instanceof TypeError) throw new CLIError(`migrate: ${err.message}`);
    throw new CLIError(`migrate: ${(err as Error).message}`, { exitCode: EXIT_FAILURE, cause: err });
  }
  io.stdout.write(applied.length === 0 ? 'Nothing to apply: the database is up to date.\n' : applied.map((name) => `applied ${name}\n`).join(''));
  return 0;
}
