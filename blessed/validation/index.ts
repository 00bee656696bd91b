import type { Request } from 'express';
import { z } from 'zod';
import { InternalError, ValidationError, type FieldIssue } from '../errors/index.js';
import { inspectInput, MAX_ISSUES } from './_inspect.js';
import { childPath, issuesFromZod } from './_issues.js';
import { parseOptions, positiveInt } from './_options.js';
import { createParser, type Parser } from './_parse.js';
import { listKeysOf, normaliseQuery } from './_query.js';
import { assertStrictSchema, isStrictObject, isZodSchema, unwrapInput } from './_schema.js';

export { jsonBody, type JsonBodyOptions } from './_body.js';
export { field } from './_field.js';
export { TENANT_ID_MAX_LENGTH, TENANT_ID_RULE, tenantIdSchema } from './_tenant-id.js';

export interface RequestSchemas {
  /** Must be, or wrap, a strict object. */
  readonly params?: z.ZodType | undefined;
  /** Must be, or wrap, a strict object; list fields (`z.array(...)`) accept one or many values. */
  readonly query?: z.ZodType | undefined;
  readonly body?: z.ZodType | undefined;
}

export interface ValidationOptions {
  /** Longest string accepted anywhere in the body (keys included). Default 10 000. */
  readonly maxStringLength?: number;
  /** Deepest nesting accepted in the body. Default 32. */
  readonly maxDepth?: number;
}

export type ValidatedRequest<S extends RequestSchemas> = {
  params: S['params'] extends z.ZodType ? z.output<S['params']> : Record<string, never>;
  query: S['query'] extends z.ZodType ? z.output<S['query']> : Record<string, never>;
  body: S['body'] extends z.ZodType ? z.output<S['body']> : undefined;
};

const DEFAULT_MAX_STRING_LENGTH = 10_000;
const DEFAULT_MAX_DEPTH = 32;
/** Path segments and query values are short by nature; this holds whatever the options say. */
const PARAM_MAX_STRING_LENGTH = 2048;

const optionsSchema = z.strictObject({ maxStringLength: positiveInt(10_000_000), maxDepth: positiveInt(1000) });
const optionRules = {
  maxStringLength: 'must be a positive integer up to 10000000',
  maxDepth: 'must be a positive integer up to 1000',
};
const SECTIONS = ['params', 'query', 'body'] as const;

function checkSchemas(schemas: unknown): void {
  if (typeof schemas !== 'object' || schemas === null) throw new TypeError('"schemas" must be an object');
  for (const [key, schema] of Object.entries(schemas)) {
    if (!(SECTIONS as readonly string[]).includes(key)) throw new TypeError(`"${key}" is not a request part (params, query, body)`);
    if (schema === undefined) continue;
    if (!isZodSchema(schema)) throw new TypeError(`"${key}" must be a zod schema`);
    if (key !== 'body' && !isStrictObject(unwrapInput(schema))) {
      throw new TypeError(`"${key}" must be a strict object (z.strictObject)`);
    }
    assertStrictSchema(schema, key);
  }
}

function summary(issues: readonly FieldIssue[]): string {
  return `request validation failed at ${issues.map((issue) => issue.path).join(', ')}`;
}

/**
 * Builds the parser for one route's params, query and body. The schemas are checked once, here:
 * any object at any depth that is not a `z.strictObject` is a TypeError naming where it is.
 * Each request is then inspected before any schema runs (reserved keys such as `__proto__`,
 * over-long strings, nesting deeper than `maxDepth`) and parsed without coercion. Every failure
 * is one `ValidationError` (400) listing `{ path, message }` entries that never echo input.
 *
 * @example
 * const check = validate({
 *   params: z.strictObject({ orderId: field.id() }),
 *   query: z.strictObject({ page: field.int({ min: 1 }).optional() }),
 *   body: z.strictObject({ note: z.string().max(500) }),
 * });
 * router.post('/orders/:orderId/notes', async function addNote(req, res) {
 *   const { params, query, body } = await check(req);
 *   res.json(await notes.add(params.orderId, body.note, query.page));
 * });
 */
export function validate<S extends RequestSchemas>(schemas: S, options?: ValidationOptions): (req: Request) => Promise<ValidatedRequest<S>> {
  const parsed = parseOptions(optionsSchema, options, optionRules);
  const maxDepth = parsed.maxDepth ?? DEFAULT_MAX_DEPTH;
  const bodyLimits = { maxDepth, maxStringLength: parsed.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH };
  const paramLimits = { maxDepth, maxStringLength: PARAM_MAX_STRING_LENGTH };
  checkSchemas(schemas);
  const { params: paramsSchema, query: querySchema, body: bodySchema } = schemas;
  const listKeys = querySchema === undefined ? new Set<string>() : listKeysOf(unwrapInput(querySchema));

  const parseParams = paramsSchema === undefined ? undefined : createParser(paramsSchema);
  const parseQuery = querySchema === undefined ? undefined : createParser(querySchema);
  const parseBody = bodySchema === undefined ? undefined : createParser(bodySchema);

  async function section(root: string, parse: Parser, input: unknown, issues: FieldIssue[]): Promise<unknown> {
    const result = await parse(input);
    if (result.success) return result.data;
    issues.push(...issuesFromZod(root, result.error, input));
    return undefined;
  }

  return async function validateRequest(req: Request): Promise<ValidatedRequest<S>> {
    const rawParams: unknown = req.params ?? {};
    const rawQuery: unknown = req.query ?? {};
    const rawBody: unknown = req.body;
    const issues: FieldIssue[] = [];
    inspectInput(rawParams, 'params', paramLimits, issues);
    inspectInput(rawQuery, 'query', paramLimits, issues);
    inspectInput(rawBody, 'body', bodyLimits, issues);
    if (issues.length > 0) throw new ValidationError(issues.slice(0, MAX_ISSUES), { reason: summary(issues) });

    if (paramsSchema === undefined && Object.keys(rawParams as object).length > 0) {
      throw new InternalError({ reason: 'the route has path parameters but no params schema' });
    }
    if (querySchema === undefined) {
      for (const key of Object.keys(rawQuery as object)) issues.push({ path: childPath('query', key), message: 'is not an allowed key' });
    }
    if (bodySchema === undefined && rawBody !== undefined) issues.push({ path: 'body', message: 'must be empty' });

    const params = parseParams === undefined ? {} : await section('params', parseParams, rawParams, issues);
    const query = parseQuery === undefined ? {} : await section('query', parseQuery, normaliseQuery(rawQuery, listKeys, issues), issues);
    const body = parseBody === undefined ? undefined : await section('body', parseBody, rawBody, issues);
    if (issues.length > 0) throw new ValidationError(issues.slice(0, MAX_ISSUES), { reason: summary(issues) });
    return { params, query, body } as ValidatedRequest<S>;
  };
}
