import { Mutex } from 'async-mutex';
import { sql, type Compilable, type Kysely, type Transaction } from 'kysely';
import { AppError } from '../errors/index.js';
import { TENANT_ID_RULE, tenantIdSchema } from '../validation/_tenant-id.js';
import { tenantContextError, toDbError } from './_errors.js';
import type { Engine, LooseDb } from './_engine.js';
import type { CursorCodec } from './_cursor.js';
import { toRawQuery } from './_sql.js';
import { TenantTable } from './_tenant-table.js';
import type { Columns, TableDefinition } from './_table.js';

/** The setting the row-level security policies compare `tenant_id` with. */
export const TENANT_SETTING = 'app.tenant_id';

/** Where queries go: the pool/instance, or one open transaction (and whether it is still open). */
export interface Scope {
  readonly engine: Engine;
  readonly trx: Transaction<LooseDb> | undefined;
  readonly isOpen: () => boolean;
  /**
   * Within a transaction, every handle shares one connection, so "set the tenant, run the
   * statement" must not interleave with another handle's pair: `Promise.all` over two tenants
   * would otherwise run one tenant's statement under the other's setting.
   */
  readonly lock: Mutex | undefined;
  /** Set once raw SQL changed the tenant context: the transaction can then only roll back. */
  readonly failure: { error: AppError | undefined };
}

export type Executor = Kysely<LooseDb>;

/** Outside a transaction each operation gets its own short transaction, so nothing is shared. */
export function rootScope(engine: Engine, isOpen: () => boolean): Scope {
  return { engine, trx: undefined, isOpen, lock: undefined, failure: { error: undefined } };
}

/** Data access for one tenant; see TenantTable for the table operations. */
export interface TenantDb {
  readonly tenantId: string;
  /** The operations on one defined table, all limited to this tenant's rows. */
  table<C extends Columns, P extends keyof C & string>(definition: TableDefinition<C, P>): TenantTable<C, P>;
  /**
   * A raw query as a tagged template: interpolated values are bound parameters, identifiers only
   * via `tableId`/`columnId`. Exactly one statement; row-level security limits it to this
   * tenant's rows, and a statement that changes the tenant setting or role is refused.
   */
  sql<R = Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]): Promise<R[]>;
  /** Runs `fn` in one transaction (or inside the current one); any throw rolls everything back. */
  withTransaction<T>(fn: (tx: TenantDb) => Promise<T>): Promise<T>;
}

/** The rule authentication already enforced on the token's `tenant_id`; here a breach is a bug. */
export function checkTenantId(tenantId: unknown): string {
  if (typeof tenantId !== 'string' || !tenantIdSchema.safeParse(tenantId).success) {
    throw new TypeError(`"tenantId" must be ${TENANT_ID_RULE} (the verified tenant)`);
  }
  return tenantId;
}

/**
 * After a raw statement: is the context still the one set before it? Refusing here (the throw
 * rolls the transaction back and the rows are never returned) neutralises `SET`, `RESET`,
 * `SET ROLE`, `RESET ROLE` and `set_config` of the tenant key, however they are spelled. It is
 * the database that reports the context, so no parsing of SQL text is involved; what stays
 * possible is changing and restoring the setting inside one statement, which only a database
 * without `set_config` for the tenant role could refuse (see the README).
 */
async function contextUnchanged(db: Executor, tenantId: string, role: string | undefined): Promise<boolean> {
  const result = await sql<{ ok: boolean }>`select
      current_setting(${TENANT_SETTING}, true) is not distinct from ${tenantId}
      and current_user::text = coalesce(${role ?? null}::text, session_user::text) as ok`.execute(db);
  return result.rows[0]?.ok === true;
}

export interface ContextOptions {
  /** Check after `op` that it left the tenant setting and role alone (raw SQL). */
  readonly verify?: boolean;
  /** The statement, for the error's reason. */
  readonly sqlText?: string;
}

/**
 * Runs `op` with this tenant's context set: `app.tenant_id` for the row-level security policies
 * and, for a superuser connection, a switch to the non-superuser tenant role. Both are local to
 * the transaction, so outside one each operation gets a short transaction of its own; inside one,
 * the context is set again before every statement, under the transaction's lock.
 */
export async function inTenantContext<T>(scope: Scope, tenantId: string, op: (db: Executor) => Promise<T>, options: ContextOptions = {}): Promise<T> {
  if (!scope.isOpen()) {
    throw new TypeError(scope.trx === undefined ? 'The database is closed' : 'A transaction handle was used after its transaction ended');
  }
  if (scope.failure.error !== undefined) throw scope.failure.error;
  const role = scope.engine.tenantRole;
  const setContext =
    role === undefined
      ? sql`select set_config(${TENANT_SETTING}, ${tenantId}, true)`
      : sql`select set_config(${TENANT_SETTING}, ${tenantId}, true), set_config('role', ${role}, true)`;
  async function run(db: Executor): Promise<T> {
    try {
      await setContext.execute(db);
    } catch (err) {
      throw toDbError(err, 'set tenant context');
    }
    const result = await op(db);
    if (options.verify === true && !(await contextUnchanged(db, tenantId, role))) {
      throw tenantContextError(options.sqlText ?? 'raw SQL');
    }
    return result;
  }
  const { trx, lock } = scope;
  if (trx !== undefined && lock !== undefined) {
    return lock.runExclusive(async function exclusive() {
      if (scope.failure.error !== undefined) throw scope.failure.error;
      try {
        return await run(trx);
      } catch (err) {
        if (err instanceof AppError && err.code === 'ERR_DB_TENANT_CONTEXT') scope.failure.error = err;
        throw err;
      }
    });
  }
  try {
    return await scope.engine.kysely.transaction().execute(run);
  } catch (err) {
    throw toDbError(err, 'tenant transaction');
  }
}

/**
 * One statement built by `build`, in this tenant's context. Outside a transaction, on an engine
 * that can carry the settings with the statement (PGlite), that is one round trip in a
 * transaction of its own; otherwise it is `inTenantContext`. Either way the setting and the
 * statement are one step in one transaction.
 */
export async function runStatement<R>(scope: Scope, tenantId: string, build: (db: Executor) => Compilable<R>): Promise<R[]> {
  const batch = scope.engine.runWithSettings;
  if (scope.trx !== undefined || batch === undefined) {
    return inTenantContext(scope, tenantId, async function statement(db) {
      const query = build(db).compile();
      try {
        return (await db.executeQuery(query)).rows;
      } catch (err) {
        throw toDbError(err, query.sql);
      }
    });
  }
  if (!scope.isOpen()) throw new TypeError('The database is closed');
  const role = scope.engine.tenantRole;
  const settings: [string, string][] =
    role === undefined
      ? [[TENANT_SETTING, tenantId]]
      : [
          [TENANT_SETTING, tenantId],
          ['role', role],
        ];
  const query = build(scope.engine.kysely).compile();
  try {
    return (await batch<R>(settings, query)).rows;
  } catch (err) {
    throw toDbError(err, query.sql);
  }
}

/** Runs `fn` in a new transaction whose handles are closed once it ends (commit or rollback). */
export async function transactionScope<T>(engine: Engine, fn: (scope: Scope) => Promise<T>): Promise<T> {
  let fnFailed = false;
  try {
    return await engine.kysely.transaction().execute(async function inTransaction(trx) {
      let open = true;
      const scope: Scope = { engine, trx, isOpen: () => open, lock: new Mutex(), failure: { error: undefined } };
      try {
        const result = await fn(scope);
        // Even if the caller caught it: a transaction whose context was tampered with never commits.
        if (scope.failure.error !== undefined) throw scope.failure.error;
        return result;
      } catch (err) {
        fnFailed = true;
        throw err;
      } finally {
        open = false;
      }
    });
  } catch (err) {
    // The caller's own errors pass through untouched; only begin/commit failures are mapped.
    throw fnFailed ? err : toDbError(err, 'begin/commit');
  }
}

export function createTenantDb(scope: Scope, tenantIdInput: unknown, cursors: CursorCodec): TenantDb {
  const tenantId = checkTenantId(tenantIdInput);
  return Object.freeze({
    tenantId,
    table<C extends Columns, P extends keyof C & string>(definition: TableDefinition<C, P>): TenantTable<C, P> {
      return new TenantTable(definition, tenantId, (build) => runStatement(scope, tenantId, build), cursors);
    },
    async sql<R>(strings: TemplateStringsArray, ...values: unknown[]): Promise<R[]> {
      const query = toRawQuery<R>(strings, values);
      const sqlText = query.compile(scope.engine.kysely).sql;
      return inTenantContext(
        scope,
        tenantId,
        async function rawQuery(db) {
          try {
            return (await query.execute(db)).rows;
          } catch (err) {
            throw toDbError(err, sqlText);
          }
        },
        { verify: true, sqlText },
      );
    },
    withTransaction<T>(fn: (tx: TenantDb) => Promise<T>): Promise<T> {
      if (scope.trx !== undefined) return fn(createTenantDb(scope, tenantId, cursors));
      return transactionScope(scope.engine, (inner) => fn(createTenantDb(inner, tenantId, cursors)));
    },
  });
}
