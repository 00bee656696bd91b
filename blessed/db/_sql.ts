import { isExpression, sql, type RawBuilder } from 'kysely';
import { ONE_STATEMENT } from './_single-statement.js';
import { TENANT_COLUMN, type Columns, type TableDefinition } from './_table.js';

/**
 * An identifier that came from a table definition. It is the only thing the raw-SQL tag puts
 * into the query text; every other interpolation becomes a bound parameter.
 */
export class SqlIdentifier {
  readonly #parts: readonly string[];

  private constructor(parts: readonly string[]) {
    this.#parts = parts;
  }

  /** @internal */
  static of(parts: readonly string[]): SqlIdentifier {
    return new SqlIdentifier(parts);
  }

  toRaw(): RawBuilder<unknown> {
    return sql.id(...this.#parts);
  }

  toString(): string {
    return this.#parts.map((part) => `"${part}"`).join('.');
  }
}

/** The quoted name of a defined table, for raw SQL. */
export function tableId<C extends Columns, P extends keyof C & string>(table: TableDefinition<C, P>): SqlIdentifier {
  return SqlIdentifier.of([table.name]);
}

/** A column of a defined table (or its `tenant_id`), for raw SQL; any other name is refused. */
export function columnId<C extends Columns, P extends keyof C & string>(
  table: TableDefinition<C, P>,
  column: (keyof C & string) | typeof TENANT_COLUMN,
): SqlIdentifier {
  if (column !== TENANT_COLUMN && !Object.hasOwn(table.columns, column)) {
    throw new TypeError(`Unknown column "${String(column)}" for table "${table.name}"`);
  }
  return SqlIdentifier.of([table.name, column]);
}

/**
 * Builds a Kysely raw query from a template: identifiers from a definition become quoted names,
 * everything else a parameter. A Kysely fragment (`sql.raw(...)` and friends) is refused, since
 * it would carry text of unknown origin into the query.
 */
export function toRawQuery<R>(strings: TemplateStringsArray, values: readonly unknown[]): RawBuilder<R> {
  if (!Array.isArray(strings) || !Object.hasOwn(strings, 'raw') || !Object.isFrozen(strings)) {
    throw new TypeError('Raw SQL must be written as a tagged template: db.sql`select ...`');
  }
  const parts = values.map(function toPart(value, index) {
    if (value instanceof SqlIdentifier) return value.toRaw();
    if (isExpression(value) || (typeof value === 'object' && value !== null && 'toOperationNode' in value)) {
      throw new TypeError(`Interpolation ${index + 1} is a SQL fragment; only values and defined identifiers are accepted`);
    }
    return sql.val(value);
  });
  // Marked so that the drivers send it as exactly one statement (see _single-statement.ts).
  // golden-path-ignore sql-string -- ONE_STATEMENT is a fixed comment constant, never run-time text
  return sql<R>`${sql.raw(ONE_STATEMENT)}${sql<R>(strings, ...parts)}`;
}
