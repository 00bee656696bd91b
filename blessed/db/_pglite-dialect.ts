import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { createBatchRunner, type Setting } from './_pglite-batch.js';
import { isOneStatement } from './_single-statement.js';

/** Runs one statement with transaction-local settings, in its own transaction (see _pglite-batch). */
export type RunWithSettings = <R>(settings: readonly Setting[], query: CompiledQuery) => Promise<QueryResult<R>>;

/**
 * A Kysely dialect over one in-process PGlite instance. PGlite is a single Postgres backend, so
 * the driver hands out its only connection to one holder at a time: a transaction keeps it from
 * BEGIN to COMMIT and every other query waits, which is what keeps transactions from interleaving.
 */
export function pgliteDialect(pglite: PGlite): { readonly dialect: Dialect; readonly runWithSettings: RunWithSettings } {
  const driver = new PGliteDriver(pglite);
  const dialect: Dialect = {
    createAdapter: (): DialectAdapter => new PostgresAdapter(),
    createDriver: (): Driver => driver,
    createQueryCompiler: (): QueryCompiler => new PostgresQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => new PostgresIntrospector(db),
  };
  return { dialect, runWithSettings: (settings, query) => driver.runWithSettings(settings, query) };
}

class PGliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    // Like `pg`, a query without parameters goes through the simple protocol, so a migration
    // file may hold several statements; anything with values, and a tenant's raw SQL (which must
    // stay one statement), goes through the extended one.
    if (compiled.parameters.length === 0 && !isOneStatement(compiled.sql)) {
      const results = await this.#pglite.exec(compiled.sql);
      const last = results.at(-1);
      return toQueryResult<R>(last?.rows as R[] | undefined, last?.affectedRows);
    }
    const result = await this.#pglite.query<R>(compiled.sql, [...compiled.parameters]);
    return toQueryResult(result.rows, result.affectedRows);
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new TypeError('Streaming queries are not supported by the embedded database');
  }
}

function toQueryResult<R>(rows: R[] | undefined, affected: number | undefined): QueryResult<R> {
  return affected === undefined ? { rows: rows ?? [] } : { rows: rows ?? [], numAffectedRows: BigInt(affected) };
}

class PGliteDriver implements Driver {
  readonly #pglite: PGlite;
  readonly #connection: PGliteConnection;
  readonly #batch: RunWithSettings;
  /** Resolves when the current holder releases the connection; each acquirer chains onto it. */
  #tail: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
    this.#connection = new PGliteConnection(pglite);
    this.#batch = createBatchRunner(pglite);
  }

  /** Holds the connection like a transaction does, so the batch never lands inside another one. */
  async runWithSettings<R>(settings: readonly Setting[], query: CompiledQuery): Promise<QueryResult<R>> {
    await this.acquireConnection();
    try {
      return await this.#batch<R>(settings, query);
    } finally {
      await this.releaseConnection();
    }
  }

  async init(): Promise<void> {
    await this.#pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.#release = release;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel === undefined ? '' : ` isolation level ${settings.isolationLevel}`;
    const mode = settings.accessMode === undefined ? '' : ` ${settings.accessMode}`;
    // golden-path-ignore sql-string -- both pieces come from Kysely's validated enums, never from input
    await connection.executeQuery(CompiledQuery.raw(`begin${level}${mode}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    // Wait for the holder (an in-flight transaction) before closing underneath it.
    await this.acquireConnection();
    if (!this.#pglite.closed) await this.#pglite.close();
  }
}
