import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pluralize from 'pluralize';
import { nameForms, type NameForms } from '../toolkit/names.js';
import type { FieldSpec } from './fields.js';
import { TYPES } from './types.js';

/** One field as the templates need it: every fragment chosen from the type table. */
export interface FieldView {
  readonly name: string;
  readonly column: string;
  readonly optional: boolean;
  readonly columnType: string;
  readonly sql: string;
  readonly create: string;
  readonly update: string;
  readonly response: string;
  readonly toResponse: string;
  readonly toInsert: string;
  readonly toPatch: string;
  readonly sampleA: string;
  readonly sampleB: string;
  /** The same samples as column values (a Date for datetime). */
  readonly columnA: string;
  readonly columnB: string;
  readonly tooLong: string | null;
}

/** The names and fields of a table-backed service (and, for a resource, its endpoints). */
export interface ServiceView {
  readonly singular: NameForms;
  readonly plural: NameForms;
  readonly table: string;
  readonly fields: readonly FieldView[];
  readonly hasFields: boolean;
  readonly path: string;
  readonly itemPath: string;
  readonly idParam: string;
  readonly read: string;
  readonly write: string;
  readonly bodyImportsField: boolean;
  /** The first field: the one the update tests change. */
  readonly first: FieldView | null;
  readonly files: { readonly service: string; readonly serviceTest: string; readonly shared: string; readonly test: string };
}

function fieldView(f: FieldSpec, responseType: string): FieldView {
  const row = TYPES[f.type];
  const request = row.request(f);
  const source = `body.${f.name}`;
  const toColumn = (value: string) => (f.type === 'datetime' ? `new Date(${value})` : value);
  const read = `row.${f.column}`;
  let toResponse = f.type === 'datetime' ? (f.optional ? `${read} === null ? null : ${read}.toISOString()` : `${read}.toISOString()`) : read;
  if (f.type === 'enum') toResponse = `${read} as ${responseType}['${f.name}']`;
  const [sampleA, sampleB] = row.samples(f);
  return {
    name: f.name,
    column: f.column,
    optional: f.optional,
    columnType: row.column,
    sql: `${f.column} ${row.sql(f.column, f)}${f.optional ? '' : ' not null'}`,
    create: f.optional ? `${request}.optional()` : request,
    update: f.optional ? `${request}.nullable().optional()` : `${request}.optional()`,
    response: f.optional ? `${row.response(f)}.nullable()` : row.response(f),
    toResponse,
    toInsert: f.optional ? `...(${source} === undefined ? {} : { ${f.column}: ${toColumn(source)} })` : `${f.column}: ${toColumn(source)}`,
    toPatch: f.optional
      ? `...(${source} === undefined ? {} : { ${f.column}: ${source} === null ? null : ${toColumn(source)} })`
      : `...(${source} === undefined ? {} : { ${f.column}: ${toColumn(source)} })`,
    sampleA,
    sampleB,
    columnA: toColumn(sampleA),
    columnB: toColumn(sampleB),
    tooLong: row.tooLong ?? null,
  };
}

/** Singular and plural forms of a name given either way: `gadget` and `gadgets` give the same. */
export function resourceNames(name: string): { singular: NameForms; plural: NameForms } {
  const forms = nameForms(name);
  const parts = forms.kebab.split('-');
  const last = parts.pop() ?? '';
  const singular = nameForms([...parts, pluralize.singular(last)].join('-'));
  const plural = nameForms([...parts, pluralize.plural(pluralize.singular(last))].join('-'));
  return { singular, plural };
}

/** The template data for `generate service` and `generate resource`. */
export function serviceView(name: string, fields: readonly FieldSpec[]): ServiceView {
  const { singular, plural } = resourceNames(name);
  const views = fields.map((f) => fieldView(f, `${singular.pascal}Response`));
  return {
    singular,
    plural,
    table: plural.kebab.replace(/-/g, '_'),
    fields: views,
    hasFields: views.length > 0,
    path: `/${plural.kebab}`,
    itemPath: `/${plural.kebab}/:${singular.camel}Id`,
    idParam: `${singular.camel}Id`,
    read: `${plural.kebab}:read`,
    write: `${plural.kebab}:write`,
    bodyImportsField: fields.some((f) => TYPES[f.type].request(f).includes('field.')),
    first: views[0] ?? null,
    files: {
      service: `src/services/${plural.kebab}.ts`,
      serviceTest: `test/services/${plural.kebab}.test.ts`,
      shared: `src/endpoints/_${plural.kebab}.ts`,
      test: `test/endpoints/${plural.kebab}.test.ts`,
    },
  };
}

/**
 * Where the table's migration goes: the existing `NNNN_create_<table>.sql` on a re-run (so the
 * same answers give the same file), otherwise the next free number.
 */
export async function migrationPath(root: string, table: string): Promise<string> {
  let names: string[] = [];
  try {
    names = await readdir(join(root, 'src', 'migrations'));
  } catch {
    names = [];
  }
  const own = names.find((n) => n === `${n.slice(0, 4)}_create_${table}.sql` && /^\d{4}$/.test(n.slice(0, 4)));
  if (own !== undefined) return `src/migrations/${own}`;
  const numbers = names
    .map((n) => /^(\d{4})_/.exec(n)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  const next = String(Math.max(0, ...numbers) + 1).padStart(4, '0');
  return `src/migrations/${next}_create_${table}.sql`;
}
