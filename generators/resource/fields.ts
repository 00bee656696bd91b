import { isReservedOrPrototypeKey, words } from '../toolkit/names.js';

/** The field types `--fields` accepts; each row of FIELD_TYPES says what one becomes. */
export const FIELD_TYPES = ['string', 'text', 'int', 'number', 'boolean', 'date', 'datetime', 'uuid', 'email', 'url', 'enum'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldSpec {
  /** camelCase: the JSON property. */
  readonly name: string;
  /** snake_case: the SQL column. */
  readonly column: string;
  readonly type: FieldType;
  readonly optional: boolean;
  /** Enum values, in the order given; empty for other types. */
  readonly values: readonly string[];
}

export const MAX_FIELDS = 32;
export const MAX_SPEC_LENGTH = 2000;
const FIELD_NAME = /^[a-z][A-Za-z0-9]{0,31}$/;
const ENUM_VALUE = /^[a-z][a-z0-9_]{0,31}$/;
const MAX_ENUM_VALUES = 32;

// Columns every generated table has, and names the request must never carry.
const RESERVED_FIELDS = new Set(['id', 'tenantid', 'tenant', 'createdat', 'updatedat', 'cursor', 'limit', 'items', 'nextcursor']);

/** A problem with the spec, naming the field (by position when its name cannot be shown). */
export class FieldSpecError extends Error {
  override readonly name = 'FieldSpecError';
}

function fail(message: string): never {
  throw new FieldSpecError(message);
}

function parseOne(raw: string, position: number, seen: Set<string>): FieldSpec {
  const at = `field ${position}`;
  const match = /^([^:?]*):([a-z]+)(?:\(([^()]*)\))?(\?)?$/.exec(raw);
  if (match === null) fail(`${at} must look like name:type or name:type? (e.g. title:string, status:enum(open|closed))`);
  const [, name = '', type = '', args, optional] = match;
  if (!FIELD_NAME.test(name)) fail(`${at} name must be camelCase ASCII: a lowercase letter, then letters and digits (at most 32)`);
  const label = `field "${name}"`;
  const lowered = name.toLowerCase();
  if (RESERVED_FIELDS.has(lowered)) fail(`${label} is reserved: id, tenantId, createdAt and updatedAt are columns every table has`);
  if (isReservedOrPrototypeKey(name)) fail(`${label} must not be a reserved word or prototype-sensitive name`);
  if (seen.has(lowered)) fail(`${label} is given twice`);
  seen.add(lowered);
  if (!(FIELD_TYPES as readonly string[]).includes(type)) fail(`${label} has an unknown type; expected one of ${FIELD_TYPES.join(', ')}`);
  const values = type === 'enum' ? enumValues(label, args) : [];
  if (type !== 'enum' && args !== undefined) fail(`${label}: only enum takes (values)`);
  return { name, column: words(name).join('_'), type: type as FieldType, optional: optional === '?', values };
}

function enumValues(label: string, args: string | undefined): string[] {
  if (args === undefined || args.trim() === '') fail(`${label} enum needs at least one value: enum(a|b|c)`);
  const values = args.split('|');
  if (values.length > MAX_ENUM_VALUES) fail(`${label} enum has more than ${MAX_ENUM_VALUES} values`);
  for (const value of values) {
    if (!ENUM_VALUE.test(value)) fail(`${label} enum values must be lowercase identifiers (a-z, 0-9, _; at most 32)`);
  }
  if (new Set(values).size !== values.length) fail(`${label} enum repeats a value`);
  return values;
}

/**
 * Parses `name:type[?],...` into field specs, or throws a FieldSpecError naming the field. Names
 * become JSON properties, SQL columns and test fixtures, so they are checked like any identifier.
 *
 * @example
 * parseFields('title:string, done:boolean?, status:enum(open|closed)');
 */
export function parseFields(spec: string): FieldSpec[] {
  if (spec.length > MAX_SPEC_LENGTH) fail(`must be at most ${MAX_SPEC_LENGTH} characters`);
  if (/[^\x20-\x7e]/.test(spec)) fail('must be printable ASCII');
  const parts = spec.split(',').map((part) => part.trim());
  if (parts.length === 1 && parts[0] === '') fail('must name at least one field: name:type[?],...');
  if (parts.length > MAX_FIELDS) fail(`must have at most ${MAX_FIELDS} fields`);
  const seen = new Set<string>();
  return parts.map((part, index) => {
    if (part === '') fail(`field ${index + 1} is empty (two commas in a row?)`);
    return parseOne(part, index + 1, seen);
  });
}

/** The same rule for a zod refinement: the problem's message, or undefined. */
export function fieldsProblem(spec: string): string | undefined {
  try {
    parseFields(spec);
    return undefined;
  } catch (err) {
    if (err instanceof FieldSpecError) return err.message;
    throw err;
  }
}
