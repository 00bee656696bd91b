import { join } from 'node:path';
import { openDatabase, type Database } from '../blessed/db/index.js';
import type { Logger } from '../blessed/logger/index.js';
import type { AppConfig } from './config.js';
import { PROJECT_ROOT } from './dev-secret.js';

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'src', 'migrations');

/**
 * The service's database with every migration applied: PostgreSQL when `DATABASE_URL` is set,
 * otherwise the embedded engine in `DATA_DIR` (or in memory, for tests).
 */
export function openServiceDatabase(
  config: Pick<AppConfig, 'databaseUrl' | 'dataDir' | 'mode'> & Partial<Pick<AppConfig, 'cursorSecret'>>,
  logger: Logger,
): Promise<Database> {
  return openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl === undefined ? config.dataDir : undefined,
    logger,
    migrationsDir: MIGRATIONS_DIR,
    production: config.mode === 'production',
    cursorSecret: config.cursorSecret,
  });
}
