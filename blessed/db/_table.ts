import { z } from 'zod';

/** The column types a table definition may declare, and the JavaScript type each one reads as. */
export interface ColumnTypes {
  text: string;
  uuid: string;
  integer: number;
  /** `double precision`: an IEEE 754 number. */
  double: number;
  boolean: boolean;
  timestamptz: Date;
  jsonb: unknown;
}
export type ColumnType = keyof ColumnTypes;

export interface ColumnSpec {
  readonly type: ColumnType;
  /** The column accepts SQL NULL. Default false. */
  readonly nullable?: boolean;
  /** The database supplies a value (a DEFAULT), so inserts may leave it out. Default false. */
  readonly generated?: boolean;
  /** Written on insert only; `update` refuses it. The primary key is always immutable. */
  readonly immutable?: boolean;
}

export type Columns = Readonly<Record<string, ColumnSpec>>;

type ValueOf<S extends ColumnSpec> = ColumnTypes[S['type']] | (S['nullable'] extends true ? null : never);
type OptionalKeys<C extends Columns> = { [K in keyof C]: C[K]['generated'] extends true ? K : C[K]['nullable'] extends true ? K : never }[keyof C];
type MutableKeys<C extends Columns, P extends string> = {
  [K in keyof C]: K extends P ? never : C[K]['generated'] extends true ? never : C[K]['immutable'] extends true ? never : K;
}[keyof C];

/** A row as read back, without `tenant_id` (the handle already knows it). */
export type Row<C extends Columns> = { -readonly [K in keyof C]: ValueOf<C[K]> };
export type Insertable<C extends Columns> = { [K in Exclude<keyof C, OptionalKeys<C>>]: ValueOf<C[K]> } & {
  [K in OptionalKeys<C>]?: ValueOf<C[K]>;
};
export type Updatable<C extends Columns, P extends string> = { [K in MutableKeys<C, P>]?: ValueOf<C[K]> };

export interface TableSpec<C extends Columns, P extends keyof C & string> {
  /** Table name: lower-case letters, digits and `_`. */
  readonly name: string;
  /** Every column except `tenant_id`, which every table has and only the tenant handle writes. */
  readonly columns: C;
  /** Default `'id'`. */
  readonly primaryKey?: P;
  /** Columns `list` may order by, besides the primary key; each must be NOT NULL. */
  readonly sortable?: readonly (keyof C & string)[];
  /** Columns `list` may filter on by equality. Default none. */
  readonly filterable?: readonly (keyof C & string)[];
}

export interface TableDefinition<C extends Columns = Columns, P extends keyof C & string = keyof C & string> {
  readonly name: string;
  readonly columns: C;
  readonly primaryKey: P;
  readonly sortable: readonly (keyof C & string)[];
  readonly filterable: readonly (keyof C & string)[];
}

export const TENANT_COLUMN = 'tenant_id';
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

const specSchema = z.strictObject({
  name: z.string().regex(IDENTIFIER),
  columns: z.record(
    z.string().regex(IDENTIFIER),
    z.strictObject({
      type: z.enum(['text', 'uuid', 'integer', 'double', 'boolean', 'timestamptz', 'jsonb']),
      nullable: z.boolean().optional(),
      generated: z.boolean().optional(),
      immutable: z.boolean().optional(),
    }),
  ),
  primaryKey: z.string().optional(),
  sortable: z.array(z.string()).optional(),
  filterable: z.array(z.string()).optional(),
});

function fail(message: string): never {
  throw new TypeError(message);
}

/**
 * Declares a tenant-scoped table: its name and columns are the only identifiers the data layer
 * will put into SQL for it, and `sortable`/`filterable` are the allowlists `list` checks.
 *
 * @example
 * export const notes = defineTable({
 *   name: 'notes',
 *   columns: {
 *     id: { type: 'uuid', generated: true },
 *     title: { type: 'text' },
 *     created_at: { type: 'timestamptz', generated: true, immutable: true },
 *   },
 *   sortable: ['created_at', 'title'],
 *   filterable: ['title'],
 * });
 */
export function defineTable<const C extends Columns, const P extends keyof C & string = 'id' & keyof C & string>(spec: TableSpec<C, P>): TableDefinition<C, P> {
  const parsed = specSchema.safeParse(spec);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(`"${issue?.path.join('.') ?? 'table'}" is not a valid table definition: ${issue?.message ?? 'invalid'}`);
  }
  const names = Object.keys(spec.columns);
  if (names.includes(TENANT_COLUMN)) fail(`"columns" must not declare ${TENANT_COLUMN}: every table has it`);
  const primaryKey = (spec.primaryKey ?? 'id') as P;
  if (!names.includes(primaryKey)) fail(`"primaryKey" names unknown column "${primaryKey}" of table "${spec.name}"`);
  // The primary key is the tie-breaker of every ordering, so it is always sortable.
  const sortable = [...new Set([...(spec.sortable ?? []), primaryKey])];
  for (const column of sortable) {
    const def = spec.columns[column];
    if (def === undefined) fail(`"sortable" names unknown column "${column}" of table "${spec.name}"`);
    if (def.nullable === true) fail(`"sortable" column "${column}" of table "${spec.name}" must be NOT NULL`);
  }
  const filterable = spec.filterable ?? [];
  for (const column of filterable) {
    if (!names.includes(column)) fail(`"filterable" names unknown column "${column}" of table "${spec.name}"`);
  }
  return Object.freeze({
    name: spec.name,
    columns: Object.freeze({ ...spec.columns }),
    primaryKey,
    sortable: Object.freeze([...sortable]),
    filterable: Object.freeze([...filterable]),
  });
}
