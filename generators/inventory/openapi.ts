import { z } from 'zod';
import type { Endpoint } from '../../blessed/endpoint/index.js';

export type JsonObject = Record<string, unknown>;

/** What the document reads of an endpoint: `defineEndpoint`'s value, or one planned from known schemas. */
export type DocumentedEndpoint = Pick<Endpoint, 'method' | 'path' | 'access' | 'summary' | 'schemas' | 'status'>;

/** One operation of the document, keyed by its Express path and upper-case method. */
export interface OperationEntry {
  readonly path: string;
  readonly method: string;
  readonly operation: JsonObject;
}

export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
}

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** zod 4's own JSON Schema (2020-12, the dialect OpenAPI 3.1 uses), without the `$schema` marker. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonObject;
  return rest;
}

export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9]+)/g, '{$1}');
}

function operationId(endpoint: DocumentedEndpoint): string {
  const words = endpoint.path
    .split('/')
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? `By-${segment.slice(1)}` : segment))
    .flatMap((segment) => segment.split('-'))
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `${endpoint.method.toLowerCase()}${words.join('') || 'Root'}`;
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonObject[] {
  if (schema === undefined) return [];
  const object = jsonSchema(schema, 'input');
  const required = new Set((object['required'] as string[] | undefined) ?? []);
  const properties = (object['properties'] ?? {}) as Record<string, JsonObject>;
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(typeof property['description'] === 'string' ? { description: property['description'] } : {}),
    schema: property,
  }));
}

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

function responses(endpoint: DocumentedEndpoint): JsonObject {
  const success: JsonObject =
    endpoint.status === 204
      ? { description: 'No content' }
      : { description: endpoint.summary ?? 'Success', content: { 'application/json': { schema: jsonSchema(endpoint.schemas.response, 'output') } } };
  const { params, query, body } = endpoint.schemas;
  const errors: Record<string, JsonObject> = {};
  if (params !== undefined || query !== undefined || body !== undefined) errors['400'] = ref('BadRequest');
  if (endpoint.access.kind === 'permission') {
    errors['401'] = ref('Unauthorized');
    errors['403'] = ref('Forbidden');
  }
  if (params !== undefined) errors['404'] = ref('NotFound');
  if (body !== undefined) {
    errors['413'] = ref('PayloadTooLarge');
    errors['415'] = ref('UnsupportedMediaType');
  }
  errors['500'] = ref('InternalError');
  return { [String(endpoint.status)]: success, ...errors };
}

function operation(endpoint: DocumentedEndpoint): JsonObject {
  const { access } = endpoint;
  return {
    operationId: operationId(endpoint),
    ...(endpoint.summary === undefined ? {} : { summary: endpoint.summary }),
    parameters: [...parameters(endpoint.schemas.params, 'path'), ...parameters(endpoint.schemas.query, 'query')],
    ...(endpoint.schemas.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(endpoint.schemas.body, 'input') } } } }),
    responses: responses(endpoint),
    ...(access.kind === 'permission' ? { security: [{ bearer: [] }], 'x-permission': access.permission } : { security: [], 'x-public-reason': access.reason }),
  };
}

const PROBLEM = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    requestId: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' } } } },
  },
};

function problemResponse(description: string, headers?: JsonObject): JsonObject {
  return {
    description,
    ...(headers === undefined ? {} : { headers }),
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  };
}

/** An endpoint's operation as the document holds it. */
export function operationEntry(endpoint: DocumentedEndpoint): OperationEntry {
  return { path: endpoint.path, method: endpoint.method, operation: operation(endpoint) };
}

/**
 * The OpenAPI 3.1 document of a registry: every path and method, parameters, bodies, responses
 * with their problem+json errors, the bearer scheme and each operation's permission or public reason.
 *
 * @example
 * const document = buildOpenApi(endpoints, { title: 'orders', version: '1.0.0' });
 */
export function buildOpenApi(endpoints: readonly DocumentedEndpoint[], info: OpenApiInfo): JsonObject {
  return assembleOpenApi(endpoints.map(operationEntry), info);
}

/** The document around a list of operations, in the order `buildOpenApi` gives them. */
export function assembleOpenApi(entries: readonly OperationEntry[], info: OpenApiInfo): JsonObject {
  const sorted = [...entries].sort((a, b) => a.path.localeCompare(b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const entry of sorted) {
    const key = openApiPath(entry.path);
    paths[key] ??= {};
    paths[key][entry.method.toLowerCase()] = entry.operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: PROBLEM },
      responses: {
        BadRequest: problemResponse('The request does not match the schema; `errors` lists each path'),
        Unauthorized: problemResponse('Missing or invalid bearer token', { 'WWW-Authenticate': { schema: { type: 'string' } } }),
        Forbidden: problemResponse('The token lacks the permission this operation requires'),
        NotFound: problemResponse("No such object in the caller's tenant"),
        PayloadTooLarge: problemResponse('The body is larger than the limit'),
        UnsupportedMediaType: problemResponse('The body is not application/json'),
        InternalError: problemResponse('A server bug; the response says nothing about internals'),
      },
    },
  };
}

/** The text `openapi.json` holds: two-space JSON and a final newline, so diffs stay readable. */
export function openApiText(document: JsonObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
