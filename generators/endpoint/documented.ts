import { z } from 'zod';
// The same `field` the template's `import { field } from '../../blessed/validation/index.js'`
// reaches, without the request-body middleware (and express) that the index also exports.
import { field } from '../../blessed/validation/_field.js';
import type { DocumentedEndpoint } from '../inventory/openapi.js';
import type { EndpointView } from './shapes.js';

type Schemas = { -readonly [K in keyof DocumentedEndpoint['schemas']]?: DocumentedEndpoint['schemas'][K] } & { status?: 204 };

// Each schema line shapes.ts can put in the template, with the value that line evaluates to.
// A line missing here makes the endpoint undocumented, so the inventory is rendered from the
// written file instead: a change to shapes.ts can never put a stale guess into openapi.json.
const LINES: Readonly<Record<string, (into: Schemas) => void>> = {
  'query: z.strictObject({}),': (into) => {
    into.query = z.strictObject({});
  },
  'body: z.strictObject({}),': (into) => {
    into.body = z.strictObject({});
  },
  'response: z.strictObject({ id: field.id() }),': (into) => {
    into.response = z.strictObject({ id: field.id() });
  },
  'response: z.strictObject({ items: z.array(z.strictObject({ id: field.id() })) }),': (into) => {
    into.response = z.strictObject({ items: z.array(z.strictObject({ id: field.id() })) });
  },
  'response: z.strictObject({ ok: z.literal(true) }),': (into) => {
    into.response = z.strictObject({ ok: z.literal(true) });
  },
  'response: z.undefined(),': (into) => {
    into.response = z.undefined();
  },
  'status: 204,': (into) => {
    into.status = 204;
  },
};

const PARAMS_LINE = /^params: z\.strictObject\(\{ ((?:[a-z][A-Za-z0-9]*: field\.id\(\)(?:, )?)+) \}\),$/;

function paramsSchema(line: string): z.ZodType | undefined {
  const match = PARAMS_LINE.exec(line);
  if (match === null) return undefined;
  const names = (match[1] ?? '').split(', ').map((part) => part.slice(0, part.indexOf(':')));
  return z.strictObject(Object.fromEntries(names.map((name) => [name, field.id()])));
}

/**
 * The endpoint `endpoint.ts.hbs` defines for this view, built from the same zod calls its schema
 * lines make, or undefined for a line this table does not know. test/generators/inventory-fast.test.ts
 * proves, for every template variant, that the document planned from it equals the document
 * rendered by loading the written file.
 *
 * @example
 * const [endpoint] = documentedEndpoint(endpointView(answers)) ?? [];
 */
export function documentedEndpoint(view: EndpointView): readonly DocumentedEndpoint[] | undefined {
  const schemas: Schemas = {};
  for (const line of view.schemaLines) {
    const params = paramsSchema(line);
    if (params !== undefined) schemas.params = params;
    else if (Object.hasOwn(LINES, line)) LINES[line]?.(schemas);
    else return undefined;
  }
  const { status, response, ...input } = schemas;
  if (response === undefined) return undefined;
  const access =
    view.access.key === 'permission' ? { kind: 'permission' as const, permission: view.access.value } : { kind: 'public' as const, reason: view.access.value };
  return [
    {
      method: view.method as DocumentedEndpoint['method'],
      path: view.path,
      access,
      summary: view.summary,
      schemas: { params: input.params, query: input.query, body: input.body, response },
      // defineEndpoint's default: 201 for POST, 200 otherwise.
      status: status ?? (view.method === 'POST' ? 201 : 200),
    },
  ];
}
