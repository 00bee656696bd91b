import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { HttpClient, HttpClientOptions } from './index.js';
import { createHarness, httpErrorOf as httpError, recordingLogger, sendJson } from './_testing.js';
import type { TestHandler, TestServer } from './_testing.js';

const order = z.object({ id: z.string(), total: z.number() });
const harness = createHarness();
afterEach(() => harness.closeAll());
const serve = (handler: TestHandler): Promise<TestServer> => harness.serve(handler);
const clientFor = (server: TestServer, extra: Partial<HttpClientOptions> = {}): HttpClient => harness.clientFor(server, extra, '/v1');

describe('responses', () => {
  it('refuses HTML, invalid JSON and bodies that do not match the schema', async () => {
    const server = await serve((req, res) => {
      if (req.url?.endsWith('/html') === true) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login page</html>');
      } else if (req.url?.endsWith('/broken') === true) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "UPSTREAM_SECRET_TEXT"');
      } else {
        sendJson(res, 200, { id: 'o6', total: 'UPSTREAM_SECRET_TEXT', isAdmin: true });
      }
    });
    const client = clientFor(server);
    for (const path of ['/html', '/broken', '/wrong']) {
      const err = await httpError(client.get(path, { schema: order }));
      expect(err.code).toBe('ERR_HTTP_CONTRACT');
      expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain('UPSTREAM_SECRET_TEXT');
    }
    expect((await httpError(client.get('/wrong', { schema: order }))).message).toContain('body.total');
  });

  it('requires a JSON content type even when the body parses', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(JSON.stringify({ id: 'o8', total: 8 }));
    });
    const err = await httpError(clientFor(server).get('/o8', { schema: order }));
    expect(err.code).toBe('ERR_HTTP_CONTRACT');
    expect(err.message).toContain('Response is not JSON');
  });

  it('drops extra fields with z.object and refuses them with z.strictObject', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { id: 'o7', total: 7, isAdmin: true }));
    const client = clientFor(server);
    expect((await client.get('/o7', { schema: order })).data).toEqual({ id: 'o7', total: 7 });
    const strict = z.strictObject({ id: z.string(), total: z.number() });
    expect((await httpError(client.get('/o7', { schema: strict }))).code).toBe('ERR_HTTP_CONTRACT');
  });

  it('aborts a small gzip body that inflates past the cap', async () => {
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(bomb);
    });
    const err = await httpError(clientFor(server).get('/bomb', { schema: z.unknown() }));
    expect(err.code).toBe('ERR_HTTP_RESPONSE_TOO_LARGE');
    expect(err.message).toContain('exceeds 1048576 bytes');
  });

  it('caps plain bodies, with and without a Content-Length', async () => {
    const big = JSON.stringify({ id: 'x'.repeat(4_000), total: 1 });
    const server = await serve((req, res) => {
      const chunked = req.url?.includes('chunked') === true;
      res.writeHead(200, { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': String(big.length) }) });
      if (chunked) for (let i = 0; i < big.length; i += 500) res.write(big.slice(i, i + 500));
      res.end(chunked ? undefined : big);
    });
    const client = clientFor(server, { maxResponseBytes: 1_000 });
    expect((await httpError(client.get('/sized', { schema: order }))).code).toBe('ERR_HTTP_RESPONSE_TOO_LARGE');
    expect((await httpError(client.get('/chunked', { schema: order }))).code).toBe('ERR_HTTP_RESPONSE_TOO_LARGE');
  });

  it('never puts an upstream error body into the error', async () => {
    const server = await serve((_req, res) => sendJson(res, 500, { message: 'UPSTREAM_STACK_TRACE at db.js:12' }));
    const err = await httpError(clientFor(server).get('/fail', { schema: order }));
    expect(err.status).toBe(502);
    expect(err.detail).toBe('A service this request depends on failed.');
    expect(`${err.message} ${err.detail ?? ''} ${JSON.stringify(err)}`).not.toContain('UPSTREAM_STACK_TRACE');
  });

  describe('keys chosen by the upstream', () => {
    const ledger = z.strictObject({
      id: z.string(),
      balances: z.record(z.string(), z.number()),
      items: z.array(z.object({ sku: z.string(), meta: z.record(z.string(), z.strictObject({ ok: z.boolean() })) })),
    });
    const DECLARED = new Set(['id', 'balances', 'items', 'sku', 'meta', 'ok']);
    /** A ledger body that breaks the schema at, and next to, four keys the upstream picked. */
    function hostileBody(k1: string, k2: string, k3: string, k4: string): unknown {
      return { id: 1, balances: { [k1]: 'many' }, items: [{ sku: 's', meta: { [k2]: { ok: 'no', [k3]: 1 } } }], [k4]: true };
    }
    const secretKey = fc.stringMatching(/^sk_live_[A-Za-z0-9]{12,24}$/);
    const anyKey = fc.oneof(fc.string({ minLength: 1, maxLength: 30, unit: 'binary' }), secretKey);
    const undeclared = anyKey.filter((k) => !DECLARED.has(k));

    /** The paths the message names, each segment of which must be declared, an index or the placeholder. */
    function namedSegments(message: string): string[] {
      const listed = /schema at (.*): GET http/.exec(message)?.[1] ?? '';
      return listed.split(', ').flatMap((path) => path.split('.'));
    }

    it('names declared keys, indexes and a placeholder, never an upstream key', async () => {
      let body: unknown = null;
      const server = await serve((_req, res) => sendJson(res, 200, body));
      const logger = recordingLogger();
      const client = clientFor(server, { logger });
      await fc.assert(
        fc.asyncProperty(anyKey, anyKey, undeclared, undeclared, secretKey, async (k1, k2, k3, k4, secret) => {
          body = hostileBody(k1, k2, k3, k4);
          logger.events.length = 0;
          const err = await httpError(client.get('/ledger', { schema: ledger }));
          expect(err.code).toBe('ERR_HTTP_CONTRACT');
          for (const segment of namedSegments(err.message)) {
            expect(segment === 'body' || segment === '<key>' || DECLARED.has(segment) || /^\d+$/.test(segment), segment).toBe(true);
          }
          body = { ...(hostileBody(secret, secret, secret, secret) as object) };
          const leaked = await httpError(client.get('/ledger', { schema: ledger }));
          const everything = [leaked.message, leaked.stack ?? '', JSON.stringify(leaked), JSON.stringify(logger.events)].join('\n');
          expect(everything).not.toContain(secret);
        }),
        { numRuns: 40 },
      );
    });

    it('keeps the message useful: the declared path, with the upstream key replaced', async () => {
      const server = await serve((_req, res) => sendJson(res, 200, hostileBody('sk_live_51Hx', 'acct_9', 'extra', 'debug')));
      const err = await httpError(clientFor(server).get('/ledger', { schema: ledger }));
      expect(err.message).toBe(
        'Response does not match the schema at body.id, body.balances.<key>, body.items.0.meta.<key>.ok, ' +
          `body.items.0.meta.<key>, body: GET ${server.url}/v1/ledger`,
      );
    });
  });
});
