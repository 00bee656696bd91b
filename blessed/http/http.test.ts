import { brotliCompressSync, gzipSync } from 'node:zlib';
import express from 'express';
import supertest from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemHandler } from '../errors/index.js';
import type { HttpClient, HttpClientOptions } from './index.js';
import { createHarness, httpErrorOf as httpError, recordingLogger, sendJson } from './_testing.js';
import type { TestHandler, TestServer } from './_testing.js';

const order = z.object({ id: z.string(), total: z.number() });
const harness = createHarness();
afterEach(() => harness.closeAll());
const serve = (handler: TestHandler): Promise<TestServer> => harness.serve(handler);
const clientFor = (server: TestServer, extra: Partial<HttpClientOptions> = {}): HttpClient => harness.clientFor(server, extra, '/v1');

describe('successful calls', () => {
  it('sends the encoded path and query under the base path and returns validated data', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { id: 'o1', total: 12 }, { 'x-request-id': 'r1' }));
    const client = clientFor(server);
    const response = await client.get('/orders/{orderId}', {
      params: { orderId: 'a b?#' },
      query: { tag: ['x', 'y'], limit: 5, skip: undefined },
      schema: order,
    });
    expect(response).toEqual({ status: 200, headers: expect.objectContaining({ 'x-request-id': 'r1' }), data: { id: 'o1', total: 12 } });
    expect(server.requests[0]?.url).toBe('/v1/orders/a%20b%3F%23?tag=x&tag=y&limit=5');
    expect(server.requests[0]?.headers['accept']).toBe('application/json');
  });

  it('sends a JSON body and accepts an empty 204 when the schema is null', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const response = await clientFor(server).post('/orders', { body: { item: 'pen', qty: 2 }, schema: null });
    expect(response.status).toBe(204);
    expect(response.data).toBeUndefined();
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ item: 'pen', qty: 2 });
  });

  it('decodes gzip and brotli bodies that stay under the cap', async () => {
    const payload = JSON.stringify({ id: 'o2', total: 3 });
    const server = await serve((req, res) => {
      const br = req.url?.includes('br') === true;
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': br ? 'br' : 'gzip' });
      res.end(br ? brotliCompressSync(payload) : gzipSync(payload));
    });
    const client = clientFor(server);
    expect((await client.get('/gzip', { schema: order })).data).toEqual({ id: 'o2', total: 3 });
    expect((await client.get('/br', { schema: order })).data).toEqual({ id: 'o2', total: 3 });
  });
});

describe('time limits', () => {
  it('fails with ERR_HTTP_TIMEOUT (504) when a server never answers', async () => {
    const server = await serve(() => {});
    const client = clientFor(server, { headersTimeoutMs: 300, retries: 0 });
    const started = Date.now();
    const err = await httpError(client.get('/orders/{id}', { params: { id: '7' }, schema: order }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err.code).toBe('ERR_HTTP_TIMEOUT');
    expect(err.status).toBe(504);
    expect(err.message).toBe(`No response headers within 300 ms: GET ${server.url}/v1/orders/{id}`);
  });

  it('bounds the whole call with the deadline, including a body dripping a byte every 100 ms', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    const client = clientFor(server, { deadlineMs: 800 });
    const started = Date.now();
    const err = await httpError(client.get('/drip', { schema: z.array(z.number()) }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err.code).toBe('ERR_HTTP_TIMEOUT');
    expect(err.message).toBe(`Request timed out after 800 ms: GET ${server.url}/v1/drip`);
    expect(server.requests).toHaveLength(1);
  });

  it("honours the caller's AbortSignal", async () => {
    const server = await serve(() => {});
    const client = clientFor(server);
    const err = await httpError(client.get('/slow', { schema: order, signal: AbortSignal.timeout(100) }));
    expect(err.code).toBe('ERR_HTTP_ABORTED');
  });
});

describe('retries', () => {
  it('retries a GET after 503 and returns the second answer', async () => {
    const server = await serve((_req, res, _body, index) => (index === 0 ? sendJson(res, 503, { error: 'busy' }) : sendJson(res, 200, { id: 'o3', total: 1 })));
    const { data } = await clientFor(server).get('/orders/o3', { schema: order });
    expect(data).toEqual({ id: 'o3', total: 1 });
    expect(server.requests).toHaveLength(2);
  });

  it('sends a POST exactly once, whatever the failure', async () => {
    const server = await serve((_req, res) => sendJson(res, 503, { error: 'busy' }));
    const err = await httpError(clientFor(server).post('/orders', { body: { qty: 1 }, schema: order }));
    expect(err.code).toBe('ERR_HTTP_UPSTREAM_STATUS');
    expect(err.upstreamStatus).toBe(503);
    expect(server.requests).toHaveLength(1);

    const reset = await serve((req) => req.socket.destroy());
    const resetErr = await httpError(clientFor(reset).patch('/orders/{id}', { params: { id: '1' }, body: {}, schema: order }));
    expect(resetErr.code).toBe('ERR_HTTP_CONNECTION');
    expect(reset.requests).toHaveLength(1);
  });

  it('retries PUT only when the client opts in', async () => {
    const flaky: TestHandler = (_req, res, _body, index) => (index === 0 ? sendJson(res, 502, {}) : sendJson(res, 200, { id: 'o4', total: 4 }));
    const plain = await serve(flaky);
    expect((await httpError(clientFor(plain).put('/orders/o4', { body: {}, schema: order }))).upstreamStatus).toBe(502);
    expect(plain.requests).toHaveLength(1);

    const optedIn = await serve(flaky);
    const client = clientFor(optedIn, { retryMethods: ['GET', 'PUT'] });
    expect((await client.put('/orders/o4', { body: {}, schema: order })).data.id).toBe('o4');
    expect(optedIn.requests).toHaveLength(2);
  });

  it('stops after the configured number of retries and counts the attempts', async () => {
    const server = await serve((_req, res) => sendJson(res, 429, {}, { 'retry-after': '0' }));
    const logger = recordingLogger();
    const err = await httpError(clientFor(server, { logger }).get('/busy', { schema: order }));
    expect(server.requests).toHaveLength(3);
    expect(err.attempts).toBe(3);
    expect(logger.events[0]?.fields['attempts']).toBe(3);
  });

  it('caps Retry-After, and never sleeps past the deadline', async () => {
    const capped = await serve((_req, res, _body, index) =>
      index === 0 ? sendJson(res, 503, {}, { 'retry-after': '3600' }) : sendJson(res, 200, { id: 'o5', total: 5 }),
    );
    const started = Date.now();
    await clientFor(capped, { maxRetryDelayMs: 50 }).get('/x', { schema: order });
    expect(Date.now() - started).toBeLessThan(3_000);

    const patient = await serve((_req, res) => sendJson(res, 503, {}, { 'retry-after': '5' }));
    const err = await httpError(clientFor(patient, { deadlineMs: 2_000 }).get('/x', { schema: order }));
    expect(err.code).toBe('ERR_HTTP_UPSTREAM_STATUS');
    expect(patient.requests).toHaveLength(1);
  });

  it('does not retry a 404 but does retry a refused connection', async () => {
    const missing = await serve((_req, res) => sendJson(res, 404, {}));
    expect((await httpError(clientFor(missing).get('/nope', { schema: order }))).upstreamStatus).toBe(404);
    expect(missing.requests).toHaveLength(1);

    const gone = await serve(() => {});
    await gone.close();
    const err = await httpError(clientFor(gone).get('/x', { schema: order }));
    expect(err.code).toBe('ERR_HTTP_CONNECTION');
    expect(err.attempts).toBe(3);
  });
});

describe('errors and logging', () => {
  it('logs one event per failed call with no headers, query strings or bodies', async () => {
    const server = await serve((_req, res) => sendJson(res, 503, { secret: 'UPSTREAM_BODY_VALUE' }));
    const logger = recordingLogger();
    const client = clientFor(server, {
      logger,
      retries: 1,
      headers: { authorization: 'Bearer CLIENT_TOKEN_VALUE' },
      secretHeaders: ['x-signature'],
    });
    const err = await httpError(
      client.get('/orders/{orderId}', {
        params: { orderId: 'PATH_VALUE' },
        query: { email: 'QUERY_VALUE' },
        headers: { 'x-signature': 'SIGNATURE_VALUE' },
        schema: order,
      }),
    );
    expect(logger.events).toHaveLength(1);
    const [event] = logger.events;
    expect(event?.level).toBe('warn');
    expect(event?.fields).toEqual({
      event: 'http_request_failed',
      host: `127.0.0.1:${server.port}`,
      method: 'GET',
      route: '/orders/{orderId}',
      code: 'ERR_HTTP_UPSTREAM_STATUS',
      upstreamStatus: 503,
      attempts: 2,
      durationMs: expect.any(Number),
    });
    const everything = JSON.stringify(logger.events) + err.message + JSON.stringify(err);
    for (const secret of ['CLIENT_TOKEN_VALUE', 'SIGNATURE_VALUE', 'QUERY_VALUE', 'PATH_VALUE', 'UPSTREAM_BODY_VALUE']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('maps to 504 and 502 problem+json through the project error handler', async () => {
    const silent = await serve(() => {});
    const broken = await serve((_req, res) => sendJson(res, 500, { leak: 'UPSTREAM_DETAIL' }));
    const logger = recordingLogger();
    const slowClient = clientFor(silent, { headersTimeoutMs: 200, retries: 0 });
    const brokenClient = clientFor(broken);
    const app = express();
    app.get('/slow', async (_req, res) => {
      res.json((await slowClient.get('/x', { schema: order })).data);
    });
    app.get('/broken', async (_req, res) => {
      res.json((await brokenClient.get('/x', { schema: order })).data);
    });
    app.use(problemHandler({ logger }));
    const slow = await supertest(app).get('/slow');
    expect(slow.status).toBe(504);
    expect(slow.headers['content-type']).toContain('application/problem+json');
    expect(slow.body).toMatchObject({ status: 504, code: 'ERR_HTTP_TIMEOUT', detail: 'A service this request depends on failed.' });
    const bad = await supertest(app).get('/broken');
    expect(bad.status).toBe(502);
    expect(bad.body).toMatchObject({ code: 'ERR_HTTP_UPSTREAM_STATUS' });
    expect(bad.text).not.toContain('UPSTREAM_DETAIL');
  });
});
