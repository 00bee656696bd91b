import { z } from 'zod';
import type { Logger } from '../logger/_types.js';
import { createCursorCodec, MIN_CURSOR_SECRET_BYTES } from './_cursor.js';
import { openEngine, type Engine } from './_engine.js';
import { applyMigrations } from './_migrations.js';
import { createTenantDb, rootScope, transactionScope, type TenantDb } from './_tenant.js';

export { defineTable } from './_table.js';
export type { ColumnSpec, ColumnType, Columns, Insertable, Row, TableDefinition, TableSpec, Updatable } from './_table.js';
export { columnId, tableId, SqlIdentifier } from './_sql.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './_tenant-table.js';
export type { ListOptions, Page, TenantTable } from './_tenant-table.js';
export type { TenantDb } from './_tenant.js';

export interface DatabaseOptions {
  /** `DATABASE_URL`: a real PostgreSQL server through `pg`. When set, `dataDir` is ignored. */
  readonly url?: string | undefined;
  /** PGlite data directory (created if missing); `'memory'` or omitted keeps it in memory. */
  readonly dataDir?: string | undefined;
  readonly logger: Logger;
  /** Folder of `NNNN_name.sql` files, applied by `openDatabase` and `migrate()`. */
  readonly migrationsDir?: string | undefined;
  /** Warn once that the embedded database serves a single instance. Default false. */
  readonly production?: boolean | undefined;
  /** Postgres schema for every table (created if missing). Default: the server's search path. */
  readonly schema?: string | undefined;
  /**
   * Key that signs pagination cursors (`CURSOR_SECRET`), at least 32 bytes; every instance
   * serving the same clients needs the same one. Default: random per open, so cursors do not
   * survive a restart.
   */
  readonly cursorSecret?: string | Uint8Array | undefined;
}

/** What a transaction hands its callback: tenant handles whose work commits or rolls back together. */
export interface DatabaseTransaction {
  forTenant(tenantId: string): TenantDb;
}

export interface Database {
  readonly engine: 'pglite' | 'postgres';
  /** A handle bound to one tenant (from the verified token); an empty tenant throws TypeError. */
  forTenant(tenantId: string): TenantDb;
  /** Commits when `fn` resolves, rolls back when it throws (and rethrows the same error). */
  withTransaction<T>(fn: (tx: DatabaseTransaction) => Promise<T>): Promise<T>;
  /** Applies pending migrations of `migrationsDir`; resolves to the names applied, in order. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

const optionsSchema = z.object({
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, '"url" must be a postgres:// or postgresql:// URL')
    .optional(),
  dataDir: z.string().min(1, '"dataDir" must be a non-empty path or "memory"').optional(),
  logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null && typeof (value as Logger).warn === 'function', '"logger" must be a Logger'),
  migrationsDir: z.string().min(1, '"migrationsDir" must be a non-empty path').optional(),
  production: z.boolean('"production" must be a boolean').optional(),
  schema: z.string().regex(IDENTIFIER, '"schema" must be a lower-case identifier').optional(),
  cursorSecret: z
    .union([z.string(), z.instanceof(Uint8Array)], { error: `"cursorSecret" must be a string or a Uint8Array of at least ${MIN_CURSOR_SECRET_BYTES} bytes` })
    .optional(),
});

function parseOptions(options: DatabaseOptions): z.infer<typeof optionsSchema> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'options');
    throw new TypeError(issue?.message.startsWith('"') === true ? issue.message : `"${name}" is invalid`);
  }
  return parsed.data;
}

/**
 * Opens the data layer: PGlite in process by default, a PostgreSQL server when `url` is given.
 * Pending migrations of `migrationsDir` are applied before it resolves.
 *
 * @example
 * const db = await openDatabase({ dataDir: '.data', logger, migrationsDir: 'src/migrations' });
 * const notes = db.forTenant(auth.tenantId).table(notesTable);
 * const note = await notes.insert({ title: 'Hello', body: '' });
 * await db.close();
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return (await open(options)).database;
}

async function open(options: DatabaseOptions): Promise<{ database: Database; engine: Engine; logger: Logger }> {
  const config = parseOptions(options);
  // Before the engine opens: a bad secret must not leave a database open behind a throw.
  const cursors = createCursorCodec(config.cursorSecret);
  const logger = config.logger.child({ component: 'db' });
  const engine: Engine = await openEngine({
    url: config.url,
    dataDir: config.url === undefined ? config.dataDir : undefined,
    schema: config.schema,
    logger,
  });
  logger.info({ engine: engine.kind, ...(engine.kind === 'pglite' ? { dataDir: config.dataDir ?? 'memory' } : {}) }, 'database opened');
  if (engine.kind === 'pglite' && config.production === true) {
    logger.warn('The embedded database (PGlite) is single-instance: run one process per data directory, or set DATABASE_URL');
  }
  let closed = false;
  const root = rootScope(engine, () => !closed);

  async function migrate(): Promise<string[]> {
    if (config.migrationsDir === undefined) throw new TypeError('"migrationsDir" is required to migrate');
    return applyMigrations(engine, config.migrationsDir, logger);
  }

  if (config.migrationsDir !== undefined) {
    try {
      await migrate();
    } catch (err) {
      await engine.kysely.destroy();
      throw err;
    }
  }

  const database: Database = Object.freeze({
    engine: engine.kind,
    forTenant: (tenantId: string) => createTenantDb(root, tenantId, cursors),
    withTransaction<T>(fn: (tx: DatabaseTransaction) => Promise<T>): Promise<T> {
      return transactionScope(engine, (scope) => fn(Object.freeze({ forTenant: (tenantId: string) => createTenantDb(scope, tenantId, cursors) })));
    },
    migrate,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await engine.kysely.destroy();
    },
  });
  return { database, engine, logger };
}

export interface RunMigrationsOptions extends Omit<DatabaseOptions, 'migrationsDir' | 'production'> {
  readonly migrationsDir: string;
}

/**
 * Opens the database, applies pending migrations and closes it: the body of `golden-path migrate`.
 *
 * @example
 * const applied = await runMigrations({ url: process.env.DATABASE_URL, logger, migrationsDir: 'src/migrations' });
 */
export async function runMigrations(options: RunMigrationsOptions): Promise<string[]> {
  const { migrationsDir, ...rest } = options;
  const { database, engine, logger } = await open(rest);
  try {
    return await applyMigrations(engine, migrationsDir, logger);
  } finally {
    await database.close();
  }
}
