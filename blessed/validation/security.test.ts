import { PassThrough } from 'node:stream';
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemHandler } from '../errors/index.js';
import { createLogger } from '../logger/index.js';
import { field, jsonBody, validate, type RequestSchemas, type ValidationOptions } from './index.js';

/** Every log line the apps in this file write, to prove rejected input is not logged either. */
const logLines: string[] = [];
const sink = new PassThrough();
sink.on('data', (chunk: Buffer) => logLines.push(chunk.toString('utf8')));
const logger = createLogger({ level: 'info', destination: sink });

function appFor(schemas: RequestSchemas, setup: { path?: string; options?: ValidationOptions; parser?: RequestHandler } = {}): express.Express {
  const app = express();
  app.use(setup.parser ?? jsonBody());
  const check = validate(schemas, setup.options);
  app.all(setup.path ?? '/r', async function route(req, res) {
    res.json(await check(req));
  });
  app.use(problemHandler({ logger }));
  return app;
}

function isPolluted(): boolean {
  return Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted');
}

afterEach(() => {
  expect(isPolluted()).toBe(false);
});

// A parser without any of jsonBody's checks: validate() must hold on its own.
const plainJson = express.json({ limit: '5mb' });

describe('reserved keys', () => {
  const anything = { body: z.record(z.string(), z.unknown()) };

  it.each([
    ['{"__proto__":{"polluted":1}}', 'body.__proto__'],
    ['{"a":{"constructor":{"prototype":{"polluted":1}}}}', 'body.a.constructor'],
    ['{"list":[{"ok":1},{"prototype":{"polluted":1}}]}', 'body.list.1.prototype'],
  ])('refuses %s in the body even behind a permissive schema', async (text, path) => {
    for (const parser of [jsonBody(), plainJson]) {
      const res = await request(appFor(anything, { parser })).post('/r').set('Content-Type', 'application/json').send(text);
      expect(res.status).toBe(400);
      expect(res.body.errors).toContainEqual({ path, message: 'is a reserved key and is not allowed' });
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a query key', async (key) => {
    const app = appFor({ query: z.strictObject({ q: field.string().optional() }) });
    const res = await request(app).get(`/r?${key}=1`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: `query.${key}`, message: 'is a reserved key and is not allowed' }]);
  });

  it('refuses reserved keys in params', async () => {
    const app = appFor({ params: z.strictObject({ constructor: field.id() }) }, { path: '/r/:constructor' });
    const res = await request(app).get('/r/x');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'params.constructor', message: 'is a reserved key and is not allowed' }]);
  });
});

describe('string lengths are checked before any schema', () => {
  it('refuses an over-long body string without running the schema', async () => {
    let runs = 0;
    const body = z.strictObject({ name: z.string().refine(() => (runs += 1) > 0) });
    const app = appFor({ body }, { parser: plainJson });
    const res = await request(app)
      .post('/r')
      .send({ name: 'a'.repeat(10_001) });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body.name', message: 'must be at most 10000 characters' }]);
    expect(runs).toBe(0);
    expect(
      (
        await request(app)
          .post('/r')
          .send({ name: 'a'.repeat(10_000) })
      ).status,
    ).toBe(200);
    expect(runs).toBe(1);
  });

  it('honours maxStringLength and checks keys too', async () => {
    const app = appFor({ body: z.record(z.string(), z.string()) }, { options: { maxStringLength: 8 }, parser: plainJson });
    const value = await request(app)
      .post('/r')
      .send({ tags: ['x'], a: '123456789' });
    expect(value.body.errors).toContainEqual({ path: 'body.a', message: 'must be at most 8 characters' });
    const key = await request(app).post('/r').send({ abcdefghi: 'x' });
    expect(key.body.errors).toEqual([{ path: 'body', message: 'has a key longer than 8 characters' }]);
  });

  it('caps query and params strings at 2048 whatever the options say', async () => {
    const app = appFor(
      { params: z.strictObject({ id: z.string() }), query: z.strictObject({ q: z.string().optional() }) },
      { path: '/r/:id', options: { maxStringLength: 1_000_000 } },
    );
    const long = 'a'.repeat(2049);
    expect((await request(app).get(`/r/${long}`)).body.errors).toEqual([{ path: 'params.id', message: 'must be at most 2048 characters' }]);
    expect((await request(app).get(`/r/x?q=${long}`)).body.errors).toEqual([{ path: 'query.q', message: 'must be at most 2048 characters' }]);
    expect((await request(app).get(`/r/x?q=${long.slice(1)}`)).status).toBe(200);
  });

  it('refuses bodies nested deeper than maxDepth', async () => {
    const app = appFor({ body: z.unknown() }, { options: { maxDepth: 4 }, parser: plainJson });
    expect(
      (
        await request(app)
          .post('/r')
          .send([[[[1]]]])
      ).status,
    ).toBe(200);
    const res = await request(app)
      .post('/r')
      .send([[[[[1]]]]]);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'body.0.0.0.0', message: 'must not nest deeper than 4 levels' }]);
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const crash = await request(appFor({ body: z.unknown() }, { parser: plainJson }))
      .post('/r')
      .set('Content-Type', 'application/json')
      .send(deep);
    expect(crash.status).toBe(400);
  });
});

describe('query values', () => {
  const app = appFor({
    query: z.strictObject({
      page: field.int().optional(),
      flag: field.boolean().optional(),
      n: z.number().optional(),
      tag: z
        .array(field.string({ max: 10 }))
        .max(5)
        .optional(),
    }),
  });

  it('refuses a scalar parameter given twice', async () => {
    const res = await request(app).get('/r?page=1&page=2');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'query.page', message: 'must be given once' }]);
  });

  it('accepts one or many values for a list parameter', async () => {
    expect((await request(app).get('/r?tag=a')).body.query).toEqual({ tag: ['a'] });
    expect((await request(app).get('/r?tag=a&tag=b')).body.query).toEqual({ tag: ['a', 'b'] });
  });

  it.each(['', '0x10', '1e3', '%201', '1.5', '+1'])('does not coerce page=%s into a number', async (raw) => {
    const res = await request(app).get(`/r?page=${raw}`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ path: 'query.page', message: 'must be a decimal integer' }]);
  });

  it('reads booleans exactly and never coerces into z.number()', async () => {
    expect((await request(app).get('/r?flag=false&page=-3')).body.query).toEqual({ flag: false, page: -3 });
    expect((await request(app).get('/r?flag=true')).body.query).toEqual({ flag: true });
    expect((await request(app).get('/r?flag=0')).status).toBe(400);
    expect((await request(app).get('/r?n=5')).body.errors).toEqual([{ path: 'query.n', message: 'must be of type number' }]);
  });
});

describe('error messages never echo input', () => {
  const MARKER = 'zq-marker-7f3a9c';
  const body = z.strictObject({
    kind: z.enum(['a', 'b']),
    exact: z.literal('x'),
    id: field.uuid(),
    count: field.int(),
    code: field.string({ pattern: /^[A-Z]{3}$/ }),
    email: z.email(),
    note: z.string().superRefine((value, ctx) => ctx.addIssue({ code: 'custom', message: `bad note ${value}` })),
    when: z.iso.datetime(),
  });

  it('leaves the marker out of the whole response', async () => {
    const values = Object.fromEntries(['kind', 'exact', 'id', 'count', 'code', 'email', 'note', 'when'].map((key) => [key, MARKER]));
    const res = await request(appFor({ body, query: z.strictObject({ q: field.enum(['x']) }) }))
      .post(`/r?q=${MARKER}`)
      .send(values);
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(9);
    expect(res.text).not.toContain(MARKER);
    expect(res.text).not.toContain('7f3a9c');
    const logged = logLines.join('');
    expect(logged).toContain('ERR_VALIDATION');
    expect(logged).not.toContain('7f3a9c');
  });

  it('does not echo unusual keys in paths', async () => {
    const res = await request(appFor({ body: z.strictObject({}) }))
      .post('/r')
      .send({ [`${MARKER} key`]: 1 });
    expect(res.body.errors).toEqual([{ path: 'body.*', message: 'is not an allowed key' }]);
    expect(res.text).not.toContain(MARKER);
  });
});

describe('NUL characters', () => {
  it('refuses NUL in any string and any key, whatever the schema, without echoing it', async () => {
    const app = appFor({ body: z.strictObject({ note: z.string(), tags: z.record(z.string(), z.string()) }) });
    const res = await request(app)
      .post('/r')
      .send({ note: 'a\u0000b', tags: { 'k\u0000': 'v', ok: 'x\u0000' } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: 'body.note', message: 'must not contain NUL characters' },
      { path: 'body.tags', message: 'has a key containing a NUL character' },
      { path: 'body.tags.ok', message: 'must not contain NUL characters' },
    ]);
    expect(res.text).not.toContain('\\u0000');
  });

  it('refuses NUL in the query and path parameters', async () => {
    const app = appFor({ params: z.strictObject({ id: z.string() }), query: z.strictObject({ q: z.string().optional() }) }, { path: '/r/:id' });
    const res = await request(app).get('/r/a%00b?q=x%00');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { path: 'params.id', message: 'must not contain NUL characters' },
      { path: 'query.q', message: 'must not contain NUL characters' },
    ]);
  });
});
