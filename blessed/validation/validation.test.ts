import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemHandler } from '../errors/index.js';
import { createLogger } from '../logger/index.js';
import { field, jsonBody, validate, type RequestSchemas, type ValidationOptions } from './index.js';

interface AppSetup {
  readonly path?: string;
  readonly options?: ValidationOptions;
  /** Another body parser, to prove validate() holds on its own without jsonBody(). */
  readonly parser?: RequestHandler;
}

function appFor(schemas: RequestSchemas, setup: AppSetup = {}): express.Express {
  const app = express();
  app.use(setup.parser ?? jsonBody());
  const check = validate(schemas, setup.options);
  app.all(setup.path ?? '/r', async function route(req, res) {
    res.json(await check(req));
  });
  app.use(problemHandler({ logger: createLogger({ level: 'silent' }) }));
  return app;
}

afterEach(() => {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

describe('validate() at factory time', () => {
  it('refuses a z.object nested in a strict object, naming where it is', () => {
    const body = z.strictObject({ items: z.array(z.object({ name: z.string() })) });
    expect(() => validate({ body })).toThrow(new TypeError('"body.items[]" must be a strict object (z.strictObject)'));
  });

  it.each([
    ['optional', z.strictObject({ a: z.object({}).optional() }), 'body.a'],
    ['nullable and default', z.strictObject({ a: z.object({}).nullable().default(null) }), 'body.a'],
    ['union', z.strictObject({ a: z.union([z.string(), z.object({})]) }), 'body.a'],
    ['discriminated union', z.discriminatedUnion('k', [z.strictObject({ k: z.literal('x') }), z.object({ k: z.literal('y') })]), 'body'],
    ['record', z.record(z.string(), z.object({})), 'body[*]'],
    ['tuple', z.tuple([z.string(), z.object({})]), 'body[1]'],
    ['tuple rest', z.tuple([z.string()], z.object({})), 'body[]'],
    ['pipe', z.strictObject({ a: z.string() }).pipe(z.object({ a: z.string() })), 'body'],
    ['transform input', z.object({}).transform(() => 1), 'body'],
    ['lazy', z.strictObject({ a: z.lazy(() => z.object({})) }), 'body.a'],
    ['intersection', z.intersection(z.strictObject({}), z.object({})), 'body'],
    ['loose object', z.looseObject({}), 'body'],
    ['catchall', z.strictObject({}).catchall(z.string()), 'body'],
    ['readonly', z.array(z.object({}).readonly()), 'body[]'],
  ])('refuses a non-strict object inside %s', (_name, body, location) => {
    expect(() => validate({ body })).toThrow(`"${location}" must be a strict object (z.strictObject)`);
  });

  it('accepts strict objects at every level, and recursive lazy schemas', () => {
    interface Node {
      name: string;
      children: Node[];
    }
    const node: z.ZodType<Node> = z.lazy(() => z.strictObject({ name: z.string(), children: z.array(node) }));
    expect(() => validate({ body: node })).not.toThrow();
    const loose: z.ZodType<unknown> = z.lazy(() => z.strictObject({ next: z.array(z.object({ deeper: loose })) }));
    expect(() => validate({ body: loose })).toThrow('"body.next[]" must be a strict object');
    expect(() => validate({ body: z.object({ a: z.string() }).strict() })).not.toThrow();
  });

  it('requires params and query to be strict objects', () => {
    expect(() => validate({ params: z.string() })).toThrow('"params" must be a strict object (z.strictObject)');
    expect(() => validate({ query: z.object({}) })).toThrow('"query" must be a strict object (z.strictObject)');
    expect(() => validate({ query: z.strictObject({ page: field.int() }).optional() })).not.toThrow();
  });

  it('names a bad option or schema part', () => {
    expect(() => validate({}, { maxDepth: 0 })).toThrow(new TypeError('"maxDepth" must be a positive integer up to 1000'));
    expect(() => validate({}, { maxStringLength: 1.5 })).toThrow('"maxStringLength" must be a positive integer');
    expect(() => validate({}, { limit: 1 } as ValidationOptions)).toThrow('"limit" is not a known option');
    expect(() => validate({ headers: z.strictObject({}) } as RequestSchemas)).toThrow('"headers" is not a request part');
    expect(() => validate({ body: { parse: () => 1 } } as unknown as RequestSchemas)).toThrow('"body" must be a zod schema');
  });

  it('does not change the options it is given', () => {
    const options = Object.freeze({ maxDepth: 4 });
    expect(() => validate({}, options)).not.toThrow();
  });
});

describe('validate() per request', () => {
  const orderBody = z.strictObject({
    items: z.array(z.strictObject({ name: z.string().max(50), qty: z.number().int().min(1) })),
  });

  it('returns the parsed params, query and body', async () => {
    const app = appFor(
      {
        params: z.strictObject({ id: field.id() }),
        query: z.strictObject({ page: field.int({ min: 1 }), tag: z.array(field.string()).optional() }),
        body: orderBody,
      },
      { path: '/r/:id' },
    );
    const res = await request(app)
      .post('/r/o-1?page=2&tag=x')
      .send({ items: [{ name: 'pen', qty: 2 }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ params: { id: 'o-1' }, query: { page: 2, tag: ['x'] }, body: { items: [{ name: 'pen', qty: 2 }] } });
  });

  it('rejects a nested unknown key with its path', async () => {
    const res = await request(appFor({ body: orderBody }))
      .post('/r')
      .send({ items: [{ name: 'pen', qty: 1, price: 0 }] });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('ERR_VALIDATION');
    expect(res.body.errors).toEqual([{ path: 'body.items.0.price', message: 'is not an allowed key' }]);
  });

  it('refuses a body when the route takes none, and requires one when it does', async () => {
    const none = await request(appFor({})).post('/r').send({ a: 1 });
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual([{ path: 'body', message: 'must be empty' }]);
    const missing = await request(appFor({ body: orderBody })).post('/r');
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ path: 'body', message: 'is required' }]);
  });

  it('refuses query keys when the route takes no query', async () => {
    const res = await request(appFor({})).get('/r?debug=1');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'query.debug', message: 'is not an allowed key' }]);
  });

  it('answers 500 when a route has path parameters but no params schema', async () => {
    const res = await request(appFor({}, { path: '/r/:id' })).get('/r/1');
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('ERR_INTERNAL');
  });

  it('lists the problems of every part at once', async () => {
    const app = appFor({ params: z.strictObject({ id: field.uuid() }), query: z.strictObject({ page: field.int() }), body: orderBody }, { path: '/r/:id' });
    const res = await request(app)
      .post('/r/nope?page=x')
      .send({ items: [{ name: 'pen', qty: 0 }] });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['body.items.0.qty', 'params.id', 'query.page']);
  });
});
