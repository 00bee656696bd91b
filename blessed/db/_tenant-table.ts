import { sql, type Compilable } from 'kysely';
import { NotFoundError } from '../errors/index.js';
import type { CursorCodec, CursorScope } from './_cursor.js';
import type { Executor } from './_tenant.js';
import { TENANT_COLUMN, type Columns, type Insertable, type Row, type TableDefinition, type Updatable } from './_table.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface ListOptions<C extends Columns> {
  /** Equality on `filterable` columns; `null` matches SQL NULL. */
  readonly where?: { readonly [K in keyof C]?: Row<C>[K] };
  /** A `sortable` column; default the primary key. Ties break on the primary key. */
  readonly orderBy?: keyof C & string;
  readonly direction?: 'asc' | 'desc';
  /** 1 to 100, default 20; anything else is refused. */
  readonly limit?: number;
  /** The `nextCursor` of the previous page (same `orderBy` and `direction`). */
  readonly cursor?: string;
}

export interface Page<R> {
  readonly items: R[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** Runs one statement in the tenant's context and resolves to its rows. */
type Run = <R>(build: (db: Executor) => Compilable<R>) => Promise<R[]>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURSOR_FIELD = '__gp_cursor';

/**
 * One table seen by one tenant. Every statement it builds carries `tenant_id = <this tenant>` (or
 * writes it, for inserts); there is no parameter through which another tenant could be named.
 */
export class TenantTable<C extends Columns, P extends keyof C & string> {
  readonly #def: TableDefinition<C, P>;
  readonly #run: Run;
  readonly #selection: string[];
  readonly #tenantId: string;
  readonly #pk: string;
  readonly #cursors: CursorCodec;

  constructor(definition: TableDefinition<C, P>, tenantId: string, run: Run, cursors: CursorCodec) {
    this.#def = definition;
    this.#cursors = cursors;
    this.#tenantId = tenantId;
    this.#pk = definition.primaryKey;
    this.#run = run;
    this.#selection = Object.keys(definition.columns);
  }

  #unknownColumn(column: string, allowed: string): never {
    throw new TypeError(`"${column}" is not ${allowed} column of table "${this.#def.name}"`);
  }

  #columnsOf(values: object, mode: 'insert' | 'update'): Record<string, unknown> {
    if (typeof values !== 'object' || values === null) throw new TypeError(`"values" for ${mode} must be an object`);
    const out: Record<string, unknown> = {};
    for (const [column, value] of Object.entries(values)) {
      if (value === undefined) continue;
      if (column === TENANT_COLUMN) throw new TypeError(`"${TENANT_COLUMN}" is written by the tenant handle, not by callers`);
      const spec = this.#def.columns[column];
      if (spec === undefined) this.#unknownColumn(column, 'a');
      if (mode === 'update' && (column === this.#def.primaryKey || spec.immutable === true)) {
        this.#unknownColumn(column, 'an updatable');
      }
      out[column] = spec.type === 'jsonb' ? JSON.stringify(value) : value;
    }
    return out;
  }

  /** A malformed key cannot name any row; answering 404 keeps it indistinguishable from absent. */
  #checkKey(id: unknown): string | number {
    const type = this.#def.columns[this.#def.primaryKey]?.type;
    const ok =
      type === 'uuid'
        ? typeof id === 'string' && UUID.test(id)
        : type === 'integer'
          ? Number.isSafeInteger(id)
          : typeof id === 'string' || typeof id === 'number';
    if (!ok) throw new NotFoundError({ reason: `malformed ${this.#def.name} key` });
    return id as string | number;
  }

  async insert(values: Insertable<C>): Promise<Row<C>> {
    const columns = this.#columnsOf(values, 'insert');
    // The handle's own tenant, never the session setting: the setting is the policy's business.
    const rows = await this.#run((db) =>
      db
        .insertInto(this.#def.name)
        .values({ ...columns, [TENANT_COLUMN]: this.#tenantId })
        .returning(this.#selection),
    );
    return rows[0] as Row<C>;
  }

  /** The row, or NotFoundError when it does not exist for this tenant (whether or not another has it). */
  async get(id: Row<C>[P]): Promise<Row<C>> {
    const key = this.#checkKey(id);
    const row = await this.#run((db) =>
      db.selectFrom(this.#def.name).select(this.#selection).where(TENANT_COLUMN, '=', this.#tenantId).where(this.#pk, '=', key),
    );
    if (row[0] === undefined) throw new NotFoundError({ reason: `${this.#def.name} not found for tenant` });
    return row[0] as Row<C>;
  }

  async update(id: Row<C>[P], patch: Updatable<C, P>): Promise<Row<C>> {
    const key = this.#checkKey(id);
    const columns = this.#columnsOf(patch, 'update');
    if (Object.keys(columns).length === 0) return this.get(id);
    const rows = await this.#run((db) =>
      db.updateTable(this.#def.name).set(columns).where(TENANT_COLUMN, '=', this.#tenantId).where(this.#pk, '=', key).returning(this.#selection),
    );
    if (rows[0] === undefined) throw new NotFoundError({ reason: `${this.#def.name} not found for tenant` });
    return rows[0] as Row<C>;
  }

  async delete(id: Row<C>[P]): Promise<void> {
    const key = this.#checkKey(id);
    const rows = await this.#run((db) => db.deleteFrom(this.#def.name).where(TENANT_COLUMN, '=', this.#tenantId).where(this.#pk, '=', key).returning(this.#pk));
    if (rows[0] === undefined) throw new NotFoundError({ reason: `${this.#def.name} not found for tenant` });
  }

  /** A page of this tenant's rows, keyset-paginated on (`orderBy`, primary key). */
  async list(options: ListOptions<C> = {}): Promise<Page<Row<C>>> {
    const def = this.#def;
    const orderBy = options.orderBy ?? def.primaryKey;
    if (!def.sortable.includes(orderBy)) this.#unknownColumn(orderBy, 'a sortable');
    const direction = options.direction ?? 'asc';
    if (direction !== 'asc' && direction !== 'desc') throw new TypeError('"direction" must be "asc" or "desc"');
    const limit = options.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new TypeError(`"limit" must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    const filters = Object.entries(options.where ?? {}).filter(([, value]) => value !== undefined);
    for (const [column] of filters) if (!def.filterable.includes(column)) this.#unknownColumn(column, 'a filterable');
    const cursorScope: CursorScope = {
      table: def.name,
      tenantId: this.#tenantId,
      orderBy,
      direction,
      orderType: def.columns[orderBy]?.type ?? 'text',
      keyType: def.columns[def.primaryKey]?.type ?? 'text',
    };
    const after = options.cursor === undefined ? undefined : this.#cursors.decode(cursorScope, options.cursor);

    const rows = await this.#run((db) => {
      let query = db
        .selectFrom(def.name)
        .select(this.#selection)
        .select(sql<string>`${sql.ref(orderBy)}::text`.as(CURSOR_FIELD))
        .where(TENANT_COLUMN, '=', this.#tenantId);
      for (const [column, value] of filters) {
        query = value === null ? query.where(column, 'is', null) : query.where(column, '=', value);
      }
      if (after !== undefined) {
        const op = sql.raw(direction === 'asc' ? '>' : '<');
        query = query.where(sql<boolean>`(${sql.ref(orderBy)}, ${sql.ref(def.primaryKey)}) ${op} (${after.value}, ${after.key})`);
      }
      return query
        .orderBy(orderBy, direction)
        .orderBy(def.primaryKey, direction)
        .limit(limit + 1);
    });

    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const nextCursor =
      rows.length > limit && last !== undefined
        ? this.#cursors.encode(cursorScope, { value: String(last[CURSOR_FIELD]), key: last[def.primaryKey] as string | number })
        : null;
    const items = page.map(function withoutCursor(row) {
      const { [CURSOR_FIELD]: _cursor, ...rest } = row;
      return rest as Row<C>;
    });
    return { items, nextCursor };
  }
}
