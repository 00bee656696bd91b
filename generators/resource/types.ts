import type { FieldSpec, FieldType } from './fields.js';

/** What one field type becomes in each generated file; code fragments chosen here, never typed by a user. */
interface TypeRow {
  /** Request schema (a bounded string builder first, so no pattern runs on a huge input). */
  readonly request: (f: FieldSpec) => string;
  readonly response: (f: FieldSpec) => string;
  /** SQL type and constraint, for a column name that is already a checked identifier. */
  readonly sql: (column: string, f: FieldSpec) => string;
  readonly column: 'text' | 'integer' | 'double' | 'boolean' | 'timestamptz' | 'uuid';
  /** Two different valid values, as TypeScript literals. */
  readonly samples: (f: FieldSpec) => readonly [string, string];
  /** A value just past the request schema's bound, when the type has one. */
  readonly tooLong?: string;
}

const enumList = (f: FieldSpec) => f.values.map((v) => `'${v}'`).join(', ');

export const TYPES: Readonly<Record<FieldType, TypeRow>> = {
  string: {
    request: () => 'field.string({ min: 1, max: 200 })',
    response: () => 'z.string()',
    sql: (c) => `text check (char_length(${c}) between 1 and 200)`,
    column: 'text',
    samples: (f) => [`'first ${f.name}'`, `'second ${f.name}'`],
    tooLong: "'x'.repeat(201)",
  },
  text: {
    request: () => 'field.string({ max: 10_000 })',
    response: () => 'z.string()',
    sql: (c) => `text check (char_length(${c}) <= 10000)`,
    column: 'text',
    samples: (f) => [`'A longer ${f.name}, first version.'`, `'A longer ${f.name}, second version.'`],
    tooLong: "'x'.repeat(10_001)",
  },
  int: {
    request: () => 'z.number().int().min(-2_147_483_648).max(2_147_483_647)',
    response: () => 'z.number().int()',
    sql: () => 'integer',
    column: 'integer',
    samples: () => ['42', '7'],
  },
  number: {
    request: () => 'z.number()',
    response: () => 'z.number()',
    sql: () => 'double precision',
    column: 'double',
    samples: () => ['1.5', '-2.25'],
  },
  boolean: {
    request: () => 'z.boolean()',
    response: () => 'z.boolean()',
    sql: () => 'boolean',
    column: 'boolean',
    samples: () => ['true', 'false'],
  },
  date: {
    request: () => 'field.string({ max: 10 }).pipe(z.iso.date())',
    response: () => 'z.iso.date()',
    sql: (c) => `text check (${c} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$')`,
    column: 'text',
    samples: () => ["'2024-01-31'", "'2025-06-01'"],
  },
  datetime: {
    request: () => 'field.string({ max: 40 }).pipe(z.iso.datetime({ offset: true }))',
    response: () => 'z.iso.datetime()',
    sql: () => 'timestamptz',
    column: 'timestamptz',
    samples: () => ["'2024-01-31T10:00:00.000Z'", "'2025-06-01T12:30:00.000Z'"],
  },
  uuid: {
    request: () => 'field.uuid()',
    response: () => 'z.uuid()',
    sql: () => 'uuid',
    column: 'uuid',
    samples: () => ["'0b6e3f8a-3c1d-4e2f-9a7b-1c2d3e4f5a6b'", "'9f8e7d6c-5b4a-4c3d-8e2f-1a0b9c8d7e6f'"],
  },
  email: {
    request: () => 'field.string({ max: 254 }).pipe(z.email())',
    response: () => 'z.string()',
    sql: (c) => `text check (char_length(${c}) <= 254)`,
    column: 'text',
    samples: () => ["'first@example.com'", "'second@example.com'"],
    tooLong: "`${'x'.repeat(250)}@example.com`",
  },
  url: {
    request: () => 'field.string({ max: 2048 }).pipe(z.url({ protocol: /^https$/ }))',
    response: () => 'z.string()',
    sql: (c) => `text check (char_length(${c}) <= 2048 and ${c} like 'https://%')`,
    column: 'text',
    samples: () => ["'https://example.com/first'", "'https://example.com/second'"],
    tooLong: "`https://example.com/${'x'.repeat(2048)}`",
  },
  enum: {
    request: (f) => `z.enum([${enumList(f)}])`,
    response: (f) => `z.enum([${enumList(f)}])`,
    sql: (c, f) => `text check (${c} in (${enumList(f)}))`,
    column: 'text',
    samples: (f) => [`'${f.values[0] ?? ''}'`, `'${f.values[1] ?? f.values[0] ?? ''}'`],
  },
};
