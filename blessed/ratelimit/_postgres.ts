import { createHash } from 'node:crypto';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
// golden-path-ignore forbidden-import -- the shared rate-limit store keeps its own small pool, apart from tenant-scoped data access, so a busy limiter cannot starve queries
import pg from 'pg';
import { DependencyError } from '../errors/index.js';
import type { Logger } from '../logger/index.js';
import { DEFAULT_WINDOW_MS } from './_options.js';

/** Created by `src/migrations/0002_rate_limits.sql`; no tenant data, so no tenant_id and no row-level security. */
export const RATE_LIMIT_TABLE = 'golden_path_rate_limits';

/** What the store needs of a connection: a `pg` Pool, or PGlite. */
export interface SqlClient {
  query(text: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}

// One statement, so concurrent instances never lose a hit: the row lock of the upsert orders them.
const INCREMENT = `insert into ${RATE_LIMIT_TABLE} as r (key, hits, reset_at)
  values ($1, 1, clock_timestamp() + $2 * interval '1 millisecond')
  on conflict (key) do update set
    hits = case when r.reset_at <= clock_timestamp() then 1 else r.hits + 1 end,
    reset_at = case when r.reset_at <= clock_timestamp() then excluded.reset_at else r.reset_at end
  returning hits, reset_at`;
const DECREMENT = `update ${RATE_LIMIT_TABLE} set hits = greatest(hits - 1, 0) where key = $1 and reset_at > clock_timestamp()`;
const GET = `select hits, reset_at from ${RATE_LIMIT_TABLE} where key = $1 and reset_at > clock_timestamp()`;
const RESET = `delete from ${RATE_LIMIT_TABLE} where key = $1`;
const PRUNE = `delete from ${RATE_LIMIT_TABLE} where reset_at < clock_timestamp()`;

interface CounterRow {
  hits: number;
  reset_at: Date;
}

function unavailable(cause: unknown): DependencyError {
  return new DependencyError(503, 'ERR_RATE_LIMIT_UNAVAILABLE', { cause, reason: 'the rate-limit store failed' });
}

function infoOf(row: unknown): ClientRateLimitInfo {
  const { hits, reset_at: resetAt } = row as CounterRow;
  return { totalHits: Number(hits), resetTime: new Date(resetAt) };
}

/**
 * An express-rate-limit `Store` on the project's PostgreSQL, so several instances share one count.
 * Keys are hashed (bounded, and no address or subject is stored in clear).
 *
 * @example
 * rateLimit({ by: 'address', limit: 1000, store: postgresRateLimitStore({ client: pool, name: 'anonymous' }), logger });
 */
export function postgresRateLimitStore(options: { readonly client: SqlClient; readonly name: string }): Store {
  const { client, name } = options;
  let windowMs = DEFAULT_WINDOW_MS;
  const rowKey = (key: string) => `${name}:${createHash('sha256').update(key).digest('base64url')}`;

  async function run(text: string, params: unknown[]): Promise<unknown[]> {
    try {
      return (await client.query(text, params)).rows;
    } catch (err) {
      throw unavailable(err);
    }
  }

  return {
    prefix: `${name}:`,
    localKeys: false,
    init(limiterOptions: Options) {
      windowMs = limiterOptions.windowMs;
    },
    async increment(key) {
      const [row] = await run(INCREMENT, [rowKey(key), windowMs]);
      return infoOf(row);
    },
    async decrement(key) {
      await run(DECREMENT, [rowKey(key)]);
    },
    async get(key) {
      const [row] = await run(GET, [rowKey(key)]);
      return row === undefined ? undefined : infoOf(row);
    },
    async resetKey(key) {
      await run(RESET, [rowKey(key)]);
    },
  };
}

export interface PostgresRateLimitStores {
  /** A store for one limiter; `name` keeps the limiters' counts apart. */
  store(name: string): Store;
  /** Stops pruning and closes the pool. */
  close(): Promise<void>;
}

/**
 * Opens a small pool on `DATABASE_URL` for the rate limiters of one process, and prunes
 * expired counters every `pruneEveryMs`.
 *
 * @example
 * const shared = postgresRateLimitStores({ url: config.databaseUrl, logger });
 * createApp(config, { logger, database, rateLimitStore: shared.store });
 * // on shutdown: await shared.close();
 */
export function postgresRateLimitStores(options: { readonly url: string; readonly logger: Logger; readonly pruneEveryMs?: number }): PostgresRateLimitStores {
  if (!/^postgres(ql)?:\/\/\S+$/.test(options.url)) throw new TypeError('"url" must be a postgres:// or postgresql:// URL');
  const log = options.logger.child({ component: 'rate-limit' });
  const pool = new pg.Pool({ connectionString: options.url, max: 4, idleTimeoutMillis: 10_000 });
  pool.on('error', function poolError(err) {
    log.warn({ err }, 'rate-limit connection failed');
  });
  const prune = setInterval(function pruneExpired() {
    // golden-path-ignore sql-string -- PRUNE is a constant statement built from fixed names at load time, with no input in it
    pool.query(PRUNE).catch((err: unknown) => log.warn({ err }, 'pruning expired rate-limit counters failed'));
  }, options.pruneEveryMs ?? DEFAULT_WINDOW_MS);
  prune.unref();
  return {
    store: (name) => postgresRateLimitStore({ client: pool, name }),
    async close() {
      clearInterval(prune);
      await pool.end();
    },
  };
}
