import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { notFoundHandler, problemHandler } from '../errors/index.js';
import { createLogCapture } from '../testing/index.js';
import { createLogger, getRequestContext, requestLogging } from './index.js';
import type { RequestLoggingOptions } from './index.js';

type Line = Record<string, unknown>;

function capture() {
  const sink = createLogCapture();
  const logger = createLogger({ destination: sink.stream, redactKeys: ['sessionRef'] });
  const raw = (): string => sink.text();
  const lines = (): Line[] => sink.lines() as Line[];
  const completed = (): Line[] => lines().filter((l) => l['msg'] === 'request completed');
  return { logger, raw, lines, completed };
}

function buildApp(options: Partial<RequestLoggingOptions> = {}) {
  const sink = capture();
  const app = express();
  app.use(requestLogging({ logger: sink.logger, ...options }));
  const orders = express.Router();
  orders.get('/:orderId', function getOrder(req, res) {
    // Handlers that log whole requests or headers must still not leak credentials.
    getRequestContext(req)?.log.info({ headers: req.headers, req }, 'loading order');
    res.json({ id: req.params.orderId });
  });
  orders.get('/:orderId/fail', function failOrder() {
    throw new Error('database password=fail-secret refused');
  });
  app.use('/orders', orders);
  app.get('/health', function health(_req, res) {
    res.send('ok');
  });
  app.use(notFoundHandler());
  app.use(problemHandler({ logger: sink.logger }));
  return { app, ...sink };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestLogging', () => {
  it('logs one completed line per request with the route template, and echoes the request id', async () => {
    const { app, completed, lines } = buildApp();
    const res = await request(app).get('/orders/42').expect(200);
    await request(app).get('/health').expect(200);
    const [first, second] = completed();
    expect(completed()).toHaveLength(2);
    expect(first).toMatchObject({ method: 'GET', route: '/orders/:orderId', status: 200, path: '/orders/42' });
    expect(typeof first?.['durationMs']).toBe('number');
    expect(first?.['requestId']).toBe(res.headers['x-request-id']);
    expect(String(first?.['requestId'])).toMatch(UUID);
    expect(second).toMatchObject({ route: '/health', path: '/health' });
    expect(second?.['requestId']).not.toBe(first?.['requestId']);
    const handlerLine = lines().find((l) => l['msg'] === 'loading order');
    expect(handlerLine?.['requestId']).toBe(first?.['requestId']);
  });

  it('logs route null for unmatched paths and keeps the template when a handler throws', async () => {
    const { app, completed, raw } = buildApp();
    const missing = await request(app).get('/nope').expect(404);
    const failed = await request(app).get('/orders/7/fail').expect(500);
    expect(completed()[0]).toMatchObject({ route: null, status: 404, path: '/nope' });
    expect(completed()[1]).toMatchObject({ route: '/orders/:orderId/fail', status: 500 });
    expect(missing.body.requestId).toBe(missing.headers['x-request-id']);
    expect(failed.body.requestId).toBe(completed()[1]?.['requestId']);
    expect(raw()).not.toContain('fail-secret');
  });

  it('ignores an incoming X-Request-Id unless trusted, and accepts only well-formed ones', async () => {
    const untrusted = buildApp();
    const res = await request(untrusted.app).get('/health').set('X-Request-Id', 'client-chosen-1');
    expect(res.headers['x-request-id']).not.toBe('client-chosen-1');
    expect(String(untrusted.completed()[0]?.['requestId'])).toMatch(UUID);

    const trusted = buildApp({ trustIncomingRequestId: true });
    const ok = await request(trusted.app).get('/health').set('X-Request-Id', 'edge.trace_01-A');
    expect(ok.headers['x-request-id']).toBe('edge.trace_01-A');
    expect(trusted.completed()[0]?.['requestId']).toBe('edge.trace_01-A');
    for (const bad of ['a'.repeat(65), 'has space', '"quoted"', '{"level":60}']) {
      const replaced = await request(trusted.app).get('/health').set('X-Request-Id', bad);
      expect(replaced.headers['x-request-id']).toMatch(UUID);
    }
    expect(trusted.raw()).not.toContain('has space');
  });

  it('scrubs a token-shaped path and a token-shaped trusted request id from the completed line', async () => {
    const { app, completed, raw } = buildApp({ trustIncomingRequestId: true });
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwYXRoLXNlY3JldCJ9.c2lnbmF0dXJlLXBhcnQ';
    await request(app).get(`/orders/${jwt}`).set('X-Request-Id', 'eyJpZCI6MX0.eyJpZCI6Mn0.c2ln').expect(200);
    const line = completed()[0];
    expect(line?.['path']).toBe('/orders/[REDACTED]');
    expect(line?.['requestId']).toBe('[REDACTED]');
    expect(raw()).not.toMatch(/c2lnbmF0dXJlLXBhcnQ|eyJpZCI6Mn0/);
  });

  it('redacts secret query parameters and token-shaped query values', async () => {
    const { app, completed, raw } = buildApp();
    await request(app).get('/orders/9?token=q-token-1&page=2&access_token=q-token-2&API_KEY=q-key-3&q=Bearer%20q-bearer-4&sessionRef=q-ref-5');
    const line = completed()[0];
    expect(line?.['path']).toBe('/orders/9');
    expect(line?.['query']).toBe('token=[REDACTED]&page=2&access_token=[REDACTED]&API_KEY=[REDACTED]&q=[REDACTED]&sessionRef=[REDACTED]');
    expect(raw()).not.toMatch(/q-token-1|q-token-2|q-key-3|q-bearer-4|q-ref-5/);
  });

  it('never writes Authorization, Cookie or API key header values anywhere', async () => {
    const { app, raw, completed } = buildApp();
    await request(app)
      .get('/orders/1')
      .set('Authorization', 'Bearer hdr-bearer-secret')
      .set('Cookie', 'session=hdr-cookie-secret; theme=dark')
      .set('X-Api-Key', 'hdr-api-key-secret')
      .set('Proxy-Authorization', 'Basic hdr-proxy-secret')
      .expect(200);
    expect(completed()).toHaveLength(1);
    expect(completed()[0]).not.toHaveProperty('headers');
    expect(raw()).not.toMatch(/hdr-bearer-secret|hdr-cookie-secret|hdr-api-key-secret|hdr-proxy-secret/);
    expect(raw()).toContain('loading order');
  });

  it('logs one line, marked aborted, when the client goes away before the response', async () => {
    const sink = capture();
    const app = express();
    app.use(requestLogging({ logger: sink.logger }));
    let arrived!: () => void;
    const handlerReached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    app.get('/slow/:id', function slow() {
      arrived();
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const client = httpRequest({ host: '127.0.0.1', port, path: '/slow/5' });
      client.on('error', () => undefined);
      client.end();
      await handlerReached;
      client.destroy();
      const deadline = Date.now() + 5_000;
      while (sink.completed().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      expect(sink.completed()).toHaveLength(1);
      expect(sink.completed()[0]).toMatchObject({ route: '/slow/:id', status: null, aborted: true });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('rejects bad options with a TypeError naming the option', () => {
    expect(() => requestLogging({} as never)).toThrow(new TypeError('"logger" must be a Logger from createLogger()'));
    const { logger } = capture();
    expect(() => requestLogging({ logger, trustIncomingRequestId: 'yes' as never })).toThrow('"trustIncomingRequestId" must be a boolean');
    expect(() => requestLogging({ logger, serializers: {} } as never)).toThrow('"serializers" is not a requestLogging option');
  });
});
