import { sql, type Kysely, type Transaction } from 'kysely';
import { TENANT_ID_RULE, tenantIdSchema } from '../validation/_tenant-id.js';
import { toDbError } from './_errors.js';
import type { Engine, LooseDb } from './_engine.js';
import type { CursorCodec } from './_cursor.js';
import { toRawQuery } from './_sql.js';
import { TenantTable } from './_tenant-table.js';
import type { Columns, TableDefinition } from './_table.js';

/** Where queries go: the pool/instance, or one open transaction (and whether it is still open). */
export interface Scope {
  readonly engine: Engine;
  readonly trx: Transaction<LooseDb> | undefined;
  readonly isOpen: () => boolean;
}

export type Executor = Kysely<LooseDb>;

/** Data access for one tenant; see TenantTable for the table operations. */
export interface TenantDb {
  readonly tenantId: string;
  /** The operations on one defined table, all limited to this tenant's rows. */
  table<C extends Columns, P extends keyof C & string>(definition: TableDefinition<C, P>): TenantTable<C, P>;
  /**
   * A raw query as a tagged template: interpolated values are bound parameters, identifiers only
   * via `tableId`/`columnId`. Row-level security limits it to this tenant's rows.
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
 * Runs `op` with this tenant's context set: `app.tenant_id` for the row-level security policies
 * and, for a superuser connection, a switch to the non-superuser tenant role. Both are local to
 * the transaction, so outside one each operation gets a short transaction of its own.
 */
export async function inTenantContext<T>(scope: Scope, tenantId: string, op: (db: Executor) => Promise<T>): Promise<T> {
  if (!scope.isOpen()) {
    throw new TypeError(scope.trx === undefined ? 'The database is closed' : 'A transaction handle was used after its transaction ended');
  }
  const role = scope.engine.tenantRole;
  const setContext = role === undefined
    ? sql`select set_config('app.tenant_id', ${tenantId}, true)`
    : sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${role}, true)`;
  async function run(db: Executor): Promise<T> {
    try {
      await setContext.execute(db);
    } catch (err) {
      throw toDbError(err, 'set tenant context');
    }
    return op(db);
  }
  if (scope.trx !== undefined) return run(scope.trx);
  try {
    return await scope.engine.kysely.transaction().execute(run);
  } catch (err) {
    throw toDbError(err, 'tenant transaction');
  }
}

/** Runs `fn` in a new transaction whose handles are closed once it ends (commit or rollback). */
export async function transactionScope<T>(engine: Engine, fn: (scope: Scope) => Promise<T>): Promise<T> {
  let fnFailed = false;
  try {
    return await engine.kysely.transaction().execute(async function inTransaction(trx) {
      let open = true;
      try {
        return await fn({ engine, trx, isOpen: () => open });
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
      return new TenantTable(definition, tenantId, (op) => inTenantContext(scope, tenantId, op), cursors);
    },
    async sql<R>(strings: TemplateStringsArray, ...values: unknown[]): Promise<R[]> {
      const query = toRawQuery<R>(strings, values);
      return inTenantContext(scope, tenantId, async function rawQuery(db) {
        try {
          return (await query.execute(db)).rows;
        } catch (err) {
          throw toDbError(err, query.compile(db).sql);
        }
      });
    },
    withTransaction<T>(fn: (tx: TenantDb) => Promise<T>): Promise<T> {
      if (scope.trx !== undefined) return fn(createTenantDb(scope, tenantId, cursors));
      return transactionScope(scope.engine, (inner) => fn(createTenantDb(inner, tenantId, cursors)));
    },
  });
}
