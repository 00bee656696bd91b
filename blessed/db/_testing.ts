import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createRecordingLogger } from '../testing/_recording.js';
import { openDatabase, type Database, type DatabaseOptions } from './index.js';

/** Test support only (not exported from index.ts). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/migrations', import.meta.url));

export const recordingLogger = createRecordingLogger;

export interface TestDatabase {
  readonly db: Database;
  readonly logger: ReturnType<typeof recordingLogger>;
  /** The options used, to reopen the same database. */
  readonly options: DatabaseOptions;
  cleanup(): Promise<void>;
}

/**
 * In memory PGlite, or, when DATABASE_URL is set (the CI's second pass), the real server with a
 * fresh schema per call so test files and runs never see each other's rows.
 */
export async function openTestDatabase(extra: Partial<DatabaseOptions> = {}): Promise<TestDatabase> {
  const logger = recordingLogger();
  const url = process.env['DATABASE_URL'];
  const schema = url === undefined ? undefined : `gp_test_${randomBytes(6).toString('hex')}`;
  const options: DatabaseOptions = { logger, migrationsDir: MIGRATIONS_DIR, url, schema, ...extra };
  const db = await openDatabase(options);
  return {
    db,
    logger,
    options,
    async cleanup() {
      await db.close();
      if (url !== undefined && schema !== undefined) {
        const admin = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
        try {
          await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
        } finally {
          await admin.destroy();
        }
      }
    },
  };
}
