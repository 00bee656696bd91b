import { sql, type Kysely } from 'kysely';
import type { LooseDb } from './_engine.js';
import { TENANT_COLUMN } from './_table.js';
import { TENANT_SETTING } from './_tenant.js';

/** A table with a `tenant_id` column, and what its row-level security lacks (if anything). */
export interface RlsGap {
  readonly schema: string;
  readonly table: string;
  readonly inCurrentSchema: boolean;
  readonly problem: string;
}

interface TableRls {
  schema: string;
  table: string;
  current: boolean;
  enabled: boolean;
  forced: boolean;
  tenant_policy: boolean;
  other_permissive: boolean;
}

/**
 * The tenant policy as the server prints it back (`pg_get_expr`), in either operand order. The
 * text is the server's own deparse of the parsed expression, so spacing, casts and parentheses
 * in the migration do not matter; a different expression (`using (true)`, another setting, a
 * different column) does not match.
 */
const SETTING_CALL = `current_setting('${TENANT_SETTING}'::text, true)`;
const TENANT_EXPRESSIONS = [`(${TENANT_COLUMN} = ${SETTING_CALL})`, `(${SETTING_CALL} = ${TENANT_COLUMN})`];

function problemOf(row: TableRls): string | undefined {
  const name = `${row.table}`;
  if (!row.enabled) return `row-level security is not enabled (alter table ${name} enable row level security)`;
  if (!row.forced) return `row-level security is not forced (alter table ${name} force row level security)`;
  if (!row.tenant_policy) {
    return `it has no tenant policy for all commands and every role: using (and with check, if given) exactly (${TENANT_COLUMN} = current_setting('${TENANT_SETTING}', true))`;
  }
  if (row.other_permissive) return 'it has another permissive policy, which would widen what the tenant policy allows (use "as restrictive")';
  return undefined;
}

/**
 * Every ordinary or partitioned table with a `tenant_id` column, in any schema but the system
 * ones, whose row-level security is not the second line the data layer relies on: enabled,
 * forced (so the owner is subject to it too), and carrying the tenant policy with no other
 * permissive policy beside it (permissive policies are OR-ed, so one `using (true)` undoes it).
 */
export async function rlsGaps(db: Kysely<LooseDb>): Promise<RlsGap[]> {
  const [same, swapped] = TENANT_EXPRESSIONS;
  const isTenantPolicy = sql`(p.polpermissive and p.polcmd = '*' and p.polroles = '{0}'::oid[]
      and pg_get_expr(p.polqual, p.polrelid) in (${same}, ${swapped})
      and (p.polwithcheck is null or pg_get_expr(p.polwithcheck, p.polrelid) in (${same}, ${swapped})))`;
  const result = await sql<TableRls>`select n.nspname as schema, c.relname as table,
        n.nspname = current_schema() as current,
        c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
        exists (select 1 from pg_policy p where p.polrelid = c.oid and ${isTenantPolicy}) as tenant_policy,
        exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polpermissive and not ${isTenantPolicy}) as other_permissive
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = ${TENANT_COLUMN} and a.attnum > 0 and not a.attisdropped
      where c.relkind in ('r', 'p')
        and n.nspname not in ('pg_catalog', 'information_schema')
        and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'
      order by n.nspname, c.relname`.execute(db);
  const gaps: RlsGap[] = [];
  for (const row of result.rows) {
    const problem = problemOf(row);
    if (problem !== undefined) gaps.push({ schema: row.schema, table: row.table, inCurrentSchema: row.current, problem });
  }
  return gaps;
}

export function gapKey(gap: RlsGap): string {
  return `${gap.schema}.${gap.table}`;
}
