import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Logger, LogLevel } from '../logger/_types.js';
import { openDatabase, type Database, type DatabaseOptions } from './index.js';

/** Test support only (not exported from index.ts). */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/migrations', import.meta.url));

export interface LogEntry {
  readonly level: LogLevel;
  readonly msg: string | undefined;
  readonly fields: Record<string, unknown>;
}

/** A Logger that records what it is given, for assertions. */
export function recordingLogger(entries: LogEntry[] = [], bindings: Record<string, unknown> = {}): Logger & { entries: LogEntry[] } {
  function at(level: LogLevel) {
    return function log(first: unknown, second?: unknown): void {
      const msg = typeof first === 'string' ? first : typeof second === 'string' ? second : undefined;
      const fields = typeof first === 'object' && first !== null ? { ...bindings, ...first } : { ...bindings };
      entries.push({ level, msg, fields });
    };
  }
  return {
    entries,
    level: 'trace',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    child: (more) => recordingLogger(entries, { ...bindings, ...more }),
  };
}

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
