import { once } from 'node:events';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { problemHandler } from '../errors/index.js';
import { createLogger } from '../logger/index.js';
import { jsonBody, type JsonBodyOptions } from './index.js';

/** Echoes what the parser left in `req.body`; `undefined` is reported explicitly. */
function appWith(options?: JsonBodyOptions): express.Express {
  const app = express();
  app.use(jsonBody(options));
  app.all('/r', function echo(req, res) {
    res.json({ present: req.body !== undefined, body: req.body ?? null });
  });
  app.use(problemHandler({ logger: createLogger({ level: 'silent' }) }));
  return app;
}

/** supertest serialises a Buffer as JSON when the content type is JSON; send the bytes as they are. */
function gzipped(app: express.Express, bytes: Buffer): Promise<request.Response> {
  return request(app)
    .post('/r')
    .set('Content-Type', 'application/json')
    .set('Content-Encoding', 'gzip')
    .serialize((data: unknown) => data as string)
    .send(bytes);
}

afterEach(() => {
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
});

describe('jsonBody()', () => {
  it('parses a JSON object or array', async () => {
    const res = await request(appWith())
      .post('/r')
      .send({ a: [1, { b: 'c' }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ present: true, body: { a: [1, { b: 'c' }] } });
    const charset = await request(appWith()).post('/r').set('Content-Type', 'application/json; charset=UTF-8').send('[1]');
    expect(charset.body).toEqual({ present: true, body: [1] });
  });

  it('leaves req.body undefined when there is no body', async () => {
    expect((await request(appWith()).get('/r')).body).toEqual({ present: false, body: null });
    const zero = await request(appWith()).post('/r').set('Content-Type', 'text/plain').set('Content-Length', '0');
    expect(zero.body).toEqual({ present: false, body: null });
  });

  it('leaves req.body undefined for an empty chunked body', async () => {
    const server: Server = appWith().listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const sent = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/r',
        headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      });
      sent.end();
      const [response] = (await once(sent, 'response')) as [import('node:http').IncomingMessage];
      let text = '';
      for await (const chunk of response) text += String(chunk);
      expect(JSON.parse(text)).toEqual({ present: false, body: null });
    } finally {
      server.close();
    }
  });

  it.each([
    ['text/plain', 'x'],
    ['application/x-www-form-urlencoded', 'a=1'],
    ['application/json; charset=latin1', '{}'],
    ['application/json; foo=bar', '{}'],
    ['application/jsonp', '{}'],
    ['application/vnd.api+json', '{}'],
  ])('answers 415 for %s', async (type, text) => {
    const res = await request(appWith()).post('/r').set('Content-Type', type).send(text);
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 415 for a body without a content type', async () => {
    const res = await request(appWith())
      .post('/r')
      .set('Content-Length', '2')
      .serialize((x: unknown) => String(x))
      .send('{}')
      .unset('Content-Type');
    expect(res.status).toBe(415);
  });

  it('answers 400 for malformed JSON without the parser text', async () => {
    const res = await request(appWith()).post('/r').set('Content-Type', 'application/json').send('{"secret-zq41": ');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_MALFORMED_BODY');
    expect(res.text).not.toMatch(/Unexpected|JSON at position|secret-zq41/);
  });

  it.each(['"text"', '42', 'null', '   '])('answers 400 for the non-object body %s', async (text) => {
    const res = await request(appWith()).post('/r').set('Content-Type', 'application/json').send(text);
    expect(res.status).toBe(400);
  });

  it('answers 413 beyond limitBytes', async () => {
    const app = appWith({ limitBytes: 1024 });
    expect(
      (
        await request(app)
          .post('/r')
          .send({ a: 'x'.repeat(1000) })
      ).status,
    ).toBe(200);
    const res = await request(app)
      .post('/r')
      .send({ a: 'x'.repeat(1100) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('ERR_PAYLOAD_TOO_LARGE');
  });

  it('counts the limit after decompression (gzip bomb)', async () => {
    const inflated = Buffer.from(`{"a":"${'a'.repeat(50 * 1024 * 1024)}"}`);
    const bomb = gzipSync(inflated, { level: 9 });
    expect(bomb.length).toBeLessThan(100 * 1024);
    const res = await gzipped(appWith(), bomb);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('ERR_PAYLOAD_TOO_LARGE');
    const small = gzipSync(Buffer.from('{"ok":true}'));
    const fine = await gzipped(appWith(), small);
    expect(fine.body).toEqual({ present: true, body: { ok: true } });
  });

  it('answers 400 for a corrupt gzip body and 415 for an unknown encoding', async () => {
    const corrupt = Buffer.concat([gzipSync(Buffer.from('{"a":1}')).subarray(0, 10), Buffer.from('not gzip at all')]);
    const res = await gzipped(appWith(), corrupt);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_MALFORMED_BODY');
    const unknown = await request(appWith()).post('/r').set('Content-Type', 'application/json').set('Content-Encoding', 'compress').send('{}');
    expect(unknown.status).toBe(415);
  });

  it('answers 400 beyond maxDepth, even for very deep bodies', async () => {
    const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
    const app = appWith();
    expect((await request(app).post('/r').set('Content-Type', 'application/json').send(nested(32))).status).toBe(200);
    const res = await request(app).post('/r').set('Content-Type', 'application/json').send(nested(33));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toBe('must not nest deeper than 32 levels');
    expect((await request(app).post('/r').set('Content-Type', 'application/json').send(nested(50_000))).status).toBe(400);
    expect(
      (
        await request(appWith({ maxDepth: 2 }))
          .post('/r')
          .send({ a: { b: {} } })
      ).status,
    ).toBe(400);
    expect(
      (
        await request(appWith({ maxDepth: 2 }))
          .post('/r')
          .send({ a: { b: 1 } })
      ).status,
    ).toBe(200);
  });

  it.each([
    ['{"__proto__":{"polluted":1}}', 'body.__proto__'],
    ['{"a":[{"b":{"constructor":{"prototype":{"polluted":1}}}}]}', 'body.a.0.b.constructor'],
    ['[{"prototype":1}]', 'body.0.prototype'],
  ])('answers 400 for reserved keys in %s', async (text, path) => {
    const res = await request(appWith()).post('/r').set('Content-Type', 'application/json').send(text);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_VALIDATION');
    expect(res.body.errors).toEqual([{ path, message: 'is a reserved key and is not allowed' }]);
  });

  it('names a bad option', () => {
    expect(() => jsonBody({ limitBytes: 0 })).toThrow(new TypeError('"limitBytes" must be a positive integer up to 104857600'));
    expect(() => jsonBody({ maxDepth: -1 })).toThrow('"maxDepth" must be a positive integer');
    expect(() => jsonBody({ strict: false } as JsonBodyOptions)).toThrow('"strict" is not a known option');
  });
});
