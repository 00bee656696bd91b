import type { EndpointAnswers } from './schema.js';
import { nameForms, type NameForms } from '../toolkit/names.js';

/**
 * What the templates for one endpoint need, computed from validated answers only: identifiers
 * and code fragments chosen from fixed tables, never text a user typed (that goes through the
 * `str` helper in the template).
 */
export interface EndpointView {
  readonly name: NameForms;
  readonly method: string;
  readonly path: string;
  readonly summary: string;
  readonly access: { readonly key: 'permission' | 'public'; readonly value: string };
  readonly permission: string;
  readonly imports: readonly string[];
  readonly schemaLines: readonly string[];
  readonly logic: string;
  /** The shape of the default logic, for the comment above it. */
  readonly logicNote: string;
  /** What the pipeline did before the handler runs. */
  readonly guardNote: string;
  readonly service: { readonly binding: string; readonly kebab: string; readonly imports: readonly string[] } | null;
  readonly test: { readonly http: string; readonly url: string; readonly write: boolean; readonly hasParams: boolean; readonly needsId: boolean };
  readonly files: { readonly endpoint: string; readonly test: string; readonly service: string | null };
}

const IMPORT = {
  crypto: "import { randomUUID } from 'node:crypto';",
  zod: "import { z } from 'zod';",
  define: "import { defineEndpoint } from '../../blessed/endpoint/index.js';",
  errors: "import { NotFoundError } from '../../blessed/errors/index.js';",
  field: "import { field } from '../../blessed/validation/index.js';",
};
const SERVICE_IMPORT = {
  crypto: IMPORT.crypto,
  errors: "import { NotFoundError } from '../../blessed/errors/index.js';",
};

interface Shape {
  readonly schemas: readonly string[];
  readonly logic: string;
  readonly note: string;
  readonly needs: readonly ('crypto' | 'errors' | 'field')[];
  /** The service function's declared result: a declaration that only throws would infer void. */
  readonly returns: string;
}

const ID_RESPONSE = 'response: z.strictObject({ id: field.id() }),';
const NOT_FOUND = 'throw new NotFoundError();';
const ID_RESULT = 'Promise<{ id: string }>';
const TENANT_NOTE = "Read through `db`, bound to the caller's tenant: another tenant's id is then a 404 by construction.";

function shapeOf(method: string, hasParams: boolean): Shape {
  const query = 'query: z.strictObject({}),';
  const body = 'body: z.strictObject({}),';
  if (method === 'GET' && hasParams)
    return { schemas: [query, ID_RESPONSE], logic: NOT_FOUND, note: TENANT_NOTE, needs: ['errors', 'field'], returns: ID_RESULT };
  if (method === 'GET') {
    return {
      schemas: [query, 'response: z.strictObject({ items: z.array(z.strictObject({ id: field.id() })) }),'],
      logic: 'return { items: [] };',
      note: "List through `db`: it only ever sees the caller's tenant's rows.",
      needs: ['field'],
      returns: 'Promise<{ items: { id: string }[] }>',
    };
  }
  if (method === 'DELETE') {
    return {
      schemas: [query, 'status: 204,', 'response: z.undefined(),'],
      logic: hasParams ? NOT_FOUND : 'return undefined;',
      note: TENANT_NOTE,
      needs: hasParams ? ['errors'] : [],
      returns: 'Promise<undefined>',
    };
  }
  if (hasParams) return { schemas: [body, ID_RESPONSE], logic: NOT_FOUND, note: TENANT_NOTE, needs: ['errors', 'field'], returns: ID_RESULT };
  if (method === 'POST') {
    return {
      schemas: [body, ID_RESPONSE],
      logic: 'return { id: randomUUID() };',
      note: "Insert through `db`: it writes the caller's tenant id itself.",
      needs: ['crypto', 'field'],
      returns: ID_RESULT,
    };
  }
  return {
    schemas: [body, 'response: z.strictObject({ ok: z.literal(true) }),'],
    logic: 'return { ok: true as const };',
    note: "Change data only through `db`, bound to the caller's tenant.",
    needs: [],
    returns: 'Promise<{ ok: true }>',
  };
}

/** The summary an endpoint gets when none is given: its name as a sentence ("List widgets"). */
export function defaultSummary(name: NameForms): string {
  return name.words.charAt(0).toUpperCase() + name.words.slice(1);
}

/** The template data for `generate endpoint`. */
export function endpointView(answers: EndpointAnswers): EndpointView {
  const name = nameForms(answers.name);
  const params = answers.path
    .split('/')
    .filter((s) => s.startsWith(':'))
    .map((s) => s.slice(1));
  const shape = shapeOf(answers.method, params.length > 0);
  const paramsLine = params.length > 0 ? [`params: z.strictObject({ ${params.map((p) => `${p}: field.id()`).join(', ')} }),`] : [];
  const service = answers.service === undefined ? null : nameForms(answers.service);
  const inEndpoint = new Set<string>(service === null ? shape.needs : shape.needs.filter((n) => n === 'field'));
  if (params.length > 0) inEndpoint.add('field');
  const imports = [
    ...(inEndpoint.has('crypto') ? [IMPORT.crypto] : []),
    IMPORT.zod,
    IMPORT.define,
    ...(inEndpoint.has('errors') ? [IMPORT.errors] : []),
    ...(inEndpoint.has('field') ? [IMPORT.field] : []),
    ...(service === null ? [] : [`import * as ${service.camel}Service from '../services/${service.kebab}.js';`]),
  ];
  const url = params.length === 0 ? `'${answers.path}'` : `\`${answers.path.replace(/:[A-Za-z0-9]+/g, '${ID}')}\``;
  const access =
    answers.permission === undefined ? { key: 'public' as const, value: answers.public ?? '' } : { key: 'permission' as const, value: answers.permission };
  return {
    name,
    method: answers.method,
    path: answers.path,
    summary: answers.summary ?? defaultSummary(name),
    access,
    permission: answers.permission ?? '',
    imports,
    schemaLines: [...paramsLine, ...shape.schemas],
    logic: service === null ? shape.logic : `return ${service.camel}Service.${name.camel}();`,
    logicNote: access.key === 'public' ? 'This endpoint is public: `auth` is null, so nothing here may depend on a tenant.' : shape.note,
    guardNote:
      access.key === 'public'
        ? 'Input validation has already run; no token is required.'
        : 'Authentication, the permission check and input validation have already run.',
    service:
      service === null
        ? null
        : {
            binding: `${service.camel}Service`,
            kebab: service.kebab,
            imports: [...(shape.needs.includes('crypto') ? [SERVICE_IMPORT.crypto] : []), ...(shape.needs.includes('errors') ? [SERVICE_IMPORT.errors] : [])],
          },
    test: {
      http: answers.method.toLowerCase(),
      url,
      write: ['POST', 'PUT', 'PATCH'].includes(answers.method),
      hasParams: params.length > 0,
      needsId: params.length > 0,
    },
    files: {
      endpoint: `src/endpoints/${name.kebab}.ts`,
      test: `test/endpoints/${name.kebab}.security.test.ts`,
      service: service === null ? null : `src/services/${service.kebab}.ts`,
    },
  };
}

/** The service function's default body and declared result, matching the endpoint's shape. */
export function serviceShape(answers: EndpointAnswers): { readonly serviceLogic: string; readonly serviceReturns: string } {
  const shape = shapeOf(answers.method, answers.path.includes(':'));
  return { serviceLogic: shape.logic, serviceReturns: shape.returns };
}
