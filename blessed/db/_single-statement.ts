import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/**
 * Prefixed by the data layer to the text of a tenant handle's raw SQL. Such a query goes through
 * the extended protocol, where the server itself refuses a second statement: without it, a query
 * with no bound values would use the simple protocol, and `select 1; reset role; select ...` (or a
 * `commit` ending the tenant transaction) would run as several statements. Only the data layer
 * adds the prefix in front of caller text; caller text cannot take it away.
 */
export const ONE_STATEMENT = '/* golden-path: one statement */ ';

export function isOneStatement(sqlText: string): boolean {
  return sqlText.startsWith(ONE_STATEMENT);
}

/**
 * The `pg` pool as Kysely sees it, with marked queries sent in extended mode. Everything else
 * (migration files with several statements in particular) keeps `pg`'s default.
 */
export function oneStatementPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  function wrap(client: pg.PoolClient): PostgresPoolClient {
    const known = wrapped.get(client);
    if (known !== undefined) return known;
    const query = async function query<R>(sqlText: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
      // `queryMode` is a `pg` query option its type definitions do not list.
      const config: pg.QueryConfig & { queryMode?: 'extended' } = isOneStatement(sqlText)
        ? { text: sqlText, values: [...parameters], queryMode: 'extended' }
        : { text: sqlText, values: [...parameters] };
      return (await client.query(config)) as unknown as PostgresQueryResult<R>;
    };
    const facade = { query, release: (destroy?: boolean) => client.release(destroy) } as PostgresPoolClient;
    wrapped.set(client, facade);
    return facade;
  }
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}
