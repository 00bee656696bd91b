import { Kysely, PostgresDialect, sql, type CompiledQuery, type QueryResult } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger/_types.js';
import { toDbError } from './_errors.js';
import { createPglite } from './_initial-data.js';
import type { Setting } from './_pglite-batch.js';
import { pgliteDialect } from './_pglite-dialect.js';
import { oneStatementPool } from './_single-statement.js';

/** Tables are only known at run time, so the internal Kysely instance is loosely typed. */
export type LooseDb = Record<string, Record<string, unknown>>;

export interface Engine {
  readonly kind: 'pglite' | 'postgres';
  readonly kysely: Kysely<LooseDb>;
  /** The non-superuser role tenant queries switch to, so row-level security applies to them. */
  readonly tenantRole: string | undefined;
  /**
   * One statement with transaction-local settings, in a transaction of its own and one round
   * trip (the embedded engine); undefined where the settings take a transaction of their own.
   */
  readonly runWithSettings: (<R>(settings: readonly Setting[], query: CompiledQuery) => Promise<QueryResult<R>>) | undefined;
}

export interface EngineOptions {
  readonly url: string | undefined;
  readonly dataDir: string | undefined;
  readonly schema: string | undefined;
  readonly logger: Logger;
}

export const TENANT_ROLE = 'golden_path_tenant';
export const MIGRATIONS_TABLE = 'golden_path_migrations';
/** An arbitrary constant: the advisory lock that serialises start-up and migrations. */
export const MIGRATION_LOCK = 4_242_170_001;

type Opened = Pick<Engine, 'kysely' | 'runWithSettings'>;

async function openPglite(options: EngineOptions): Promise<Opened> {
  const inMemory = options.dataDir === undefined || options.dataDir === 'memory';
  const pglite = await createPglite(inMemory ? undefined : options.dataDir, options.logger);
  const { dialect, runWithSettings } = pgliteDialect(pglite);
  return { kysely: new Kysely<LooseDb>({ dialect }), runWithSettings };
}

function openPostgres(url: string, schema: string | undefined, logger: Logger): Kysely<LooseDb> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Validated as a plain identifier before it gets here.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client losing its server emits on the pool; unhandled, that would end the process.
  pool.on('error', function onIdleClientError(err) {
    logger.error({ err }, 'database connection lost');
  });
  return new Kysely<LooseDb>({ dialect: new PostgresDialect({ pool: oneStatementPool(pool) }) });
}

async function prepareTenantRole(kysely: Kysely<LooseDb>, logger: Logger): Promise<string | undefined> {
  const me = await sql<{ super: boolean }>`select rolsuper as super from pg_roles where rolname = current_user`.execute(kysely);
  if (me.rows[0]?.super !== true) {
    // A plain role is subject to row-level security already (tables FORCE it for their owner).
    return undefined;
  }
  // Superusers bypass row-level security, so tenant queries SET ROLE to this one. Roles are
  // cluster-wide and several processes may race to create it; losing the race is fine.
  await sql`do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'golden_path_tenant') then
        create role golden_path_tenant nologin nosuperuser nobypassrls;
      end if;
    exception when duplicate_object or unique_violation then null;
    end $$`.execute(kysely);
  logger.debug({ role: TENANT_ROLE }, 'tenant queries run under a non-superuser role');
  return TENANT_ROLE;
}

/** Lets the tenant role use this schema's tables (not the migrations ledger); rerun after migrating. */
export async function grantTenantRole(engine: Engine): Promise<void> {
  if (engine.tenantRole === undefined) return;
  const role = sql.id(engine.tenantRole);
  await engine.kysely.transaction().execute(async function grant(trx) {
    const schema = await sql<{ name: string }>`select current_schema() as name`.execute(trx);
    const name = sql.id(schema.rows[0]?.name ?? 'public');
    await sql`grant usage on schema ${name} to ${role}`.execute(trx);
    await sql`grant select, insert, update, delete on all tables in schema ${name} to ${role}`.execute(trx);
    await sql`grant usage, select on all sequences in schema ${name} to ${role}`.execute(trx);
    await sql`revoke all on table ${sql.id(MIGRATIONS_TABLE)} from ${role}`.execute(trx);
  });
}

/** Opens PGlite (in memory or on a data directory) or, given a URL, a pool on a real server. */
export async function openEngine(options: EngineOptions): Promise<Engine> {
  const kind = options.url === undefined ? 'pglite' : 'postgres';
  const { kysely, runWithSettings }: Opened =
    options.url === undefined ? await openPglite(options) : { kysely: openPostgres(options.url, options.schema, options.logger), runWithSettings: undefined };
  try {
    if (options.schema !== undefined) {
      await sql`create schema if not exists ${sql.id(options.schema)}`.execute(kysely);
      // PGlite is one session, so setting it once holds for every later query.
      if (kind === 'pglite') await sql`select set_config('search_path', ${options.schema}, false)`.execute(kysely);
    }
    const tenantRole = await kysely.transaction().execute(async function prepare(trx) {
      // Several processes may start against one server at once; the lock makes them take turns.
      await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK)})`.execute(trx);
      await sql`create table if not exists ${sql.id(MIGRATIONS_TABLE)} (
          name text primary key,
          checksum text not null,
          applied_at timestamptz not null default now()
        )`.execute(trx);
      return prepareTenantRole(trx, options.logger);
    });
    const engine: Engine = { kind, kysely, tenantRole, runWithSettings };
    await grantTenantRole(engine);
    return engine;
  } catch (err) {
    await kysely.destroy();
    throw toDbError(err, 'open database');
  }
}
